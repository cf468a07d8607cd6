"""Network detection quality against a truth mapping: ring precision/recall/F1 (best-matching
truth network per ring, Jaccard >= 0.5), facilitator precision at k, and the share of smuggled
migrants wrongly ranked as facilitators (target 0)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NetworkQuality:
    ring_precision: float
    ring_recall: float
    ring_f1: float
    facilitator_precision_at_k: float
    k: int
    migrants_ranked_as_facilitators: float

    def as_dict(self) -> dict[str, float | int]:
        return dict(self.__dict__)


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

    def jaccard(a: set[str], b: set[str]) -> float:
        return len(a & b) / len(a | b) if a | b else 0.0

    matched_rings = sum(
        1 for ring in rings if any(jaccard(ring, t) >= overlap for t in truth_networks.values())
    )
    found_networks = sum(
        1 for t in truth_networks.values() if any(jaccard(ring, t) >= overlap for ring in rings)
    )
    precision = matched_rings / len(rings) if rings else 0.0
    recall = found_networks / len(truth_networks) if truth_networks else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    top = ranked[:k]
    at_k = sum(1 for n in top if n in true_facilitators) / len(top) if top else 0.0
    wrong = sum(1 for n in ranked if n in smuggled_migrants) / len(ranked) if ranked else 0.0
    return NetworkQuality(precision, recall, f1, at_k, k, wrong)
