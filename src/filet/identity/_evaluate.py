"""Measured quality of a clustering against the truth: pairwise and cluster precision/recall/F1,
overall and broken down by a record attribute (nationality, script of the name).

Pairwise: the pairs of records put in one cluster versus the pairs that truly are one person.
Cluster: a predicted cluster counts as right when it is exactly a true person's set of records
(among the records evaluated). A breakdown group holds the pairs with at least one record in the
group, and the clusters with at least one record in it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations


@dataclass(frozen=True, slots=True)
class Scores:
    """Precision, recall and F1 with the counts behind them."""

    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def to_json(self) -> dict[str, float | int]:
        """Figures for reports."""
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "true_positives": self.true_positives,
            "false_positives": self.false_positives,
            "false_negatives": self.false_negatives,
        }


@dataclass(frozen=True, slots=True)
class QualityReport:
    """Pairwise and cluster scores, overall and per group of each breakdown."""

    pairwise: Scores
    cluster: Scores
    breakdowns: dict[str, dict[str, tuple[Scores, Scores]]]

    def to_json(self) -> dict[str, object]:
        """The report as JSON (``breakdowns[attribute][group] = {pairwise, cluster}``)."""
        return {
            "pairwise": self.pairwise.to_json(),
            "cluster": self.cluster.to_json(),
            "breakdowns": {
                attribute: {
                    group: {"pairwise": pair.to_json(), "cluster": cluster.to_json()}
                    for group, (pair, cluster) in sorted(groups.items())
                }
                for attribute, groups in self.breakdowns.items()
            },
        }


def _pairs(assignment: Mapping[str, str]) -> set[tuple[str, str]]:
    groups: dict[str, list[str]] = {}
    for record, label in assignment.items():
        groups.setdefault(label, []).append(record)
    return {pair for members in groups.values() for pair in combinations(sorted(members), 2)}


def _clusters(assignment: Mapping[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for record, label in assignment.items():
        groups.setdefault(label, set()).add(record)
    return {frozenset(members) for members in groups.values()}


def _scores(
    predicted: Mapping[str, str], truth: Mapping[str, str], keep: set[str] | None
) -> tuple[Scores, Scores]:
    found, wanted = _pairs(predicted), _pairs(truth)
    made, real = _clusters(predicted), _clusters(truth)
    if keep is not None:
        found = {pair for pair in found if pair[0] in keep or pair[1] in keep}
        wanted = {pair for pair in wanted if pair[0] in keep or pair[1] in keep}
        made = {cluster for cluster in made if cluster & keep}
        real = {cluster for cluster in real if cluster & keep}
    return (
        Scores(len(found & wanted), len(found - wanted), len(wanted - found)),
        Scores(len(made & real), len(made - real), len(real - made)),
    )


def evaluate_clusters(
    predicted: Mapping[str, str],
    truth: Mapping[str, str],
    breakdown: Mapping[str, Mapping[str, str]] | None = None,
) -> QualityReport:
    """Score ``predicted`` (record → cluster) against ``truth`` (record → true person).

    Only records present in both are evaluated. ``breakdown`` maps an attribute name (e.g.
    ``nationality``, ``script``) to record → group value.
    """
    records = set(predicted) & set(truth)
    predicted = {record: predicted[record] for record in records}
    truth = {record: truth[record] for record in records}
    pairwise, cluster = _scores(predicted, truth, None)
    breakdowns: dict[str, dict[str, tuple[Scores, Scores]]] = {}
    for attribute, values in (breakdown or {}).items():
        groups: dict[str, set[str]] = {}
        for record in records:
            groups.setdefault(values.get(record) or "unknown", set()).add(record)
        breakdowns[attribute] = {
            group: _scores(predicted, truth, members) for group, members in groups.items()
        }
    return QualityReport(pairwise, cluster, breakdowns)
