"""masked data kept encrypted for approved unmasking (passenger data retention)

Revision ID: 0003_masked_data
Revises: 0002_protection
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_masked_data"
down_revision: str | None = "0002_protection"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "masked_data",
        sa.Column("object_type", sa.String(length=32), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("masked_at", sa.DateTime(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_masked_data")),
        sa.UniqueConstraint(
            "object_type", "object_id", name=op.f("uq_masked_data_object_type_object_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("masked_data")
