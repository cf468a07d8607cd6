"""How far the machinery gets without the equivalence tables (names not in any group).

Each group's spellings are compared with the group symbols removed, so only transliteration,
the consonant skeleton and fuzzy matching can match them: a held-out check of the rules that
carry names nobody has listed yet.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import replace

import pytest

from filet.names import DEFAULT_SETTINGS, NamePart, analyse
from filet.names._compare import _score_parts
from filet.names._data import equivalences


def _bare(text: str) -> NamePart | None:
    names = analyse(text).names
    if len(names) != 1:
        return None
    return replace(names[0], symbols=frozenset(), cognates=frozenset())


def _matched(scores: list[float]) -> float:
    return sum(1 for score in scores if score >= 0.7) / len(scores)


@pytest.fixture(scope="module")
def groups() -> list[list[NamePart]]:
    out: list[list[NamePart]] = []
    for group in equivalences().groups[::2]:
        parts = [_bare(spelling) for spelling in group.latin + group.native]
        out.append([part for part in parts if part is not None])
    return out


def test_latin_variants_match_by_rules_alone(groups: list[list[NamePart]]) -> None:
    scores = [
        _score_parts(a, b, DEFAULT_SETTINGS)[0]
        for parts in groups
        for a, b in itertools.combinations([p for p in parts if p.script == "Latin"], 2)
    ]
    assert _matched(scores) >= 0.7


@pytest.mark.parametrize(
    ("script", "least"), [("Arabic", 0.9), ("Ethiopic", 0.9), ("Cyrillic", 0.8)]
)
def test_native_spellings_reach_the_usual_latin_by_rules_alone(
    groups: list[list[NamePart]], script: str, least: float
) -> None:
    scores = [
        _score_parts(native, parts[0], DEFAULT_SETTINGS)[0]
        for parts in groups
        if parts and parts[0].script == "Latin"
        for native in parts
        if native.script == script
    ]
    assert len(scores) >= 10
    assert _matched(scores) >= least


def test_different_names_rarely_match_by_rules_alone(groups: list[list[NamePart]]) -> None:
    rng = random.Random(7)
    latin = [[p for p in parts if p.script == "Latin"] for parts in groups]
    latin = [parts for parts in latin if parts]
    scores = []
    for _ in range(1500):
        left, right = rng.sample(latin, 2)
        scores.append(_score_parts(rng.choice(left), rng.choice(right), DEFAULT_SETTINGS)[0])
    assert _matched(scores) <= 0.01
