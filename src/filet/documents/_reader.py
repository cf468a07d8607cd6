"""Reading and validating an MRZ: tolerant input, every field, every check digit, OCR corrections.

We wrote our own reader although the PyPI ``mrz`` package exists because a border check needs what
it does not give: the place (line, position) and the expected value of every problem, both checksum
conventions for extended document numbers, unknown date parts, ICAO non-country codes with a
specimen mode, and OCR corrections that are applied only when they make a failing check digit pass
and are always reported. It is also several times faster (``benchmarks/bench_mrz.py``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from filet.documents._checkdigit import VALUE_TABLE, check_digit_value
from filet.documents._layout import LAYOUTS, SHAPES, Layout, MRZFormat, Pos, Span, layout_for
from filet.documents._result import (
    CheckDigitResult,
    Correction,
    DocumentValidity,
    ExtendedNumberConvention,
    MRZDate,
    MRZResult,
    Problem,
)
from filet.errors import InputError, Place
from filet.model.countries import all_countries, icao_code, mrz_country_field

_CLEAN = re.compile(r"[A-Z0-9<]+")
_BAD_CHAR = re.compile(r"[^A-Z0-9<]")
_NAME_BAD = re.compile(r"[^A-Z<]")

TO_DIGIT = {"O": "0", "I": "1", "B": "8", "S": "5", "Z": "2", "G": "6"}
"""OCR confusions of a letter for a digit (Doc 9303 readers: O/0, I/1, B/8, S/5, Z/2, G/6)."""
CONFUSIONS = {**TO_DIGIT, **{digit: letter for letter, digit in TO_DIGIT.items()}}

_SHAPE_HELP = (
    "2 lines of 44 characters (TD3, MRV-A), 2 lines of 36 (TD2, MRV-B) or 3 lines of 30 (TD1)"
)
_JOINED = {88: (2, 44), 72: (2, 36), 90: (3, 30)}
_DOCUMENT_CODE_FIRST = {
    MRZFormat.TD1: "ACI",
    MRZFormat.TD2: "ACI",
    MRZFormat.TD3: "P",
    MRZFormat.MRV_A: "V",
    MRZFormat.MRV_B: "V",
}
_SEX = {"M": "M", "F": "F", "X": "X", "<": "unspecified"}
_UNKNOWN_PART = ("<<", "XX")
_EXPIRY_WINDOW_YEARS = 20
"""An expiry year YY is read as 20YY unless that lies more than this many years after today."""


@lru_cache(maxsize=2)
def _country_fields(specimen: bool) -> frozenset[str]:
    """Every acceptable 3-character country field (``DEU``, ``D<<``, ...)."""
    return frozenset(
        mrz_country_field(c.icao_code) for c in all_countries() if specimen or not c.is_specimen
    )


def parse_mrz(
    mrz: str | Sequence[str],
    *,
    specimen: bool = False,
    today: dt.date | None = None,
    valid_from: dt.date | None = None,
    correct: bool = True,
    format: MRZFormat | None = None,
) -> MRZResult:
    """Read and validate a machine-readable zone.

    ``mrz`` is the lines (a sequence) or one string with the lines joined, with or without line
    breaks; stray spaces and lower case are tolerated. ``specimen`` accepts the specimen state
    ``UTO``. ``today`` (default: the system date) decides century of dates and validity;
    ``valid_from`` (e.g. a visa's first day, which the MRZ does not carry) lets validity say
    "not yet valid". With ``correct``, OCR confusions (O/0, I/1, B/8, S/5, Z/2, G/6) are corrected
    where, and only where, the correction makes a failing check digit pass; each is reported.

    Raises :class:`~filet.errors.InputError` (with line and position) when the input cannot be read
    as an MRZ at all (wrong shape, characters outside ``A-Z 0-9 <``). A readable MRZ with wrong
    check digits or malformed fields gives a result with ``valid`` false and the problems listed.
    """
    lines = _normalise(mrz)
    layout = _select_layout(lines, format)
    day = today or dt.date.today()
    if isinstance(day, dt.datetime):
        day = day.date()
    fast = _read_fast(lines, layout, specimen, day, valid_from)
    if fast is not None:
        return fast
    return _read(lines, layout, specimen, day, valid_from, correct)


def _normalise(mrz: str | Sequence[str]) -> list[str]:
    parts: list[str]
    if isinstance(mrz, str):
        parts = [mrz]
    else:
        parts = list(mrz)
        if 2 <= len(parts) <= 3:
            for part in parts:
                if not isinstance(part, str) or not _CLEAN.fullmatch(part):
                    break
            else:
                return parts
    lines: list[str] = []
    for index, part in enumerate(parts):
        if not isinstance(part, str):
            raise InputError(
                f"expected MRZ text, found {type(part).__name__}", Place(line=index + 1)
            )
        for raw in part.splitlines():
            line = "".join(raw.split()).upper()
            if line:
                lines.append(line)
    if not lines:
        raise InputError(f"empty MRZ: expected {_SHAPE_HELP}", Place(line=1, position=1))
    if len(lines) == 1:
        joined = lines[0]
        shape = _JOINED.get(len(joined))
        if shape is None:
            raise InputError(
                f"one line of {len(joined)} characters: expected {_SHAPE_HELP}, "
                "given separately or joined (88, 72 or 90 characters)",
                Place(line=1, position=min(len(joined), 90) + 1),
            )
        count, width = shape
        lines = [joined[i * width : (i + 1) * width] for i in range(count)]
    for number, line in enumerate(lines, start=1):
        bad = _BAD_CHAR.search(line)
        if bad:
            raise InputError(
                f"expected A-Z, 0-9 or '<', found {bad.group()!r}",
                Place(line=number, position=bad.start() + 1),
            )
    return lines


def _select_layout(lines: list[str], fmt: MRZFormat | None) -> Layout:
    count = len(lines)
    if fmt is not None:
        layout = LAYOUTS[fmt]
    else:
        width = len(lines[0])
        found = layout_for(count, width, lines[0][0])
        if found is None:
            if count not in (2, 3):
                raise InputError(
                    f"{count} lines: expected {_SHAPE_HELP}", Place(line=min(count, 4))
                )
            lines_for_width = [c for (c, w) in SHAPES if w == width]
            if lines_for_width:
                expected = lines_for_width[0]
                raise InputError(
                    f"{count} lines of {width} characters: expected {expected} lines "
                    f"(an MRZ with lines of {width} characters has {expected})",
                    Place(line=count + 1 if count < expected else expected + 1),
                )
            widths = [w for (c, w) in SHAPES if c == count]
            raise InputError(
                f"line 1 has {width} characters: expected {_SHAPE_HELP}",
                Place(line=1, position=min(width, max(widths)) + 1),
            )
        layout = found
    if count != layout.lines:
        raise InputError(
            f"{count} lines: a {layout.format} MRZ has {layout.shape}", Place(line=count)
        )
    for number, line in enumerate(lines, start=1):
        if len(line) != layout.width:
            raise InputError(
                f"line {number} has {len(line)} characters: expected {layout.width} "
                f"({layout.format}: {layout.shape})",
                Place(line=number, position=min(len(line), layout.width) + 1),
            )
    return layout


@dataclass(frozen=True, slots=True)
class _Check:
    """One check digit and the data it covers; several variants for an extended number."""

    field: str
    variants: tuple[tuple[Span, ...], ...]
    numeric: tuple[bool, ...]
    """Per span of the first variant: whether the span holds digits only (dates)."""
    check: Pos
    blank_ok: bool = False
    """A ``<`` check digit is accepted when the data is all filler (TD3 personal number)."""


@lru_cache(maxsize=8)
def _checks_of(layout: Layout) -> tuple[_Check, ...]:
    checks = [
        _Check("birth_date", ((layout.birth_date,),), (True,), layout.birth_date_check),
        _Check("expiry_date", ((layout.expiry_date,),), (True,), layout.expiry_date_check),
    ]
    if layout.optional_data_check is not None:
        checks.append(
            _Check(
                "optional_data",
                ((layout.optional_data,),),
                (False,),
                layout.optional_data_check,
                blank_ok=True,
            )
        )
    return tuple(checks)


_CONVENTIONS = (ExtendedNumberConvention.WITHOUT_FILLER, ExtendedNumberConvention.WITH_FILLER)


def _data(lines: Sequence[str], spans: tuple[Span, ...]) -> str:
    if len(spans) == 1:
        line, start, end = spans[0]
        return lines[line][start:end]
    return "".join([lines[line][start:end] for line, start, end in spans])


def _evaluate(
    lines: Sequence[str], variants: tuple[tuple[Span, ...], ...], check: Pos, blank_ok: bool
) -> list[tuple[str, bool]]:
    """(expected digit, passes) for each way of computing the check digit."""
    found = lines[check[0]][check[1]]
    out = []
    for spans in variants:
        data = _data(lines, spans)
        expected = _DIGITS[check_digit_value(data)]
        ok = found == expected or (blank_ok and found == "<" and not data.strip("<"))
        out.append((expected, ok))
    return out


_DIGITS = "0123456789"


def _covered(specs: Sequence[_Check]) -> frozenset[tuple[int, int]]:
    """Positions covered by the individual check digits (protected from composite corrections)."""
    out: set[tuple[int, int]] = set()
    for spec in specs:
        for spans in spec.variants:
            for line, start, end in spans:
                out.update((line, i) for i in range(start, end))
        out.add(spec.check)
    return frozenset(out)


def _check_problem(
    reading: _Reading, field: str, line: int, index: int, expected: str, found: str
) -> None:
    reading.problem(
        line,
        index,
        f"{field}_check",
        expected,
        found,
        f"check digit of {field} is {found!r}, expected {expected}",
    )


def _field_at(layout: Layout, line: int, index: int) -> str:
    for name in (
        "document_number",
        "birth_date",
        "expiry_date",
        "optional_data",
        "optional_data_2",
    ):
        span: Span | None = getattr(layout, name)
        if span is not None and span[0] == line and span[1] <= index < span[2]:
            return name
    for name in (
        "document_number_check",
        "birth_date_check",
        "expiry_date_check",
        "optional_data_check",
        "composite_check",
    ):
        pos: Pos | None = getattr(layout, name)
        if pos == (line, index):
            return name
    return "mrz"


class _Reading:
    """The mutable state of one read: working lines, corrections and problems."""

    __slots__ = ("corrections", "layout", "lines", "problems")

    def __init__(self, lines: list[str], layout: Layout) -> None:
        self.lines = lines
        self.layout = layout
        self.corrections: list[Correction] = []
        self.problems: list[Problem] = []

    def problem(
        self, line: int, index: int, field: str, expected: str, found: str, msg: str
    ) -> None:
        self.problems.append(Problem(line + 1, index + 1, field, expected, found, msg))

    def _passes(self, spec: _Check) -> bool:
        return any(ok for _, ok in _evaluate(self.lines, spec.variants, spec.check, spec.blank_ok))

    def correct(
        self,
        spec: _Check,
        protected: frozenset[tuple[int, int]],
        *,
        single: bool,
        cross: _Check | None = None,
    ) -> bool:
        """Try OCR corrections for a failing check; apply and report them only if they pass.

        Without ``single``: letters in digit-only fields (dates) and in the check digit position,
        where a letter is never right, are replaced by the digit they are confused with. With
        ``single``: in alphanumeric fields one confusion is tried in either direction and taken
        only when exactly one candidate makes the check digit pass and, where the format has one,
        the composite check digit (``cross``) passes too. The cross-check matters: a misread check
        digit can often be "repaired" by changing a character of the number, and the composite,
        which also covers the check digit, rejects most such false repairs.
        """
        forced: list[tuple[int, int, str]] = []
        optional: list[tuple[int, int, str]] = []
        for (line, start, end), digits_only in zip(spec.variants[0], spec.numeric, strict=True):
            text = self.lines[line]
            for index in range(start, end):
                if (line, index) in protected:
                    continue
                char = text[index]
                if digits_only:
                    if char in TO_DIGIT:
                        forced.append((line, index, TO_DIGIT[char]))
                elif char in CONFUSIONS:
                    optional.append((line, index, CONFUSIONS[char]))
        check_char = self.lines[spec.check[0]][spec.check[1]]
        if check_char in TO_DIGIT:
            forced.append((spec.check[0], spec.check[1], TO_DIGIT[check_char]))
        if not (optional if single else forced):
            return False
        original = list(self.lines)
        self._apply(forced)
        chosen: list[tuple[int, int, str]] | None = None
        if not single:
            if self._passes(spec):
                chosen = forced
        else:
            passing = []
            base = list(self.lines)
            for sub in optional:
                self._apply([sub])
                if self._passes(spec) and (cross is None or self._passes(cross)):
                    passing.append(sub)
                self.lines[:] = base
            if len(passing) == 1:
                chosen = [*forced, passing[0]]
        self.lines[:] = original
        if chosen is None:
            return False
        for line, index, to_char in chosen:
            self.corrections.append(
                Correction(
                    _field_at(self.layout, line, index),
                    line + 1,
                    index + 1,
                    self.lines[line][index],
                    to_char,
                    spec.field,
                )
            )
        self._apply(chosen)
        return True

    def _apply(self, subs: Sequence[tuple[int, int, str]]) -> None:
        for line, index, to_char in subs:
            text = self.lines[line]
            self.lines[line] = text[:index] + to_char + text[index + 1 :]


@dataclass(frozen=True, slots=True)
class _Plan:
    """Precomputed slices for the fast path of one layout."""

    first_codes: str
    """The letters a document code of this format may start with."""
    checks: tuple[tuple[str, int, int, int, int, int, bool], ...]
    """(field, line, start, end, check line, check index, blank_ok) of the single-span checks."""
    composite: tuple[Span, ...]
    """The spans the composite check digit covers, in order."""
    composite_check: Pos | None
    passed: tuple[tuple[CheckDigitResult, ...], ...]
    """For each check (composite last), the result of a passing check digit 0-9: built once."""


def _plan_of(layout: Layout) -> _Plan:
    checks = []
    for field, span, pos, blank_ok in (
        ("document_number", layout.document_number, layout.document_number_check, False),
        ("birth_date", layout.birth_date, layout.birth_date_check, False),
        ("expiry_date", layout.expiry_date, layout.expiry_date_check, False),
        ("optional_data", layout.optional_data, layout.optional_data_check, True),
    ):
        if pos is not None:
            checks.append((field, span[0], span[1], span[2], pos[0], pos[1], blank_ok))
    positions = [(c[0], c[4], c[5]) for c in checks]
    if layout.composite_check is not None:
        positions.append(("composite", *layout.composite_check))
    passed = tuple(
        tuple(CheckDigitResult(field, line + 1, index + 1, d, d, True) for d in _DIGITS)
        for field, line, index in positions
    )
    return _Plan(
        _DOCUMENT_CODE_FIRST[layout.format],
        tuple(checks),
        layout.composite_spans,
        layout.composite_check,
        passed,
    )


# Keyed by the plain string: hashing an enum member runs Python code, a str hash is cached.
_PLANS = {str(fmt.value): _plan_of(layout) for fmt, layout in LAYOUTS.items()}
_VALID = DocumentValidity.VALID
_EXPIRED = DocumentValidity.EXPIRED
_NOT_YET_VALID = DocumentValidity.NOT_YET_VALID


def _read_fast(
    lines: list[str],
    layout: Layout,
    specimen: bool,
    today: dt.date,
    valid_from: dt.date | None,
) -> MRZResult | None:
    """The common case in one pass: every check digit passes and every field is well formed.

    Returns None at the first anomaly (including an extended document number); the full reader
    then reports it with its place.
    """
    plan = _PLANS[layout.name_of_format]
    cline, cindex = layout.document_number_check
    if layout.extended_number and lines[cline][cindex] == "<":
        return None
    values = [line.encode("ascii").translate(VALUE_TABLE) for line in lines]
    checks: list[CheckDigitResult] = []
    passed = plan.passed
    for k, (field, line, start, end, check_line, check_index, blank_ok) in enumerate(plan.checks):
        found = lines[check_line][check_index]
        data = values[line][start:end]
        digit = (7 * sum(data[0::3]) + 3 * sum(data[1::3]) + sum(data[2::3])) % 10
        if found == _DIGITS[digit]:
            checks.append(passed[k][digit])
        elif blank_ok and found == "<" and not lines[line][start:end].strip("<"):
            checks.append(
                CheckDigitResult(field, check_line + 1, check_index + 1, "0", found, True)
            )
        else:
            return None
    if plan.composite_check is not None:
        joined = b"".join([values[line][start:end] for line, start, end in plan.composite])
        total = 7 * sum(joined[0::3]) + 3 * sum(joined[1::3]) + sum(joined[2::3])
        check_line, check_index = plan.composite_check
        if lines[check_line][check_index] != _DIGITS[total % 10]:
            return None
        checks.append(passed[-1][total % 10])
    code = lines[0][0:2]
    if code[0] not in plan.first_codes or not (code[1] == "<" or code[1].isalpha()):
        return None
    countries = _country_fields(specimen)
    sline, sstart, send = layout.issuing_state
    state = lines[sline][sstart:send]
    aline, astart, aend = layout.nationality
    nationality = lines[aline][astart:aend]
    if state not in countries or nationality not in countries:
        return None
    xline, xindex = layout.sex
    sex = _SEX.get(lines[xline][xindex])
    if sex is None:
        return None
    bline, bstart, bend = layout.birth_date
    birth_known = _fast_date(lines[bline][bstart:bend], today, True)
    eline, estart, eend = layout.expiry_date
    expiry_known = _fast_date(lines[eline][estart:eend], today, False)
    if birth_known is None or expiry_known is None:
        return None
    mline, mstart, mend = layout.name
    name = lines[mline][mstart:mend]
    if name[0] == "<" or _NAME_BAD.search(name):
        return None
    primary, _, secondary = name.partition("<<")
    nline, nstart, nend = layout.document_number
    oline, ostart, oend = layout.optional_data
    optional_2 = ""
    if layout.optional_data_2 is not None:
        o2line, o2start, o2end = layout.optional_data_2
        optional_2 = lines[o2line][o2start:o2end].strip("<")
    if expiry_known[1] < today:
        validity = _EXPIRED
    elif valid_from is not None and today < valid_from:
        validity = _NOT_YET_VALID
    else:
        validity = _VALID
    frozen = tuple(lines)
    # Positional arguments: keyword passing costs a third of this function's time.
    return MRZResult(
        layout.format,
        frozen,
        frozen,
        code.rstrip("<"),
        state.rstrip("<"),
        lines[nline][nstart:nend].replace("<", ""),
        " ".join(primary.replace("<", " ").split()),
        " ".join(secondary.replace("<", " ").split()),
        nationality.rstrip("<"),
        birth_known[0],
        sex,
        expiry_known[0],
        lines[oline][ostart:oend].strip("<"),
        optional_2,
        name[-1] != "<",
        tuple(checks),
        (),
        (),
        validity,
        today,
        specimen,
        (),
        layout,
    )


@lru_cache(maxsize=1 << 16)
def _fast_date(raw: str, today: dt.date, birth: bool) -> tuple[MRZDate, dt.date] | None:
    """A fully known, valid date and its calendar date (memoised: dates repeat across documents)."""
    if not raw.isdigit():
        return None
    yy, month, day = int(raw[0:2]), int(raw[2:4]), int(raw[4:6])
    year = _century(yy, month, day, today, birth)
    try:
        return MRZDate(raw, year, month, day), dt.date(year, month, day)
    except ValueError:
        return None


def _read(
    lines: list[str],
    layout: Layout,
    specimen: bool,
    today: dt.date,
    valid_from: dt.date | None,
    correct: bool,
) -> MRZResult:
    input_lines = tuple(lines)
    reading = _Reading(list(lines), layout)
    work = reading.lines

    # The document number may be extended into the optional data (TD1, TD2).
    nline, nstart, nend = layout.document_number
    cline, cindex = layout.document_number_check
    oline, ostart, oend = layout.optional_data
    number_variants: list[tuple[Span, ...]] = [(layout.document_number,)]
    number_check: Pos = layout.document_number_check
    overflow_len = 0
    if layout.extended_number and work[cline][cindex] == "<" and work[oline][ostart] != "<":
        overflow_len = len(work[oline][ostart:oend].split("<", 1)[0])
        if overflow_len >= 2:
            rest: Span = (oline, ostart, ostart + overflow_len - 1)
            number_check = (oline, ostart + overflow_len - 1)
            number_variants = [
                (layout.document_number, rest),
                (layout.document_number, (cline, cindex, cindex + 1), rest),
            ]
        else:
            reading.problem(
                oline,
                ostart,
                "document_number",
                "the rest of the document number and its check digit",
                work[oline][ostart],
                "a '<' in the document number check digit position announces an extended number; "
                "expected at least one more character and a check digit at the start of the "
                "optional data",
            )
    specs: list[_Check] = [
        _Check(
            "document_number",
            tuple(number_variants),
            (False,) * len(number_variants[0]),
            number_check,
        ),
        *_checks_of(layout),
    ]
    composite: _Check | None = None
    if layout.composite_check is not None:
        composite = _Check(
            "composite",
            (layout.composite_spans,),
            (False,) * len(layout.composite_spans),
            layout.composite_check,
        )
    outcomes = [_evaluate(work, spec.variants, spec.check, spec.blank_ok) for spec in specs]
    if correct:
        # A single alphanumeric substitution is tried only where the composite can confirm it.
        for single in (False, True) if composite is not None else (False,):
            for k, spec in enumerate(specs):
                if not any(ok for _, ok in outcomes[k]) and reading.correct(
                    spec, frozenset(), single=single, cross=composite
                ):
                    outcomes[k] = _evaluate(work, spec.variants, spec.check, spec.blank_ok)

    checks: list[CheckDigitResult] = []
    conventions: tuple[ExtendedNumberConvention, ...] = ()
    for spec, outcome in zip(specs, outcomes, strict=True):
        line, index = spec.check
        found = work[line][index]
        if len(outcome) == 1:
            expected, ok = outcome[0]
            checks.append(CheckDigitResult(spec.field, line + 1, index + 1, expected, found, ok))
            if not ok:
                _check_problem(reading, spec.field, line, index, expected, found)
            continue
        passed = [k for k, (_, ok) in enumerate(outcome) if ok]
        if passed:
            conventions = tuple(_CONVENTIONS[k] for k in passed)
            expected = outcome[passed[0]][0]
            checks.append(
                CheckDigitResult(
                    spec.field, line + 1, index + 1, expected, found, True, conventions[0]
                )
            )
        else:
            expected = " or ".join(sorted({e for e, _ in outcome}))
            checks.append(
                CheckDigitResult(spec.field, line + 1, index + 1, outcome[0][0], found, False)
            )
            _check_problem(reading, spec.field, line, index, expected, found)

    if composite is not None:
        ((expected, ok),) = _evaluate(work, composite.variants, composite.check, False)
        if correct and not ok:
            covered = _covered(specs)
            if reading.correct(composite, covered, single=False):
                ((expected, ok),) = _evaluate(work, composite.variants, composite.check, False)
        line, index = composite.check
        found = work[line][index]
        checks.append(CheckDigitResult("composite", line + 1, index + 1, expected, found, ok))
        if not ok:
            _check_problem(reading, "composite", line, index, expected, found)

    # Fields.
    code = work[0][0:2]
    if code[0] not in _DOCUMENT_CODE_FIRST[layout.format] or not (
        code[1] == "<" or code[1].isalpha()
    ):
        reading.problem(
            0,
            0,
            "document_code",
            f"{' or '.join(_DOCUMENT_CODE_FIRST[layout.format])} then a letter or '<'",
            code,
            f"document code {code!r} does not fit a {layout.format} document",
        )
    countries = _country_fields(specimen)
    sline, sstart, send = layout.issuing_state
    state_raw = work[sline][sstart:send]
    if state_raw not in countries:
        _country_problem(reading, sline, sstart, "issuing_state", state_raw, specimen)
    aline, astart, aend = layout.nationality
    nationality_raw = work[aline][astart:aend]
    if nationality_raw not in countries:
        _country_problem(reading, aline, astart, "nationality", nationality_raw, specimen)

    number = work[nline][nstart:nend]
    if overflow_len >= 2:
        number = number + work[oline][ostart : ostart + overflow_len - 1]
    number = number.replace("<", "")

    optional = work[oline][ostart:oend]
    if overflow_len >= 2:
        optional = optional[overflow_len:]
    optional = optional.strip("<")
    optional_2 = ""
    if layout.optional_data_2 is not None:
        o2line, o2start, o2end = layout.optional_data_2
        optional_2 = work[o2line][o2start:o2end].strip("<")

    birth = _read_date(reading, layout.birth_date, "birth_date", today, True)
    expiry = _read_date(reading, layout.expiry_date, "expiry_date", today, False)

    xline, xindex = layout.sex
    sex_char = work[xline][xindex]
    sex = _SEX.get(sex_char, sex_char)
    if sex_char not in _SEX:
        reading.problem(xline, xindex, "sex", "M, F, X or '<'", sex_char, "sex not recognised")

    primary, secondary, truncated = _read_name(reading, layout.name)

    expiry_date = expiry.date if expiry else None
    if expiry_date is None:
        validity = DocumentValidity.UNKNOWN
    elif expiry_date < today:
        validity = DocumentValidity.EXPIRED
    elif valid_from is not None and today < valid_from:
        validity = DocumentValidity.NOT_YET_VALID
    else:
        validity = DocumentValidity.VALID

    return MRZResult(
        format=layout.format,
        lines=tuple(work),
        input_lines=input_lines,
        document_code=code.rstrip("<"),
        issuing_state=state_raw.rstrip("<"),
        document_number=number,
        primary_identifier=primary,
        secondary_identifier=secondary,
        nationality=nationality_raw.rstrip("<"),
        birth_date=birth,
        sex=sex,
        expiry_date=expiry,
        optional_data=optional,
        optional_data_2=optional_2,
        names_truncated=truncated,
        checks=tuple(checks),
        corrections=tuple(reading.corrections),
        problems=tuple(sorted(reading.problems, key=lambda p: (p.line, p.position))),
        validity=validity,
        today=today,
        specimen=specimen,
        extended_number_conventions=conventions,
        _layout=layout,
    )


def _country_problem(
    reading: _Reading, line: int, start: int, field: str, raw: str, specimen: bool
) -> None:
    known = icao_code(raw)
    if raw == "UTO" and not specimen:
        message = "UTO is the Doc 9303 specimen state: accepted only in specimen mode"
    elif known is not None and known != raw.rstrip("<"):
        message = f"{raw!r} is written {mrz_country_field(known)!r} in an MRZ (Doc 9303)"
    else:
        message = f"{raw!r} is not an ISO 3166-1 alpha-3 or ICAO country code"
    reading.problem(line, start, field, "an ICAO country code", raw, message)


def _read_date(
    reading: _Reading, span: Span, field: str, today: dt.date, birth: bool
) -> MRZDate | None:
    line, start, end = span
    raw = reading.lines[line][start:end]
    if raw.isdigit():
        yy, month, day = int(raw[0:2]), int(raw[2:4]), int(raw[4:6])
        known_year = _century(yy, month, day, today, birth)
        try:
            dt.date(known_year, month, day)
        except ValueError:
            reading.problem(
                line,
                start,
                field,
                "a calendar date YYMMDD",
                raw,
                f"{raw} is not a calendar date (month 01-12, day within the month)",
            )
            return None
        return MRZDate(raw, known_year, month, day)
    parts: list[int | None] = []
    for k in range(3):
        part = raw[2 * k : 2 * k + 2]
        if part.isdigit():
            parts.append(int(part))
        elif birth and part in _UNKNOWN_PART:
            parts.append(None)
        else:
            offset = next(i for i, c in enumerate(part) if not c.isdigit())
            expected = "digits YYMMDD" + (" ('<<' or 'XX' for an unknown part)" if birth else "")
            reading.problem(
                line,
                start + 2 * k + offset,
                field,
                expected,
                raw,
                f"expected {expected}, found {raw!r}",
            )
            return None
    year_part, mm, dd = parts
    if (mm is not None and not 1 <= mm <= 12) or (dd is not None and not 1 <= dd <= 31):
        reading.problem(line, start, field, "a calendar date YYMMDD", raw, f"{raw} is not a date")
        return None
    year = None if year_part is None else _century(year_part, mm or 1, dd or 1, today, birth)
    return MRZDate(raw, year, mm, dd)


def _century(yy: int, month: int, day: int, today: dt.date, birth: bool) -> int:
    year = 2000 + yy
    if birth:
        if year > today.year or (year == today.year and (month, day) > (today.month, today.day)):
            return year - 100
        return year
    return year - 100 if year > today.year + _EXPIRY_WINDOW_YEARS else year


def _read_name(reading: _Reading, span: Span) -> tuple[str, str, bool]:
    line, start, end = span
    raw = reading.lines[line][start:end]
    bad = _NAME_BAD.search(raw)
    if bad:
        reading.problem(
            line,
            start + bad.start(),
            "name",
            "a letter or '<'",
            bad.group(),
            f"names hold letters and '<' only, found {bad.group()!r}",
        )
    if raw[0] == "<":
        reading.problem(
            line,
            start,
            "name",
            "the primary identifier",
            "<",
            "the name field must start with the primary identifier",
        )
    primary, _, secondary = raw.partition("<<")
    primary_name = " ".join(p for p in primary.split("<") if p)
    secondary_name = " ".join(p for p in secondary.split("<") if p)
    return primary_name, secondary_name, raw[-1] != "<"
