"""The declared tunables of name comparison, with their defaults and meaning.

Screening and identity resolution record :attr:`NameMatchSettings.version` with every decision,
so a score can always be traced to the settings that produced it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from filet.errors import ConfigError, Place


def _setting(default: float, description: str, low: float = 0.0, high: float = 1.0) -> Any:
    return field(default=default, metadata={"description": description, "range": (low, high)})


@dataclass(frozen=True, slots=True)
class NameMatchSettings:
    """Scores per matching rule, weights and penalties used by :func:`filet.names.compare`."""

    version: str = field(default="names-2", metadata={"description": "settings version"})
    transliteration_score: float = _setting(
        0.97, "same name read across scripts (same Latin form or consonant skeleton)"
    )
    equivalence_score: float = _setting(0.97, "two spellings in one known-equivalence group")
    skeleton_score: float = _setting(
        0.92, "same consonant skeleton of a name written without vowels (Arabic, Hebrew)"
    )
    skeleton_fuzzy_threshold: float = _setting(
        0.85, "Jaro-Winkler similarity of consonant skeletons below which they do not match"
    )
    phonetic_score: float = _setting(0.85, "same consonant-skeleton key, both in Latin")
    hypocoristic_score: float = _setting(
        0.9, "a familiar form and its full name (Andy/Andrew, Masha/Maria)"
    )
    cognate_score: float = _setting(0.6, "related names of different cultures (Yusuf/Joseph)")
    initial_score: float = _setting(0.6, "an initial matching the first letter of a name")
    fuzzy_threshold: float = _setting(
        0.78, "string similarity below which two tokens do not match at all"
    )
    compound_threshold: float = _setting(
        0.85, "lowest score at which a joined pair of tokens matches one token"
    )
    compound_search_below: float = _setting(
        0.95,
        "names of equal length look for compounds only if a part's best match is below this",
    )
    known_apart_cap: float = _setting(
        0.3, "highest score of two tokens in different known groups (Hassan/Hussein)"
    )
    unmatched_candidate_penalty: float = _setting(
        0.35, "weight of an unmatched candidate part relative to an unmatched query part"
    )
    conflict_penalty: float = _setting(
        1.0,
        "weight of an unmatched candidate part when the query too has an unmatched part (two "
        "different names in one place, not a name left out)",
    )
    fuzzy_min_length: float = _setting(
        3.0,
        "shortest token (letters) compared by string similarity (Li/Liu are two names)",
        1.0,
        10.0,
    )
    family_weight: float = _setting(
        1.5, "factor on the weight of a family name where the culture has family names", 1.0, 3.0
    )
    unlisted_per_million: float = _setting(
        20.0, "people per million assumed for a token not in frequencies.csv", 0.01, 1000.0
    )
    evidence_floor: float = _setting(
        0.45, "score factor for a match carrying no information at all"
    )
    evidence_scale_bits: float = _setting(
        9.0,
        "information (bits) over which the missing evidence shrinks by a factor e",
        0.5,
        64.0,
    )
    initial_weight: float = _setting(0.2, "weight of a one-letter initial")

    def __post_init__(self) -> None:
        for item in fields(self):
            bounds = item.metadata.get("range")
            if bounds is None:
                continue
            value = getattr(self, item.name)
            if not bounds[0] <= value <= bounds[1]:
                raise ConfigError(
                    f"must be in [{bounds[0]}, {bounds[1]}], got {value}", Place(field=item.name)
                )


DEFAULT_SETTINGS = NameMatchSettings()
