"""Calibration: on labelled pairs the mean score falls from true matches to near misses to
non-matches, and the review threshold separates matches from non-matches."""

from __future__ import annotations

import csv
import importlib.util
import sys
from collections import defaultdict
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


def _benchmark_pairs() -> list[object]:
    """The labelled pairs of ``benchmarks/bench_names_quality.py`` (built from our variant lists)."""
    path = Path(__file__).parents[2] / "benchmarks" / "bench_names_quality.py"
    spec = importlib.util.spec_from_file_location("bench_names_quality", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    pairs: list[object] = module.build_pairs(6, seed=1)
    return pairs


def test_on_the_benchmark_pairs_means_fall_monotonically_in_every_script() -> None:
    settings = ScreeningSettings()
    scores: dict[tuple[str, str], list[float]] = defaultdict(list)
    for pair in _benchmark_pairs():
        result = score_traveller(
            Traveller("t", full_name=pair.query),  # type: ignore[attr-defined]
            ListedPerson("l", "e", pair.candidate),  # type: ignore[attr-defined]
            settings,
        )
        scores[(pair.script, pair.label)].append(result.score)  # type: ignore[attr-defined]
    scripts = {script for script, _ in scores}
    assert len(scripts) >= 12
    for script in scripts:
        match, near, non = (mean(scores[(script, label)]) for label in ("match", "near", "non"))
        assert match > near > non or (match > near and non == near == 0.0), script
