"""Persons and their identity records, travel documents, document alerts, crossing points and
crossings: what the border sees."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from filet.store.schema._base import Base, CreatedMixin, IdMixin


class Person(IdMixin, CreatedMixin, Base):
    """A real person as resolved by identity resolution: a cluster of identity records.

    ``category`` is the data-subject category (LED art. 6): unknown, traveller, suspect,
    smuggled_migrant, victim, witness. A smuggled migrant is never a suspect for being smuggled.
    """

    __tablename__ = "persons"

    key: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(300), default="")
    category: Mapped[str] = mapped_column(String(32), default="unknown")
    protection_flags: Mapped[list[Any]] = mapped_column(default=list)


class IdentityRecord(IdMixin, CreatedMixin, Base):
    """One appearance of a person in one source (crossing, API, PNR, watchlist, case, intelligence).

    Natural key: (source_type, source_key). ``person_id`` is set by identity resolution.
    """

    __tablename__ = "identity_records"

    source_type: Mapped[str] = mapped_column(String(32))
    source_key: Mapped[str] = mapped_column(String(128))
    given_names: Mapped[str | None] = mapped_column(String(300))
    surname: Mapped[str | None] = mapped_column(String(300))
    full_name: Mapped[str | None] = mapped_column(String(600))
    name_script: Mapped[str | None] = mapped_column(String(32))
    birth_date: Mapped[str | None] = mapped_column(String(10))  # YYYY, YYYY-MM or YYYY-MM-DD
    sex: Mapped[str | None] = mapped_column(String(1))
    nationality: Mapped[str | None] = mapped_column(String(3))
    document_number: Mapped[str | None] = mapped_column(String(64))
    document_country: Mapped[str | None] = mapped_column(String(3))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(Text)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    match_probability: Mapped[float | None]

    __table_args__ = (
        UniqueConstraint("source_type", "source_key"),
        Index("ix_identity_records_document", "document_country", "document_number"),
    )


class IdentityJudgement(IdMixin, CreatedMixin, Base):
    """An analyst's judgement on two records: same, not_same or unsure. Respected by every run."""

    __tablename__ = "identity_judgements"

    record_a_id: Mapped[int] = mapped_column(ForeignKey("identity_records.id"))
    record_b_id: Mapped[int] = mapped_column(ForeignKey("identity_records.id"))
    verdict: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (UniqueConstraint("record_a_id", "record_b_id"),)


class IdentityLink(IdMixin, CreatedMixin, Base):
    """A scored link between two identity records: match weight, probability and why.

    Written by identity resolution for every pair scored above the floor weight; ``explanation``
    is the waterfall (prior, then each comparison's level and weight). ``record_a_id`` is the
    smaller id. ``accepted`` says whether clustering used the link to join the two records.
    """

    __tablename__ = "identity_links"

    record_a_id: Mapped[int] = mapped_column(
        ForeignKey("identity_records.id", ondelete="CASCADE"), index=True
    )
    record_b_id: Mapped[int] = mapped_column(
        ForeignKey("identity_records.id", ondelete="CASCADE"), index=True
    )
    match_weight: Mapped[float]
    match_probability: Mapped[float]
    accepted: Mapped[bool] = mapped_column(default=False)
    explanation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    model_version: Mapped[str] = mapped_column(String(64))

    __table_args__ = (UniqueConstraint("record_a_id", "record_b_id"),)


class TravelDocument(IdMixin, CreatedMixin, Base):
    """A travel document as presented or reported; natural key (issuing state, type, number)."""

    __tablename__ = "travel_documents"

    document_type: Mapped[str] = mapped_column(
        String(4)
    )  # first letters of the document code: P, I, V, ...
    issuing_state: Mapped[str] = mapped_column(String(3))
    number: Mapped[str] = mapped_column(String(64))
    expiry_date: Mapped[dt.date | None]
    holder_record_id: Mapped[int | None] = mapped_column(ForeignKey("identity_records.id"))

    __table_args__ = (UniqueConstraint("issuing_state", "document_type", "number"),)


class DocumentAlert(IdMixin, CreatedMixin, Base):
    """A lost, stolen, stolen-blank or revoked document (or a range of blanks) from an alert list."""

    __tablename__ = "document_alerts"

    issuing_state: Mapped[str] = mapped_column(String(3))
    document_number: Mapped[str] = mapped_column(String(64))
    number_to: Mapped[str | None] = mapped_column(String(64))
    document_type: Mapped[str | None] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(16))  # lost|stolen|stolen_blank|revoked|invalidated
    reported_date: Mapped[dt.date | None]
    source: Mapped[str] = mapped_column(String(64))

    __table_args__ = (UniqueConstraint("source", "issuing_state", "document_number"),)


class CrossingPoint(IdMixin, Base):
    """A border crossing point: an airport, a land post or a seaport."""

    __tablename__ = "crossing_points"

    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(3))
    kind: Mapped[str] = mapped_column(String(8))  # air|land|sea
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]


class BorderCrossing(IdMixin, CreatedMixin, Base):
    """An entry or exit of one traveller at one crossing point, with the officer's decision.

    Natural key ``crossing_key``: given by the source (CSV) or derived from point, time and document.
    """

    __tablename__ = "border_crossings"

    crossing_key: Mapped[str] = mapped_column(String(128), unique=True)
    identity_record_id: Mapped[int | None] = mapped_column(
        ForeignKey("identity_records.id"), index=True
    )
    document_id: Mapped[int | None] = mapped_column(ForeignKey("travel_documents.id"), index=True)
    crossing_point_id: Mapped[int] = mapped_column(ForeignKey("crossing_points.id"))
    direction: Mapped[str] = mapped_column(String(5))  # entry|exit
    at: Mapped[dt.datetime] = mapped_column(index=True)
    mode: Mapped[str] = mapped_column(String(8))  # air|land|sea
    carrier: Mapped[str | None] = mapped_column(String(64))
    voyage: Mapped[str | None] = mapped_column(String(64))
    vehicle: Mapped[str | None] = mapped_column(String(64))
    officer: Mapped[str | None] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(
        String(32)
    )  # admitted|refused|second_line|protection_referral
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    companions_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    mrz: Mapped[str | None] = mapped_column(Text)
    check_result: Mapped[dict[str, Any]] = mapped_column(default=dict)
