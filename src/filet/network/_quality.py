"""Network detection quality against a truth mapping: ring precision/recall/F1, facilitator
precision at k, and the share of smuggled migrants wrongly ranked as facilitators (target 0).

A detected ring is correct when it *is* one true network: its persons and the network's persons
overlap at Jaccard >= 0.5 (shared persons / persons in either). Rings and networks are paired one
to one, best overlap first (the rule stored rings keep their references by), so one network
split into two rings counts one correct ring and one wrong one, and one ring cannot be credited
for two networks. Precision is correct rings / rings; recall is matched networks / networks.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RingMatch:
    """One detected ring (its index in the list given) and the true network it was paired with
    (``None`` when none reaches the overlap), with the overlap and the best network's id."""

    ring: int
    persons: int
    network: str | None
    jaccard: float
    best_network: str | None
    shared: int


@dataclass(frozen=True)
class NetworkQuality:
    ring_precision: float
    ring_recall: float
    ring_f1: float
    facilitator_precision_at_k: float
    k: int
    migrants_ranked_as_facilitators: float
    matches: list[RingMatch] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            key: value for key, value in self.__dict__.items() if key != "matches"
        }
        out["matches"] = [m.__dict__ for m in self.matches]
        return out


def jaccard(first: set[str], second: set[str]) -> float:
    union = first | second
    return len(first & second) / len(union) if union else 0.0


def match_rings(
    rings: list[set[str]], truth_networks: dict[str, set[str]], overlap: float = 0.5
) -> list[RingMatch]:
    """Pair rings with true networks one to one, best Jaccard first (ties: the lower ring
    index, then the network id); every ring gets a row, matched or not, with the network it
    shares most persons with (``best_network``) and, when unmatched, its Jaccard with that one."""
    pairs = sorted(
        (
            (-score, index, candidate)
            for index, ring in enumerate(rings)
            for candidate, members in truth_networks.items()
            if (score := jaccard(ring, members)) >= overlap
        ),
    )
    paired: dict[int, tuple[str, float]] = {}
    taken: set[str] = set()
    for negative, index, candidate in pairs:
        if index in paired or candidate in taken:
            continue
        paired[index] = (candidate, -negative)
        taken.add(candidate)
    out = []
    for index, ring in enumerate(rings):
        best = max(
            sorted(truth_networks),
            key=lambda n: (len(ring & truth_networks[n]), -len(truth_networks[n])),
            default=None,
        )
        shared = len(ring & truth_networks[best]) if best is not None else 0
        network: str | None = None
        score = jaccard(ring, truth_networks[best]) if best is not None else 0.0
        if index in paired:
            network, score = paired[index]
        out.append(
            RingMatch(index, len(ring), network, round(score, 4), best if shared else None, shared)
        )
    return out


def evaluate_network(
    rings: list[set[str]],
    truth_networks: dict[str, set[str]],
    ranked: list[str],
    true_facilitators: set[str],
    smuggled_migrants: set[str],
    k: int = 10,
    overlap: float = 0.5,
) -> NetworkQuality:
    """``rings``: predicted member sets; ``truth_networks``: network id -> true members (persons
    in the same key space); ``ranked``: facilitator ranking, best first."""
    matches = match_rings(rings, truth_networks, overlap)
    correct = sum(1 for m in matches if m.network is not None)
    precision = correct / len(rings) if rings else 0.0
    recall = correct / len(truth_networks) if truth_networks else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    top = ranked[:k]
    at_k = sum(1 for n in top if n in true_facilitators) / len(top) if top else 0.0
    wrong = sum(1 for n in ranked if n in smuggled_migrants) / len(ranked) if ranked else 0.0
    return NetworkQuality(precision, recall, f1, at_k, k, wrong, matches)
