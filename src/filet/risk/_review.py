"""Review of risk and control alerts: the queue, the evidence, and a person's decision.

A decision (confirm, dismiss, escalate) needs a reason and the reviewer's statement that
exonerating facts were considered (C-817/19); without both nothing is recorded. Escalation opens an
investigation case, or feeds an existing one, with the alert's evidence as a case event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from filet.errors import ConflictError, InputError, NotFoundError, Place
from filet.security import Actor, record
from filet.store.schema import (
    Alert,
    AlertReview,
    BorderCrossing,
    CaseEvent,
    Flight,
    InvestigationCase,
    PnrBooking,
    PnrLeg,
    PnrTraveller,
    RiskAssessment,
    User,
)

Decision = Literal["confirm", "dismiss", "escalate"]
OUTCOME: dict[str, str] = {"confirm": "confirmed", "dismiss": "dismissed", "escalate": "escalated"}
REVIEW_KINDS = ("risk", "control")
MIN_REASON = 10


@dataclass(frozen=True)
class QueueItem:
    """One open alert in the queue, with what groups it (booking, flight)."""

    alert_id: int
    kind: str
    subject_type: str
    subject_id: int
    score: float
    summary: str
    booking: str | None
    flight: str | None
    traveller: str | None
    created_at: dt.datetime


@dataclass(frozen=True)
class AlertEvidence:
    """An alert with the rule versions that fired and the values each read."""

    alert: QueueItem
    status: str
    run_key: str
    rule_versions: dict[str, Any]
    fired: list[dict[str, Any]]
    reviews: list[dict[str, Any]]


def _subject_context(
    session: Session, subject_type: str, subject_id: int
) -> tuple[str | None, str | None, str | None]:
    """(booking locator, first flight, traveller name) for grouping the queue."""
    booking_id: int | None = None
    name: str | None = None
    if subject_type == "pnr_traveller":
        traveller = session.get(PnrTraveller, subject_id)
        if traveller is not None:
            booking_id = traveller.booking_id
            name = traveller.name_as_sent or f"{traveller.surname}/{traveller.given_names}"
    elif subject_type == "pnr_booking":
        booking_id = subject_id
    elif subject_type == "border_crossing":
        crossing = session.get(BorderCrossing, subject_id)
        if crossing is not None:
            flight = f"{crossing.carrier or ''} {crossing.voyage or ''}".strip() or None
            return crossing.companions_ref, flight, crossing.crossing_key
    if booking_id is None:
        return None, None, name
    booking = session.get(PnrBooking, booking_id)
    leg = session.execute(
        select(PnrLeg).where(PnrLeg.booking_id == booking_id).order_by(PnrLeg.seq).limit(1)
    ).scalar_one_or_none()
    flight_label: str | None = None
    if leg is not None:
        day = (leg.departure_local or "")[:10]
        if leg.flight_id is not None and (flown := session.get(Flight, leg.flight_id)):
            day = flown.departure_date.isoformat()
        flight_label = (
            f"{leg.carrier}{leg.number} {leg.departure_airport}-{leg.arrival_airport} {day}"
        )
    locator = f"{booking.carrier} {booking.locator}" if booking else None
    return locator, flight_label, name


def _item(session: Session, alert: Alert) -> QueueItem:
    booking, flight, traveller = _subject_context(session, alert.subject_type, alert.subject_id)
    return QueueItem(
        alert.id,
        alert.kind,
        alert.subject_type,
        alert.subject_id,
        alert.score,
        alert.summary,
        booking,
        flight,
        traveller,
        alert.created_at,
    )


def review_queue(session: Session, limit: int = 200, status: str = "open") -> list[QueueItem]:
    """Open risk and control alerts: highest score first, grouped by flight and booking."""
    alerts = session.execute(
        select(Alert)
        .where(Alert.kind.in_(REVIEW_KINDS), Alert.status == status)
        .order_by(Alert.score.desc(), Alert.id)
        .limit(limit)
    ).scalars()
    items = [_item(session, a) for a in alerts]
    # Keep the highest score of each group first, then group members together.
    best_flight: dict[str | None, float] = {}
    best_booking: dict[str | None, float] = {}
    for item in items:
        best_flight[item.flight] = max(best_flight.get(item.flight, 0.0), item.score)
        best_booking[item.booking] = max(best_booking.get(item.booking, 0.0), item.score)
    return sorted(
        items,
        key=lambda i: (
            -best_flight[i.flight],
            i.flight or "",
            -best_booking[i.booking],
            i.booking or "",
            -i.score,
            i.alert_id,
        ),
    )


def _alert(session: Session, alert_id: int) -> Alert:
    alert = session.get(Alert, alert_id)
    if alert is None or alert.kind not in REVIEW_KINDS:
        raise NotFoundError(f"no risk alert {alert_id}")
    return alert


def alert_evidence(session: Session, alert_id: int) -> AlertEvidence:
    """The alert, the assessment behind it and the reviews so far."""
    alert = _alert(session, alert_id)
    assessment = session.get(RiskAssessment, alert.source_id)
    names = {u.id: u.username for u in session.execute(select(User)).scalars()}
    reviews = [
        {
            "decision": r.decision,
            "reason": r.reason,
            "exonerating_considered": r.exonerating_considered,
            "reviewer": names.get(r.user_id),
            "at": r.created_at.isoformat(),
        }
        for r in session.execute(
            select(AlertReview).where(AlertReview.alert_id == alert.id).order_by(AlertReview.id)
        ).scalars()
    ]
    return AlertEvidence(
        _item(session, alert),
        alert.status,
        assessment.run_key if assessment else "",
        dict(assessment.rule_versions) if assessment else {},
        list(assessment.fired) if assessment else [],
        reviews,
    )


@dataclass(frozen=True)
class ReviewOutcome:
    alert_id: int
    status: str
    case_reference: str | None


def review_alert(
    session: Session,
    alert_id: int,
    reviewer: User,
    decision: Decision,
    reason: str,
    exonerating_considered: bool,
    actor: Actor,
    case_reference: str | None = None,
) -> ReviewOutcome:
    """Record a person's decision on an alert; escalation opens or feeds an investigation case."""
    if decision not in OUTCOME:
        raise InputError(
            f"decision {decision!r}: expected confirm, dismiss or escalate", Place(field="decision")
        )
    if len(reason.strip()) < MIN_REASON:
        raise InputError(f"give a reason (at least {MIN_REASON} characters)", Place(field="reason"))
    if not exonerating_considered:
        raise InputError(
            "confirm that exonerating facts were considered before deciding",
            Place(field="exonerating_considered"),
        )
    alert = _alert(session, alert_id)
    if alert.status != "open":
        raise ConflictError(f"alert {alert_id} was already reviewed ({alert.status})")
    session.add(
        AlertReview(
            alert_id=alert.id,
            user_id=reviewer.id,
            decision=decision,
            reason=reason.strip(),
            exonerating_considered=True,
        )
    )
    alert.status = OUTCOME[decision]
    reference: str | None = None
    if decision == "escalate":
        reference = _feed_case(session, alert, reviewer, actor, reason.strip(), case_reference)
    session.flush()
    record(
        session,
        actor,
        "update",
        "alert",
        [alert.id],
        {"decision": decision, "case": reference},
    )
    return ReviewOutcome(alert.id, alert.status, reference)


def _feed_case(
    session: Session,
    alert: Alert,
    reviewer: User,
    actor: Actor,
    reason: str,
    reference: str | None,
) -> str:
    if reference:
        case = session.execute(
            select(InvestigationCase).where(InvestigationCase.reference == reference)
        ).scalar_one_or_none()
        if case is None:
            raise NotFoundError(f"no investigation case {reference!r}")
    else:
        booking, flight, _ = _subject_context(session, alert.subject_type, alert.subject_id)
        year = dt.datetime.now(dt.UTC).year
        case = InvestigationCase(
            reference=f"RISK-{year}-{alert.id:06d}",
            title=f"Risk alert {alert.id}: {alert.summary}"[:300],
            offence_hypothesis="smuggling",
            created_by=reviewer.id,
        )
        session.add(case)
        session.flush()
        record(
            session,
            actor,
            "create",
            "investigation_case",
            [case.id],
            {"from_alert": alert.id, "booking": booking, "flight": flight},
        )
    assessment = session.get(RiskAssessment, alert.source_id)
    session.add(
        CaseEvent(
            case_id=case.id,
            kind="alert",
            user_id=reviewer.id,
            text=reason,
            data={
                "alert_id": alert.id,
                "kind": alert.kind,
                "subject_type": alert.subject_type,
                "subject_id": alert.subject_id,
                "score": alert.score,
                "rule_versions": dict(assessment.rule_versions) if assessment else {},
                "fired": list(assessment.fired) if assessment else [],
            },
        )
    )
    return case.reference
