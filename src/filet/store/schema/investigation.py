"""The network (nodes and links with provenance), graded intelligence items and investigation cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from filet.store.schema._base import Base, CreatedMixin, IdMixin


class NetworkNode(IdMixin, Base):
    """An entity in the network: person, phone, email, address, card, account, agency, vehicle,
    vessel, document, booking, trip or crossing event (natural key: kind and key)."""

    __tablename__ = "network_nodes"

    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(200))
    label: Mapped[str] = mapped_column(String(300), default="")
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)

    __table_args__ = (UniqueConstraint("kind", "key"),)


class NetworkEdge(IdMixin, Base):
    """A link between two nodes, with when it was seen, how often and where it comes from."""

    __tablename__ = "network_edges"

    kind: Mapped[str] = mapped_column(String(24))
    source_id: Mapped[int] = mapped_column(ForeignKey("network_nodes.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("network_nodes.id", ondelete="CASCADE"))
    first_seen: Mapped[dt.datetime | None]
    last_seen: Mapped[dt.datetime | None]
    count: Mapped[int] = mapped_column(default=1)
    weight: Mapped[float] = mapped_column(default=1.0)
    provenance: Mapped[list[Any]] = mapped_column(default=list)

    __table_args__ = (
        UniqueConstraint("kind", "source_id", "target_id"),
        Index("ix_network_edges_target", "target_id"),
    )


class NetworkRing(IdMixin, Base):
    """A suspected ring kept across analyses under a stable reference (``RING-000123``).

    A re-analysis keeps the reference of the stored ring whose persons overlap the new ring's at
    Jaccard >= 0.5 (``filet.network`` ``_rings.py``); a stored ring no analysis finds any more is
    marked ``vanished``, never deleted (a case may cite it).
    """

    __tablename__ = "network_rings"

    reference: Mapped[str] = mapped_column(String(16), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active|vanished
    score: Mapped[float] = mapped_column(default=0.0)
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    persons: Mapped[int] = mapped_column(default=0)
    suspects: Mapped[int] = mapped_column(default=0)
    smuggled_migrants: Mapped[int] = mapped_column(default=0)
    first_seen: Mapped[dt.datetime | None]
    last_seen: Mapped[dt.datetime | None]
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    history: Mapped[list[Any]] = mapped_column(default=list)
    first_analysed_at: Mapped[dt.datetime]
    analysed_at: Mapped[dt.datetime]
    vanished_at: Mapped[dt.datetime | None]


class NetworkRingMember(IdMixin, Base):
    """A node of a stored ring (by natural key, so members outlive a rebuild of the network), with
    the role inferred for it and the evidence. ``smuggled_migrant`` is a protection role, never a
    suspect."""

    __tablename__ = "network_ring_members"

    ring_id: Mapped[int] = mapped_column(ForeignKey("network_rings.id", ondelete="CASCADE"))
    node_kind: Mapped[str] = mapped_column(String(16))
    node_key: Mapped[str] = mapped_column(String(200))
    label: Mapped[str] = mapped_column(String(300), default="")
    role: Mapped[str | None] = mapped_column(String(32))
    reasons: Mapped[list[Any]] = mapped_column(default=list)

    __table_args__ = (
        UniqueConstraint("ring_id", "node_kind", "node_key"),
        Index("ix_network_ring_members_node", "node_kind", "node_key"),
    )


class IntelligenceItem(IdMixin, CreatedMixin, Base):
    """A graded piece of intelligence (call, payment, meeting, debriefing, report).

    Grading: 4x4 (source A-D, information 1-4) or 6x6 Admiralty (A-F, 1-6), as recorded.
    """

    __tablename__ = "intelligence_items"

    reference: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    occurred_at: Mapped[dt.datetime | None]
    grading_system: Mapped[str] = mapped_column(String(4), default="4x4")
    source_reliability: Mapped[str] = mapped_column(String(1))
    information_credibility: Mapped[str] = mapped_column(String(1))
    handling_code: Mapped[str | None] = mapped_column(String(8))
    subjects: Mapped[list[Any]] = mapped_column(default=list)
    content: Mapped[str] = mapped_column(Text, default="")
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class InvestigationCase(IdMixin, CreatedMixin, Base):
    """An investigation of facilitators, with its offence hypothesis (history in case_events)."""

    __tablename__ = "investigation_cases"

    reference: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    offence_hypothesis: Mapped[str] = mapped_column(String(32), default="smuggling")
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class CaseMember(IdMixin, Base):
    """A person in a case with their role (organiser, escort, ... or witness/smuggled migrant)."""

    __tablename__ = "case_members"

    case_id: Mapped[int] = mapped_column(ForeignKey("investigation_cases.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    role: Mapped[str] = mapped_column(String(32))
    added_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (UniqueConstraint("case_id", "person_id"),)


class CaseEvent(IdMixin, CreatedMixin, Base):
    """The history of a case: notes, hypothesis changes (with evidence), linked items."""

    __tablename__ = "case_events"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("investigation_cases.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(24))  # note|hypothesis|member|intelligence|alert
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
