"""identity links: scored links between identity records with their explanation

Revision ID: 0004_identity_links
Revises: 0003_masked_data
Create Date: 2026-11-28 20:13:26.750423
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_identity_links"
down_revision: str | None = "0003_masked_data"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "identity_links",
        sa.Column("record_a_id", sa.Integer(), nullable=False),
        sa.Column("record_b_id", sa.Integer(), nullable=False),
        sa.Column("match_weight", sa.Double(), nullable=False),
        sa.Column("match_probability", sa.Double(), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_a_id"],
            ["identity_records.id"],
            name=op.f("fk_identity_links_record_a_id_identity_records"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["record_b_id"],
            ["identity_records.id"],
            name=op.f("fk_identity_links_record_b_id_identity_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_links")),
        sa.UniqueConstraint(
            "record_a_id", "record_b_id", name=op.f("uq_identity_links_record_a_id_record_b_id")
        ),
    )
    with op.batch_alter_table("identity_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_identity_links_record_a_id"), ["record_a_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_identity_links_record_b_id"), ["record_b_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("identity_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_links_record_b_id"))
        batch_op.drop_index(batch_op.f("ix_identity_links_record_a_id"))
    op.drop_table("identity_links")
