"""Names across scripts: the name toolkit every capability uses.

- :func:`detect_script` and :func:`transliterate`: which script a name is in; the name in Latin.
- :func:`analyse` → :class:`AnalysedName` of :class:`NamePart` with a :class:`NameRole`: parts,
  roles, Latin readings, equivalence symbols, phonetic keys, frequency weights; computed once
  per name.
- :func:`compare` → :class:`NameComparison`: a score in [0, 1] with its explanation (aligned
  :class:`PartMatch` es by :class:`MatchRule`, weights, unmatched parts), tuned by
  :class:`NameMatchSettings`.
- :func:`score_parts`: the score and rule of two single parts (what :func:`compare` aligns;
  screening bounds candidates with it).
- :func:`phonetic_key`, :func:`name_keys` (blocking keys for screening indexes and identity
  blocking) and :func:`token_weight` (how much evidence a token carries).

The knowledge behind it (letter tables, particles, cultures, equivalence groups, frequencies)
is data under ``filet/names/data/``; see ``docs/names.md``.
"""

from __future__ import annotations

from filet.names._analyse import AnalysedName, NamePart, NameRole, analyse
from filet.names._compare import (
    MatchRule,
    NameComparison,
    PartMatch,
    UnmatchedPart,
    compare,
    compare_score,
    compound_score,
    score_parts,
)
from filet.names._phonetic import phonetic_key
from filet.names._script import detect_script
from filet.names._settings import DEFAULT_SETTINGS, NameMatchSettings
from filet.names._translit import transliterate

__all__ = [
    "DEFAULT_SETTINGS",
    "AnalysedName",
    "MatchRule",
    "NameComparison",
    "NameMatchSettings",
    "NamePart",
    "NameRole",
    "PartMatch",
    "UnmatchedPart",
    "analyse",
    "compare",
    "compare_score",
    "compound_score",
    "detect_script",
    "name_keys",
    "phonetic_key",
    "score_parts",
    "token_weight",
    "transliterate",
]


def name_keys(name: str | AnalysedName) -> frozenset[str]:
    """Blocking keys of a name: ``k:<skeleton>`` per part and ``g:<group>`` per known name.

    A screening index or identity blocking retrieves as candidates the names sharing a key.
    """
    analysed = name if isinstance(name, AnalysedName) else analyse(name)
    return analysed.keys()


def token_weight(token: str, settings: NameMatchSettings = DEFAULT_SETTINGS) -> float:
    """The evidence weight of one name token in [0, 1]: common names weigh little, rare ones 1."""
    analysed = analyse(token, settings=settings)
    if not analysed.names:
        return 0.0
    return analysed.names[0].weight
