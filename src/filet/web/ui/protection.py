"""Protection screens: the case list, a case page (screening form, factors over time, consent and
referrals with their states, follow-ups, rules), the provider directory and a dashboard of open
tasks and overdue follow-ups. Protection officers only; enforcement roles get 403 on every page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from filet import protection
from filet.errors import FiletError, InputError, Place
from filet.store.schema import ProtectionCase
from filet.web.api.protection import OVERRIDE, READ, WRITE, dashboard_data, detail, summary
from filet.web.deps import Principal, db_session, require
from filet.web.ui._render import render

router = APIRouter(include_in_schema=False)


def _back(path: str, message: str = "", error: str = "") -> Response:
    query = f"?message={quote(message)}" if message else ""
    if error:
        query = f"?error={quote(error)}"
    return RedirectResponse(path + query, status.HTTP_303_SEE_OTHER)


def _form_work(
    session: Session, reference: str, work: Callable[[ProtectionCase], object], done: str
) -> Response:
    path = f"/protection/cases/{quote(reference)}"
    try:
        case = protection.get_case(session, reference)
        work(case)
    except FiletError as error:
        session.rollback()
        return _back(path, error=str(error))
    session.commit()
    return _back(path, message=done)


def _when(value: str, field: str) -> dt.datetime | None:
    if not value.strip():
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"{value!r} is not a date and time", Place(field=field)) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@router.get("/protection", response_class=HTMLResponse)
def cases_page(
    request: Request,
    principal: Principal = Depends(require(READ)),
    session: Session = Depends(db_session),
    q: str = "",
    show: str = "open",
    message: str = "",
    error: str = "",
) -> Response:
    if q.strip():
        from filet.web.api.protection import search

        rows = search(q, principal, session)
    else:
        rows = [summary(session, c) for c in protection.list_cases(session, show or None)]
    return render(
        request,
        "protection/cases.html",
        principal,
        rows=rows,
        q=q,
        show=show,
        message=message,
        error=error,
    )


@router.post("/protection/cases")
async def open_case_form(
    request: Request,
    principal: Principal = Depends(require(WRITE)),
    session: Session = Depends(db_session),
) -> Response:
    form = await request.form()
    raw = str(form.get("person_id", "")).strip()
    try:
        person_id = int(raw) if raw else None
        case = protection.open_case(
            session,
            principal.actor,
            person_id=person_id,
            detail={"note": str(form.get("note", ""))},
        )
    except ValueError:
        return _back("/protection", error=f"person id {raw!r} is not a number")
    except FiletError as error:
        session.rollback()
        return _back("/protection", error=str(error))
    session.commit()
    return _back(f"/protection/cases/{case.reference}", message="case opened")


@router.get("/protection/cases/{reference}", response_class=HTMLResponse)
def case_page(
    request: Request,
    reference: str,
    principal: Principal = Depends(require(READ)),
    session: Session = Depends(db_session),
    message: str = "",
    error: str = "",
) -> Response:
    try:
        case = protection.get_case(session, reference)
    except FiletError:
        return render(
            request, "error.html", principal, status_code=404, status=404, detail="no such case"
        )
    known = protection.knowledge()
    return render(
        request,
        "protection/case.html",
        principal,
        case=detail(session, case),
        questionnaire=protection.questionnaire("unhcr-idc-2016"),
        services=known.services.services,
        actions=known.services.actions,
        closure_reasons=known.services.closure_reasons,
        hypotheses=known.services.offence_hypotheses,
        providers=protection.providers(session),
        factor_labels={
            (level, key): spec.label
            for level, table in known.factors.factors.items()
            for key, spec in table.items()
        },
        factors=known.factors.factors,
        may_override=principal.can(OVERRIDE),
        message=message,
        error=error,
    )


@router.post("/protection/cases/{reference}/screening")
async def screening_form(
    request: Request,
    reference: str,
    principal: Principal = Depends(require(WRITE)),
    session: Session = Depends(db_session),
) -> Response:
    form = await request.form()
    questionnaire = protection.questionnaire("unhcr-idc-2016")
    answers = {
        key: str(form.get(f"q_{key}", ""))
        for key in questionnaire.questions()
        if str(form.get(f"q_{key}", "")).strip()
    }
    rating = str(form.get("rating", "")) or None
    gender = str(form.get("interviewer_gender_preferred", "")) or None
    honoured = form.get("interviewer_gender_honoured") == "yes" if gender else None
    return _form_work(
        session,
        reference,
        lambda case: protection.record_screening(
            session,
            case,
            principal.actor,
            questionnaire_key=questionnaire.key,
            answers=answers,
            rating=rating,
            interviewer_gender_preferred=gender,
            interviewer_gender_honoured=honoured,
        ),
        "screening recorded",
    )


@router.post("/protection/cases/{reference}/factor")
async def factor_form(
    request: Request,
    reference: str,
    principal: Principal = Depends(require(WRITE)),
    session: Session = Depends(db_session),
) -> Response:
    form = await request.form()
    level, _, key = str(form.get("factor", "")).partition(".")
    item = protection.FactorInput(
        level, key, str(form.get("effect", "")), str(form.get("note", ""))
    )
    return _form_work(
        session,
        reference,
        lambda case: protection.reassess_factor(session, case, principal.actor, item),
        "factor assessed",
    )


@router.post("/protection/cases/{reference}/consent")
async def consent_form(
    request: Request,
    reference: str,
    principal: Principal = Depends(require(WRITE)),
    session: Session = Depends(db_session),
) -> Response:
    form = await request.form()
    service = str(form.get("service", ""))
    provider_raw = str(form.get("provider_id", ""))
    given = form.get("given") == "yes"

    def work(case: ProtectionCase) -> None:
        provider_id = int(provider_raw) if provider_raw.isdigit() else None
        protection.record_consent(
            session, case, principal.actor, scope="service", service=service, given=given
        )
        if provider_id is not None:
            protection.record_consent(
                session,
                case,
                principal.actor,
                scope="disclosure",
                service=service,
                given=given,
                provider_id=provider_id,
            )

    return _form_work(session, reference, work, "consent recorded")


@router.post("/protection/cases/{reference}/referral")
async def referral_form(
    request: Request,
    reference: str,
    principal: Principal = Depends(require(WRITE)),
    session: Session = Depends(db_session),
) -> Response:
    form = await request.form()
    provider_raw = str(form.get("provider_id", ""))
    override = str(form.get("override_reason", "")).strip() or None

    def work(case: ProtectionCase) -> None:
        if not provider_raw.isdigit():
            raise InputError("choose a provider", Place(field="provider_id"))
        protection.refer(
            session,
            case,
            principal.actor,
            provider_id=int(provider_raw),
            service=str(form.get("service", "")),
            note=str(form.get("note", "")),
            override_reason=override,
            may_override=principal.can(OVERRIDE),
        )

    return _form_work(session, reference, work, "referral made")


@router.post("/protection/referrals/{referral_id}/status")
async def referral_status_form(
    request: Request,
    referral_id: int,
    principal: Principal = Depends(require(WRITE)),
    session: Session = Depends(db_session),
) -> Response:
    form = await request.form()
    try:
        referral = protection.get_referral(session, referral_id)
    except FiletError as error:
        return _back("/protection", error=str(error))
    case = session.get(ProtectionCase, referral.case_id)
    assert case is not None
    return _form_work(
        session,
        case.reference,
        lambda _case: protection.set_referral_status(
            session,
            referral,
            str(form.get("status", "")),
            principal.actor,
            str(form.get("reason", "")),
        ),
        "referral updated",
    )


@router.post("/protection/cases/{reference}/follow-up")
async def follow_up_form(
    request: Request,
    reference: str,
    principal: Principal = Depends(require(WRITE)),
    session: Session = Depends(db_session),
) -> Response:
    form = await request.form()

    def work(case: ProtectionCase) -> None:
        due = _when(str(form.get("due_at", "")), "due_at")
        if due is None:
            raise InputError("give the date of the follow-up", Place(field="due_at"))
        protection.schedule_follow_up(
            session, case, due, principal.actor, str(form.get("note", ""))
        )

    return _form_work(session, reference, work, "follow-up scheduled")


@router.post("/protection/tasks/{task_id}/done")
async def task_done_form(
    request: Request,
    task_id: int,
    principal: Principal = Depends(require(WRITE)),
    session: Session = Depends(db_session),
) -> Response:
    form = await request.form()
    try:
        task = protection.complete_task(
            session, task_id, principal.actor, str(form.get("note", ""))
        )
    except FiletError as error:
        session.rollback()
        return _back("/protection/dashboard", error=str(error))
    case = session.get(ProtectionCase, task.case_id)
    assert case is not None
    session.commit()
    return _back(f"/protection/cases/{case.reference}", message="task done")


@router.post("/protection/cases/{reference}/rule")
async def rule_form(
    request: Request,
    reference: str,
    principal: Principal = Depends(require(WRITE)),
    session: Session = Depends(db_session),
) -> Response:
    """The case's rules: guardian, asylum wish and outcome, detention and consular notice,
    offence hypothesis, actions (refused when a rule forbids them)."""
    form = await request.form()
    what = str(form.get("what", ""))

    def work(case: ProtectionCase) -> None:
        actor = principal.actor
        if what == "guardian":
            protection.appoint_guardian(session, case, str(form.get("guardian", "")), actor)
        elif what == "asylum_wish":
            protection.express_asylum_wish(session, case, actor)
        elif what == "asylum_outcome":
            protection.resolve_asylum(session, case, str(form.get("outcome", "")), actor)
        elif what == "detention":
            detained = _when(str(form.get("detained_at", "")), "detained_at")
            if detained is None:
                raise InputError("give the time of detention", Place(field="detained_at"))
            told = _when(str(form.get("consular_rights_told_at", "")), "consular_rights_told_at")
            protection.record_detention(session, case, detained, actor, told)
        elif what == "hypothesis":
            protection.set_hypothesis(
                session, case, str(form.get("hypothesis", "")), actor, str(form.get("reason", ""))
            )
        elif what == "action":
            protection.record_action(
                session, case, str(form.get("action", "")), actor, str(form.get("note", ""))
            )
        elif what == "close":
            protection.close_case(
                session, case, str(form.get("reason", "")), actor, str(form.get("note", ""))
            )
        else:
            raise InputError(f"unknown change {what!r}", Place(field="what"))

    path = f"/protection/cases/{quote(reference)}"
    try:
        case = protection.get_case(session, reference)
        work(case)
    except protection.BlockedAction as error:
        session.commit()  # the refusal stays in the case history and the audit log
        return _back(path, error=str(error))
    except FiletError as error:
        session.rollback()
        return _back(path, error=str(error))
    session.commit()
    return _back(path, message="saved")


@router.get("/protection/providers", response_class=HTMLResponse)
def providers_page(
    request: Request,
    principal: Principal = Depends(require(READ)),
    session: Session = Depends(db_session),
    message: str = "",
    error: str = "",
) -> Response:
    return render(
        request,
        "protection/providers.html",
        principal,
        providers=protection.providers(session),
        services=protection.knowledge().services.services,
        message=message,
        error=error,
    )


@router.post("/protection/providers")
async def providers_form(
    request: Request,
    principal: Principal = Depends(require(WRITE)),
    session: Session = Depends(db_session),
) -> Response:
    form = await request.form()
    try:
        protection.save_provider(
            session,
            principal.actor,
            name=str(form.get("name", "")),
            services=[str(s) for s in form.getlist("services")],
            area=str(form.get("area", "")),
            contact=str(form.get("contact", "")),
        )
    except FiletError as error:
        session.rollback()
        return _back("/protection/providers", error=str(error))
    session.commit()
    return _back("/protection/providers", message="saved")


@router.get("/protection/dashboard", response_class=HTMLResponse)
def dashboard_page(
    request: Request,
    principal: Principal = Depends(require(READ)),
    session: Session = Depends(db_session),
) -> Response:
    gaps = protection.detentions_without_consular_notice(session)
    closed = session.execute(
        select(func.count()).select_from(ProtectionCase).where(ProtectionCase.status == "closed")
    ).scalar_one()
    return render(
        request,
        "protection/dashboard.html",
        principal,
        board=dashboard_data(session),
        gaps=gaps,
        closed=closed,
        message="",
        error="",
    )
