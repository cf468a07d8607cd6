"""Protection API: cases, screening, factors, consent, referrals, follow-up, rules, reports and the
HTCDS export, for protection officers only; and the safe flags any ``persons:read`` holder may see.

Every route under ``/api/v1/protection`` needs a ``protection:*`` permission, which enforcement roles
never hold (tests/protection/test_firewall.py proves it route by route). Reads are audited by
``require``; writes are audited by the ``filet.protection`` functions that make them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, Field
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from filet import protection
from filet.errors import ConflictError, FiletError, NotFoundError, PermissionDenied
from filet.security import record
from filet.store.schema import (
    Consent,
    Person,
    ProtectionCase,
    ProtectionTask,
    Referral,
    ServiceProvider,
)
from filet.web.deps import Principal, db_session, require

router = APIRouter(prefix="/api/v1", tags=["protection"])

READ = "protection:read"
WRITE = "protection:write"
EXPORT = "protection:export"
OVERRIDE = "protection:consent-override"


def refusal(error: FiletError) -> HTTPException:
    """The HTTP answer for a refused protection operation."""
    if isinstance(error, NotFoundError):
        code = status.HTTP_404_NOT_FOUND
    elif isinstance(error, PermissionDenied):
        code = status.HTTP_403_FORBIDDEN
    elif isinstance(error, ConflictError):
        code = status.HTTP_409_CONFLICT
    else:
        code = status.HTTP_422_UNPROCESSABLE_ENTITY
    return HTTPException(code, {"message": error.message, "place": error.place.as_dict()})


def _case(session: Session, reference: str) -> ProtectionCase:
    try:
        return protection.get_case(session, reference)
    except FiletError as error:
        raise refusal(error) from None


# --- models ---------------------------------------------------------------------------------------


class CaseSummary(BaseModel):
    reference: str
    person_id: int | None
    person_label: str | None
    status: str
    trigger: str
    opened_at: dt.datetime
    child_track: bool
    asylum_wish: bool
    return_blocked: bool
    offence_hypothesis: str | None
    open_tasks: int


class CaseDetail(CaseSummary):
    best_interests: bool
    guardian: str | None
    asylum_outcome: str | None
    indicators: dict[str, Any]
    detained_at: dt.datetime | None
    consular_rights_told_at: dt.datetime | None
    closed_at: dt.datetime | None
    closure_reason: str | None
    screenings: list[dict[str, Any]]
    factors: list[dict[str, Any]]
    consents: list[dict[str, Any]]
    referrals: list[dict[str, Any]]
    tasks: list[dict[str, Any]]
    history: list[dict[str, Any]]


class OpenCaseIn(BaseModel):
    person_id: int | None = None
    note: str = ""


class ScreeningIn(BaseModel):
    questionnaire: str = "unhcr-idc-2016"
    answers: dict[str, Any]
    rating: str | None = Field(default=None, description="low, medium or high")
    interviewer_gender_preferred: str | None = Field(default=None, description="female|male|none")
    interviewer_gender_honoured: bool | None = None


class FactorIn(BaseModel):
    level: str
    factor: str
    effect: str
    note: str = ""


class ConsentIn(BaseModel):
    scope: str = Field(description="service, disclosure or personal_data")
    service: str = "any"
    given: bool
    provider_id: int | None = None


class ReferralIn(BaseModel):
    provider_id: int
    service: str
    note: str = ""
    override_reason: str | None = Field(
        default=None,
        description="Refer without consent (needs protection:consent-override; logged)",
    )


class ReferralStatusIn(BaseModel):
    status: str
    reason: str = ""


class FollowUpIn(BaseModel):
    due_at: dt.datetime
    note: str = ""


class TaskDoneIn(BaseModel):
    note: str = ""


class DetentionIn(BaseModel):
    detained_at: dt.datetime
    consular_rights_told_at: dt.datetime | None = None


class HypothesisIn(BaseModel):
    hypothesis: str
    reason: str


class AsylumIn(BaseModel):
    wish: bool = False
    outcome: str | None = None


class GuardianIn(BaseModel):
    guardian: str


class ActionIn(BaseModel):
    action: str
    note: str = ""


class CloseIn(BaseModel):
    reason: str
    note: str = ""


class ProviderIn(BaseModel):
    name: str
    services: list[str]
    area: str = ""
    contact: str = ""


class ProviderOut(BaseModel):
    id: int
    name: str
    services: list[str]
    area: str
    contact: str


# --- helpers --------------------------------------------------------------------------------------


def _open_task_count(session: Session, case: ProtectionCase) -> int:
    return len(
        session.execute(
            select(ProtectionTask.id).where(
                ProtectionTask.case_id == case.id, ProtectionTask.done_at.is_(None)
            )
        ).all()
    )


def summary(session: Session, case: ProtectionCase) -> CaseSummary:
    person = session.get(Person, case.person_id) if case.person_id else None
    return CaseSummary(
        reference=case.reference,
        person_id=case.person_id,
        person_label=person.label if person else None,
        status=case.status,
        trigger=case.trigger,
        opened_at=case.created_at,
        child_track=case.child_track,
        asylum_wish=case.asylum_wish,
        return_blocked=protection.return_blocked(case),
        offence_hypothesis=case.offence_hypothesis,
        open_tasks=_open_task_count(session, case),
    )


def detail(session: Session, case: ProtectionCase) -> CaseDetail:
    providers = {p.id: p.name for p in session.execute(select(ServiceProvider)).scalars()}
    consents = session.execute(
        select(Consent).where(Consent.case_id == case.id).order_by(Consent.id)
    ).scalars()
    tasks = session.execute(
        select(ProtectionTask)
        .where(ProtectionTask.case_id == case.id)
        .order_by(ProtectionTask.due_at)
    ).scalars()
    return CaseDetail(
        **summary(session, case).model_dump(),
        best_interests=case.best_interests,
        guardian=case.guardian,
        asylum_outcome=case.asylum_outcome,
        indicators=dict(case.indicators or {}),
        detained_at=case.detained_at,
        consular_rights_told_at=case.consular_rights_told_at,
        closed_at=case.closed_at,
        closure_reason=case.closure_reason,
        screenings=[
            {
                "id": s.id,
                "at": s.created_at.isoformat(),
                "questionnaire": s.questionnaire,
                "answers": s.answers,
                "intervention_rating": s.intervention_rating,
                "interviewer_gender_preferred": s.interviewer_gender_preferred,
                "interviewer_gender_honoured": s.interviewer_gender_honoured,
            }
            for s in protection.screenings_of(session, case)
        ],
        factors=[
            {
                "level": level,
                "factor": factor,
                "assessments": [
                    {"at": r.assessed_at.isoformat(), "effect": r.effect, "note": r.note}
                    for r in rows
                ],
            }
            for (level, factor), rows in protection.factor_timeline(session, case).items()
        ],
        consents=[
            {
                "at": c.created_at.isoformat(),
                "scope": c.scope,
                "service": c.service,
                "provider": providers.get(c.provider_id) if c.provider_id else None,
                "given": c.given,
            }
            for c in consents
        ],
        referrals=[_referral_out(r, providers) for r in protection.referrals_of(session, case)],
        tasks=[
            {
                "id": t.id,
                "kind": t.kind,
                "due_at": t.due_at.isoformat(),
                "done_at": t.done_at.isoformat() if t.done_at else None,
                "note": t.note,
            }
            for t in tasks
        ],
        history=[
            {"seq": e.seq, "at": e.at.isoformat(), "kind": e.kind, "text": e.text, "data": e.data}
            for e in protection.case_history(session, case)
        ],
    )


def _referral_out(referral: Referral, providers: dict[int, str]) -> dict[str, Any]:
    return {
        "id": referral.id,
        "provider": providers.get(referral.provider_id),
        "service": referral.service,
        "status": referral.status,
        "status_reason": referral.status_reason,
        "consent_override": referral.consent_override_by is not None,
        "consent_override_reason": referral.consent_override_reason,
        "history": referral.history,
    }


def _done(session: Session, case: ProtectionCase) -> CaseDetail:
    session.commit()
    return detail(session, case)


# --- cases ----------------------------------------------------------------------------------------


@router.get("/protection/cases", response_model=list[CaseSummary], summary="List protection cases")
def list_cases(
    principal: Principal = Depends(require(READ)),
    session: Session = Depends(db_session),
    status_filter: str | None = Query(default=None, alias="status", description="open, closed"),
    limit: int = Query(default=200, ge=1, le=1000),
) -> list[CaseSummary]:
    return [summary(session, c) for c in protection.list_cases(session, status_filter, limit)]


@router.post(
    "/protection/cases",
    response_model=CaseDetail,
    status_code=status.HTTP_201_CREATED,
    summary="Open a protection case",
)
def open_case(
    body: OpenCaseIn,
    principal: Principal = Depends(require(WRITE)),
    session: Session = Depends(db_session),
) -> CaseDetail:
    try:
        case = protection.open_case(
            session, principal.actor, person_id=body.person_id, detail={"note": body.note}
        )
    except FiletError as error:
        raise refusal(error) from None
    return _done(session, case)


@router.get("/protection/cases/{reference}", response_model=CaseDetail, summary="One case")
def get_case(
    reference: str,
    principal: Principal = Depends(require(READ)),
    session: Session = Depends(db_session),
) -> CaseDetail:
    return detail(session, _case(session, reference))


@router.get("/protection/search", response_model=list[CaseSummary], summary="Search cases")
def search(
    q: str = Query(min_length=1, description="Case reference or part of the person's name"),
    principal: Principal = Depends(require(READ)),
    session: Session = Depends(db_session),
) -> list[CaseSummary]:
    pattern = f"%{q.strip()}%"
    found = session.execute(
        select(ProtectionCase)
        .outerjoin(Person, Person.id == ProtectionCase.person_id)
        .where(or_(ProtectionCase.reference.ilike(pattern), Person.label.ilike(pattern)))
        .order_by(ProtectionCase.created_at.desc())
        .limit(100)
    ).scalars()
    results = [summary(session, c) for c in found]
    record(
        session,
        principal.actor,
        "search",
        "protection_case",
        [r.reference for r in results],
        {"q": q},
    )
    session.commit()
    return results


def _apply(
    reference: str, session: Session, work: Callable[[ProtectionCase], object]
) -> CaseDetail:
    case = _case(session, reference)
    try:
        work(case)
    except FiletError as error:
        session.rollback()
        raise refusal(error) from None
    return _done(session, case)


def _apply_by_id(session: Session, work: Callable[[], int]) -> CaseDetail:
    """Run ``work`` (which returns the id of the case it changed), then answer with that case."""
    try:
        case_id = work()
    except FiletError as error:
        session.rollback()
        raise refusal(error) from None
    case = session.get(ProtectionCase, case_id)
    assert case is not None
    return _done(session, case)


@router.post("/protection/cases/{reference}/screenings", response_model=CaseDetail)
def add_screening(
    reference: str,
    body: ScreeningIn,
    principal: Principal = Depends(require(WRITE)),
    session: Session = Depends(db_session),
) -> CaseDetail:
    """Record a screening (answers to a questionnaire); factors and rules follow from the answers."""
    return _apply(
        reference,
        session,
        lambda case: protection.record_screening(
            session,
            case,
            principal.actor,
            questionnaire_key=body.questionnaire,
            answers=body.answers,
            rating=body.rating,
            interviewer_gender_preferred=body.interviewer_gender_preferred,
            interviewer_gender_honoured=body.interviewer_gender_honoured,
        ),
    )


@router.post("/protection/cases/{reference}/factors", response_model=CaseDetail)
def add_factor(
    reference: str,
    body: FactorIn,
    principal: Principal = Depends(require(WRITE)),
    session: Session = Depends(db_session),
) -> CaseDetail:
    """Re-assess one risk or protective factor (dated; earlier assessments stay)."""
    item = protection.FactorInput(body.level, body.factor, body.effect, body.note)
    return _apply(
        reference,
        session,
        lambda case: protection.reassess_factor(session, case, principal.actor, item),
    )


@router.post("/protection/cases/{reference}/consents", response_model=CaseDetail)
def add_consent(
    reference: str,
    body: ConsentIn,
    principal: Principal = Depends(require(WRITE)),
    session: Session = Depends(db_session),
) -> CaseDetail:
    return _apply(
        reference,
        session,
        lambda case: protection.record_consent(
            session,
            case,
            principal.actor,
            scope=body.scope,
            service=body.service,
            given=body.given,
            provider_id=body.provider_id,
        ),
    )


@router.post("/protection/cases/{reference}/referrals", response_model=CaseDetail)
def add_referral(
    reference: str,
    body: ReferralIn,
    principal: Principal = Depends(require(WRITE)),
    session: Session = Depends(db_session),
) -> CaseDetail:
    """Refer to one service of one provider; needs recorded consent (or a permitted override)."""
    return _apply(
        reference,
        session,
        lambda case: protection.refer(
            session,
            case,
            principal.actor,
            provider_id=body.provider_id,
            service=body.service,
            note=body.note,
            override_reason=body.override_reason,
            may_override=principal.can(OVERRIDE),
        ),
    )


@router.post("/protection/referrals/{referral_id}/status", response_model=CaseDetail)
def referral_status(
    referral_id: int,
    body: ReferralStatusIn,
    principal: Principal = Depends(require(WRITE)),
    session: Session = Depends(db_session),
) -> CaseDetail:

    def work() -> int:
        referral = protection.get_referral(session, referral_id)
        protection.set_referral_status(session, referral, body.status, principal.actor, body.reason)
        return referral.case_id

    return _apply_by_id(session, work)


@router.post("/protection/cases/{reference}/follow-ups", response_model=CaseDetail)
def add_follow_up(
    reference: str,
    body: FollowUpIn,
    principal: Principal = Depends(require(WRITE)),
    session: Session = Depends(db_session),
) -> CaseDetail:
    return _apply(
        reference,
        session,
        lambda case: protection.schedule_follow_up(
            session, case, body.due_at, principal.actor, body.note
        ),
    )


@router.post("/protection/tasks/{task_id}/done", response_model=CaseDetail)
def task_done(
    task_id: int,
    body: TaskDoneIn,
    principal: Principal = Depends(require(WRITE)),
    session: Session = Depends(db_session),
) -> CaseDetail:
    return _apply_by_id(
        session,
        lambda: protection.complete_task(session, task_id, principal.actor, body.note).case_id,
    )


@router.post("/protection/cases/{reference}/detention", response_model=CaseDetail)
def detention(
    reference: str,
    body: DetentionIn,
    principal: Principal = Depends(require(WRITE)),
    session: Session = Depends(db_session),
) -> CaseDetail:
    """Record a detention and when the person was told of consular notification rights."""
    return _apply(
        reference,
        session,
        lambda case: protection.record_detention(
            session, case, body.detained_at, principal.actor, body.consular_rights_told_at
        ),
    )


@router.post("/protection/cases/{reference}/hypothesis", response_model=CaseDetail)
def hypothesis(
    reference: str,
    body: HypothesisIn,
    principal: Principal = Depends(require(WRITE)),
    session: Session = Depends(db_session),
) -> CaseDetail:
    return _apply(
        reference,
        session,
        lambda case: protection.set_hypothesis(
            session, case, body.hypothesis, principal.actor, body.reason
        ),
    )


@router.post("/protection/cases/{reference}/asylum", response_model=CaseDetail)
def asylum(
    reference: str,
    body: AsylumIn,
    principal: Principal = Depends(require(WRITE)),
    session: Session = Depends(db_session),
) -> CaseDetail:
    """``{"wish": true}`` records a wish for international protection; ``{"outcome": ...}``
    resolves it (granted, rejected_final, withdrawn)."""

    def work(case: ProtectionCase) -> None:
        if body.outcome:
            protection.resolve_asylum(session, case, body.outcome, principal.actor)
        elif body.wish:
            protection.express_asylum_wish(session, case, principal.actor)

    return _apply(reference, session, work)


@router.post("/protection/cases/{reference}/guardian", response_model=CaseDetail)
def guardian(
    reference: str,
    body: GuardianIn,
    principal: Principal = Depends(require(WRITE)),
    session: Session = Depends(db_session),
) -> CaseDetail:
    return _apply(
        reference,
        session,
        lambda case: protection.appoint_guardian(session, case, body.guardian, principal.actor),
    )


@router.post("/protection/cases/{reference}/actions", response_model=CaseDetail)
def action(
    reference: str,
    body: ActionIn,
    principal: Principal = Depends(require(WRITE)),
    session: Session = Depends(db_session),
) -> CaseDetail:
    """Record an action; 409 when a protective rule (child track, asylum wish) forbids it."""
    case = _case(session, reference)
    try:
        protection.record_action(session, case, body.action, principal.actor, body.note)
    except FiletError as error:
        # The refusal itself is kept in the case history and the audit log.
        session.commit()
        raise refusal(error) from None
    return _done(session, case)


@router.post("/protection/cases/{reference}/close", response_model=CaseDetail)
def close(
    reference: str,
    body: CloseIn,
    principal: Principal = Depends(require(WRITE)),
    session: Session = Depends(db_session),
) -> CaseDetail:
    return _apply(
        reference,
        session,
        lambda case: protection.close_case(session, case, body.reason, principal.actor, body.note),
    )


# --- directory, dashboard, reports, export --------------------------------------------------------


def _provider_out(p: ServiceProvider) -> ProviderOut:
    return ProviderOut(
        id=p.id, name=p.name, services=list(p.services), area=p.area, contact=p.contact
    )


@router.get("/protection/providers", response_model=list[ProviderOut], summary="Provider directory")
def list_providers(
    principal: Principal = Depends(require(READ)),
    session: Session = Depends(db_session),
    service: str | None = None,
) -> list[ProviderOut]:
    return [_provider_out(p) for p in protection.providers(session, service)]


@router.post(
    "/protection/providers", response_model=ProviderOut, summary="Add or update a provider"
)
def save_provider(
    body: ProviderIn,
    principal: Principal = Depends(require(WRITE)),
    session: Session = Depends(db_session),
) -> ProviderOut:
    try:
        provider = protection.save_provider(
            session,
            principal.actor,
            name=body.name,
            services=body.services,
            area=body.area,
            contact=body.contact,
        )
    except FiletError as error:
        session.rollback()
        raise refusal(error) from None
    session.commit()
    return _provider_out(provider)


class TaskRow(BaseModel):
    task_id: int
    reference: str
    kind: str
    due_at: dt.datetime
    overdue: bool
    note: str


class Dashboard(BaseModel):
    open_cases: int
    open_tasks: list[TaskRow]
    overdue_follow_ups: list[TaskRow]


def dashboard_data(session: Session, now: dt.datetime | None = None) -> Dashboard:
    moment = now or dt.datetime.now(dt.UTC)
    rows = [
        TaskRow(
            task_id=t.id,
            reference=c.reference,
            kind=t.kind,
            due_at=t.due_at,
            overdue=t.due_at < moment,
            note=t.note,
        )
        for t, c in protection.open_tasks(session)
    ]
    return Dashboard(
        open_cases=session.execute(
            select(func.count())
            .select_from(ProtectionCase)
            .where(ProtectionCase.status.in_(("open", "follow_up")))
        ).scalar_one(),
        open_tasks=rows,
        overdue_follow_ups=[r for r in rows if r.kind == "follow_up" and r.overdue],
    )


@router.get(
    "/protection/dashboard", response_model=Dashboard, summary="Open tasks and overdue follow-ups"
)
def dashboard(
    principal: Principal = Depends(require(READ)),
    session: Session = Depends(db_session),
) -> Dashboard:
    return dashboard_data(session)


class DetentionGapOut(BaseModel):
    reference: str
    person_id: int | None
    detained_at: dt.datetime
    hours_since: float


@router.get(
    "/protection/reports/detentions-without-consular-notice",
    response_model=list[DetentionGapOut],
    summary="Detentions with no record of consular rights being told",
)
def detentions_report(
    principal: Principal = Depends(require(READ)),
    session: Session = Depends(db_session),
) -> list[DetentionGapOut]:
    return [
        DetentionGapOut(**gap.__dict__)
        for gap in protection.detentions_without_consular_notice(session)
    ]


@router.get("/protection/questionnaires/{key}", summary="A screening questionnaire")
def get_questionnaire(
    key: str,
    principal: Principal = Depends(require(READ)),
) -> dict[str, Any]:
    try:
        return protection.questionnaire(key).model_dump()
    except FiletError as error:
        raise refusal(error) from None


@router.get("/protection/export", summary="Export cases in HTCDS (JSON)")
def export(
    principal: Principal = Depends(require(EXPORT)),
    session: Session = Depends(db_session),
    export_format: str = Query(default="htcds", alias="format"),
    reference: list[str] | None = Query(default=None, description="Only these cases"),
) -> dict[str, Any]:
    if export_format != "htcds":
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "the only format is htcds")
    document = protection.export_htcds(session, principal.actor, reference)
    session.commit()
    return document


# --- the one thing enforcement may see -----------------------------------------------------------


class FlagsOut(BaseModel):
    person_id: int
    flags: list[str]
    meanings: dict[str, str]


@router.get(
    "/persons/{person_id}/protection-flags",
    response_model=FlagsOut,
    summary="How to treat a person safely (no protection details)",
)
def flags(
    person_id: int,
    principal: Principal = Depends(require("persons:read")),
    session: Session = Depends(db_session),
) -> FlagsOut:
    if session.get(Person, person_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no person {person_id}")
    found = protection.protection_flags(session, person_id)
    meanings = protection.knowledge().triggers.safe_flags
    return FlagsOut(person_id=person_id, flags=found, meanings={f: meanings[f] for f in found})
