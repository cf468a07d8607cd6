"""Research API: topics, disclosure-controlled statistics, releases with their parameters and
privacy budgets, and the route map data. Aggregates only: nothing here returns a person's record
(``stats:read`` and ``stats:release`` are not personal permissions)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from filet.research import (
    NoiseSpec,
    Period,
    compute,
    export,
    find_release,
    land_outline,
    release,
    releases,
    routes,
    topics,
)
from filet.store.schema import CrossingPoint, PrivacyBudget
from filet.web.deps import Principal, app_context, db_session, require

router = APIRouter(prefix="/api/v1/research", tags=["research"])

MEDIA = {"csv": "text/csv", "json": "application/json", "parquet": "application/vnd.apache.parquet"}


class ReleaseIn(BaseModel):
    topic: str
    by: list[str] = Field(default_factory=list)
    start: dt.date | None = Field(default=None, alias="from")
    end: dt.date | None = Field(default=None, alias="to")
    epsilon: float | None = None
    delta: float = 0.0
    mechanism: str = "laplace"
    min_cell: int | None = None
    rounding_base: int | None = None
    recipient: str | None = None
    note: str = ""


def _by(by: str) -> list[str]:
    return [d.strip() for d in by.split(",") if d.strip()]


@router.get("/topics", summary="Topics, their dimensions and the goals they inform")
def list_topics(_: Principal = Depends(require("stats:read"))) -> list[dict[str, Any]]:
    return [
        {
            "key": t.key,
            "title": t.title,
            "description": t.description,
            "measure": t.measure,
            "dimensions": list(t.dimensions),
            "dataset": t.dataset,
            **t.goals(),
        }
        for t in topics().values()
    ]


@router.get("/stats/{topic}", summary="What would be released (disclosure control applied)")
def statistics(
    request: Request,
    topic: str,
    by: str = Query("", description="Dimensions, comma-separated"),
    start: dt.date | None = Query(None, alias="from"),
    end: dt.date | None = Query(None, alias="to"),
    session: Session = Depends(db_session),
    _: Principal = Depends(require("stats:read")),
) -> dict[str, Any]:
    table = compute(session, topic, _by(by), Period(start, end), app_context(request).settings)
    return table.as_dict()


@router.post("/releases", status_code=201, summary="Build and record a release")
def create_release(
    request: Request,
    body: ReleaseIn,
    session: Session = Depends(db_session),
    principal: Principal = Depends(require("stats:release")),
) -> dict[str, Any]:
    noise = (
        NoiseSpec(body.epsilon, body.delta, body.mechanism) if body.epsilon is not None else None
    )
    row = release(
        session,
        body.topic,
        body.by,
        Period(body.start, body.end),
        app_context(request).settings,
        principal.actor,
        noise=noise,
        min_cell=body.min_cell,
        rounding_base=body.rounding_base,
        recipient=body.recipient,
        note=body.note,
    )
    session.commit()
    return {"reference": row.reference, "parameters": row.parameters, "output": row.output}


@router.get("/releases", summary="Release history, newest first")
def list_releases(
    session: Session = Depends(db_session), _: Principal = Depends(require("stats:read"))
) -> list[dict[str, Any]]:
    return [
        {
            "reference": r.reference,
            "created_at": r.created_at.isoformat(),
            "topic": r.topic,
            "epsilon": r.epsilon,
            "delta": r.delta,
            "dataset": r.dataset,
            "parameters": r.parameters,
        }
        for r in releases(session)
    ]


@router.get("/releases/{reference}/export", summary="Export a release (non-nominal)")
def export_release(
    reference: str,
    fmt: str = Query("csv", alias="format", pattern="^(csv|json|parquet)$"),
    session: Session = Depends(db_session),
    _: Principal = Depends(require("stats:release")),
) -> Response:
    row = find_release(session, reference)
    data = export(row.output, {"reference": row.reference, **row.parameters}, fmt)
    return Response(
        data,
        media_type=MEDIA[fmt],
        headers={"Content-Disposition": f'attachment; filename="{reference}.{fmt}"'},
    )


@router.get("/budgets", summary="Privacy budgets per dataset")
def list_budgets(
    session: Session = Depends(db_session), _: Principal = Depends(require("stats:read"))
) -> list[dict[str, Any]]:
    return [
        {
            "dataset": b.dataset,
            "epsilon_total": b.epsilon_total,
            "epsilon_spent": b.epsilon_spent,
            "delta_total": b.delta_total,
            "delta_spent": b.delta_spent,
        }
        for b in session.scalars(select(PrivacyBudget).order_by(PrivacyBudget.dataset))
    ]


@router.get("/map", summary="Routes and crossing points with disclosure-controlled counts")
def route_map(
    request: Request,
    start: dt.date | None = Query(None, alias="from"),
    end: dt.date | None = Query(None, alias="to"),
    session: Session = Depends(db_session),
    _: Principal = Depends(require("stats:read")),
) -> dict[str, Any]:
    table = compute(
        session, "crossings", ["crossing_point"], Period(start, end), app_context(request).settings
    )
    counts = {c["dimensions"]["crossing_point"]: c["count"] for c in table.cells}
    points = [
        {
            "code": p.code,
            "name": p.name,
            "kind": p.kind,
            "latitude": p.latitude,
            "longitude": p.longitude,
            "crossings": counts.get(p.code),
            "suppressed": p.code in counts and counts[p.code] is None,
        }
        for p in session.scalars(select(CrossingPoint).order_by(CrossingPoint.code))
        if p.latitude is not None and p.longitude is not None
    ]
    return {
        "routes": [
            {"key": r.key, "label": r.label, "line": [list(p) for p in r.line]}
            for r in routes().values()
            if len(r.line) >= 2
        ],
        "points": points,
    }


@router.get("/basemap", summary="Low-resolution world land outline (GeoJSON, Natural Earth)")
def basemap(_: Principal = Depends(require("stats:read"))) -> dict[str, Any]:
    return land_outline()
