"""Rings, key players, roles, money flows and change over time, on igraph.

Rings are communities (Leiden, modularity, on the graph without hub nodes such as flights and
agencies) that hold persons tied by shared traces; each is scored by smuggling indicators. Roles are
rules over the ring's evidence (``data/roles.yaml``). A person classified as a smuggled migrant is
routed to protection and is never ranked as a facilitator (Smuggling Protocol art. 5).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import igraph as ig
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from filet.network._build import _named
from filet.store.schema import (
    IntelligenceItem,
    NetworkEdge,
    NetworkNode,
    Person,
    PnrBooking,
    PnrPayment,
)

FACILITATOR_ROLES = (
    "organiser",
    "recruiter",
    "booker_payer",
    "escort",
    "driver",
    "document_supplier",
    "money_collector",
)
SMUGGLED_MIGRANT = "smuggled_migrant"
PROTECTED_CATEGORIES = frozenset({"smuggled_migrant", "victim", "witness"})
_TRAVEL_KINDS = frozenset({"travelled_on", "crossed", "traveller_on"})


@cache
def _knowledge() -> dict[str, Any]:
    text = resources.files("filet.network").joinpath("data/roles.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@dataclass(frozen=True)
class Edge:
    kind: str
    source: int
    target: int
    first_seen: dt.datetime | None
    last_seen: dt.datetime | None
    count: int
    weight: float
    provenance: list[str]


@dataclass
class Network:
    """The stored network in memory: nodes by id and edges."""

    nodes: dict[int, tuple[str, str, str, dict[str, Any]]]  # id -> kind, key, label, attributes
    edges: list[Edge]

    @classmethod
    def load(cls, session: Session) -> Network:
        nodes = {
            n.id: (n.kind, n.key, n.label, dict(n.attributes or {}))
            for n in session.scalars(select(NetworkNode))
        }
        by_key = {
            key: node_id for node_id, (kind, key, _l, _a) in nodes.items() if kind == "person"
        }
        for person_id, category in session.execute(select(Person.id, Person.category)):
            found = by_key.get(f"person:{person_id}")
            if found is not None:
                nodes[found][3]["category"] = category
        edges = [
            Edge(
                e.kind,
                e.source_id,
                e.target_id,
                e.first_seen,
                e.last_seen,
                e.count,
                e.weight,
                list(e.provenance or []),
            )
            for e in session.scalars(select(NetworkEdge))
        ]
        return cls(nodes, edges)

    def neighbours(self) -> dict[int, list[Edge]]:
        out: dict[int, list[Edge]] = defaultdict(list)
        for edge in self.edges:
            out[edge.source].append(edge)
            out[edge.target].append(edge)
        return out


@dataclass(frozen=True)
class Reason:
    """One piece of evidence behind a score or a role: an indicator, its value and detail."""

    indicator: str
    value: float
    detail: str


@dataclass
class RoleAssessment:
    node_id: int
    key: str
    label: str
    role: str
    reasons: list[Reason]


@dataclass
class Ring:
    """A suspected smuggling ring: its members, the traces that bind it and its score."""

    ring_id: int
    node_ids: list[int]
    persons: list[int]
    binding_traces: list[tuple[str, str, int]]  # kind, key, persons/bookings tied
    bookings: list[str]
    crossings: list[str]
    routes: list[str]
    first_seen: dt.datetime | None
    last_seen: dt.datetime | None
    score: float
    reasons: list[Reason]
    roles: list[RoleAssessment] = field(default_factory=list)
    paid_total: float = 0.0

    def suspects(self) -> list[RoleAssessment]:
        return [r for r in self.roles if r.role in FACILITATOR_ROLES]

    def migrants(self) -> list[RoleAssessment]:
        return [r for r in self.roles if r.role == SMUGGLED_MIGRANT]

    def as_dict(self, network: Network) -> dict[str, Any]:
        return {
            "ring_id": self.ring_id,
            "score": round(self.score, 3),
            "reasons": [r.__dict__ for r in self.reasons],
            "persons": len(self.persons),
            "suspects": [
                {
                    "key": r.key,
                    "label": r.label,
                    "role": r.role,
                    "reasons": [x.__dict__ for x in r.reasons],
                }
                for r in self.suspects()
            ],
            "smuggled_migrants": len(self.migrants()),
            "binding_traces": [
                {"kind": k, "key": key, "tied": n} for k, key, n in self.binding_traces
            ],
            "bookings": self.bookings,
            "crossings": len(self.crossings),
            "routes": self.routes,
            "first_seen": self.first_seen.isoformat() if self.first_seen else None,
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
            "paid_total": self.paid_total,
        }


def detect_rings(
    network: Network, min_persons: int = 3, resolution: float = 1.0, split_above: int = 200
) -> list[Ring]:
    """Groups of persons around shared traces, scored by smuggling indicators.

    A connected component of the graph without hubs (flights, agencies, crossing events) is a ring
    candidate; one larger than ``split_above`` nodes is split into Leiden communities (modularity).
    """
    graph, keep = network_graph(network)
    groups: list[list[int]] = []
    for component in graph.connected_components():
        if len(component) <= split_above:
            groups.append(list(component))
            continue
        sub = graph.subgraph(component)
        parts = sub.community_leiden(
            objective_function="modularity",
            weights="weight",
            resolution=resolution,
            n_iterations=4,
        )
        groups.extend([component[i] for i in part] for part in parts)
    communities = groups
    by_node = network.neighbours()
    rings: list[Ring] = []
    for members in communities:
        node_ids = [keep[i] for i in members]
        persons = [n for n in node_ids if network.nodes[n][0] == "person"]
        if len(persons) < min_persons:
            continue
        ring = _describe(len(rings) + 1, node_ids, persons, network, by_node)
        if ring.score > 0:
            rings.append(ring)
    rings.sort(key=lambda r: -r.score)
    for number, ring in enumerate(rings, start=1):
        ring.ring_id = number
    return rings


def _describe(
    ring_id: int,
    node_ids: list[int],
    persons: list[int],
    network: Network,
    by_node: dict[int, list[Edge]],
) -> Ring:
    members = set(node_ids)
    binding_kinds = set(_knowledge()["binding_kinds"]) - {"booking"}
    traces: list[tuple[str, str, int]] = []
    bookings, crossings, routes = set(), set(), Counter[str]()
    times: list[dt.datetime] = []
    reasons: list[Reason] = []
    for node_id in node_ids:
        kind, key, _label, _attrs = network.nodes[node_id]
        if kind in binding_kinds:
            tied = {e.source if e.target == node_id else e.target for e in by_node[node_id]}
            tied &= members
            if len(tied) >= 2:
                traces.append((kind, key, len(tied)))
        if kind == "booking":
            bookings.add(key)
    for node_id in persons:
        for edge in by_node[node_id]:
            other = edge.target if edge.source == node_id else edge.source
            okind, okey, olabel, _ = network.nodes[other]
            if okind == "crossing":
                crossings.add(okey)
            if okind == "trip":
                routes[" ".join(olabel.split(" ")[1:2])] += 1
            for moment in (edge.first_seen, edge.last_seen):
                if moment is not None:
                    times.append(moment)
    shared_by_bookings = [t for t in traces if t[0] in {"phone", "email", "card"} and t[2] >= 2]
    if len(bookings) >= 2 and shared_by_bookings:
        reasons.append(
            Reason(
                "shared_contact_or_card",
                float(len(shared_by_bookings)),
                "same phone, e-mail or card on different bookings (indicator 17)",
            )
        )
    intel = sum(
        1
        for n in node_ids
        for e in by_node[n]
        if e.kind in {"called", "paid", "met", "uses_phone"} and e.source == n
    )
    if intel:
        reasons.append(
            Reason("intelligence", float(intel), "graded intelligence items link members")
        )
    drivers = sum(1 for n in persons for e in by_node[n] if e.kind == "drove" and e.source == n)
    if drivers:
        reasons.append(Reason("repeat_vehicle_crossings", float(drivers), "indicator 24"))
    shared_docs = [t for t in traces if t[0] == "document"]
    if shared_docs:
        reasons.append(
            Reason("document_used_by_several", float(len(shared_docs)), "impostor (indicator 3)")
        )
    payers = {
        e.target
        for n in node_ids
        if network.nodes[n][0] == "booking"
        for e in by_node[n]
        if e.kind == "paid_by" and e.source == n
    }
    travellers = set(persons) & {
        e.source for n in node_ids for e in by_node[n] if e.kind in _TRAVEL_KINDS
    }
    if payers - travellers and len(bookings) >= 2:
        reasons.append(
            Reason("paid_by_non_traveller", float(len(payers - travellers)), "indicator 11")
        )
    score = sum(min(r.value, 5.0) for r in reasons)
    return Ring(
        ring_id=ring_id,
        node_ids=sorted(node_ids),
        persons=sorted(persons),
        binding_traces=sorted(traces, key=lambda t: -t[2])[:20],
        bookings=sorted(bookings),
        crossings=sorted(crossings),
        routes=[r for r, _ in routes.most_common(5)],
        first_seen=min(times) if times else None,
        last_seen=max(times) if times else None,
        score=score,
        reasons=reasons,
    )


def infer_roles(ring: Ring, network: Network) -> list[RoleAssessment]:
    """Each person's likely role in the ring, with the evidence; travellers moved by the ring are
    smuggled migrants (never suspects)."""
    by_node = network.neighbours()
    members = set(ring.node_ids)
    described = _knowledge()["debriefing_roles"]
    out: list[RoleAssessment] = []
    for node_id in ring.persons:
        kind, key, label, attributes = network.nodes[node_id]
        edges = by_node[node_id]
        own = Counter(e.kind for e in edges)
        reasons: list[Reason] = []
        role: str | None = None
        if attributes.get("category") in PROTECTED_CATEGORIES:
            role = SMUGGLED_MIGRANT
            reasons.append(Reason("category", 1, f"recorded as {attributes['category']}"))
        trips = {
            (e.target if e.source == node_id else e.source)
            for e in edges
            if e.kind in {"travelled_on", "crossed"}
        }
        bookings_paid = [e for e in edges if e.kind == "paid_by" and e.target == node_id]
        paid_in = [e for e in edges if e.kind == "paid" and e.target == node_id]
        if role is None and own["drove"]:
            role = "driver"
            reasons.append(
                Reason("drove", own["drove"], "same vehicle across the border on several days")
            )
        if role is None and bookings_paid and not trips:
            role = "booker_payer"
            reasons.append(
                Reason("paid_by", len(bookings_paid), "named as payer on bookings, does not travel")
            )
        if (
            role is None
            and len(trips) >= 2
            and (own["travelled_with"] or own["same_crossing"] >= 2)
        ):
            role = "escort"
            reasons.append(
                Reason("repeat_travel", len(trips), "travels repeatedly with different groups")
            )
        if role is None and not trips:
            phones = [
                e.target if e.source == node_id else e.source
                for e in edges
                if e.kind in {"uses_phone", "has_contact", "payer_phone"}
            ]
            calls = sum(1 for p in phones for e in by_node[p] if e.kind == "called")
            booking_contact = sum(1 for p in phones for e in by_node[p] if e.kind == "contact")
            words = " ".join(
                str(s.get("role_as_described", "")).lower() for s in attributes.get("described", [])
            )
            if booking_contact >= 2:
                role = "recruiter"
                reasons.append(
                    Reason("phone_on_bookings", booking_contact, "phone is the bookings' contact")
                )
            elif paid_in:
                role = "money_collector"
                reasons.append(Reason("receives_payments", len(paid_in), "payments to this person"))
            elif calls >= 2 or own["met"] >= 2:
                role = "organiser"
                reasons.append(
                    Reason(
                        "calls_and_meetings",
                        calls + own["met"],
                        "central in calls and meetings, never travels",
                    )
                )
            else:
                for candidate, cues in described.items():
                    if any(cue in words for cue in cues):
                        role = candidate
                        reasons.append(Reason("debriefing", 1, words))
                        break
        if (
            role is None
            and trips
            and (own["traveller_on"] or own["crossed"] or own["travelled_on"])
        ):
            role = SMUGGLED_MIGRANT
            reasons.append(
                Reason("moved_by_ring", len(trips), "travelled on the ring's bookings or crossings")
            )
        if role is None:
            continue
        out.append(RoleAssessment(node_id, key, label, role, reasons))
    # Money collectors: accounts the ring's payments go to.
    for node_id in members:
        kind, key, label, _ = network.nodes[node_id]
        if kind == "account":
            payers = [e for e in by_node[node_id] if e.kind == "paid"]
            if len(payers) >= 2:
                out.append(
                    RoleAssessment(
                        node_id,
                        key,
                        label,
                        "money_collector",
                        [
                            Reason(
                                "receives_payments",
                                len(payers),
                                "account receiving several payers (indicator 28)",
                            )
                        ],
                    )
                )
    ring.roles = out
    return out


@dataclass(frozen=True)
class KeyPlayer:
    node: str
    label: str
    degree: int
    weighted_degree: float
    betweenness: float
    coreness: int
    constraint: float
    score: float
    reasons: list[Reason]


def key_players(
    graph: ig.Graph,
    names: list[str],
    labels: list[str] | None = None,
    top: int = 20,
    exclude: set[str] | None = None,
    candidates: set[int] | None = None,
) -> list[KeyPlayer]:
    """Degree, weighted degree, betweenness, k-core and brokerage (Burt's constraint), combined
    into one ranking by mean percentile rank; ``exclude`` names never ranked (smuggled migrants)."""
    n = graph.vcount()
    if n == 0:
        return []
    weights = graph.es["weight"] if "weight" in graph.es.attributes() else None
    degree = graph.degree()
    strength = graph.strength(weights=weights)
    # Exact betweenness is O(nm); above a few thousand nodes paths are cut at 3 steps (brokers
    # in smuggling rings sit within a few steps of those they connect), counted in hops.
    cutoff = None if n <= 5_000 else 3
    # Betweenness treats weights as distances: use the inverse of tie strength.
    distance = [1.0 / w if w > 0 else 1.0 for w in weights] if weights else None
    between = graph.betweenness(
        weights=distance if cutoff is None else None, cutoff=cutoff, directed=graph.is_directed()
    )
    core = graph.coreness()
    constraint = graph.as_undirected().constraint(weights=None) if n < 200_000 else [1.0] * n

    def percentile(values: list[float]) -> list[float]:
        order = sorted(range(n), key=lambda i: values[i])
        ranks = [0.0] * n
        for position, i in enumerate(order):
            ranks[i] = position / max(n - 1, 1)
        return ranks

    brokerage = [1.0 - (c if c == c else 1.0) for c in constraint]
    parts = [
        percentile(list(map(float, degree))),
        percentile(strength),
        percentile(between),
        percentile(list(map(float, core))),
        percentile(brokerage),
    ]
    combined = [sum(p[i] for p in parts) / len(parts) for i in range(n)]
    pool = candidates if candidates is not None else set(range(n))
    ranked = sorted(
        (i for i in pool if not exclude or names[i] not in exclude), key=lambda i: -combined[i]
    )
    out = []
    for i in ranked[:top]:
        reasons = [
            Reason(metric, round(value, 4), f"top {100 - int(parts[j][i] * 100)} %")
            for j, (metric, value) in enumerate(
                [
                    ("degree", degree[i]),
                    ("weighted_degree", strength[i]),
                    ("betweenness", between[i]),
                    ("k_core", core[i]),
                    ("brokerage", brokerage[i]),
                ]
            )
            if parts[j][i] >= 0.9
        ]
        out.append(
            KeyPlayer(
                names[i],
                (labels or names)[i],
                degree[i],
                float(strength[i]),
                float(between[i]),
                int(core[i]),
                float(constraint[i]),
                combined[i],
                reasons,
            )
        )
    return out


def network_graph(network: Network) -> tuple[ig.Graph, list[int]]:
    hubs = set(_knowledge()["hub_kinds"])
    keep = [n for n, (kind, *_rest) in network.nodes.items() if kind not in hubs]
    index = {node_id: i for i, node_id in enumerate(keep)}
    pairs, weights = [], []
    for edge in network.edges:
        if edge.source in index and edge.target in index:
            pairs.append((index[edge.source], index[edge.target]))
            weights.append(edge.weight)
    graph = ig.Graph(n=len(keep), edges=pairs)
    graph.es["weight"] = weights
    graph.simplify(combine_edges={"weight": "sum"})
    return graph, keep


def facilitators(network: Network, rings: list[Ring], top: int = 20) -> list[KeyPlayer]:
    """Likely facilitators: key players among persons, never a smuggled migrant."""
    graph, keep = network_graph(network)
    names = [network.nodes[n][1] for n in keep]
    labels = [network.nodes[n][2] for n in keep]
    protected = {r.key for ring in rings for r in ring.roles if r.role == SMUGGLED_MIGRANT} | {
        network.nodes[n][1]
        for n in keep
        if network.nodes[n][3].get("category") in PROTECTED_CATEGORIES
    }
    persons = {i for i, n in enumerate(keep) if network.nodes[n][0] == "person"}
    return key_players(graph, names, labels, top=top, exclude=protected, candidates=persons)


def money_flows(session: Session, network: Network, rings: list[Ring]) -> dict[str, Any]:
    """Who paid for whom: bookings each payer paid (with their travellers) and payments reported
    in intelligence; totals by payer and by ring (amounts as recorded, per currency)."""
    by_node = network.neighbours()
    key_to_node = {(kind, key): n for n, (kind, key, _l, _a) in network.nodes.items()}
    ring_of = {n: ring.ring_id for ring in rings for n in ring.node_ids}
    by_payer: dict[str, dict[str, Any]] = {}
    by_ring: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))

    def add(payer: str, currency: str, amount: float, booking: str | None, to: str | None) -> None:
        entry = by_payer.setdefault(
            payer, {"label": payer[6:], "bookings": [], "for": set(), "to": set(), "totals": {}}
        )
        entry["totals"][currency] = entry["totals"].get(currency, 0.0) + amount
        node = key_to_node.get(("person", payer))
        if booking:
            entry["bookings"].append(booking)
            booking_node = key_to_node.get(("booking", booking))
            for e in by_node.get(booking_node, []) if booking_node is not None else []:
                if e.kind == "traveller_on":
                    entry["for"].add(network.nodes[e.source][2])
        if to:
            entry["to"].add(to)
        if node is not None and node in ring_of:
            by_ring[ring_of[node]][currency] += amount

    rows = session.execute(
        select(
            PnrPayment.payer_name,
            PnrPayment.amount,
            PnrPayment.currency,
            PnrBooking.carrier,
            PnrBooking.locator,
        )
        .join(PnrBooking, PnrBooking.id == PnrPayment.booking_id)
        .where(PnrPayment.payer_name.is_not(None))
    )
    for name, amount, currency, carrier, locator in rows:
        add(_named(str(name)), currency or "?", float(amount or 0), f"{carrier}:{locator}", None)
    for item in session.scalars(select(IntelligenceItem).where(IntelligenceItem.kind == "payment")):
        attrs = item.attributes or {}
        if attrs.get("payer_name"):
            add(
                _named(str(attrs["payer_name"])),
                str(attrs.get("currency", "?")),
                float(attrs.get("amount") or 0),
                None,
                attrs.get("beneficiary_account"),
            )
    for ring in rings:
        ring.paid_total = sum(by_ring.get(ring.ring_id, {}).values())
    return {
        "by_payer": {
            payer: {**v, "for": sorted(v["for"]), "to": sorted(v["to"])}
            for payer, v in sorted(by_payer.items())
        },
        "by_ring": {ring: dict(totals) for ring, totals in sorted(by_ring.items())},
    }


def ring_changes(ring: Ring, network: Network) -> dict[str, Any]:
    """How a ring changed: members per month, routes per month, contacts first seen late."""
    by_node = network.neighbours()
    months: dict[str, set[int]] = defaultdict(set)
    routes: dict[str, set[str]] = defaultdict(set)
    for node_id in ring.persons:
        for edge in by_node[node_id]:
            if edge.first_seen is None:
                continue
            month = edge.first_seen.strftime("%Y-%m")
            months[month].add(node_id)
            other = edge.target if edge.source == node_id else edge.source
            if network.nodes[other][0] == "trip":
                routes[month].add(network.nodes[other][2].split(" ")[1])
    contacts_first: dict[str, str] = {}
    for node_id in ring.node_ids:
        kind, key, _label, _ = network.nodes[node_id]
        if kind in {"phone", "email"}:
            seen = [e.first_seen for e in by_node[node_id] if e.first_seen]
            if seen:
                contacts_first[key] = min(seen).strftime("%Y-%m")
    ordered = sorted(months)
    new_contacts = {k: m for k, m in contacts_first.items() if ordered and m != ordered[0]}
    first_routes = routes.get(ordered[0], set()) if ordered else set()
    return {
        "members_by_month": {m: len(months[m]) for m in ordered},
        "grows": len(ordered) > 1 and len(months[ordered[-1]]) > len(months[ordered[0]]),
        "routes_by_month": {m: sorted(routes[m]) for m in sorted(routes)},
        "new_routes": sorted(set().union(*routes.values()) - first_routes) if routes else [],
        "new_contacts": new_contacts,
    }
