"""network rings: stable references and members

Revision ID: 0006_network_rings
Revises: 0005_api_passenger_ref
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_network_rings"
down_revision: str | None = "0005_api_passenger_ref"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "network_rings",
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.Column("suspects", sa.Integer(), nullable=False),
        sa.Column("smuggled_migrants", sa.Integer(), nullable=False),
        sa.Column("first_seen", sa.DateTime(), nullable=True),
        sa.Column("last_seen", sa.DateTime(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.Column("first_analysed_at", sa.DateTime(), nullable=False),
        sa.Column("analysed_at", sa.DateTime(), nullable=False),
        sa.Column("vanished_at", sa.DateTime(), nullable=True),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_rings")),
        sa.UniqueConstraint("reference", name=op.f("uq_network_rings_reference")),
    )
    op.create_table(
        "network_ring_members",
        sa.Column("ring_id", sa.Integer(), nullable=False),
        sa.Column("node_kind", sa.String(length=16), nullable=False),
        sa.Column("node_key", sa.String(length=200), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.ForeignKeyConstraint(
            ["ring_id"],
            ["network_rings.id"],
            name=op.f("fk_network_ring_members_ring_id_network_rings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_ring_members")),
        sa.UniqueConstraint(
            "ring_id",
            "node_kind",
            "node_key",
            name=op.f("uq_network_ring_members_ring_id_node_kind_node_key"),
        ),
    )
    with op.batch_alter_table("network_ring_members", schema=None) as batch_op:
        batch_op.create_index(
            "ix_network_ring_members_node", ["node_kind", "node_key"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("network_ring_members", schema=None) as batch_op:
        batch_op.drop_index("ix_network_ring_members_node")

    op.drop_table("network_ring_members")
    op.drop_table("network_rings")
