"""Clustering under judgements: strongest links first, "not same" holds transitively."""

from __future__ import annotations

from filet.identity import Judgement, Link, Verdict, cluster_links


def _link(a: str, b: str, probability: float, weight: float) -> Link:
    return Link(a, b, probability, weight)


def test_links_above_threshold_join_records() -> None:
    result = cluster_links(
        ["a", "b", "c", "d"],
        [_link("a", "b", 0.99, 10), _link("b", "c", 0.97, 6), _link("c", "d", 0.5, 0)],
        threshold=0.95,
    )
    assert result.clusters() == {"a": ["a", "b", "c"], "d": ["d"]}
    assert result.confidence == {"a": 0.99, "b": 0.99, "c": 0.97}


def test_not_same_splits_a_chain_at_its_weakest_link() -> None:
    links = [_link("a", "b", 0.999, 12), _link("b", "c", 0.96, 5), _link("c", "d", 0.999, 11)]
    judgements = [Judgement("a", "d", Verdict.NOT_SAME, "different fathers' names")]
    result = cluster_links(["a", "b", "c", "d"], links, threshold=0.95, judgements=judgements)
    assert result.clusters() == {"a": ["a", "b"], "c": ["c", "d"]}
    assert result.refused == [links[1]]


def test_same_judgement_joins_records_without_a_link() -> None:
    judgements = [Judgement("a", "c", Verdict.SAME, "same fingerprints")]
    result = cluster_links(["a", "b", "c"], [], threshold=0.95, judgements=judgements)
    assert result.clusters() == {"a": ["a", "c"], "b": ["b"]}
    assert result.confidence == {"a": 1.0, "c": 1.0}


def test_same_judgement_conflicting_with_not_same_is_reported() -> None:
    judgements = [
        Judgement("a", "b", Verdict.NOT_SAME, "two people"),
        Judgement("a", "c", Verdict.SAME, "same"),
        Judgement("b", "c", Verdict.SAME, "same"),
    ]
    result = cluster_links(["a", "b", "c"], [], threshold=0.95, judgements=judgements)
    assert result.clusters() == {"a": ["a", "c"], "b": ["b"]}
    assert result.conflicts == [judgements[2]]


def test_unsure_changes_nothing() -> None:
    links = [_link("a", "b", 0.99, 9)]
    judgements = [Judgement("a", "b", Verdict.UNSURE, "photo unclear")]
    result = cluster_links(["a", "b"], links, threshold=0.95, judgements=judgements)
    assert result.clusters() == {"a": ["a", "b"]}


def test_known_groups_stay_together_and_new_records_join_them() -> None:
    result = cluster_links(
        ["a", "b", "n"],
        [_link("b", "n", 0.98, 7)],
        threshold=0.95,
        known_groups=[["a", "b"]],
    )
    assert result.clusters() == {"a": ["a", "b", "n"]}
