"""API travellers keep the airline's passenger reference (PAXLST RFF+ABO)

Revision ID: 0005_api_passenger_ref
Revises: 0004_identity_links
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_api_passenger_ref"
down_revision: str | None = "0004_identity_links"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_travellers") as batch:
        batch.add_column(sa.Column("passenger_ref", sa.String(length=35), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_travellers") as batch:
        batch.drop_column("passenger_ref")
