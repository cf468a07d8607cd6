"""The screening scorer: a traveller against one listed person, on all the evidence.

Names set the score (``filet.names.compare``, best over the listed name and its aliases); an equal
document number is strong evidence on its own. Date of birth, nationality and sex only *subtract*
when they disagree: an identical date of birth never lifts an unrelated name. Dates are compared
tolerantly: year-only and year-month dates, the conventional 1 January / 1 July of unknown
birthdays, day and month swapped, and unknown parts written ``XX`` or ``00`` do not count against
a match.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from functools import cached_property

from filet.names import AnalysedName, NameComparison, analyse, compare
from filet.screening._import import same_country
from filet.screening._model import (
    Evidence,
    ListedPerson,
    ScreeningMatch,
    Traveller,
    normalise_document,
)


@dataclass(frozen=True)
class ScreeningSettings:
    """Every tunable of the scorer, with its meaning; ``version`` is recorded with each hit."""

    review_threshold: float = field(
        default=0.7, metadata={"description": "score from which a hit is raised for review"}
    )
    strong_threshold: float = field(
        default=0.9, metadata={"description": "score from which a hit is banded 'strong'"}
    )
    document_weight: float = field(
        default=0.8,
        metadata={
            "description": "an equal document number alone scores this; with a name the score is "
            "1 - (1 - name) * (1 - document_weight)"
        },
    )
    birth_year_near_penalty: float = field(
        default=0.05, metadata={"description": "subtracted when birth years differ by one"}
    )
    birth_year_penalty: float = field(
        default=0.15,
        metadata={"description": "subtracted when birth years differ by two to four"},
    )
    birth_year_far_penalty: float = field(
        default=0.4,
        metadata={
            "description": "subtracted when birth years differ by five or more: another person, "
            "however alike the names (an estimated age is rarely that far off)"
        },
    )
    birth_day_penalty: float = field(
        default=0.05,
        metadata={
            "description": "subtracted for the same year but another day (not swapped, not 1 Jan)"
        },
    )
    nationality_penalty: float = field(
        default=0.05, metadata={"description": "subtracted when nationalities differ"}
    )
    sex_penalty: float = field(
        default=0.1, metadata={"description": "subtracted when sexes differ"}
    )
    minimum_name_score: float = field(
        default=0.3,
        metadata={"description": "name scores below this are not reported as evidence of a match"},
    )

    @cached_property
    def version(self) -> str:
        values = ",".join(f"{f.name}={getattr(self, f.name)}" for f in fields(self))
        return "scr-" + hashlib.sha256(values.encode()).hexdigest()[:8]

    @classmethod
    def from_settings(cls) -> ScreeningSettings:
        """The thresholds of the application settings (``FILET_SCREENING_*``), other defaults."""
        from filet.settings import get_settings

        settings = get_settings()
        return cls(
            review_threshold=settings.screening_review_threshold,
            strong_threshold=settings.screening_strong_threshold,
        )

    def band(self, score: float) -> str:
        if score >= self.strong_threshold:
            return "strong"
        if score >= self.review_threshold:
            return "review"
        return "below"


CONVENTIONAL_DAYS = {(1, 1), (7, 1)}  # (month, day) written for unknown birthdays


@dataclass(frozen=True)
class PartialDate:
    """A birth date with unknown parts (None)."""

    year: int | None
    month: int | None
    day: int | None

    @classmethod
    def parse(cls, text: str | None) -> PartialDate | None:
        """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (``XX``/``00`` for unknown parts)."""
        if not text:
            return None
        pieces = text.strip().split("-")
        numbers: list[int | None] = []
        for piece in pieces[:3]:
            numbers.append(int(piece) if piece.isdigit() and int(piece) > 0 else None)
        while len(numbers) < 3:
            numbers.append(None)
        year, month, day = numbers
        if year is None:
            return None
        return cls(year, month, day)


def compare_birth_dates(
    a: PartialDate | None, b: PartialDate | None, settings: ScreeningSettings
) -> tuple[float, str]:
    """(penalty, detail) for two birth dates; the penalty is 0 when they may be the same."""
    if a is None or b is None:
        return 0.0, "not known on both sides"
    assert a.year is not None and b.year is not None
    gap = abs(a.year - b.year)
    if gap == 1:
        return settings.birth_year_near_penalty, "years differ by one"
    if gap >= 5:
        return settings.birth_year_far_penalty, f"years differ by {gap}"
    if gap > 1:
        return settings.birth_year_penalty, f"years differ by {gap}"
    if None in (a.month, a.day, b.month, b.day):
        return 0.0, "same year (partial date)"
    if (a.month, a.day) == (b.month, b.day):
        return 0.0, "identical"
    if (a.month, a.day) == (b.day, b.month):
        return 0.0, "day and month swapped"
    if (a.month, a.day) in CONVENTIONAL_DAYS or (b.month, b.day) in CONVENTIONAL_DAYS:
        return 0.0, "same year; one is a conventional date for an unknown birthday"
    return settings.birth_day_penalty, "same year, different day"


@dataclass(frozen=True)
class PreparedTraveller:
    traveller: Traveller
    name: AnalysedName
    birth: PartialDate | None
    document: str | None


@dataclass(frozen=True)
class PreparedEntry:
    entry: ListedPerson
    names: tuple[AnalysedName, ...]
    birth: PartialDate | None
    document: str | None


def prepare_traveller(traveller: Traveller) -> PreparedTraveller:
    """Analyse a traveller's name once for all comparisons."""
    nationality = traveller.nationality or None
    if traveller.surname or traveller.given_names:
        name = analyse(
            given=traveller.given_names or None,
            family=traveller.surname or None,
            nationality=nationality,
        )
    else:
        name = analyse(traveller.full_name or "", nationality=nationality)
    return PreparedTraveller(
        traveller,
        name,
        PartialDate.parse(traveller.birth_date),
        normalise_document(traveller.document_number),
    )


def prepare_entry(entry: ListedPerson) -> PreparedEntry:
    """Analyse a listed person's name and aliases once."""
    names = tuple(analyse(n, nationality=entry.nationality or None) for n in entry.names if n)
    return PreparedEntry(
        entry, names, PartialDate.parse(entry.birth_date), normalise_document(entry.document_number)
    )


def _agree(a: str | None, b: str | None) -> bool | None:
    if not a or not b:
        return None
    return a.strip().upper() == b.strip().upper()


def score_pair(
    traveller: PreparedTraveller,
    entry: PreparedEntry,
    settings: ScreeningSettings,
    comparisons: dict[int, NameComparison] | None = None,
) -> ScreeningMatch:
    """Score one traveller against one listed person, with every piece of evidence.

    ``comparisons`` memoises name comparisons of this traveller by listed-name object, for
    entries that share one analysed name (an index analyses each distinct name once).
    """
    best = None
    for candidate in entry.names:
        if comparisons is None:
            comparison = compare(traveller.name, candidate)
        else:
            comparison = comparisons.get(id(candidate)) or comparisons.setdefault(
                id(candidate), compare(traveller.name, candidate)
            )
        if best is None or comparison.score > best.score:
            best = comparison
    name_score = best.score if best is not None else 0.0
    evidence: list[Evidence] = []
    which = (
        "listed name"
        if best is None or not entry.names or best.candidate == entry.names[0].text
        else "alias"
    )
    evidence.append(
        Evidence(
            "name",
            traveller.traveller.display_name,
            best.candidate if best is not None else entry.entry.name,
            name_score,
            f"{which}; "
            + ", ".join(f"{m.query}~{m.candidate} {m.rule.value}" for m in best.matches)
            if best is not None and best.matches
            else "no name part matches",
        )
    )
    final = _final_score(traveller, entry, settings, name_score, evidence)
    if final is None:
        # No name evidence and no document: the other features only subtract, so stop here.
        return ScreeningMatch(
            traveller.traveller, entry.entry, 0.0, "below", tuple(evidence), best, settings.version
        )
    return ScreeningMatch(
        traveller=traveller.traveller,
        entry=entry.entry,
        score=round(final, 6),
        band=settings.band(final),
        evidence=tuple(evidence),
        name=best,
        settings_version=settings.version,
    )


def pair_score(
    traveller: PreparedTraveller,
    entry: PreparedEntry,
    settings: ScreeningSettings,
    name_score: float,
) -> float:
    """The score :func:`score_pair` gives, from the best name score (``compare_score``)
    without building the evidence that explains it: a screening index keeps only the
    entries at or above its threshold, and explains those."""
    final = _final_score(traveller, entry, settings, name_score, None)
    return 0.0 if final is None else round(final, 6)


def _final_score(
    traveller: PreparedTraveller,
    entry: PreparedEntry,
    settings: ScreeningSettings,
    name_score: float,
    evidence: list[Evidence] | None,
) -> float | None:
    """The score from the name score and the other features (None when there is neither name
    evidence nor the same document number); each feature's evidence is added to
    ``evidence`` when a list is given."""
    score = name_score if name_score >= settings.minimum_name_score else 0.0
    if score == 0.0 and not (traveller.document and traveller.document == entry.document):
        return None
    if traveller.document and entry.document:
        if traveller.document == entry.document:
            score = 1.0 - (1.0 - score) * (1.0 - settings.document_weight)
            if evidence is not None:
                evidence.append(
                    Evidence(
                        "document_number",
                        traveller.traveller.document_number,
                        entry.entry.document_number,
                        settings.document_weight,
                        "same document number",
                    )
                )
        elif evidence is not None:
            evidence.append(
                Evidence(
                    "document_number",
                    traveller.traveller.document_number,
                    entry.entry.document_number,
                    0.0,
                    "different numbers (no penalty: a person may hold several documents)",
                )
            )
    penalties = 0.0
    penalty, detail = compare_birth_dates(traveller.birth, entry.birth, settings)
    if evidence is not None and (traveller.birth is not None or entry.birth is not None):
        evidence.append(
            Evidence(
                "birth_date",
                traveller.traveller.birth_date,
                entry.entry.birth_date,
                -penalty or 0.0,
                detail,
            )
        )
    penalties += penalty
    for feature, mine, theirs, cost in (
        (
            "nationality",
            traveller.traveller.nationality,
            entry.entry.nationality,
            settings.nationality_penalty,
        ),
        ("sex", traveller.traveller.sex, entry.entry.sex, settings.sex_penalty),
    ):
        if feature == "sex" and not {(mine or "").upper(), (theirs or "").upper()} <= {"M", "F"}:
            continue  # X, U or unknown: no evidence either way
        agree = same_country(mine, theirs) if feature == "nationality" else _agree(mine, theirs)
        if agree is None:
            continue
        if evidence is not None:
            evidence.append(
                Evidence(
                    feature, mine, theirs, 0.0 if agree else -cost, "same" if agree else "different"
                )
            )
        if not agree:
            penalties += cost
    return max(0.0, min(1.0, score - penalties)) if score > 0 else 0.0
