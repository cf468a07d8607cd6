"""Properties: no input crashes the reader; every detectable single-character change inside a field
covered by a check digit is detected by that check digit; generated documents round-trip."""

from __future__ import annotations

import datetime as dt
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from filet.documents import DocumentData, MRZFormat, MRZResult, parse_mrz, write_mrz
from filet.documents._checkdigit import CHARACTER_VALUES
from filet.documents._layout import LAYOUTS
from filet.errors import InputError
from filet.model import icao_code
from tests.documents import specimens
from tests.documents.specimens import TODAY

MRZ_ALPHABET = string.ascii_uppercase + string.digits + "<"


def read_or_refuse(mrz: str | list[str]) -> MRZResult | None:
    refused: InputError | None = None
    try:
        result = parse_mrz(mrz, today=TODAY)
    except InputError as error:
        refused = error
    if refused is not None:
        assert refused.message
        assert refused.place.line is not None
        return None
    if result.valid:
        assert all(check.ok for check in result.checks)
    else:
        assert all(p.line >= 1 and p.position >= 1 and p.expected for p in result.problems)
    result.to_dict()
    return result


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_no_text_crashes_the_reader(text: str) -> None:
    read_or_refuse(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=MRZ_ALPHABET + " \nabcxyz«-", max_size=50), max_size=4))
def test_no_list_of_lines_crashes_the_reader(lines: list[str]) -> None:
    read_or_refuse(lines)


shapes = st.sampled_from([(3, 30), (2, 36), (2, 44)])


@st.composite
def mrz_shaped(draw: st.DrawFn) -> list[str]:
    count, width = draw(shapes)
    return [
        draw(st.text(alphabet=MRZ_ALPHABET, min_size=width, max_size=width)) for _ in range(count)
    ]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mrz_shaped())
def test_no_mrz_shaped_noise_crashes_the_reader(lines: list[str]) -> None:
    assert read_or_refuse(lines) is not None


@st.composite
def damaged_specimen(draw: st.DrawFn) -> list[str]:
    lines = list(draw(st.sampled_from(list(specimens.ALL.values()))))
    for _ in range(draw(st.integers(1, 4))):
        line = draw(st.integers(0, len(lines) - 1))
        index = draw(st.integers(0, len(lines[line]) - 1))
        char = draw(st.sampled_from(MRZ_ALPHABET + "OISBZG"))
        lines[line] = lines[line][:index] + char + lines[line][index + 1 :]
    return lines


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_specimen())
def test_damaged_specimens_never_crash_and_corrections_are_explained(lines: list[str]) -> None:
    result = read_or_refuse(lines)
    assert result is not None
    for correction in result.corrections:
        assert (
            result.input_lines[correction.line - 1][correction.position - 1] == correction.from_char
        )
        assert result.lines[correction.line - 1][correction.position - 1] == correction.to_char
        assert {correction.from_char, correction.to_char} in (
            {"O", "0"},
            {"I", "1"},
            {"B", "8"},
            {"S", "5"},
            {"Z", "2"},
            {"G", "6"},
        )
        check = next(c for c in result.checks if c.field == correction.check)
        assert check.ok
    changed = sum(
        a != b
        for old, new in zip(result.input_lines, result.lines, strict=True)
        for a, b in zip(old, new, strict=True)
    )
    assert changed == len(result.corrections)


def covered_positions(fmt: MRZFormat) -> list[tuple[str, int, int]]:
    """(check field, line, index) for every character inside a field covered by a check digit."""
    layout = LAYOUTS[fmt]
    out = []
    for field, span in (
        ("document_number", layout.document_number),
        ("birth_date", layout.birth_date),
        ("expiry_date", layout.expiry_date),
    ):
        line, start, end = span
        out.extend((field, line, i) for i in range(start, end))
    if layout.optional_data_check is not None:
        line, start, end = layout.optional_data
        out.extend(("optional_data", line, i) for i in range(start, end))
    covered = {(line, i) for _, line, i in out}
    for line, start, end in layout.composite_spans:
        out.extend(("composite", line, i) for i in range(start, end) if (line, i) not in covered)
    return out


@pytest.mark.parametrize("name", list(specimens.ALL))
def test_every_detectable_single_character_change_is_caught_by_its_check_digit(name: str) -> None:
    """Doc 9303 weights (7, 3, 1) are prime to 10, so a change is caught exactly when the values of
    the old and new character differ by other than a multiple of 10 (``0``/``A``/``K``/``U``/``<``
    are the scheme's known blind spots); both halves are asserted."""
    original = specimens.ALL[name]
    caught = missed = 0
    for field, line, index in covered_positions(MRZFormat(name)):
        old = original[line][index]
        for new in MRZ_ALPHABET:
            if new == old:
                continue
            mutated = list(original)
            mutated[line] = mutated[line][:index] + new + mutated[line][index + 1 :]
            result = parse_mrz(mutated, specimen=True, today=TODAY, correct=False)
            check = next(c for c in result.checks if c.field == field)
            if (CHARACTER_VALUES[new] - CHARACTER_VALUES[old]) % 10:
                assert not check.ok, (field, line + 1, index + 1, old, new)
                assert not result.valid
                caught += 1
            else:
                assert check.ok
                missed += 1
    assert 0 < missed < caught / 8


alpha_names = st.text(alphabet=string.ascii_uppercase, min_size=1, max_size=12)
countries = st.sampled_from(["DEU", "D", "FRA", "SYR", "AFG", "ERI", "XXA", "XXB", "UNO", "GBN"])


@st.composite
def documents(draw: st.DrawFn) -> DocumentData:
    fmt = draw(st.sampled_from(list(MRZFormat)))
    number_size = 12 if fmt in (MRZFormat.TD1, MRZFormat.TD2) and draw(st.booleans()) else 9
    number = draw(
        st.text(
            alphabet=string.ascii_uppercase + string.digits,
            min_size=number_size - 3,
            max_size=number_size,
        )
    )
    birth = draw(st.dates(dt.date(1930, 1, 1), TODAY))
    expiry = draw(st.dates(dt.date(1990, 1, 1), dt.date(2045, 12, 31)))
    return DocumentData(
        format=fmt,
        issuing_state=draw(countries),
        surname=" ".join(draw(st.lists(alpha_names, min_size=1, max_size=2))),
        given_names=" ".join(draw(st.lists(alpha_names, max_size=2))),
        document_number=number,
        nationality=draw(countries),
        birth_date=birth,
        sex=draw(st.sampled_from(["M", "F", "X", "<"])),
        expiry_date=expiry,
        optional_data=""
        if number_size > 9
        else draw(st.text(alphabet=string.ascii_uppercase + string.digits, max_size=3)),
    )


@settings(max_examples=200, deadline=None)
@given(documents())
def test_generated_documents_round_trip_in_all_five_formats(document: DocumentData) -> None:
    lines = write_mrz(document)
    result = parse_mrz(lines, today=TODAY)
    assert result.valid, result.problems
    assert result.format is document.format
    assert result.document_number == document.document_number
    assert result.issuing_state == icao_code(document.issuing_state)
    assert result.nationality == icao_code(document.nationality)
    assert result.birth_date is not None and result.birth_date.date == document.birth_date
    assert result.expiry_date is not None and result.expiry_date.date == document.expiry_date
    assert result.sex == {"<": "unspecified"}.get(document.sex, document.sex)
    assert result.optional_data == document.optional_data
    full = f"{document.surname}<<{document.given_names.replace(' ', '<')}".replace(" ", "<")
    if (
        not result.names_truncated
        and len(full) < len(lines[-1 if document.format is MRZFormat.TD1 else 0]) - 5
    ):
        assert result.primary_identifier == document.surname
        assert result.secondary_identifier == document.given_names
    assert write_mrz(document) == result.lines
