"""Pairwise and cluster precision/recall/F1 against a truth mapping, with breakdowns."""

from __future__ import annotations

import pytest

from filet.identity import evaluate_clusters


def test_scores_and_breakdown() -> None:
    truth = {"a": "P1", "b": "P1", "c": "P1", "d": "P2", "e": "P3"}
    predicted = {"a": "x", "b": "x", "c": "y", "d": "y", "e": "z"}
    report = evaluate_clusters(
        predicted,
        truth,
        {"script": {"a": "Latin", "b": "Arabic", "c": "Latin", "d": "Latin", "e": "Ethiopic"}},
    )
    # Pairs found: ab, cd; true pairs: ab, ac, bc.
    assert (
        report.pairwise.true_positives,
        report.pairwise.false_positives,
        report.pairwise.false_negatives,
    ) == (1, 1, 2)
    assert report.pairwise.precision == pytest.approx(0.5)
    assert report.pairwise.recall == pytest.approx(1 / 3)
    assert report.pairwise.f1 == pytest.approx(0.4)
    # Clusters: only {e} is exactly a true person.
    assert report.cluster.true_positives == 1
    assert report.cluster.recall == pytest.approx(1 / 3)
    arabic_pairs, _ = report.breakdowns["script"]["Arabic"]
    assert (arabic_pairs.true_positives, arabic_pairs.false_negatives) == (1, 1)
    ethiopic_pairs, ethiopic_clusters = report.breakdowns["script"]["Ethiopic"]
    assert ethiopic_pairs.f1 == 1.0 and ethiopic_clusters.precision == 1.0
    assert report.to_json()["pairwise"]["f1"] == 0.4  # type: ignore[index]


def test_perfect_clustering() -> None:
    truth = {"a": "1", "b": "1", "c": "2"}
    report = evaluate_clusters({"a": "p", "b": "p", "c": "q"}, truth)
    assert report.pairwise.f1 == report.cluster.f1 == 1.0
