"""Researcher's screens: dashboard (charts and route map), release builder showing what is
suppressed and why, and release history with privacy budgets."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from filet.errors import FiletError
from filet.research import NoiseSpec, Period, compute, release, releases, topics
from filet.store.schema import PrivacyBudget
from filet.web.deps import Principal, app_context, db_session, require
from filet.web.ui._render import render

router = APIRouter(include_in_schema=False)


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@router.get("/research", response_class=HTMLResponse)
def dashboard(request: Request, principal: Principal = Depends(require("stats:read"))) -> Response:
    return render(request, "research/dashboard.html", principal, topics=list(topics().values()))


@router.get("/research/builder", response_class=HTMLResponse)
def builder(
    request: Request,
    topic: str = "",
    by: str = "",
    start: str = "",
    end: str = "",
    session: Session = Depends(db_session),
    principal: Principal = Depends(require("stats:release")),
) -> Response:
    table, error = None, None
    if topic:
        try:
            table = compute(
                session,
                topic,
                [d.strip() for d in by.split(",") if d.strip()],
                Period(_day(start), _day(end)),
                app_context(request).settings,
            )
        except (FiletError, ValueError) as problem:
            error = str(problem)
    return render(
        request,
        "research/builder.html",
        principal,
        topics=list(topics().values()),
        chosen=topic,
        by=by,
        start=start,
        end=end,
        table=table,
        error=error,
    )


@router.post("/research/releases")
def record_release(
    request: Request,
    topic: str = Form(...),
    by: str = Form(default=""),
    start: str = Form(default=""),
    end: str = Form(default=""),
    epsilon: str = Form(default=""),
    recipient: str = Form(default=""),
    note: str = Form(default=""),
    session: Session = Depends(db_session),
    principal: Principal = Depends(require("stats:release")),
) -> Response:
    try:
        release(
            session,
            topic,
            [d.strip() for d in by.split(",") if d.strip()],
            Period(_day(start), _day(end)),
            app_context(request).settings,
            principal.actor,
            noise=NoiseSpec(float(epsilon)) if epsilon.strip() else None,
            recipient=recipient or None,
            note=note,
        )
    except (FiletError, ValueError) as problem:
        session.rollback()
        return render(
            request,
            "research/builder.html",
            principal,
            status_code=422,
            topics=list(topics().values()),
            chosen=topic,
            by=by,
            start=start,
            end=end,
            table=None,
            error=str(problem),
        )
    session.commit()
    return RedirectResponse("/research/releases", status_code=status.HTTP_303_SEE_OTHER)


@router.get("/research/releases", response_class=HTMLResponse)
def history(
    request: Request,
    session: Session = Depends(db_session),
    principal: Principal = Depends(require("stats:read")),
) -> Response:
    budgets = list(session.scalars(select(PrivacyBudget).order_by(PrivacyBudget.dataset)))
    return render(
        request,
        "research/releases.html",
        principal,
        releases=releases(session),
        budgets=budgets,
    )
