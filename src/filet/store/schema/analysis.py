"""Watchlists and screening hits, risk rules and assessments, alerts and their reviews."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from filet.store.schema._base import Base, CreatedMixin, IdMixin


class Watchlist(IdMixin, CreatedMixin, Base):
    """A list of persons of interest from one source, valid for a period."""

    __tablename__ = "watchlists"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    source: Mapped[str] = mapped_column(String(200), default="")
    valid_from: Mapped[dt.date | None]
    valid_to: Mapped[dt.date | None]


class WatchlistEntry(IdMixin, CreatedMixin, Base):
    """A listed person (natural key: list and the entry's id in the source)."""

    __tablename__ = "watchlist_entries"

    watchlist_id: Mapped[int] = mapped_column(ForeignKey("watchlists.id", ondelete="CASCADE"))
    entry_key: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(600))
    aliases: Mapped[list[Any]] = mapped_column(default=list)
    birth_date: Mapped[str | None] = mapped_column(String(10))
    nationality: Mapped[str | None] = mapped_column(String(3))
    sex: Mapped[str | None] = mapped_column(String(1))
    document_number: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text, default="")
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (UniqueConstraint("watchlist_id", "entry_key"),)


class ScreeningHit(IdMixin, CreatedMixin, Base):
    """A possible match of a subject (traveller, crossing, record) to a watchlist entry."""

    __tablename__ = "screening_hits"

    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int]
    entry_id: Mapped[int] = mapped_column(ForeignKey("watchlist_entries.id", ondelete="CASCADE"))
    score: Mapped[float]
    band: Mapped[str] = mapped_column(String(8))  # review|strong
    explanation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    data_fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="open")
    settings_version: Mapped[str] = mapped_column(String(16), default="")

    __table_args__ = (UniqueConstraint("subject_type", "subject_id", "entry_id"),)


class RiskRule(IdMixin, CreatedMixin, Base):
    """One version of a targeting rule; ``definition`` is the validated rule document (YAML as JSON)."""

    __tablename__ = "risk_rules"

    rule_key: Mapped[str] = mapped_column(String(64))
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    target: Mapped[str] = mapped_column(String(16))  # booking|traveller|crossing
    status: Mapped[str] = mapped_column(String(16), default="draft")
    definition: Mapped[dict[str, Any]] = mapped_column(default=dict)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[dt.datetime | None]
    dpia_reference: Mapped[str | None] = mapped_column(String(200))
    fria_reference: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (UniqueConstraint("rule_key", "version"),)


class RiskAssessment(IdMixin, CreatedMixin, Base):
    """The result of the active rules on one target: score, rule versions and the values that fired."""

    __tablename__ = "risk_assessments"

    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int]
    run_key: Mapped[str] = mapped_column(String(64))
    score: Mapped[float]
    rule_versions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    fired: Mapped[list[Any]] = mapped_column(default=list)
    settings_version: Mapped[str] = mapped_column(String(16), default="")

    __table_args__ = (UniqueConstraint("target_type", "target_id", "run_key"),)


class Alert(IdMixin, CreatedMixin, Base):
    """A suggestion for a person to review: from screening, a risk rule, a document check, network
    analysis, or the random control sample. Nothing adverse happens until it is reviewed."""

    __tablename__ = "alerts"

    kind: Mapped[str] = mapped_column(String(16))  # screening|risk|document|network|control
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int]
    source_type: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[int]
    score: Mapped[float] = mapped_column(default=0.0)
    status: Mapped[str] = mapped_column(
        String(16), default="open"
    )  # open|confirmed|dismissed|escalated
    summary: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        UniqueConstraint("kind", "source_type", "source_id"),
        Index("ix_alerts_queue", "status", "score"),
    )


class AlertReview(IdMixin, CreatedMixin, Base):
    """A named officer's decision on an alert, with the reason and the exonerating-facts tick."""

    __tablename__ = "alert_reviews"

    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str] = mapped_column(String(16))  # confirm|dismiss|escalate
    reason: Mapped[str] = mapped_column(Text)
    exonerating_considered: Mapped[bool]
