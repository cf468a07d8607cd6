"""The things screening works on: a listed person, a traveller, one piece of evidence, a match."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from filet.names import NameComparison


def normalise_document(number: str | None) -> str | None:
    """A document number for comparison: letters and digits only, upper case, O read as 0."""
    if not number:
        return None
    kept = "".join(c for c in number.upper() if c.isalnum()).replace("O", "0")
    return kept or None


@dataclass(frozen=True)
class ListedPerson:
    """One entry of a watchlist as read from its source (before or after storing)."""

    list_name: str
    entry_key: str
    name: str
    aliases: tuple[str, ...] = ()
    birth_date: str | None = None
    nationality: str | None = None
    sex: str | None = None
    document_number: str | None = None
    reason: str = ""
    attributes: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    entry_id: int | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *(a for a in self.aliases if a and a != self.name))

    def content_hash(self) -> str:
        """A fingerprint of everything screening reads from the entry (changes trigger re-review)."""
        content = {
            "name": self.name,
            "aliases": list(self.aliases),
            "birth_date": self.birth_date,
            "nationality": self.nationality,
            "sex": self.sex,
            "document_number": self.document_number,
            "reason": self.reason,
            "attributes": self.attributes,
        }
        blob = json.dumps(content, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(blob).hexdigest()


@dataclass(frozen=True)
class Traveller:
    """A person to screen: given names and surname, or a full name, and what else is known."""

    traveller_id: str
    surname: str | None = None
    given_names: str | None = None
    full_name: str | None = None
    birth_date: str | None = None
    nationality: str | None = None
    sex: str | None = None
    document_number: str | None = None

    @property
    def display_name(self) -> str:
        parts = " ".join(p for p in (self.given_names, self.surname) if p)
        return parts or self.full_name or ""

    def fingerprint(self) -> str:
        """A fingerprint of the data screening reads (a change re-opens a dismissed pair)."""
        content = [
            self.surname,
            self.given_names,
            self.full_name,
            self.birth_date,
            self.nationality,
            self.sex,
            normalise_document(self.document_number),
        ]
        return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence behind a score: the feature, both values, its weight and what it means.

    ``weight`` is the score the feature sets (name, document) or the amount it subtracts (negative).
    """

    feature: str
    traveller_value: str | None
    entry_value: str | None
    weight: float
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "feature": self.feature,
            "traveller": self.traveller_value,
            "entry": self.entry_value,
            "weight": round(self.weight, 4),
            "detail": self.detail,
        }


@dataclass(frozen=True)
class ScreeningMatch:
    """A traveller scored against one listed person: score, band and the evidence."""

    traveller: Traveller
    entry: ListedPerson
    score: float
    band: str  # review | strong | below
    evidence: tuple[Evidence, ...]
    name: NameComparison | None
    settings_version: str

    @property
    def name_comparison(self) -> dict[str, Any]:
        """The name comparison's own explanation (aligned parts, rules, weights, unmatched)."""
        return self.name.as_dict() if self.name is not None else {}

    def explanation(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 4),
            "band": self.band,
            "evidence": [e.as_dict() for e in self.evidence],
            "name": self.name_comparison,
            "settings_version": self.settings_version,
        }

    def summary(self) -> str:
        """The evidence in one line for a CSV cell or a table."""
        return "; ".join(
            f"{e.feature} {e.weight:+.2f} ({e.detail})"
            if e.weight < 0
            else f"{e.feature} {e.weight:.2f} ({e.detail})"
            for e in self.evidence
        )
