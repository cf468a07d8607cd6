"""Stored rings with stable references, and the ring's views for the link chart, map and timeline.

An analysis numbers its rings 1, 2, 3 by score, so the numbers change from run to run. Analysts and
cases need a name that lasts: each ring is stored as ``RING-000123``. A re-analysis keeps the
reference of a stored ring when the persons of the new ring overlap the stored ring's persons at
Jaccard >= 0.5 (``|A ∩ B| / |A ∪ B|`` over person node keys; pairs are matched one to one, best
overlap first); a new ring gets the next reference; a stored ring that no new ring matches is marked
``vanished`` (kept, never deleted: a case may cite it) and becomes ``active`` again if a later
analysis finds it. Members are stored by node kind and key, not node id, so they outlive a rebuild
of the network.

A member classified as a smuggled migrant keeps that role: it is a protection role, never a suspect.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from filet.errors import NotFoundError, Place
from filet.network._analysis import (
    FACILITATOR_ROLES,
    SMUGGLED_MIGRANT,
    Edge,
    Network,
    Ring,
)
from filet.network._service import NetworkAnalysis
from filet.store.schema import (
    BorderCrossing,
    CrossingPoint,
    NetworkEdge,
    NetworkNode,
    NetworkRing,
    NetworkRingMember,
)

RING_MATCH_JACCARD = 0.5
REFERENCE_PREFIX = "RING-"
# Kinds left out of ring detection (too common to bind a ring) but shown beside a ring's members:
# the flights they took, the crossings they made, the agencies that sold their tickets.
CONTEXT_KINDS = frozenset({"trip", "crossing", "agency"})
_CHUNK = 500


def ring_reference(number: int) -> str:
    return f"{REFERENCE_PREFIX}{number:06d}"


def jaccard(first: set[str], second: set[str]) -> float:
    union = first | second
    return len(first & second) / len(union) if union else 0.0


@dataclass
class RingUpdate:
    """What storing one analysis did to the stored rings."""

    analysed_at: dt.datetime
    references: dict[int, str] = field(default_factory=dict)  # analysis ring number -> reference
    new: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    reappeared: list[str] = field(default_factory=list)
    vanished: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "analysed_at": self.analysed_at.isoformat(),
            "new": self.new,
            "kept": self.kept,
            "reappeared": self.reappeared,
            "vanished": self.vanished,
        }


def _persons(network: Network, ring: Ring) -> set[str]:
    return {network.nodes[n][1] for n in ring.persons}


def store_rings(
    session: Session,
    analysis: NetworkAnalysis,
    now: dt.datetime | None = None,
    min_jaccard: float = RING_MATCH_JACCARD,
) -> RingUpdate:
    """Store the analysis's rings under stable references; mark stored rings not found again as
    vanished. Sets ``analysis.references``."""
    now = now or dt.datetime.now(dt.UTC)
    network = analysis.network
    stored = list(session.scalars(select(NetworkRing).order_by(NetworkRing.id)))
    stored_persons: dict[int, set[str]] = {ring.id: set() for ring in stored}
    rows = session.execute(
        select(NetworkRingMember.ring_id, NetworkRingMember.node_key).where(
            NetworkRingMember.node_kind == "person"
        )
    )
    for ring_id, key in rows:
        stored_persons[ring_id].add(key)
    found = {ring.ring_id: _persons(network, ring) for ring in analysis.rings}
    pairs = sorted(
        (
            (score, -old.id, new.ring_id, old.id)
            for new in analysis.rings
            for old in stored
            if (score := jaccard(found[new.ring_id], stored_persons[old.id])) >= min_jaccard
        ),
        reverse=True,
    )
    matched: dict[int, NetworkRing] = {}
    taken: set[int] = set()
    by_id = {ring.id: ring for ring in stored}
    for _score, _order, new_id, old_id in pairs:
        if new_id in matched or old_id in taken:
            continue
        matched[new_id] = by_id[old_id]
        taken.add(old_id)
    update = RingUpdate(analysed_at=now)
    number = max((int(r.reference[len(REFERENCE_PREFIX) :]) for r in stored), default=0)
    for ring in analysis.rings:
        row = matched.get(ring.ring_id)
        if row is None:
            number += 1
            row = NetworkRing(reference=ring_reference(number), first_analysed_at=now, history=[])
            session.add(row)
            update.new.append(row.reference)
            change = "new"
        elif row.status == "vanished":
            update.reappeared.append(row.reference)
            change = "reappeared"
        else:
            update.kept.append(row.reference)
            change = "kept"
        _fill(row, ring, analysis, now, change)
        session.flush()
        session.execute(delete(NetworkRingMember).where(NetworkRingMember.ring_id == row.id))
        session.add_all(_members(row.id, ring, network))
        update.references[ring.ring_id] = row.reference
    for row in stored:
        if row.id not in taken and row.status != "vanished":
            row.status = "vanished"
            row.vanished_at = now
            row.history = [*row.history, {"analysed_at": now.isoformat(), "change": "vanished"}]
            update.vanished.append(row.reference)
    session.flush()
    analysis.references = dict(update.references)
    return update


def _fill(
    row: NetworkRing, ring: Ring, analysis: NetworkAnalysis, now: dt.datetime, change: str
) -> None:
    row.status = "active"
    row.vanished_at = None
    row.score = round(ring.score, 3)
    row.reasons = [r.__dict__ for r in ring.reasons]
    row.persons = len(ring.persons)
    row.suspects = len(ring.suspects())
    row.smuggled_migrants = len(ring.migrants())
    row.first_seen = ring.first_seen
    row.last_seen = ring.last_seen
    row.analysed_at = now
    row.detail = {
        "binding_traces": [{"kind": k, "key": key, "tied": n} for k, key, n in ring.binding_traces],
        "bookings": ring.bookings,
        "crossings": ring.crossings,
        "routes": ring.routes,
        "paid_total": ring.paid_total,
        "changes": analysis.changes.get(ring.ring_id, {}),
    }
    row.history = [
        *(row.history or []),
        {
            "analysed_at": now.isoformat(),
            "change": change,
            "score": row.score,
            "persons": row.persons,
        },
    ]


def _members(ring_id: int, ring: Ring, network: Network) -> list[NetworkRingMember]:
    roles = {r.node_id: r for r in ring.roles}
    out = []
    for node_id in ring.node_ids:
        kind, key, label, _attrs = network.nodes[node_id]
        assessment = roles.get(node_id)
        out.append(
            NetworkRingMember(
                ring_id=ring_id,
                node_kind=kind,
                node_key=key,
                label=label[:300],
                role=assessment.role if assessment else None,
                reasons=[r.__dict__ for r in assessment.reasons] if assessment else [],
            )
        )
    return out


def stored_rings(session: Session, include_vanished: bool = False) -> list[NetworkRing]:
    """Stored rings, highest score first."""
    query = select(NetworkRing).order_by(NetworkRing.score.desc(), NetworkRing.reference)
    if not include_vanished:
        query = query.where(NetworkRing.status == "active")
    return list(session.scalars(query))


def stored_ring(session: Session, reference: str) -> tuple[NetworkRing, list[NetworkRingMember]]:
    """One stored ring and its members (by role, then label)."""
    ring = session.scalars(select(NetworkRing).where(NetworkRing.reference == reference)).first()
    if ring is None:
        raise NotFoundError(f"no ring {reference}", Place(field="reference"))
    members = list(
        session.scalars(
            select(NetworkRingMember)
            .where(NetworkRingMember.ring_id == ring.id)
            .order_by(NetworkRingMember.node_kind, NetworkRingMember.label)
        )
    )
    return ring, members


def role_flags(role: str | None) -> dict[str, Any]:
    """How a role is shown: a suspect only for a facilitator role; a smuggled migrant is protected."""
    return {
        "role": role,
        "suspect": role in FACILITATOR_ROLES,
        "protected": role == SMUGGLED_MIGRANT,
    }


def _chunks(values: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _edge(row: NetworkEdge) -> Edge:
    return Edge(
        row.kind,
        row.source_id,
        row.target_id,
        row.first_seen,
        row.last_seen,
        row.count,
        row.weight,
        list(row.provenance or []),
    )


def _load_nodes(
    session: Session, ids: Iterable[int]
) -> dict[int, tuple[str, str, str, dict[str, Any]]]:
    nodes: dict[int, tuple[str, str, str, dict[str, Any]]] = {}
    for part in _chunks(sorted(set(ids))):
        for n in session.scalars(select(NetworkNode).where(NetworkNode.id.in_(part))):
            # Node attributes can hold a person's recorded category: not shown in link charts.
            nodes[n.id] = (n.kind, n.key, n.label, {})
    return nodes


def _edges_touching(session: Session, ids: list[int]) -> list[Edge]:
    seen: dict[int, Edge] = {}
    for part in _chunks(ids):
        query = select(NetworkEdge).where(
            or_(NetworkEdge.source_id.in_(part), NetworkEdge.target_id.in_(part))
        )
        for row in session.scalars(query):
            seen[row.id] = _edge(row)
    return list(seen.values())


def ring_network(session: Session, members: list[NetworkRingMember]) -> Network:
    """The ring's subgraph in the current network: its members, the edges between them, and the
    flights, crossings and agencies they are linked to (with those links only)."""
    wanted = {(m.node_kind, m.node_key) for m in members}
    ids: list[int] = []
    keys = sorted({m.node_key for m in members})
    for start in range(0, len(keys), _CHUNK):
        part = keys[start : start + _CHUNK]
        for node_id, kind, key in session.execute(
            select(NetworkNode.id, NetworkNode.kind, NetworkNode.key).where(
                NetworkNode.key.in_(part)
            )
        ):
            if (kind, key) in wanted:
                ids.append(node_id)
    inside = set(ids)
    touching = _edges_touching(session, sorted(inside))
    outside = {e.source for e in touching} | {e.target for e in touching}
    nodes = _load_nodes(session, inside | outside)
    context = {n for n in outside - inside if nodes[n][0] in CONTEXT_KINDS}
    keep = inside | context
    edges = [e for e in touching if e.source in keep and e.target in keep]
    return Network({n: nodes[n] for n in keep}, edges)


@dataclass(frozen=True)
class EdgeFilter:
    """Which edges a link chart shows: by kind and by a time window. An edge without dates (a
    contact on an identity record) is kept by the time window: it cannot be placed in time."""

    kinds: frozenset[str] | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None

    def keeps(self, edge: Edge) -> bool:
        if self.kinds is not None and edge.kind not in self.kinds:
            return False
        if self.since is not None and edge.last_seen is not None and edge.last_seen < self.since:
            return False
        return not (
            self.until is not None and edge.first_seen is not None and edge.first_seen > self.until
        )

    def apply(self, network: Network, keep: set[int] | None = None) -> Network:
        edges = [e for e in network.edges if self.keeps(e)]
        if keep is None:
            keep = set(network.nodes)
        ids = keep | {e.source for e in edges} | {e.target for e in edges}
        return Network({n: network.nodes[n] for n in ids if n in network.nodes}, edges)


def node_neighbourhood(
    session: Session, node_id: int, where: EdgeFilter | None = None, limit: int = 300
) -> tuple[Network, bool]:
    """A node, the edges touching it (filtered, strongest first, at most ``limit``) and the
    nodes at their other ends; the flag says whether edges were left out by the limit."""
    if session.get(NetworkNode, node_id) is None:
        raise NotFoundError(f"no network node {node_id}", Place(field="node_id"))
    where = where or EdgeFilter()
    edges = [e for e in _edges_touching(session, [node_id]) if where.keeps(e)]
    edges.sort(key=lambda e: (-e.weight, e.kind, e.source, e.target))
    truncated = len(edges) > limit
    edges = edges[:limit]
    nodes = _load_nodes(session, {node_id} | {e.source for e in edges} | {e.target for e in edges})
    return Network(nodes, edges), truncated


def edge_json(edge: Edge) -> dict[str, Any]:
    return {
        "id": f"{edge.kind}:{edge.source}:{edge.target}",
        "source": edge.source,
        "target": edge.target,
        "kind": edge.kind,
        "count": edge.count,
        "weight": round(edge.weight, 4),
        "first_seen": edge.first_seen.isoformat() if edge.first_seen else None,
        "last_seen": edge.last_seen.isoformat() if edge.last_seen else None,
        "provenance": edge.provenance,
    }


def graph_json(
    network: Network, roles: dict[tuple[str, str], str | None] | None = None
) -> dict[str, Any]:
    """Nodes (kind, key, label, role flags) and edges (kind, count, dates, provenance)."""
    roles = roles or {}
    return {
        "nodes": [
            {"id": n, "kind": kind, "key": key, "label": label} | role_flags(roles.get((kind, key)))
            for n, (kind, key, label, _attrs) in sorted(network.nodes.items())
        ],
        "edges": [edge_json(e) for e in network.edges],
    }


def ring_timeline(network: Network) -> list[dict[str, Any]]:
    """The ring's bookings, flights and crossings in time order (when each was first seen)."""
    first: dict[int, dt.datetime] = {}
    for edge in network.edges:
        for node in (edge.source, edge.target):
            if edge.first_seen is not None and (node not in first or edge.first_seen < first[node]):
                first[node] = edge.first_seen
    events = [
        {"kind": network.nodes[n][0], "key": network.nodes[n][1], "label": network.nodes[n][2]}
        | {"at": at.isoformat()}
        for n, at in first.items()
        if network.nodes[n][0] in {"booking", "trip", "crossing"}
    ]
    return sorted(events, key=lambda e: (e["at"], e["kind"], e["key"]))


def ring_map(session: Session, network: Network) -> dict[str, Any]:
    """The ring's routes for a map: flights as airport-to-airport lines, crossings at their
    crossing points, with how many times each was used (coordinates from ``crossing_points``)."""
    legs: Counter[tuple[str, str]] = Counter()
    crossings: list[str] = []
    for kind, key, label, _attrs in network.nodes.values():
        if kind == "trip":
            parts = label.split(" ")
            if len(parts) >= 2 and parts[1].count("-") == 1:
                origin, destination = parts[1].split("-")
                legs[(origin, destination)] += 1
        elif kind == "crossing":
            crossings.append(key)
    at_points: Counter[str] = Counter()
    for start in range(0, len(crossings), _CHUNK):
        rows = session.execute(
            select(CrossingPoint.code)
            .join(BorderCrossing, BorderCrossing.crossing_point_id == CrossingPoint.id)
            .where(BorderCrossing.crossing_key.in_(crossings[start : start + _CHUNK]))
        )
        for (code,) in rows:
            at_points[code] += 1
    codes = {c for leg in legs for c in leg} | set(at_points)
    points = {
        p.code: {
            "code": p.code,
            "name": p.name,
            "country": p.country,
            "kind": p.kind,
            "latitude": p.latitude,
            "longitude": p.longitude,
            "crossings": at_points.get(p.code, 0),
        }
        for p in session.scalars(select(CrossingPoint).where(CrossingPoint.code.in_(sorted(codes))))
        if p.latitude is not None and p.longitude is not None
    }
    return {
        "points": sorted(points.values(), key=lambda p: str(p["code"])),
        "legs": [
            {"from": a, "to": b, "flights": n}
            for (a, b), n in sorted(legs.items())
            if a in points and b in points
        ],
        "unplaced": sorted(codes - set(points)),
    }


def member_roles(
    session: Session, keys: Iterable[str], reference: str | None = None
) -> dict[tuple[str, str], str | None]:
    """The roles stored rings give these node keys: in the ring ``reference`` if given, else in
    any active ring. Where rings disagree, smuggled migrant wins: a person one ring moved is not
    shown as a suspect on the strength of another."""
    wanted = sorted(set(keys))
    roles: dict[tuple[str, str], str | None] = {}
    for start in range(0, len(wanted), _CHUNK):
        query = (
            select(NetworkRingMember.node_kind, NetworkRingMember.node_key, NetworkRingMember.role)
            .join(NetworkRing, NetworkRing.id == NetworkRingMember.ring_id)
            .where(
                NetworkRingMember.node_key.in_(wanted[start : start + _CHUNK]),
                NetworkRingMember.role.is_not(None),
            )
        )
        if reference is not None:
            query = query.where(NetworkRing.reference == reference)
        else:
            query = query.where(NetworkRing.status == "active")
        for kind, key, role in session.execute(query):
            if roles.get((kind, key)) != SMUGGLED_MIGRANT:
                roles[(kind, key)] = role
    return roles
