"""Network API for the link chart: stored rings (stable references), one ring with its members,
roles, traces, bookings, routes and time span, a ring's graph, a node's neighbourhood (filtered by
edge kind and time), and exports (FtM, GraphML, GEXF, CSV) of a ring's subgraph or of a link chart
as the analyst has shaped it (the nodes and edges shown).

Every edge carries why it exists (kind, count, first and last seen, provenance). A smuggled migrant
is never labelled a suspect; protection data (cases, screenings, referrals) is never read here.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query
from fastapi.responses import Response
from sqlalchemy.orm import Session

from filet.errors import NotFoundError
from filet.network import (
    EXPORT_FORMATS,
    EdgeFilter,
    Network,
    chart_network,
    export_network,
    graph_json,
    member_roles,
    node_neighbourhood,
    ring_map,
    ring_network,
    ring_timeline,
    role_flags,
    stored_ring,
    stored_rings,
)
from filet.research import land_outline
from filet.security import record
from filet.store.schema import NetworkRing, NetworkRingMember
from filet.web.deps import Principal, db_session, require

router = APIRouter(prefix="/api/v1", tags=["network"])

_MEDIA = {
    "ftm": ("application/x-ndjson", "ftm.json"),
    "graphml": ("application/xml", "graphml"),
    "gexf": ("application/xml", "gexf"),
    "csv": ("application/zip", "csv.zip"),
}


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def ring_summary(ring: NetworkRing) -> dict[str, Any]:
    return {
        "reference": ring.reference,
        "status": ring.status,
        "score": ring.score,
        "reasons": ring.reasons,
        "persons": ring.persons,
        "suspects": ring.suspects,
        "smuggled_migrants": ring.smuggled_migrants,
        "routes": ring.detail.get("routes", []),
        "bookings": len(ring.detail.get("bookings", [])),
        "crossings": len(ring.detail.get("crossings", [])),
        "first_seen": _iso(ring.first_seen),
        "last_seen": _iso(ring.last_seen),
        "first_analysed_at": _iso(ring.first_analysed_at),
        "analysed_at": _iso(ring.analysed_at),
        "vanished_at": _iso(ring.vanished_at),
    }


def _member(member: NetworkRingMember) -> dict[str, Any]:
    return {
        "kind": member.node_kind,
        "key": member.node_key,
        "label": member.label,
        "reasons": member.reasons,
    } | role_flags(member.role)


def ring_detail(session: Session, reference: str) -> dict[str, Any]:
    """One stored ring: members by role, traces, bookings, routes, time span, history, the
    timeline of its bookings, flights and crossings, and its routes for a map."""
    ring, members = _ring(session, reference)
    graph = ring_network(session, members)
    people = [_member(m) for m in members if m.node_kind == "person"]
    return ring_summary(ring) | {
        "suspects": [p for p in people if p["suspect"]],
        "smuggled_migrants": [p for p in people if p["protected"]],
        "other_persons": [p for p in people if not p["suspect"] and not p["protected"]],
        "traces": [_member(m) for m in members if m.node_kind not in {"person", "booking"}],
        "binding_traces": ring.detail.get("binding_traces", []),
        "booking_keys": ring.detail.get("bookings", []),
        "paid_total": ring.detail.get("paid_total", 0.0),
        "changes": ring.detail.get("changes", {}),
        "history": ring.history,
        "timeline": ring_timeline(graph),
        "map": ring_map(session, graph),
    }


def _ring(session: Session, reference: str) -> tuple[NetworkRing, list[NetworkRingMember]]:
    try:
        return stored_ring(session, reference)
    except NotFoundError as error:
        raise HTTPException(status_code=404, detail=error.message) from None


def edge_filter(kinds: str | None, since: dt.date | None, until: dt.date | None) -> EdgeFilter:
    chosen = frozenset(k for k in (kinds or "").split(",") if k.strip()) if kinds else None
    return EdgeFilter(
        kinds=chosen,
        since=dt.datetime.combine(since, dt.time.min, dt.UTC) if since else None,
        until=dt.datetime.combine(until, dt.time.max, dt.UTC) if until else None,
    )


_KINDS = Query(None, description="Edge kinds to keep, comma-separated (all when absent).")
_SINCE = Query(None, description="Keep edges last seen on or after this day.")
_UNTIL = Query(None, description="Keep edges first seen on or before this day.")


@router.get("/network/rings")
def rings(
    include_vanished: bool = False,
    principal: Principal = Depends(require("network:read")),
    session: Session = Depends(db_session),
) -> dict[str, Any]:
    """Stored rings (``filet network rings`` stores them), highest score first."""
    return {"rings": [ring_summary(r) for r in stored_rings(session, include_vanished)]}


@router.get("/network/rings/{reference}")
def ring(
    reference: str,
    principal: Principal = Depends(require("network:read")),
    session: Session = Depends(db_session),
) -> dict[str, Any]:
    """One ring: suspects with roles and reasons, smuggled migrants (never suspects), traces,
    bookings, routes, time span, history, timeline and map."""
    return ring_detail(session, reference)


def _ring_graph(session: Session, reference: str, where: EdgeFilter) -> tuple[Network, Any]:
    _row, members = _ring(session, reference)
    graph = ring_network(session, members)
    roles = {(m.node_kind, m.node_key): m.role for m in members}
    return where.apply(graph), roles


@router.get("/network/rings/{reference}/graph")
def ring_graph(
    reference: str,
    kinds: str | None = _KINDS,
    since: dt.date | None = _SINCE,
    until: dt.date | None = _UNTIL,
    principal: Principal = Depends(require("network:read")),
    session: Session = Depends(db_session),
) -> dict[str, Any]:
    """The ring's link chart: its members, the flights, crossings and agencies they are linked
    to, and every edge with kind, count, first and last seen and provenance."""
    graph, roles = _ring_graph(session, reference, edge_filter(kinds, since, until))
    return {"reference": reference} | graph_json(graph, roles)


@router.get("/network/rings/{reference}/export")
def ring_export(
    reference: str,
    fmt: str = Query(
        ..., alias="format", description="ftm, graphml, gexf or csv (a zip of nodes and edges)."
    ),
    principal: Principal = Depends(require("network:read")),
    session: Session = Depends(db_session),
) -> Response:
    """The ring's subgraph as FollowTheMoney JSON lines, GraphML, GEXF or CSV."""
    _check_format(fmt)
    graph, _roles = _ring_graph(session, reference, EdgeFilter())
    return _exported(session, principal, graph, fmt, reference, "network_ring", [reference])


@router.post("/network/export")
def chart_export(
    fmt: str = Form(..., alias="format", description="ftm, graphml, gexf or csv."),
    nodes: str = Form(..., description="Node ids shown on the chart, comma-separated."),
    edges: str = Form("", description="Edge ids shown (kind:source:target), comma-separated."),
    name: str = Form("chart", description="File name stem (a ring reference, a node)."),
    principal: Principal = Depends(require("network:read")),
    session: Session = Depends(db_session),
) -> Response:
    """A link chart as shown (after expansions, filters and hidden nodes): the nodes and edges
    the chart sends, as FollowTheMoney JSON lines, GraphML, GEXF or CSV."""
    _check_format(fmt)
    try:
        node_ids = [int(part) for part in nodes.split(",") if part.strip()]
    except ValueError as error:
        raise HTTPException(status_code=422, detail=f"nodes: {error}") from error
    graph = chart_network(session, node_ids, [e for e in edges.split(",") if e.strip()])
    stem = "".join(c for c in name if c.isalnum() or c in "-_")[:60] or "chart"
    return _exported(
        session, principal, graph, fmt, stem, "network_chart", [str(n) for n in sorted(graph.nodes)]
    )


def _check_format(fmt: str) -> None:
    if fmt not in EXPORT_FORMATS:
        raise HTTPException(
            status_code=422, detail=f"format must be one of {', '.join(EXPORT_FORMATS)}"
        )


def _exported(
    session: Session,
    principal: Principal,
    graph: Network,
    fmt: str,
    stem: str,
    object_type: str,
    object_ids: list[str],
) -> Response:
    """The graph written in ``fmt`` as a download, the export written to the audit log."""
    media, suffix = _MEDIA[fmt]
    with tempfile.TemporaryDirectory() as folder:
        written = export_network(graph, fmt, Path(folder) / stem)
        if fmt == "csv":
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in written:
                    archive.write(path, f"{stem}{path.name[len(stem) :]}")
            content = buffer.getvalue()
        else:
            content = written[0].read_bytes()
    record(
        session,
        principal.actor,
        "export",
        object_type,
        object_ids,
        {"format": fmt, "nodes": len(graph.nodes), "edges": len(graph.edges)},
    )
    session.commit()
    return Response(
        content,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{stem}.{suffix}"'},
    )


@router.get("/network/nodes/{node_id}/neighbourhood")
def neighbourhood(
    node_id: int,
    kinds: str | None = _KINDS,
    since: dt.date | None = _SINCE,
    until: dt.date | None = _UNTIL,
    ring: str | None = Query(None, description="Show roles as this ring gives them."),
    limit: int = Query(300, ge=1, le=2000, description="At most this many edges, strongest first."),
    principal: Principal = Depends(require("network:read")),
    session: Session = Depends(db_session),
) -> dict[str, Any]:
    """The node, its neighbours and the edges between them, each with why it exists."""
    try:
        graph, truncated = node_neighbourhood(
            session, node_id, edge_filter(kinds, since, until), limit
        )
    except NotFoundError as error:
        raise HTTPException(status_code=404, detail=error.message) from None
    roles = member_roles(session, [key for _k, key, _l, _a in graph.nodes.values()], ring)
    return {"node": node_id, "truncated": truncated} | graph_json(graph, roles)


@router.get("/network/basemap", summary="Low-resolution world land outline for the ring map")
def basemap(principal: Principal = Depends(require("network:read"))) -> dict[str, Any]:
    return land_outline()
