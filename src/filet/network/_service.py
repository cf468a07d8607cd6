"""One analysis run over the stored network: rings with roles, facilitators, money, and the routing
of every person classified as a smuggled migrant to protection."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from filet.network._analysis import (
    SMUGGLED_MIGRANT,
    KeyPlayer,
    Network,
    Ring,
    detect_rings,
    facilitators,
    infer_roles,
    money_flows,
    ring_changes,
)


@dataclass
class NetworkAnalysis:
    network: Network
    rings: list[Ring]
    facilitators: list[KeyPlayer]
    money: dict[str, Any]
    changes: dict[int, dict[str, Any]]
    # Stable references (``RING-000123``) once the rings are stored (``store_rings``).
    references: dict[int, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rings": [
                {"reference": self.references.get(ring.ring_id)}
                | ring.as_dict(self.network)
                | {"changes": self.changes.get(ring.ring_id, {})}
                for ring in self.rings
            ],
            "facilitators": [
                {
                    "node": p.node,
                    "label": p.label,
                    "score": round(p.score, 4),
                    "degree": p.degree,
                    "betweenness": round(p.betweenness, 3),
                    "k_core": p.coreness,
                    "reasons": [r.__dict__ for r in p.reasons],
                }
                for p in self.facilitators
            ],
            "money": self.money,
        }


def analyse_network(session: Session, top: int = 20, min_persons: int = 3) -> NetworkAnalysis:
    """Rings (with roles and changes), likely facilitators and money flows of the stored network."""
    network = Network.load(session)
    rings = detect_rings(network, min_persons=min_persons)
    for ring in rings:
        infer_roles(ring, network)
    ranked = facilitators(network, rings, top=top)
    money = money_flows(session, network, rings)
    changes = {ring.ring_id: ring_changes(ring, network) for ring in rings}
    return NetworkAnalysis(network, rings, ranked, money, changes)


def route_to_protection(
    session: Session, analysis: NetworkAnalysis, source: str, min_score: float = 0.0
) -> list[str]:
    """Send every resolved person classified as a smuggled migrant in a ring scoring at least
    ``min_score`` to protection; returns their node keys. Identity records without a person cannot
    be routed until identity resolution has given them one (they are never suspects either way).
    Lawful groups can form weak rings, so the CLI routes only from strong ones by default."""
    from filet.protection import PersonFacts, evaluate_triggers

    routed = []
    now = dt.datetime.now(dt.UTC)
    for ring in analysis.rings:
        if ring.score < min_score:
            continue
        for assessment in ring.roles:
            if assessment.role != SMUGGLED_MIGRANT or not assessment.key.startswith("person:"):
                continue
            evaluate_triggers(
                session,
                PersonFacts(
                    person_id=int(assessment.key.split(":", 1)[1]),
                    source=f"{source}:{analysis.references.get(ring.ring_id) or ring.ring_id}",
                    observed_at=now,
                    smuggled_migrant=True,
                ),
            )
            routed.append(assessment.key)
    return routed
