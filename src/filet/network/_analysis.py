"""Rings, key players, roles, money flows and change over time, on igraph.

Rings are communities (Leiden, modularity, on the graph without hub nodes such as flights and
agencies) that hold persons tied by shared traces; each is scored by smuggling indicators. Roles are
rules over the ring's evidence (``data/roles.yaml``). A person classified as a smuggled migrant is
routed to protection and is never ranked as a facilitator (Smuggling Protocol art. 5).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import igraph as ig
import numpy as np
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from filet.network._build import _named, mention
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
    network: Network,
    min_persons: int = 3,
    resolution: float = 1.0,
    split_above: int = 200,
    min_score: float = 4.0,
) -> list[Ring]:
    """Groups of persons around shared traces, scored by smuggling indicators.

    A connected component of the graph without hubs (flights, agencies, crossing events, traces
    tied to more than ``hub_degree`` nodes) and without weak edges (adjacent seats) is a ring
    candidate; one larger than ``split_above`` nodes is split into Leiden communities
    (modularity). A candidate is a ring when it holds ``min_persons`` persons and its indicator
    score reaches ``min_score`` (lawful families and tour groups share traces too; they score
    on one or two indicators at most).
    """
    graph, keep = network_graph(network)
    membership = communities(graph, split_above=split_above, resolution=resolution)
    grouped: dict[int, list[int]] = defaultdict(list)
    for index, group in enumerate(membership):
        grouped[group].append(index)
    groups = list(grouped.values())
    by_node = network.neighbours()
    rings: list[Ring] = []
    for members in groups:
        node_ids = [keep[i] for i in members]
        persons = [n for n in node_ids if network.nodes[n][0] == "person"]
        if len(persons) < min_persons:
            continue
        ring = _describe(len(rings) + 1, node_ids, persons, network, by_node)
        strong = {r.indicator for r in ring.reasons} & _SPECIFIC
        if strong and ring.score >= min_score:
            rings.append(ring)
    rings.sort(key=lambda r: (-r.score, -len(r.persons)))
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
    reasons.extend(_indicators(members, persons, bookings, network, by_node))
    score = sum(_contribution(r) for r in reasons)
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


# How much each indicator adds to a ring's score, and its cap (risk-indicators.md numbers).
# Booking indicators count as the share of the ring's bookings that show them (x2), so a big
# lawful group does not outscore a small ring by size alone; the joint pattern of a cash,
# one-way ticket paid by someone not travelling counts per booking.
_WEIGHTS: dict[str, tuple[float, float]] = {
    "trace_reused_across_trips": (1.0, 5.0),
    "cash_one_way_paid_by_other": (1.0, 5.0),
    "paid_by_non_traveller": (2.0, 2.0),
    "cash_payment": (2.0, 2.0),
    "one_way": (2.0, 2.0),
    "last_minute_booking": (2.0, 2.0),
    "split_pnr": (1.0, 1.0),
    "intelligence": (1.0, 5.0),
    "repeat_vehicle_crossings": (1.0, 5.0),
    "document_used_by_several": (1.0, 5.0),
    "documents_in_series": (0.5, 2.0),
    "escorted": (1.0, 5.0),
    "referred_to_protection": (1.0, 5.0),
}
# Indicators specific enough to open a ring; the others (a payer not travelling, one-way
# tickets, split PNRs, shared contacts, booking lead time) are common in lawful group travel
# (families, tour groups, workers sent by an employer) and only add to the score of a ring
# that shows at least one of these.
_SPECIFIC = frozenset(
    {
        "cash_one_way_paid_by_other",
        "intelligence",
        "repeat_vehicle_crossings",
        "document_used_by_several",
        "escorted",
        "referred_to_protection",
    }
)
_INTEL_KINDS = frozenset({"called", "paid", "met", "uses_phone", "named_together"})
PROTECTION_DECISIONS = frozenset({"referred_protection"})


def _contribution(reason: Reason) -> float:
    weight, cap = _WEIGHTS.get(reason.indicator, (1.0, 5.0))
    return min(reason.value * weight, cap)


def _indicators(
    members: set[int],
    persons: list[int],
    bookings: set[str],
    network: Network,
    by_node: dict[int, list[Edge]],
) -> list[Reason]:
    """The smuggling indicators a ring shows, each with its value and the indicator number."""
    reasons: list[Reason] = []
    booking_nodes = [n for n in members if network.nodes[n][0] == "booking"]
    facts = [network.nodes[n][3] for n in booking_nodes]
    # 17: one phone, e-mail, card or payer on bookings of different travellers and days.
    reused = 0
    for node_id in members:
        kind = network.nodes[node_id][0]
        if kind not in {"phone", "email", "card", "account"} and not (
            kind == "person" and network.nodes[node_id][1].startswith("named:")
        ):
            continue
        linked = [
            e.source if e.target == node_id else e.target
            for e in by_node[node_id]
            if e.kind in {"contact", "paid_with", "paid_by"}
        ]
        linked = [b for b in linked if b in members]
        days = {_created_day(b, network, by_node) for b in linked}
        travellers = {e.source for b in linked for e in by_node[b] if e.kind == "traveller_on"}
        if len(linked) >= 2 and len(days) >= 2 and len(travellers) >= 2:
            reused += 1
    if reused:
        reasons.append(
            Reason(
                "trace_reused_across_trips",
                float(reused),
                "same phone, e-mail, card or payer on bookings of different travellers on "
                "different days (indicator 17)",
            )
        )
    if facts:
        joint = sum(
            1 for f in facts if f.get("cash") and f.get("one_way") and f.get("payer_not_travelling")
        )
        if joint:
            reasons.append(
                Reason(
                    "cash_one_way_paid_by_other",
                    float(joint),
                    "bookings paid in cash for a one-way ticket by someone not travelling "
                    "(indicators 11, 12, 14)",
                )
            )
        tests: list[tuple[str, Callable[[dict[str, Any]], bool], str]] = [
            (
                "paid_by_non_traveller",
                lambda f: bool(f.get("payer_not_travelling")),
                "indicator 11",
            ),
            ("cash_payment", lambda f: bool(f.get("cash")), "indicator 12"),
            ("one_way", lambda f: bool(f.get("one_way")), "indicator 14"),
            (
                "last_minute_booking",
                lambda f: f.get("lead_days") is not None and f["lead_days"] <= 3,
                "booked three days or less before departure (indicator 13)",
            ),
            ("split_pnr", lambda f: bool(f.get("split")), "indicator 19"),
        ]
        for indicator, test, detail in tests:
            share = sum(1 for f in facts if test(f)) / len(facts)
            if share:
                reasons.append(
                    Reason(indicator, round(share, 3), f"share of the ring's bookings; {detail}")
                )
    intel = sum(
        e.weight
        for n in members
        for e in by_node[n]
        if e.kind in _INTEL_KINDS and e.source == n and e.target in members
    )
    if intel:
        reasons.append(
            Reason(
                "intelligence",
                round(intel, 3),
                "graded intelligence and debriefings link members (weight by source "
                "reliability x information credibility)",
            )
        )
    crossings = sum(
        e.count for n in persons for e in by_node[n] if e.kind == "drove" and e.source == n
    )
    if crossings:
        reasons.append(
            Reason(
                "repeat_vehicle_crossings",
                float(crossings),
                "crossings by one person in the same vehicle on several days (indicator 24)",
            )
        )
    shared_docs = [
        n
        for n in members
        if network.nodes[n][0] == "document"
        and len({e.source for e in by_node[n] if e.kind == "holds_document"} & members) >= 2
    ]
    if shared_docs:
        reasons.append(
            Reason(
                "document_used_by_several",
                float(len(shared_docs)),
                "one document presented by several persons: impostor (indicator 3)",
            )
        )
    series = _series([network.nodes[n][1] for n in members if network.nodes[n][0] == "document"])
    if series:
        reasons.append(
            Reason(
                "documents_in_series",
                float(series),
                "documents with near-consecutive numbers in one group (indicator 25)",
            )
        )
    escorted = sum(1 for n in persons for e in by_node[n] if e.kind == "escorted" and e.source == n)
    if escorted:
        reasons.append(
            Reason(
                "escorted",
                float(escorted),
                "a traveller with a return ticket on the flight of linked one-way bookings "
                "(indicator 10)",
            )
        )
    referred = sum(1 for n in persons if referred_to_protection(n, network, by_node))
    if referred:
        reasons.append(
            Reason(
                "referred_to_protection",
                float(referred),
                "members referred to protection at the border: undocumented, rescued or "
                "asking for protection (indicator 9)",
            )
        )
    return reasons


def _created_day(booking: int, network: Network, by_node: dict[int, list[Edge]]) -> str:
    seen = [e.first_seen for e in by_node[booking] if e.first_seen is not None]
    return min(seen).date().isoformat() if seen else ""


def _series(keys: list[str], gap: int = 10) -> int:
    """How many documents sit within ``gap`` of another one of the same state, type and prefix."""
    by_prefix: dict[tuple[str, str], list[int]] = defaultdict(list)
    for key in keys:
        state, _, rest = key.partition(":")
        _type, _, number = rest.partition(":")
        digits = len(number) - len(number.rstrip("0123456789"))
        if digits < 4:
            continue
        by_prefix[(state, number[:-digits])].append(int(number[-digits:]))
    close = 0
    for numbers in by_prefix.values():
        numbers.sort()
        for i, value in enumerate(numbers):
            if (i and value - numbers[i - 1] <= gap) or (
                i + 1 < len(numbers) and numbers[i + 1] - value <= gap
            ):
                close += 1
    return close


def referred_to_protection(node_id: int, network: Network, by_node: dict[int, list[Edge]]) -> bool:
    """Whether a person crossed and was referred to protection (a smuggled migrant's mark)."""
    for edge in by_node[node_id]:
        if edge.kind == "crossed" and edge.source == node_id:
            facts = network.nodes[edge.target][3]
            if facts.get("decision") in PROTECTION_DECISIONS:
                return True
    return False


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
        elif referred_to_protection(node_id, network, by_node):
            role = SMUGGLED_MIGRANT
            reasons.append(
                Reason("referred_to_protection", 1, "referred to protection at the border")
            )
        # Journeys, one per day: a flight and its arrival crossing are one journey.
        trips = {
            e.first_seen.date() if e.first_seen else (e.target if e.source == node_id else e.source)
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
        escorted = sum(1 for e in edges if e.kind == "escorted" and e.source == node_id)
        if role is None and escorted:
            role = "escort"
            reasons.append(
                Reason(
                    "escorted",
                    escorted,
                    "return ticket on the flight of linked one-way bookings (indicator 10)",
                )
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
            words = " ".join(str(w).lower() for w in attributes.get("described", []))
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
                role = _described_role(words, described)
                if role is not None:
                    reasons.append(Reason("debriefing", 1, words))
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


def _described_role(words: str, cues: dict[str, list[str]]) -> str | None:
    """The role whose cues found in a debriefing's words are longest in total."""
    best, length = None, 0
    for candidate, options in cues.items():
        found = sum(len(cue) for cue in options if cue in words)
        if found > length:
            best, length = candidate, found
    return best


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


# Leiden runs 4 passes on a component of up to this many nodes, 2 on a larger one: there each
# pass costs seconds and passes 3 and 4 raised modularity by less than 0.001 on the benchmark
# graph (0.7945 -> 0.7949 at 1M edges, 0.7973 -> 0.7976 at 3M) for 40 % more time.
LEIDEN_FULL_PASSES_UP_TO = 100_000


def communities(graph: ig.Graph, split_above: int = 200, resolution: float = 1.0) -> list[int]:
    """Each node's ring candidate: its connected component, or its Leiden community (modularity)
    inside a component larger than ``split_above`` nodes.

    Labels follow the components' order; a split component takes one label per community."""
    components = graph.connected_components()
    component_of = np.asarray(components.membership, dtype=np.int64)
    large = [i for i, size in enumerate(components.sizes()) if size > split_above]
    parts_of: dict[int, np.ndarray] = {}
    labels = np.ones(len(components), dtype=np.int64)
    for i in large:
        # One component holding every node is the graph itself: no copy.
        sub = graph if len(components) == 1 else graph.subgraph(components[i])
        parts_of[i] = np.asarray(
            sub.community_leiden(
                objective_function="modularity",
                weights="weight" if "weight" in sub.es.attributes() else None,
                resolution=resolution,
                n_iterations=4 if sub.vcount() <= LEIDEN_FULL_PASSES_UP_TO else 2,
            ).membership,
            dtype=np.int64,
        )
        labels[i] = int(parts_of[i].max()) + 1 if len(parts_of[i]) else 0
    first = np.concatenate([[0], np.cumsum(labels)[:-1]])
    membership = first[component_of]
    for i, parts in parts_of.items():
        membership[components[i]] = parts + first[i]
    return [int(x) for x in membership]


def key_players(
    graph: ig.Graph,
    names: list[str],
    labels: list[str] | None = None,
    top: int = 20,
    exclude: set[str] | None = None,
    candidates: set[int] | None = None,
    membership: list[int] | None = None,
    betweenness_pivots: int = 500,
) -> list[KeyPlayer]:
    """Degree, weighted degree, betweenness, k-core and brokerage (Burt's constraint), combined
    into one ranking by mean percentile rank; ``exclude`` names never ranked (smuggled migrants).

    Up to 2,000 nodes betweenness is exact (weights as distances: the inverse of tie strength).
    Above, it is computed inside each ring candidate (``membership``, by default
    :func:`communities`): edges between communities are left out, so a broker is measured among
    those he connects in his ring, and the cost is the sum over rings instead of nodes x edges.
    See :func:`ring_betweenness` for communities larger than ``betweenness_pivots`` nodes.
    """
    n = graph.vcount()
    if n == 0:
        return []
    weights = graph.es["weight"] if "weight" in graph.es.attributes() else None
    degree = np.asarray(graph.degree(), dtype=float)
    strength = np.asarray(graph.strength(weights=weights), dtype=float)
    if n <= 2_000:
        distance = [1.0 / w if w > 0 else 1.0 for w in weights] if weights else None
        between = np.asarray(graph.betweenness(weights=distance, directed=graph.is_directed()))
    else:
        groups = np.asarray(membership if membership is not None else communities(graph))
        between = ring_betweenness(graph, groups, pivots=betweenness_pivots)
    core = np.asarray(graph.coreness(), dtype=float)
    if n < 200_000:
        constraint = np.asarray(graph.as_undirected().constraint(weights=None), dtype=float)
    else:
        constraint = np.ones(n)
    constraint = np.nan_to_num(constraint, nan=1.0)

    def percentile(values: np.ndarray) -> np.ndarray:
        # Share of nodes strictly below; ties share one rank (most nodes tie at the bottom).
        below = np.searchsorted(np.sort(values), values, side="left")
        ranks: np.ndarray = below / max(n - 1, 1)
        return ranks

    brokerage = 1.0 - constraint
    measures = [
        ("degree", degree),
        ("weighted_degree", strength),
        ("betweenness", between),
        ("k_core", core),
        ("brokerage", brokerage),
    ]
    parts = np.vstack([percentile(values) for _name, values in measures])
    combined = parts.mean(axis=0)
    pool = (
        np.fromiter(candidates, dtype=np.int64)
        if candidates is not None
        else np.arange(n, dtype=np.int64)
    )
    if exclude:
        pool = np.asarray([i for i in pool if names[i] not in exclude], dtype=np.int64)
    if len(pool) == 0:
        return []
    order = pool[np.argsort(-combined[pool], kind="stable")][:top]
    out = []
    for i in order.tolist():
        reasons = [
            Reason(metric, round(float(values[i]), 4), f"top {100 - int(parts[j][i] * 100)} %")
            for j, (metric, values) in enumerate(measures)
            if parts[j][i] >= 0.9
        ]
        out.append(
            KeyPlayer(
                names[i],
                (labels or names)[i],
                int(degree[i]),
                float(strength[i]),
                float(between[i]),
                int(core[i]),
                float(constraint[i]),
                float(combined[i]),
                reasons,
            )
        )
    return out


def ring_betweenness(graph: ig.Graph, groups: np.ndarray, pivots: int = 500) -> np.ndarray:
    """Betweenness inside each community (``groups``: a label per node; unweighted, edges between
    communities left out): exact in a community of up to ``pivots`` nodes; in a larger one,
    estimated from the shortest paths of ``pivots`` source nodes drawn at random (seeded) and
    scaled by size / pivots (Brandes and Pich 2007, unbiased).

    Exact betweenness costs nodes x edges per community, and modularity communities grow with the
    graph (about 1,000 nodes at a million edges, 3,000 at ten million), so the exact sum grows
    faster than the graph; the estimate costs ``pivots`` x edges per community, linear overall.
    """
    ends = _edge_ends(graph)
    inside = np.flatnonzero(groups[ends[:, 0]] == groups[ends[:, 1]])
    local = graph.subgraph_edges(inside, delete_vertices=False)
    directed = graph.is_directed()
    _labels, group_of, sizes = np.unique(groups, return_inverse=True, return_counts=True)
    size = sizes[group_of]
    if size.max(initial=0) <= pivots:
        return np.asarray(local.betweenness(directed=directed), dtype=float)
    # A random rank inside each community; the first ``pivots`` of each are its sources.
    order = np.lexsort((np.random.default_rng(0).random(len(groups)), group_of))
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    rank = np.empty(len(groups), dtype=np.int64)
    rank[order] = np.arange(len(groups)) - starts[group_of[order]]
    sources = np.flatnonzero(rank < pivots)
    between = np.asarray(local.betweenness(directed=directed, sources=sources), dtype=float)
    estimate: np.ndarray = between * np.where(size > pivots, size / pivots, 1.0)
    return estimate


def _edge_ends(graph: ig.Graph) -> np.ndarray:
    """The edges' end nodes as an (edges, 2) array (igraph hands them out as a list of tuples;
    read without numpy's nested-sequence conversion)."""
    flat = np.fromiter(
        itertools.chain.from_iterable(graph.get_edgelist()),
        dtype=np.int64,
        count=2 * graph.ecount(),
    )
    return flat.reshape(-1, 2)


def network_graph(network: Network) -> tuple[ig.Graph, list[int]]:
    """The graph rings and key players are computed on: without hub kinds (flights, agencies,
    crossing events), without weak edges (adjacent seats) and without traces tied to more than
    ``hub_degree`` nodes, so that a common airport, agency or call centre binds nothing."""
    knowledge = _knowledge()
    hubs = set(knowledge["hub_kinds"])
    weak = set(knowledge.get("weak_edge_kinds", []))
    cap = int(knowledge.get("hub_degree", 150))
    degree: Counter[int] = Counter()
    for edge in network.edges:
        if edge.kind not in weak:
            degree[edge.source] += 1
            degree[edge.target] += 1
    keep = [
        n
        for n, (kind, key, *_rest) in network.nodes.items()
        if kind not in hubs
        and not (degree[n] > cap and (kind != "person" or key.startswith("named:")))
    ]
    index = {node_id: i for i, node_id in enumerate(keep)}
    pairs, weights = [], []
    for edge in network.edges:
        if edge.kind in weak:
            continue
        s, t = index.get(edge.source), index.get(edge.target)
        if s is not None and t is not None:
            pairs.append((s, t))
            weights.append(edge.weight)
    graph = ig.Graph(n=len(keep), edges=pairs)
    graph.es["weight"] = weights
    graph.simplify(combine_edges={"weight": "sum"})
    return graph, keep


def facilitators(network: Network, rings: list[Ring], top: int = 20) -> list[KeyPlayer]:
    """Likely facilitators: persons holding a facilitator role in a ring, ranked by the ring's
    indicator score and their key-player measures on the ring graph; never a smuggled migrant,
    a person recorded as protected, or anyone referred to protection at the border (Smuggling
    Protocol art. 5, 16)."""
    graph, keep = network_graph(network)
    names = [network.nodes[n][1] for n in keep]
    labels = [network.nodes[n][2] for n in keep]
    by_node = network.neighbours()
    for ring in rings:
        if not ring.roles:
            infer_roles(ring, network)
    protected = {r.key for ring in rings for r in ring.roles if r.role == SMUGGLED_MIGRANT} | {
        network.nodes[n][1]
        for n in keep
        if network.nodes[n][0] == "person"
        and (
            network.nodes[n][3].get("category") in PROTECTED_CATEGORIES
            or referred_to_protection(n, network, by_node)
        )
    }
    position = {node_id: i for i, node_id in enumerate(keep)}
    roles: dict[int, tuple[Ring, RoleAssessment]] = {}
    for ring in rings:
        for assessment in ring.suspects():
            held = roles.get(assessment.node_id)
            if (
                assessment.node_id in position
                and network.nodes[assessment.node_id][0] == "person"
                and (held is None or held[0].score < ring.score)
            ):
                roles[assessment.node_id] = (ring, assessment)
    candidates = {position[n] for n in roles}
    if not candidates:
        return []
    players = key_players(
        graph, names, labels, top=len(candidates), exclude=protected, candidates=candidates
    )
    best = max((ring.score for ring in rings), default=1.0) or 1.0
    node_of = {names[i]: keep[i] for i in candidates}
    ranked = []
    for player in players:
        ring, assessment = roles[node_of[player.node]]
        evidence = min(sum(r.value for r in assessment.reasons), 3.0) / 3.0
        score = 0.4 * ring.score / best + 0.3 * player.score + 0.3 * evidence
        reasons = [
            Reason("ring", ring.score, f"ring {ring.ring_id} scores {ring.score:.1f}"),
            Reason("role", 1.0, assessment.role),
            *assessment.reasons,
            *player.reasons,
        ]
        ranked.append(
            KeyPlayer(
                player.node,
                player.label,
                player.degree,
                player.weighted_degree,
                player.betweenness,
                player.coreness,
                player.constraint,
                score,
                reasons,
            )
        )
    ranked.sort(key=lambda p: -p.score)
    return ranked[:top]


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
                mention(str(attrs["payer_name"]), item.reference),
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
