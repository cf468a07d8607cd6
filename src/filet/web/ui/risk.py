"""Risk screens: the review queue (grouped by flight and booking), an alert's evidence with the
review form, the rule library, and the effectiveness and fairness audit with charts."""

from __future__ import annotations

import json
from itertools import groupby
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from filet.errors import FiletError
from filet.risk import (
    alert_evidence,
    audit,
    feature_catalogue,
    list_rules,
    review_alert,
    review_queue,
)
from filet.web.deps import Principal, app_context, db_session, require
from filet.web.ui._render import render

router = APIRouter(include_in_schema=False)


@router.get("/risk/queue", response_class=HTMLResponse)
def queue_page(
    request: Request,
    message: str | None = None,
    principal: Principal = Depends(require("hits:review")),
    session: Session = Depends(db_session),
) -> Response:
    items = review_queue(session)
    flights = [
        (
            flight,
            [(booking, list(rows)) for booking, rows in groupby(group, key=lambda i: i.booking)],
        )
        for flight, group in groupby(items, key=lambda i: i.flight)
    ]
    return render(
        request, "risk/queue.html", principal, flights=flights, count=len(items), message=message
    )


@router.get("/risk/alerts/{alert_id}", response_class=HTMLResponse)
def alert_page(
    alert_id: int,
    request: Request,
    message: str | None = None,
    principal: Principal = Depends(require("hits:review")),
    session: Session = Depends(db_session),
) -> Response:
    try:
        evidence = alert_evidence(session, alert_id)
    except FiletError as error:
        return render(request, "error.html", principal, status_code=404, message=str(error))
    catalogue = feature_catalogue().features
    descriptions = {name: f.description for name, f in catalogue.items()}
    return render(
        request,
        "risk/alert.html",
        principal,
        evidence=evidence,
        descriptions=descriptions,
        message=message,
    )


@router.post("/risk/alerts/{alert_id}/review")
def alert_review(
    alert_id: int,
    decision: str = Form(...),
    reason: str = Form(default=""),
    exonerating_considered: bool = Form(default=False),
    case_reference: str = Form(default=""),
    principal: Principal = Depends(require("hits:review")),
    session: Session = Depends(db_session),
) -> Response:
    try:
        outcome = review_alert(
            session,
            alert_id,
            principal.user,
            decision,  # type: ignore[arg-type]
            reason,
            exonerating_considered,
            principal.actor,
            case_reference.strip() or None,
        )
    except FiletError as error:
        session.rollback()
        return RedirectResponse(
            f"/risk/alerts/{alert_id}?message={quote(str(error))}", status.HTTP_303_SEE_OTHER
        )
    session.commit()
    note = f"alert {alert_id}: {outcome.status}"
    if outcome.case_reference:
        note += f" ({outcome.case_reference})"
    return RedirectResponse(f"/risk/queue?message={quote(note)}", status.HTTP_303_SEE_OTHER)


@router.get("/risk/rules", response_class=HTMLResponse)
def rules_page(
    request: Request,
    principal: Principal = Depends(require("risk:audit")),
    session: Session = Depends(db_session),
) -> Response:
    return render(request, "risk/rules.html", principal, rules=list_rules(session))


@router.get("/risk/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    principal: Principal = Depends(require("risk:audit")),
    session: Session = Depends(db_session),
) -> Response:
    report = audit(session, app_context(request).settings.disclosure_min_cell)
    shown = [g for g in report.groups if not g.suppressed]
    chart = {
        dimension: {
            "labels": [g.group for g in shown if g.dimension == dimension],
            "selection": [g.selection_rate for g in shown if g.dimension == dimension],
            "hit": [g.hit_rate for g in shown if g.dimension == dimension],
            "dir": [g.disparate_impact_ratio for g in shown if g.dimension == dimension],
        }
        for dimension in ("nationality", "sex", "age_band")
    }
    return render(
        request, "risk/audit.html", principal, report=report, chart_data=json.dumps(chart)
    )
