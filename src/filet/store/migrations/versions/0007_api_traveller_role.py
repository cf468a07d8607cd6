"""API travellers' role holds every PAXLST role (``in_transit_passenger`` is 20 characters)

Revision ID: 0007_api_traveller_role
Revises: 0006_network_rings
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_api_traveller_role"
down_revision: str | None = "0006_network_rings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_travellers") as batch:
        batch.alter_column("role", existing_type=sa.String(length=10), type_=sa.String(length=32))


def downgrade() -> None:
    with op.batch_alter_table("api_travellers") as batch:
        batch.alter_column("role", existing_type=sa.String(length=32), type_=sa.String(length=10))
