"""Protection cases, vulnerability screenings and factors, tasks, service providers, consent and
referrals. Firewalled: enforcement roles never read these tables (see security/roles.yaml)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from filet.store.schema._base import Base, CreatedMixin, IdMixin


class ProtectionCase(IdMixin, CreatedMixin, Base):
    """A protection case for one person, opened by an officer or by an automatic trigger."""

    __tablename__ = "protection_cases"

    reference: Mapped[str] = mapped_column(String(32), unique=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    trigger: Mapped[str] = mapped_column(String(32))
    trigger_detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    child_track: Mapped[bool] = mapped_column(default=False)
    best_interests: Mapped[bool] = mapped_column(default=False)
    guardian: Mapped[str | None] = mapped_column(String(200))
    asylum_wish: Mapped[bool] = mapped_column(default=False)
    offence_hypothesis: Mapped[str | None] = mapped_column(String(32))
    indicators: Mapped[dict[str, Any]] = mapped_column(default=dict)
    asylum_resolved_at: Mapped[dt.datetime | None]
    asylum_outcome: Mapped[str | None] = mapped_column(String(32))
    detained_at: Mapped[dt.datetime | None]
    consular_rights_told_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    closure_reason: Mapped[str | None] = mapped_column(Text)
    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class VulnerabilityScreening(IdMixin, CreatedMixin, Base):
    """A dated screening (UNHCR-IDC domains) with answers, intervention rating and interviewer."""

    __tablename__ = "vulnerability_screenings"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("protection_cases.id", ondelete="CASCADE"), index=True
    )
    questionnaire: Mapped[str] = mapped_column(String(64))
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    intervention_rating: Mapped[str] = mapped_column(String(8))  # low|medium|high
    interviewer_gender_preferred: Mapped[str | None] = mapped_column(String(16))
    interviewer_gender_honoured: Mapped[bool | None]
    screened_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class VulnerabilityFactor(IdMixin, Base):
    """A risk or protective factor (IOM determinants model level), dated and re-assessable."""

    __tablename__ = "vulnerability_factors"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("protection_cases.id", ondelete="CASCADE"), index=True
    )
    screening_id: Mapped[int | None] = mapped_column(ForeignKey("vulnerability_screenings.id"))
    level: Mapped[str] = mapped_column(String(16))  # individual|household|community|structural
    factor: Mapped[str] = mapped_column(String(64))
    effect: Mapped[str] = mapped_column(String(10))  # risk|protective
    assessed_at: Mapped[dt.datetime]
    note: Mapped[str] = mapped_column(Text, default="")


class ProtectionTask(IdMixin, CreatedMixin, Base):
    """A task with a due date (follow-up, screening, referral) on a protection case."""

    __tablename__ = "protection_tasks"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("protection_cases.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[dt.datetime]
    done_at: Mapped[dt.datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")


class ServiceProvider(IdMixin, Base):
    """An organisation in the referral directory."""

    __tablename__ = "service_providers"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    services: Mapped[list[Any]] = mapped_column(default=list)
    area: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(Text, default="")


class Consent(IdMixin, CreatedMixin, Base):
    """Consent given (or withdrawn) to a service and to disclosure to another organisation."""

    __tablename__ = "consents"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("protection_cases.id", ondelete="CASCADE"), index=True
    )
    scope: Mapped[str] = mapped_column(String(16))  # service|disclosure
    service: Mapped[str] = mapped_column(String(32))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("service_providers.id"))
    given: Mapped[bool]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Referral(IdMixin, CreatedMixin, Base):
    """A referral to one service of one provider: in_progress -> accepted|rejected -> done, or revoked."""

    __tablename__ = "referrals"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("protection_cases.id", ondelete="CASCADE"), index=True
    )
    provider_id: Mapped[int] = mapped_column(ForeignKey("service_providers.id"))
    service: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="in_progress")
    status_reason: Mapped[str | None] = mapped_column(Text)
    consent_override_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    consent_override_reason: Mapped[str | None] = mapped_column(Text)
    referred_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    history: Mapped[list[Any]] = mapped_column(default=list)


class ProtectionTrigger(IdMixin, CreatedMixin, Base):
    """An automatic trigger that opened or joined a case; one per kind per case (idempotency)."""

    __tablename__ = "protection_triggers"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("protection_cases.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(128), default="")
    observed_at: Mapped[dt.datetime]
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)

    __table_args__ = (UniqueConstraint("case_id", "kind"),)


class ProtectionEvent(IdMixin, CreatedMixin, Base):
    """The history of a case: hypothesis changes with evidence, actions, rules applied, journey
    events and perpetrators as the person described them, closure. Numbered per case."""

    __tablename__ = "protection_events"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("protection_cases.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(String(24))
    at: Mapped[dt.datetime]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)

    __table_args__ = (UniqueConstraint("case_id", "seq"),)
