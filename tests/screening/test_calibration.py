"""Calibration: on labelled pairs the mean score falls from true matches to near misses to
non-matches, and the review threshold separates matches from non-matches."""

from __future__ import annotations

import csv
from pathlib import Path
from statistics import mean

from filet.screening import ListedPerson, ScreeningSettings, Traveller, score_traveller

PAIRS = Path(__file__).with_name("labelled_pairs.csv")


def test_mean_score_falls_from_matches_to_near_misses_to_non_matches() -> None:
    settings = ScreeningSettings()
    lines = [
        line for line in PAIRS.read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    ]
    scores: dict[str, list[float]] = {"match": [], "near": [], "non": []}
    for row in csv.DictReader(lines):
        result = score_traveller(
            Traveller("t", full_name=row["traveller"]),
            ListedPerson("l", "e", row["listed"]),
            settings,
        )
        scores[row["label"]].append(result.score)
    assert all(len(v) >= 7 for v in scores.values())
    assert mean(scores["match"]) > mean(scores["near"]) > mean(scores["non"])
    assert min(scores["match"]) >= settings.review_threshold
    assert max(scores["non"]) < settings.review_threshold
