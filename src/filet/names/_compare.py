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
4. ``evidence`` scales the score by how much information the matched parts carry: two exact
   common names (Mohammed Ali) are weaker evidence than two rare ones.

``score = quality * evidence``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from rapidfuzz.distance import JaroWinkler, Levenshtein

from filet.names._analyse import AnalysedName, NamePart, NameRole, analyse
from filet.names._data import culture_rules
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
    COGNATE = "cognate"
    KNOWN_DIFFERENT = "known-different"


@dataclass(frozen=True, slots=True)
class PartMatch:
    """One aligned pair: which query part matched which candidate part, how, and how much."""

    query: str
    candidate: str
    query_latin: str
    candidate_latin: str
    rule: MatchRule
    score: float
    weight: float
    query_role: NameRole
    candidate_role: NameRole

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "query": self.query,
            "candidate": self.candidate,
            "query_latin": self.query_latin,
            "candidate_latin": self.candidate_latin,
            "rule": self.rule.value,
            "score": round(self.score, 4),
            "weight": round(self.weight, 4),
            "query_role": self.query_role.value,
            "candidate_role": self.candidate_role.value,
        }


@dataclass(frozen=True, slots=True)
class UnmatchedPart:
    """A name part left without a partner, and the weight it cost."""

    side: str
    text: str
    latin: str
    role: NameRole
    penalty: float

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "side": self.side,
            "text": self.text,
            "latin": self.latin,
            "role": self.role.value,
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
            lines.append(f"  {part.side} {part.text}: unmatched (penalty {part.penalty:.2f})")
        return "\n".join(lines)


def _fuzzy(left: str, right: str) -> float:
    return 0.5 * (
        JaroWinkler.normalized_similarity(left, right)
        + Levenshtein.normalized_similarity(left, right)
    )


def score_parts(a: NamePart, b: NamePart, settings: NameMatchSettings) -> tuple[float, MatchRule]:
    """The score and rule of the best way two parts match (0 and FUZZY if they do not)."""
    cross_script = a.script != b.script
    if a.form == b.form or not a.forms.isdisjoint(b.forms):
        if cross_script:
            return settings.transliteration_score, MatchRule.TRANSLITERATION
        return 1.0, MatchRule.EXACT
    if not a.symbols.isdisjoint(b.symbols):
        return settings.equivalence_score, MatchRule.EQUIVALENCE
    if a.is_initial or b.is_initial:
        if a.form[:1] == b.form[:1]:
            return settings.initial_score, MatchRule.INITIAL
        return 0.0, MatchRule.FUZZY
    known_apart = bool(a.symbols) and bool(b.symbols)
    if known_apart and not a.cognates.isdisjoint(b.symbols):
        return settings.cognate_score, MatchRule.COGNATE
    same_key = not a.keys.isdisjoint(b.keys)
    if a.abjad or b.abjad:
        # Without written vowels only the consonant skeleton can be compared.
        if same_key:
            score, rule = settings.transliteration_score * 0.95, MatchRule.TRANSLITERATION
        else:
            best = max(JaroWinkler.normalized_similarity(x, y) for x in a.keys for y in b.keys)
            score = best * 0.9 if best >= 0.85 else 0.0
            rule = MatchRule.FUZZY
    else:
        similarity = max(_fuzzy(x, y) for x in a.forms for y in b.forms)
        if same_key:
            score = max(settings.phonetic_score, similarity)
            rule = MatchRule.TRANSLITERATION if cross_script else MatchRule.PHONETIC
        elif similarity >= settings.fuzzy_threshold:
            score, rule = similarity, MatchRule.FUZZY
        else:
            score, rule = 0.0, MatchRule.FUZZY
    if known_apart and score > 0:
        return min(score, settings.known_apart_cap), MatchRule.KNOWN_DIFFERENT
    return score, rule


def _part_weight(part: NamePart, culture: str, settings: NameMatchSettings) -> float:
    if part.role is NameRole.FAMILY and culture_rules().cultures[culture].family_names:
        return part.weight * settings.family_weight
    return part.weight


def compare(
    query: str | AnalysedName,
    candidate: str | AnalysedName,
    settings: NameMatchSettings = DEFAULT_SETTINGS,
) -> NameComparison:
    """Compare two names (strings or :class:`AnalysedName`); the query is the searched name."""
    a = query if isinstance(query, AnalysedName) else analyse(query, settings=settings)
    b = candidate if isinstance(candidate, AnalysedName) else analyse(candidate, settings=settings)
    qs, cs = a.names, b.names
    if not qs or not cs:
        return NameComparison(0.0, 0.0, 0.0, (), (), a.text, b.text, settings.version)
    # Options: (score, rule, query indexes, candidate indexes).
    options: list[tuple[float, int, MatchRule, tuple[int, ...], tuple[int, ...]]] = []
    best_single = [0.0] * len(qs)
    for i, q in enumerate(qs):
        for j, c in enumerate(cs):
            score, rule = score_parts(q, c, settings)
            if score > 0:
                options.append((score, 1, rule, (i,), (j,)))
                best_single[i] = max(best_single[i], score)
    if len(qs) != len(cs) or min(best_single) < 0.95:
        threshold = settings.compound_threshold
        for j, joined in b.joins:
            for i, q in enumerate(qs):
                score, _ = score_parts(q, joined, settings)
                if score >= threshold:
                    options.append((score, 0, MatchRule.COMPOUND, (i,), (j, j + 1)))
        for i, joined in a.joins:
            for j, c in enumerate(cs):
                score, _ = score_parts(joined, c, settings)
                if score >= threshold:
                    options.append((score, 0, MatchRule.COMPOUND, (i, i + 1), (j,)))
    options.sort(key=lambda option: (option[0], option[1]), reverse=True)
    used_q: set[int] = set()
    used_c: set[int] = set()
    chosen: list[tuple[float, MatchRule, tuple[int, ...], tuple[int, ...]]] = []
    for score, _, rule, q_idx, c_idx in options:
        if used_q.isdisjoint(q_idx) and used_c.isdisjoint(c_idx):
            chosen.append((score, rule, q_idx, c_idx))
            used_q.update(q_idx)
            used_c.update(c_idx)
    q_weights = [_part_weight(q, a.culture, settings) for q in qs]
    c_weights = [_part_weight(c, b.culture, settings) for c in cs]
    matched = 0.0
    bits = 0.0
    matches: list[PartMatch] = []
    for score, rule, q_idx, c_idx in chosen:
        weight = sum(q_weights[i] for i in q_idx)
        matched += weight * score
        bits += score * min(max(qs[i].bits for i in q_idx), max(cs[j].bits for j in c_idx))
        matches.append(
            PartMatch(
                query=" ".join(qs[i].text for i in q_idx),
                candidate=" ".join(cs[j].text for j in c_idx),
                query_latin=" ".join(qs[i].latin for i in q_idx),
                candidate_latin=" ".join(cs[j].latin for j in c_idx),
                rule=rule,
                score=score,
                weight=weight,
                query_role=qs[q_idx[0]].role,
                candidate_role=cs[c_idx[0]].role,
            )
        )
    unmatched: list[UnmatchedPart] = []
    penalty_total = 0.0
    for i, q in enumerate(qs):
        if i not in used_q:
            unmatched.append(UnmatchedPart("query", q.text, q.latin, q.role, q_weights[i]))
    for j, c in enumerate(cs):
        if j not in used_c:
            penalty = c_weights[j] * settings.unmatched_candidate_penalty
            penalty_total += penalty
            unmatched.append(UnmatchedPart("candidate", c.text, c.latin, c.role, penalty))
    quality = matched / (sum(q_weights) + penalty_total)
    floor = settings.evidence_floor
    evidence = floor + (1.0 - floor) * min(1.0, bits / settings.evidence_full_bits)
    return NameComparison(
        score=quality * evidence,
        quality=quality,
        evidence=evidence,
        matches=tuple(matches),
        unmatched=tuple(unmatched),
        query=a.text,
        candidate=b.text,
        settings_version=settings.version,
    )
