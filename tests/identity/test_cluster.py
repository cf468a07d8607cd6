"""Clustering under judgements: strongest links first, "not same" holds transitively."""

from __future__ import annotations

from filet.identity import Judgement, Link, RecordFacts, Verdict, cluster_links


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


def test_travellers_of_one_manifest_are_two_people_unless_listed_twice() -> None:
    facts = {
        "a": RecordFacts(frozenset({("SYR", "N1")}), None, frozenset({"flight:7"})),
        "b": RecordFacts(frozenset({("SYR", "N2")}), None, frozenset({"flight:7"})),
        "c": RecordFacts(frozenset({("SYR", "N1")}), None, frozenset({"flight:7"})),
        "d": RecordFacts(frozenset({("SYR", "N1")}), None, frozenset()),
    }
    # b reaches a only through d, a record of another day: the chain is refused all the same.
    links = [_link("a", "c", 0.999, 30), _link("b", "d", 0.99, 8), _link("a", "d", 0.999, 30)]
    result = cluster_links(["a", "b", "c", "d"], links, threshold=0.95, facts=facts)
    assert result.clusters() == {"a": ["a", "c", "d"], "b": ["b"]}
    assert result.refused == [links[1]]


def test_real_birth_dates_that_differ_keep_a_chain_of_common_names_apart() -> None:
    facts = {
        "a": RecordFacts(birth_date="1985-03-14"),
        "b": RecordFacts(),  # year only: links to both
        "c": RecordFacts(birth_date="1979-11-02"),
        "d": RecordFacts(birth_date="1985-14-03"),  # a's date, day and month swapped
        "e": RecordFacts(birth_date="1985-03-15"),  # a's date, one digit mistyped
    }
    links = [
        _link("a", "b", 0.99, 8),
        _link("b", "c", 0.98, 7),
        _link("b", "d", 0.96, 5.5),
        _link("b", "e", 0.96, 5),
    ]
    result = cluster_links(["a", "b", "c", "d", "e"], links, threshold=0.95, facts=facts)
    assert result.clusters() == {"a": ["a", "b", "d", "e"], "c": ["c"]}


def test_a_shared_document_overrides_different_birth_dates() -> None:
    facts = {
        "a": RecordFacts(frozenset({("ERI", "E7")}), "1985-03-14"),
        "b": RecordFacts(frozenset({("ERI", "E7")}), "1991-06-20"),
    }
    result = cluster_links(["a", "b"], [_link("a", "b", 0.999, 20)], threshold=0.95, facts=facts)
    assert result.clusters() == {"a": ["a", "b"]}


def test_documents_of_one_state_keep_people_apart_unless_the_birth_date_is_shared() -> None:
    facts = {
        "a": RecordFacts(frozenset({("ETH", "Y2237008")}), None),
        "x": RecordFacts(),  # no document: links to both
        "b": RecordFacts(frozenset({("ETH", "Y1655238")}), None),
        # A renewed passport: same real birth date, new number.
        "c": RecordFacts(frozenset({("ERI", "E1000001")}), "1990-05-06"),
        "d": RecordFacts(frozenset({("ERI", "E2999999")}), "1990-05-06"),
        # A misread number: one character away.
        "e": RecordFacts(frozenset({("ERI", "E1000007")}), None),
    }
    links = [
        _link("a", "x", 0.99, 9),
        _link("x", "b", 0.99, 8),
        _link("c", "d", 0.99, 8),
        _link("d", "e", 0.99, 7),
    ]
    result = cluster_links(list(facts), links, threshold=0.95, facts=facts)
    assert result.clusters() == {"a": ["a", "x"], "b": ["b"], "c": ["c", "d", "e"]}


def test_two_lone_records_are_judged_by_their_own_link() -> None:
    # The model has weighed their dates already: a mistyped date does not undo the link.
    facts = {"a": RecordFacts(birth_date="1956-09-09"), "b": RecordFacts(birth_date="1965-09-09")}
    result = cluster_links(["a", "b"], [_link("a", "b", 0.999, 12)], threshold=0.95, facts=facts)
    assert result.clusters() == {"a": ["a", "b"]}


def test_an_analysts_same_judgement_overrides_the_facts() -> None:
    facts = {
        "a": RecordFacts(birth_date="1985-03-14", travelled_with=frozenset({"booking:ET:X"})),
        "b": RecordFacts(birth_date="1991-06-20", travelled_with=frozenset({"booking:ET:X"})),
    }
    judgements = [Judgement("a", "b", Verdict.SAME, "one person booked twice, date mistyped")]
    result = cluster_links(["a", "b"], [], threshold=0.95, judgements=judgements, facts=facts)
    assert result.clusters() == {"a": ["a", "b"]}
