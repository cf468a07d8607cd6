"""Comparison of two analysed names: a score in [0, 1] and the evidence behind it.

The query (a traveller) is compared with a candidate (a watchlist entry, another record):

1. Every name part of the query is scored against every name part of the candidate by the first
   rule that applies: exact (same Latin form), transliteration (same form or consonant skeleton
   across scripts), equivalence (same known group), initial, cognate, phonetic (same skeleton),
   fuzzy (Jaro-Winkler and Levenshtein via RapidFuzz). Two parts in *different* known groups
   (Hassan/Hussein) are known to be different names and score at most ``known_apart_cap``.
   Adjacent parts written as one (Abdul Aziz/Abdulaziz, Mohammad Reza/Mohammadreza) match by
   the compound rule.
2. Parts are aligned one to one, best pairs first, regardless of order (names swap between
   fields and cultures order them differently).
3. ``quality`` is the weighted share of the query that matched: weights come from name frequency
   (a common name is weak evidence) and role (a family name weighs more where the culture has
   family names); unmatched query parts count fully, unmatched candidate parts at
   ``unmatched_candidate_penalty``.
4. ``evidence`` scales the score by how much information (bits, from name frequency) the
   matched parts carry: ``1 - (1 - evidence_floor) * exp(-bits / evidence_scale_bits)``. Two
   exact common names (Mohammed Ali) are weaker evidence than two rare ones.

``score = quality * evidence``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from rapidfuzz.distance import JaroWinkler, Levenshtein

from filet.names._analyse import AnalysedName, NamePart, analyse
from filet.names._settings import DEFAULT_SETTINGS, NameMatchSettings


class MatchRule(StrEnum):
    """The rule by which two parts matched."""

    EXACT = "exact"
    TRANSLITERATION = "transliteration"
    EQUIVALENCE = "equivalence"
    COMPOUND = "compound"
    PHONETIC = "phonetic"
    FUZZY = "fuzzy"
    INITIAL = "initial"
    HYPOCORISTIC = "hypocoristic"
    COGNATE = "cognate"
    KNOWN_DIFFERENT = "known-different"


@dataclass(frozen=True, slots=True)
class PartMatch:
    """One aligned pair: which query part(s) matched which candidate part(s), how, how much.

    A compound match aligns one part with two adjacent parts of the other name.
    """

    query_parts: tuple[NamePart, ...]
    candidate_parts: tuple[NamePart, ...]
    rule: MatchRule
    score: float
    weight: float

    @property
    def query(self) -> str:
        """The query part(s) as written."""
        return " ".join(part.text for part in self.query_parts)

    @property
    def candidate(self) -> str:
        """The candidate part(s) as written."""
        return " ".join(part.text for part in self.candidate_parts)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "query": self.query,
            "candidate": self.candidate,
            "query_latin": " ".join(part.latin for part in self.query_parts),
            "candidate_latin": " ".join(part.latin for part in self.candidate_parts),
            "rule": self.rule.value,
            "score": round(self.score, 4),
            "weight": round(self.weight, 4),
            "query_role": self.query_parts[0].role.value,
            "candidate_role": self.candidate_parts[0].role.value,
        }


@dataclass(frozen=True, slots=True)
class UnmatchedPart:
    """A name part left without a partner, and the weight it cost."""

    side: str
    part: NamePart
    penalty: float

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "side": self.side,
            "text": self.part.text,
            "latin": self.part.latin,
            "role": self.part.role.value,
            "penalty": round(self.penalty, 4),
        }


@dataclass(frozen=True, slots=True)
class NameComparison:
    """The result of :func:`compare`: a score in [0, 1] and its explanation."""

    score: float
    quality: float
    evidence: float
    matches: tuple[PartMatch, ...]
    unmatched: tuple[UnmatchedPart, ...]
    query: str
    candidate: str
    settings_version: str

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form of the whole explanation."""
        return {
            "query": self.query,
            "candidate": self.candidate,
            "score": round(self.score, 4),
            "quality": round(self.quality, 4),
            "evidence": round(self.evidence, 4),
            "matches": [match.as_dict() for match in self.matches],
            "unmatched": [part.as_dict() for part in self.unmatched],
            "settings_version": self.settings_version,
        }

    def explain(self) -> str:
        """The explanation in words, one line per aligned or unmatched part."""
        lines = [
            f"score {self.score:.2f} (match {self.quality:.2f} x evidence {self.evidence:.2f})"
        ]
        for match in self.matches:
            lines.append(
                f"  {match.query} ~ {match.candidate}: {match.rule.value} {match.score:.2f}"
                f" (weight {match.weight:.2f})"
            )
        for part in self.unmatched:
            lines.append(f"  {part.side} {part.part.text}: unmatched (penalty {part.penalty:.2f})")
        return "\n".join(lines)


def _fuzzy(left: str, right: str, threshold: float) -> float:
    """Mean of Jaro-Winkler and normalised Levenshtein similarity; 0 when it cannot reach
    ``threshold`` (Levenshtein similarity is bounded by the length ratio, Jaro-Winkler by 1)."""
    left_length, right_length = len(left), len(right)
    if left_length > right_length:
        left_length, right_length = right_length, left_length
    if (1.0 + left_length / right_length) / 2.0 < threshold:
        return 0.0
    return 0.5 * (
        JaroWinkler.normalized_similarity(left, right)
        + Levenshtein.normalized_similarity(left, right)
    )


def _best_fuzzy(a: NamePart, b: NamePart, threshold: float) -> float:
    if len(a.forms) == 1 and len(b.forms) == 1:
        return _fuzzy(a.form, b.form, threshold)
    return max(_fuzzy(x, y, threshold) for x in a.forms for y in b.forms)


_PairKey = tuple[str, str, str, str]
_PAIR_CACHE_LIMIT = 500_000
_pair_caches: dict[tuple[int, bool], tuple[NameMatchSettings, dict[_PairKey, Any]]] = {}


def _pair_cache(settings: NameMatchSettings, compound: bool = False) -> dict[_PairKey, Any]:
    """Scores of part pairs already seen, per settings: a population shares most of its name
    tokens, so in batch screening the same pairs (Mohammed/Ali) recur millions of times.
    Looked up by the settings object's identity (hashing every field on each call costs more
    than the lookup); equal settings objects fall back to their value. ``compound``: the
    cache of a part against a joined pair (:func:`_compound_score`)."""
    slot = (id(settings), compound)
    found = _pair_caches.get(slot)
    if found is not None and found[0] is settings and len(found[1]) <= _PAIR_CACHE_LIMIT:
        return found[1]
    for (_, kind), (other, cache) in _pair_caches.items():
        if kind == compound and other == settings and len(cache) <= _PAIR_CACHE_LIMIT:
            _pair_caches[slot] = (settings, cache)
            return cache
    fresh: dict[_PairKey, Any] = {}
    _pair_caches[slot] = (settings, fresh)
    return fresh


def score_parts(a: NamePart, b: NamePart, settings: NameMatchSettings) -> tuple[float, MatchRule]:
    """The score and rule of the best way two parts match (0 and FUZZY if they do not)."""
    cache = _pair_cache(settings)
    key = (a.text, a.form, b.text, b.form)
    found = cache.get(key)
    if found is None:
        found = cache[key] = _score_parts(a, b, settings)
    return found


def _score_parts(a: NamePart, b: NamePart, settings: NameMatchSettings) -> tuple[float, MatchRule]:
    cross_script = a.script != b.script
    if a.form == b.form and not cross_script:
        return 1.0, MatchRule.EXACT
    if a.form == b.form or not a.forms.isdisjoint(b.forms):
        # Another reading (Wade-Giles Chiang, pinyin Qiang; Müller, Mueller; Du Bois, Bois).
        return settings.transliteration_score, MatchRule.TRANSLITERATION
    if not a.symbols.isdisjoint(b.symbols):
        return settings.equivalence_score, MatchRule.EQUIVALENCE
    if len(a.form) == 1 or len(b.form) == 1:
        if a.form[:1] == b.form[:1]:
            return settings.initial_score, MatchRule.INITIAL
        return 0.0, MatchRule.FUZZY
    if not a.nicknames.isdisjoint(b.nicknames):
        return settings.hypocoristic_score, MatchRule.HYPOCORISTIC
    if min(len(a.form), len(b.form)) < settings.fuzzy_min_length and a.keys.isdisjoint(b.keys):
        return 0.0, MatchRule.FUZZY
    if a.syllable and b.syllable:
        # Two Chinese syllables (Yang/Fang, Chun/Juan) are two names unless read alike.
        return 0.0, MatchRule.FUZZY
    shared = a.keys & b.keys
    # A shared skeleton says little when one word is more than twice the other's length: a
    # joined pair's skeleton can shrink to a syllable's (Chun Yaao read jun-yaao is AN, as Yan).
    same_key = any(len(key) >= 2 for key in shared) and 2 * min(len(a.form), len(b.form)) >= max(
        len(a.form), len(b.form)
    )
    if a.symbols and b.symbols:
        # Both are known names, of different groups: related at most, never the same name.
        if not a.cognates.isdisjoint(b.symbols):
            return settings.cognate_score, MatchRule.COGNATE
        threshold = settings.fuzzy_threshold
        if same_key or _fuzzy(a.form, b.form, threshold) >= threshold:
            return settings.known_apart_cap, MatchRule.KNOWN_DIFFERENT
        return 0.0, MatchRule.FUZZY
    if a.abjad or b.abjad:
        # Without written vowels only the consonant skeleton can be compared.
        if same_key:
            return settings.skeleton_score, MatchRule.TRANSLITERATION
        best = max(JaroWinkler.normalized_similarity(x, y) for x in a.keys for y in b.keys)
        if best >= settings.skeleton_fuzzy_threshold:
            return best * settings.skeleton_score, MatchRule.FUZZY
        return 0.0, MatchRule.FUZZY
    similarity = _best_fuzzy(a, b, 0.0 if same_key else settings.fuzzy_threshold)
    if same_key:
        rule = MatchRule.TRANSLITERATION if cross_script else MatchRule.PHONETIC
        return max(settings.phonetic_score, similarity), rule
    if similarity >= settings.fuzzy_threshold:
        return similarity, MatchRule.FUZZY
    return 0.0, MatchRule.FUZZY


def compare(
    query: str | AnalysedName,
    candidate: str | AnalysedName,
    settings: NameMatchSettings = DEFAULT_SETTINGS,
) -> NameComparison:
    """Compare two names (strings or :class:`AnalysedName`); the query is the searched name."""
    a = query if isinstance(query, AnalysedName) else analyse(query, settings=settings)
    b = candidate if isinstance(candidate, AnalysedName) else analyse(candidate, settings=settings)
    if not a.names or not b.names:
        return NameComparison(0.0, 0.0, 0.0, (), (), a.text, b.text, settings.version)
    chosen, matched, bits = _align(a, b, settings)
    qs, cs = a.names, b.names
    matches = tuple(
        PartMatch(
            tuple(qs[i] for i in q_idx),
            tuple(cs[j] for j in c_idx),
            rule,
            score,
            sum(a.weights[i] for i in q_idx),
        )
        for score, _, rule, q_idx, c_idx in chosen
    )
    unmatched: list[UnmatchedPart] = []
    quality, evidence = _quality(a, b, chosen, matched, bits, settings, unmatched)
    return NameComparison(
        score=quality * evidence,
        quality=quality,
        evidence=evidence,
        matches=matches,
        unmatched=tuple(unmatched),
        query=a.text,
        candidate=b.text,
        settings_version=settings.version,
    )


def compare_score(
    query: AnalysedName, candidate: AnalysedName, settings: NameMatchSettings = DEFAULT_SETTINGS
) -> float:
    """``compare(query, candidate).score`` without the explanation (the same alignment and
    penalties, none of the objects that explain them): for screening, where most compared
    names fall below the threshold and their explanation is never read."""
    if not query.names or not candidate.names:
        return 0.0
    chosen, matched, bits = _align(query, candidate, settings)
    quality, evidence = _quality(query, candidate, chosen, matched, bits, settings, None)
    return quality * evidence


_Option = tuple[float, int, MatchRule, tuple[int, ...], tuple[int, ...]]


def _align(
    a: AnalysedName, b: AnalysedName, settings: NameMatchSettings
) -> tuple[list[_Option], float, float]:
    """The parts of ``a`` and ``b`` aligned one to one, best pair first: the chosen options
    (score, single?, rule, query indexes, candidate indexes), the matched weight and the
    information (bits) behind it."""
    qs, cs = a.names, b.names
    options: list[_Option] = []
    cache = _pair_cache(settings)
    weakest = 1.0
    for i, q in enumerate(qs):
        best = 0.0
        for j, c in enumerate(cs):
            if q.form == c.form and q.script == c.script:
                score, rule = 1.0, MatchRule.EXACT
            else:
                key = (q.text, q.form, c.text, c.form)
                found = cache.get(key)
                if found is None:
                    found = cache[key] = _score_parts(q, c, settings)
                score, rule = found
            if score > 0:
                options.append((score, 1, rule, (i,), (j,)))
                if score > best:
                    best = score
        if best < weakest:
            weakest = best
    if len(qs) != len(cs) or weakest < settings.compound_search_below:
        threshold = settings.compound_threshold
        compounds = _pair_cache(settings, compound=True)
        for j, joined in b.joins:
            for i, q in enumerate(qs):
                score = _compound_score(q, joined, settings, compounds)
                if score >= threshold:
                    options.append((score, 0, MatchRule.COMPOUND, (i,), (j, j + 1)))
        for i, joined in a.joins:
            for j, c in enumerate(cs):
                score = _compound_score(joined, c, settings, compounds)
                if score >= threshold:
                    options.append((score, 0, MatchRule.COMPOUND, (i, i + 1), (j,)))
    options.sort(reverse=True, key=_option_order)
    used_q: set[int] = set()
    used_c: set[int] = set()
    q_weights = a.weights
    matched = 0.0
    bits = 0.0
    chosen: list[_Option] = []
    for option in options:
        score, _, _, q_idx, c_idx = option
        if used_q.isdisjoint(q_idx) and used_c.isdisjoint(c_idx):
            used_q.update(q_idx)
            used_c.update(c_idx)
            matched += score * sum(q_weights[i] for i in q_idx)
            bits += score * min(max(qs[i].bits for i in q_idx), max(cs[j].bits for j in c_idx))
            chosen.append(option)
    return chosen, matched, bits


def _quality(
    a: AnalysedName,
    b: AnalysedName,
    chosen: list[_Option],
    matched: float,
    bits: float,
    settings: NameMatchSettings,
    unmatched: list[UnmatchedPart] | None,
) -> tuple[float, float]:
    """The matched share and the evidence factor of an alignment; each part left over is
    added to ``unmatched`` with what it cost, when a list is given."""
    qs, cs = a.names, b.names
    used_q = {i for option in chosen for i in option[3]}
    used_c = {j for option in chosen for j in option[4]}
    q_weights = a.weights
    penalty_total = 0.0
    query_weight = a.total_weight
    left_q = [i for i in range(len(qs)) if i not in used_q]
    left_c = [j for j in range(len(cs)) if j not in used_c]
    # A word that may be a title (Sheikh, Molla) costs nothing when the other name has nothing
    # left over; facing a left-over name, it is a name in conflict.
    free_q = not any(not cs[j].optional for j in left_c)
    free_c = not any(not qs[i].optional for i in left_q)
    conflicts = 0
    for i in left_q:
        if qs[i].optional and free_q:
            query_weight -= q_weights[i]
            if unmatched is not None:
                unmatched.append(UnmatchedPart("query", qs[i], 0.0))
        else:
            conflicts += 1
            if unmatched is not None:
                unmatched.append(UnmatchedPart("query", qs[i], q_weights[i]))
    for j in left_c:
        c = cs[j]
        if c.optional and free_c:
            penalty = 0.0
        elif conflicts:
            # Both names have a part the other lacks: two different names, not one left out.
            conflicts -= 1
            penalty = b.weights[j] * settings.conflict_penalty
        else:
            penalty = b.weights[j] * settings.unmatched_candidate_penalty
        penalty_total += penalty
        if unmatched is not None:
            unmatched.append(UnmatchedPart("candidate", c, penalty))
    denominator = query_weight + penalty_total
    quality = matched / denominator if denominator > 0 else 0.0
    floor = settings.evidence_floor
    evidence = 1.0 - (1.0 - floor) * math.exp(-bits / settings.evidence_scale_bits)
    return quality, evidence


def compound_score(
    part: NamePart, joined: NamePart, settings: NameMatchSettings = DEFAULT_SETTINGS
) -> float:
    """The score ``compare`` gives a part against a joined pair of the other name (either way
    round: Abdulaziz against Abdul Aziz joined): 0 where the two cannot be one word."""
    return _compound_score(part, joined, settings, _pair_cache(settings, compound=True))


def _compound_score(
    a: NamePart, b: NamePart, settings: NameMatchSettings, cache: dict[_PairKey, Any]
) -> float:
    """The score of a part against a joined pair (either way round), 0 when they cannot
    match at all (:func:`_may_compound`); cached, as a part pair is."""
    key = (a.text, a.form, b.text, b.form)
    found: float | None = cache.get(key)
    if found is None:
        found = cache[key] = score_parts(a, b, settings)[0] if _may_compound(a, b) else 0.0
    return found


def _may_compound(a: NamePart, b: NamePart) -> bool:
    """Whether a part and a joined pair can match at all: they start alike (same first letter
    or same first key class) or share a group. A cheap filter before scoring."""
    if a.form[:1] == b.form[:1] or not a.symbols.isdisjoint(b.symbols):
        return True
    return not {key[:1] for key in a.keys}.isdisjoint({key[:1] for key in b.keys})


def _option_order(
    option: tuple[float, int, MatchRule, tuple[int, ...], tuple[int, ...]],
) -> tuple[float, int]:
    return option[0], option[1]
