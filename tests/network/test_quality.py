"""What counts as a correct ring: one true network at person Jaccard >= 0.5, paired one to one."""

from __future__ import annotations

from filet.network import evaluate_network
from filet.network._quality import match_rings


def test_a_network_split_in_two_rings_is_one_correct_ring_and_one_wrong() -> None:
    network = {f"m{i}" for i in range(10)}
    rings = [{f"m{i}" for i in range(6)}, {f"m{i}" for i in range(6, 10)}]
    quality = evaluate_network(rings, {"N1": network}, [], set(), set())
    assert quality.ring_precision == 0.5
    assert quality.ring_recall == 1.0
    first, second = quality.matches
    assert (first.network, first.jaccard) == ("N1", 0.6)
    # the fragment is a piece of N1 but not N1: reported with its best network, not matched
    assert (second.network, second.best_network, second.shared) == (None, "N1", 4)


def test_one_ring_is_credited_for_one_network_only() -> None:
    # two near-identical true networks (the same persons in two operations): a ring equal to
    # both finds one of them, not two
    rings = [{"a", "b", "c", "d"}]
    truth = {"N1": {"a", "b", "c", "d"}, "N2": {"a", "b", "c", "d", "e"}}
    quality = evaluate_network(rings, truth, [], set(), set())
    assert quality.ring_precision == 1.0
    assert quality.ring_recall == 0.5
    assert quality.matches[0].network == "N1"


def test_rings_pair_best_overlap_first() -> None:
    truth = {"N1": {"a", "b", "c", "d"}}
    rings = [{"a", "b", "x", "y"}, {"a", "b", "c", "z"}]
    matches = match_rings(rings, truth)
    # ring 0 overlaps N1 at 2/6 < 0.5; ring 1 at 3/5
    assert [m.network for m in matches] == [None, "N1"]
    assert matches[0].jaccard == round(2 / 6, 4)


def test_a_ring_padded_with_strangers_is_not_a_network() -> None:
    truth = {"N1": {"a", "b", "c"}}
    padded = {"a", "b", "c", "s1", "s2", "s3", "s4"}
    quality = evaluate_network([padded], truth, [], set(), set())
    assert quality.ring_precision == 0.0
    assert quality.ring_recall == 0.0
    assert quality.matches[0].best_network == "N1"
