"""Border screens: the check (paste or scan an MRZ, see green / amber / red with reasons, record
the decision) and the crossings list with filters."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from filet.border import border_knowledge, crossing_points, list_crossings
from filet.errors import FiletError
from filet.web import i18n
from filet.web.api.border import CrossingIn, run_check, save_crossing
from filet.web.deps import Principal, db_session, require
from filet.web.ui._render import render

router = APIRouter(include_in_schema=False)


def _form(
    request: Request,
    principal: Principal,
    session: Session,
    mrz: str = "",
    point: str = "",
    direction: str = "entry",
    error: str | None = None,
    status_code: int = 200,
    **values: object,
) -> Response:
    knowledge = border_knowledge()
    return render(
        request,
        "border/check.html",
        principal,
        status_code=status_code,
        mrz=mrz,
        point=point,
        travel_direction=direction,  # `direction` is the page's text direction (ltr/rtl)
        error=error,
        points=crossing_points(session),
        decisions=knowledge.decisions,
        reasons=knowledge.reasons,
        gettext=i18n.gettext,
        **values,
    )


@router.get("/check", response_class=HTMLResponse)
def check_page(
    request: Request,
    point: str = "",
    direction: str = "entry",
    message: str | None = None,
    principal: Principal = Depends(require("documents:check")),
    session: Session = Depends(db_session),
) -> Response:
    return _form(request, principal, session, point=point, direction=direction, message=message)


@router.post("/check", response_class=HTMLResponse)
def check_submit(
    request: Request,
    mrz: str = Form(...),
    point: str = Form(default=""),
    direction: str = Form(default="entry"),
    principal: Principal = Depends(require("documents:check")),
    session: Session = Depends(db_session),
) -> Response:
    chosen = direction if direction in ("entry", "exit") else "entry"
    try:
        result = run_check(session, request, principal.actor, mrz, point or None, chosen)
    except FiletError as error:
        session.rollback()
        return _form(
            request, principal, session, mrz, point, chosen, error=str(error), status_code=422
        )
    return _form(request, principal, session, mrz, point, chosen, result=result)


@router.post("/check/decision")
def decision_submit(
    request: Request,
    mrz: str = Form(...),
    point: str = Form(default=""),
    direction: str = Form(default="entry"),
    decision: str = Form(...),
    reasons: list[str] = Form(default=[]),
    carrier: str = Form(default=""),
    voyage: str = Form(default=""),
    vehicle: str = Form(default=""),
    companions_ref: str = Form(default=""),
    principal: Principal = Depends(require("crossings:write")),
    session: Session = Depends(db_session),
) -> Response:
    try:
        body = CrossingIn.model_validate(
            {
                "mrz": mrz,
                "point": point,
                "direction": direction,
                "decision": decision,
                "reasons": reasons,
                "carrier": carrier or None,
                "voyage": voyage or None,
                "vehicle": vehicle or None,
                "companions_ref": companions_ref or None,
            }
        )
        saved = save_crossing(session, request, principal.actor, body)
    except (FiletError, ValueError) as error:
        session.rollback()
        return _form(
            request, principal, session, mrz, point, direction, error=str(error), status_code=422
        )
    message = f"crossing {saved.id} recorded: {saved.decision}"
    return RedirectResponse(
        f"/check?point={quote(point)}&direction={quote(direction)}&message={quote(message)}",
        status_code=status.HTTP_303_SEE_OTHER,
    )


def _day(value: str | None, end: bool = False) -> dt.datetime | None:
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    return dt.datetime.combine(day + dt.timedelta(days=1 if end else 0), dt.time(), dt.UTC)


@router.get("/crossings", response_class=HTMLResponse)
def crossings_page(
    request: Request,
    point: str = "",
    direction: str = "",
    decision: str = "",
    date_from: str = "",
    date_to: str = "",
    document: str = "",
    principal: Principal = Depends(require("crossings:read")),
    session: Session = Depends(db_session),
) -> Response:
    rows = list_crossings(
        session,
        point=point or None,
        direction=direction or None,
        decision=decision or None,
        since=_day(date_from),
        until=_day(date_to, end=True),
        document=document or None,
    )
    knowledge = border_knowledge()
    return render(
        request,
        "border/crossings.html",
        principal,
        rows=rows,
        points=crossing_points(session),
        decisions=knowledge.decisions,
        reasons=knowledge.reasons,
        filters={
            "point": point,
            "direction": direction,
            "decision": decision,
            "date_from": date_from,
            "date_to": date_to,
            "document": document,
        },
    )
