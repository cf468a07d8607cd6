"""What reading an MRZ gives back: the fields, every check digit, corrections and problems.

Named tuples and a slotted dataclass: the reader builds them on its hot path.
:meth:`MRZResult.to_dict` is the JSON form documented in ``docs/mrz.md``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

from filet.documents._layout import Layout, MRZFormat


class DocumentValidity(StrEnum):
    """Whether the document is within its validity on the day of the check."""

    VALID = "valid"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    UNKNOWN = "unknown"


class ExtendedNumberConvention(StrEnum):
    """How the check digit of a long (extended) document number was computed."""

    WITHOUT_FILLER = "without_filler"
    """Over the 9 characters of the number field and the overflow (Doc 9303 part 5 reading)."""
    WITH_FILLER = "with_filler"
    """Over the number field, the ``<`` in the check-digit position and the overflow."""


class MRZDate(NamedTuple):
    """A ``YYMMDD`` date from an MRZ; parts written ``<<`` or ``XX`` are unknown (None)."""

    raw: str
    year: int | None
    month: int | None
    day: int | None

    @property
    def date(self) -> dt.date | None:
        """The calendar date when every part is known."""
        if self.year is None or self.month is None or self.day is None:
            return None
        return dt.date(self.year, self.month, self.day)

    @property
    def iso(self) -> str:
        """``YYYY-MM-DD`` with ``XX``/``XXXX`` for unknown parts (``1974-XX-XX``)."""
        year = "XXXX" if self.year is None else f"{self.year:04d}"
        month = "XX" if self.month is None else f"{self.month:02d}"
        day = "XX" if self.day is None else f"{self.day:02d}"
        return f"{year}-{month}-{day}"


class MRZField(NamedTuple):
    """One field as it stands in the MRZ (1-based line and position of its first character)."""

    field: str
    line: int
    position: int
    raw: str
    value: str


class CheckDigitResult(NamedTuple):
    """One check digit: the digit computed over its field (expected) and the one printed (found)."""

    field: str
    line: int
    position: int
    expected: str
    found: str
    ok: bool
    convention: ExtendedNumberConvention | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "line": self.line,
            "position": self.position,
            "expected": self.expected,
            "found": self.found,
            "ok": self.ok,
            "convention": self.convention.value if self.convention else None,
        }


class Correction(NamedTuple):
    """An OCR confusion corrected because the correction made a failing check digit pass."""

    field: str
    line: int
    position: int
    from_char: str
    to_char: str
    check: str
    """The check digit that failed before and passes after the correction."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "line": self.line,
            "position": self.position,
            "from": self.from_char,
            "to": self.to_char,
            "check": self.check,
        }


class Problem(NamedTuple):
    """Something wrong in a readable MRZ: where, in which field, what was expected and found."""

    line: int
    position: int
    field: str
    expected: str
    found: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "position": self.position,
            "field": self.field,
            "expected": self.expected,
            "found": self.found,
            "message": self.message,
        }

    def __str__(self) -> str:
        return f"line {self.line}, position {self.position}, field {self.field}: {self.message}"


_FIELD_ORDER = (
    "document_code",
    "issuing_state",
    "document_number",
    "name",
    "nationality",
    "birth_date",
    "sex",
    "expiry_date",
    "optional_data",
    "optional_data_2",
)


@dataclass(slots=True)
class MRZResult:
    """A read MRZ. ``valid`` is true when every check digit passes and no field is malformed.

    Validity in time (expired, not yet valid) is reported separately in :attr:`validity`: an expired
    passport has a sound MRZ.
    """

    format: MRZFormat
    lines: tuple[str, ...]
    """The MRZ after normalisation and any reported corrections."""
    input_lines: tuple[str, ...]
    """The MRZ as read, after normalisation (spaces removed, upper case), before corrections."""
    document_code: str
    issuing_state: str
    document_number: str
    primary_identifier: str
    secondary_identifier: str
    nationality: str
    birth_date: MRZDate | None
    sex: str
    expiry_date: MRZDate | None
    optional_data: str
    optional_data_2: str
    names_truncated: bool
    """The name field is full to its last character, so the name may have been truncated."""
    checks: tuple[CheckDigitResult, ...]
    corrections: tuple[Correction, ...]
    problems: tuple[Problem, ...]
    validity: DocumentValidity
    today: dt.date
    specimen: bool
    extended_number_conventions: tuple[ExtendedNumberConvention, ...] = ()
    """For an extended (over 9 characters) document number: the conventions that validated."""
    _layout: Layout | None = field(default=None, repr=False, compare=False)

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def extended_number(self) -> bool:
        return len(self.document_number) > 9

    @property
    def fields(self) -> tuple[MRZField, ...]:
        """Every field with its place in the MRZ, raw text and read value."""
        layout = self._layout
        if layout is None:
            return ()
        values = {
            "document_code": self.document_code,
            "issuing_state": self.issuing_state,
            "document_number": self.document_number,
            "name": f"{self.primary_identifier}, {self.secondary_identifier}".rstrip(", "),
            "nationality": self.nationality,
            "birth_date": self.birth_date.iso if self.birth_date else "",
            "sex": self.sex,
            "expiry_date": self.expiry_date.iso if self.expiry_date else "",
            "optional_data": self.optional_data,
            "optional_data_2": self.optional_data_2,
        }
        out: list[MRZField] = []
        for name in _FIELD_ORDER:
            if name == "sex":
                line, start = layout.sex
                end = start + 1
            else:
                span = getattr(layout, name)
                if span is None:
                    continue
                line, start, end = span
            out.append(
                MRZField(name, line + 1, start + 1, self.lines[line][start:end], values[name])
            )
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (schema in ``docs/mrz.md``)."""
        return {
            "format": self.format.value,
            "valid": self.valid,
            "specimen": self.specimen,
            "lines": list(self.lines),
            "input_lines": list(self.input_lines),
            "document": {
                "document_code": self.document_code,
                "issuing_state": self.issuing_state,
                "document_number": self.document_number,
                "primary_identifier": self.primary_identifier,
                "secondary_identifier": self.secondary_identifier,
                "nationality": self.nationality,
                "birth_date": self.birth_date.iso if self.birth_date else None,
                "sex": self.sex,
                "expiry_date": self.expiry_date.iso if self.expiry_date else None,
                "optional_data": self.optional_data,
                "optional_data_2": self.optional_data_2,
                "names_truncated": self.names_truncated,
            },
            "fields": [
                {
                    "field": f.field,
                    "line": f.line,
                    "position": f.position,
                    "raw": f.raw,
                    "value": f.value,
                }
                for f in self.fields
            ],
            "checks": [c.as_dict() for c in self.checks],
            "extended_number_conventions": [c.value for c in self.extended_number_conventions],
            "corrections": [c.as_dict() for c in self.corrections],
            "problems": [p.as_dict() for p in self.problems],
            "validity": {"status": self.validity.value, "today": self.today.isoformat()},
        }
