"""Calibration on the labelled pairs in labelled_pairs.csv (true match / near miss / unrelated)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from statistics import mean

import pytest

from filet.names import compare

PAIRS_FILE = Path(__file__).with_name("labelled_pairs.csv")


def _pairs() -> list[dict[str, str]]:
    text = PAIRS_FILE.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))


@pytest.fixture(scope="module")
def scored() -> dict[str, list[float]]:
    by_label: dict[str, list[float]] = {"match": [], "near": [], "non": []}
    for row in _pairs():
        by_label[row["label"]].append(compare(row["query"], row["candidate"]).score)
        by_label[row["label"]].append(compare(row["candidate"], row["query"]).score)
    return by_label


def test_the_labelled_set_covers_every_script_and_label() -> None:
    rows = _pairs()
    scripts = {row["script"] for row in rows}
    assert {"Arabic", "Ethiopic", "Cyrillic", "Greek", "Hebrew", "Bengali", "Devanagari"} <= scripts
    for script in scripts - {"Latin"}:
        assert {row["label"] for row in rows if row["script"] == script} >= {"match", "non"}
    assert len(rows) >= 90


def test_mean_score_falls_from_matches_to_near_misses_to_non_matches(
    scored: dict[str, list[float]],
) -> None:
    assert mean(scored["match"]) > mean(scored["near"]) > mean(scored["non"])
    assert mean(scored["match"]) >= 0.85
    assert mean(scored["non"]) <= 0.1


def test_review_threshold_separates_matches_from_non_matches(
    scored: dict[str, list[float]],
) -> None:
    # 0.7 is the "worth a person's look" bar: every true variant reaches it, no unrelated does.
    assert min(scored["match"]) >= 0.7
    assert max(scored["non"]) < 0.5
    assert max(scored["near"]) < 0.8


def _f1(scores: list[tuple[float, str]], threshold: float = 0.7) -> float:
    true_pos = sum(1 for score, label in scores if score >= threshold and label == "match")
    false_pos = sum(1 for score, label in scores if score >= threshold and label != "match")
    false_neg = sum(1 for score, label in scores if score < threshold and label == "match")
    if true_pos == 0:
        return 0.0
    precision = true_pos / (true_pos + false_pos)
    recall = true_pos / (true_pos + false_neg)
    return 2 * precision * recall / (precision + recall)


def test_beats_generic_fuzzy_matching_in_every_script() -> None:
    """F1 at the review bar against a generic baseline: anyascii then RapidFuzz token-sort.

    The labelled set was written while the matcher was tuned, so this is an in-sample check
    that the knowledge of names pays off per script; screening's benchmark measures it on
    held-out synthetic data.
    """
    from anyascii import anyascii
    from rapidfuzz import fuzz

    ours: dict[str, list[tuple[float, str]]] = {}
    baseline: dict[str, list[tuple[float, str]]] = {}
    for row in _pairs():
        query, candidate, label = row["query"], row["candidate"], row["label"]
        ours.setdefault(row["script"], []).append((compare(query, candidate).score, label))
        generic = fuzz.token_sort_ratio(anyascii(query).lower(), anyascii(candidate).lower())
        baseline.setdefault(row["script"], []).append((generic / 100.0, label))
    for script, scores in ours.items():
        assert _f1(scores) >= _f1(baseline[script]), script
    everything = [item for scores in ours.values() for item in scores]
    everything_baseline = [item for scores in baseline.values() for item in scores]
    assert _f1(everything) >= 0.95 > _f1(everything_baseline)
