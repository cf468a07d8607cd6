"""Reading Doc 9303 specimens and real-world damage: fields, checks, problems, corrections, dates."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from filet.documents import (
    DocumentValidity,
    ExtendedNumberConvention,
    MRZFormat,
    MRZResult,
    parse_mrz,
)
from filet.errors import InputError
from tests.documents import specimens
from tests.documents.specimens import TODAY
from tests.documents.test_check_digit import reference_check_digit


def read(lines: tuple[str, ...] | list[str] | str, **kwargs: object) -> MRZResult:
    options: dict[str, object] = {"specimen": True, "today": TODAY, **kwargs}
    return parse_mrz(lines, **options)  # type: ignore[arg-type]


def with_char(lines: tuple[str, ...], line: int, index: int, char: str) -> tuple[str, ...]:
    out = list(lines)
    out[line] = out[line][:index] + char + out[line][index + 1 :]
    return tuple(out)


@pytest.mark.parametrize(("name", "lines"), list(specimens.ALL.items()))
def test_every_specimen_is_valid_in_specimen_mode(name: str, lines: tuple[str, ...]) -> None:
    result = read(lines)
    assert result.format == MRZFormat(name)
    assert result.valid, result.problems
    assert all(check.ok for check in result.checks)
    assert result.corrections == ()
    assert result.primary_identifier == "ERIKSSON"
    assert result.secondary_identifier == "ANNA MARIA"
    assert result.issuing_state == "UTO"
    assert result.sex == "F"


def test_td3_specimen_fields_and_checks() -> None:
    result = read(specimens.TD3)
    assert result.document_code == "P"
    assert result.document_number == "L898902C3"
    assert result.nationality == "UTO"
    assert result.birth_date is not None and result.birth_date.date == dt.date(1974, 8, 12)
    assert result.expiry_date is not None and result.expiry_date.date == dt.date(2012, 4, 15)
    assert result.optional_data == "ZE184226B"
    assert result.validity is DocumentValidity.EXPIRED
    assert [(c.field, c.line, c.position, c.expected, c.found, c.ok) for c in result.checks] == [
        ("document_number", 2, 10, "6", "6", True),
        ("birth_date", 2, 20, "2", "2", True),
        ("expiry_date", 2, 28, "9", "9", True),
        ("optional_data", 2, 43, "1", "1", True),
        ("composite", 2, 44, "0", "0", True),
    ]
    fields = {f.field: f for f in result.fields}
    assert (fields["nationality"].line, fields["nationality"].position) == (2, 11)
    assert fields["name"].raw == specimens.TD3[0][5:]
    assert fields["birth_date"].value == "1974-08-12"


def test_td1_specimen_checks_sit_where_doc_9303_puts_them() -> None:
    result = read(specimens.TD1)
    assert result.document_number == "D23145890"
    assert [(c.field, c.line, c.position) for c in result.checks] == [
        ("document_number", 1, 15),
        ("birth_date", 2, 7),
        ("expiry_date", 2, 15),
        ("composite", 2, 30),
    ]


def test_visa_specimens_read_unspecified_nationality_and_twentieth_century_dates() -> None:
    for lines in (specimens.MRV_A, specimens.MRV_B):
        result = read(lines)
        assert result.nationality == "XXX"
        assert result.document_number == "L8988901C"
        assert result.birth_date is not None and result.birth_date.iso == "1940-09-07"
        assert result.expiry_date is not None and result.expiry_date.iso == "1996-12-10"
        assert [c.field for c in result.checks] == ["document_number", "birth_date", "expiry_date"]
    assert read(specimens.MRV_A).optional_data == "6ZE184226B"


def test_specimen_state_is_refused_outside_specimen_mode() -> None:
    result = read(specimens.TD3, specimen=False)
    assert not result.valid
    assert [(p.line, p.position, p.field, p.found) for p in result.problems] == [
        (1, 3, "issuing_state", "UTO"),
        (2, 11, "nationality", "UTO"),
    ]
    assert "specimen" in result.problems[0].message


def test_real_country_codes_including_germany_d_pass_without_specimen_mode() -> None:
    lines = (
        "P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<",
        "C01X00T478D<<6408125F2702283<<<<<<<<<<<<<<<4",
    )
    result = parse_mrz(lines, today=TODAY)
    assert result.valid, result.problems
    assert result.issuing_state == "D"
    assert result.nationality == "D"
    assert result.document_number == "C01X00T47"
    assert result.validity is DocumentValidity.VALID


@pytest.mark.parametrize(
    "text",
    [
        "\n".join(specimens.TD3),
        "".join(specimens.TD3),
        " ".join(specimens.TD3).lower(),
        "  P<UTOERIKSSON<<ANNA<MARIA <<<<<<<<<<<<<<<<<<<\r\nL898902C36 UTO7408122F1204159ZE184226B<<<<<10\n",
    ],
)
def test_tolerates_joined_lines_spaces_and_lower_case(text: str) -> None:
    result = read(text)
    assert result.valid
    assert result.lines == specimens.TD3


def test_tolerates_a_list_of_untidy_lines() -> None:
    result = read(
        [
            "i<utod231458907<<<<<<<<<<<<<<<",
            " 7408122F1204159UTO<<<<<<<<<<<6 ",
            "",
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
        ]
    )
    assert result.valid
    assert result.format is MRZFormat.TD1


@pytest.mark.parametrize(
    ("mrz", "line", "position", "words"),
    [
        ("", 1, 1, "empty MRZ"),
        ("P<UTOERIKSSON", 1, 14, "one line of 13 characters"),
        ((specimens.TD3[0], specimens.TD3[1][:40]), 2, 41, "line 2 has 40 characters"),
        ((specimens.TD3[0], specimens.TD3[1].replace("<", "«", 1)), 2, 38, "found '«'"),
        ((specimens.TD2[0], specimens.TD3[1]), 2, 37, "line 2 has 44 characters"),
        ((*specimens.TD2, specimens.TD2[1], specimens.TD2[1]), 4, None, "4 lines"),
        ((*specimens.TD3, specimens.TD3[1]), 3, None, "expected 2 lines"),
        (specimens.TD1[:2], 3, None, "expected 3 lines"),
    ],
)
def test_unusable_input_names_line_and_position(
    mrz: str | tuple[str, ...], line: int, position: int | None, words: str
) -> None:
    with pytest.raises(InputError) as caught:
        read(mrz)
    assert caught.value.place.line == line
    assert caught.value.place.position == position
    assert words in caught.value.message
    assert "expected" in caught.value.message


def test_wrong_check_digit_is_a_problem_with_place_expected_and_found() -> None:
    result = read(with_char(specimens.TD3, 1, 19, "3"), correct=False)
    assert not result.valid
    birth = next(c for c in result.checks if c.field == "birth_date")
    assert (birth.ok, birth.expected, birth.found) == (False, "2", "3")
    problems = [(p.line, p.position, p.field, p.expected, p.found) for p in result.problems]
    assert (2, 20, "birth_date_check", "2", "3") in problems
    assert (2, 44, "composite_check", reference_check_digit(_composite(result.lines)), "0") in (
        problems
    )


def _composite(lines: tuple[str, ...]) -> str:
    line = lines[1]
    return line[0:10] + line[13:20] + line[21:43]


def test_ocr_confusions_in_dates_are_corrected_and_reported() -> None:
    damaged = with_char(with_char(specimens.TD3, 1, 15, "O"), 1, 23, "O")
    result = read(damaged)
    assert result.valid
    assert result.lines == specimens.TD3
    assert result.input_lines == damaged
    assert [
        (k.field, k.line, k.position, k.from_char, k.to_char, k.check) for k in result.corrections
    ] == [
        ("birth_date", 2, 16, "O", "0", "birth_date"),
        ("expiry_date", 2, 24, "O", "0", "expiry_date"),
    ]


def test_ocr_confusion_in_a_check_digit_is_corrected() -> None:
    result = read(with_char(specimens.TD2, 1, 35, "G"))
    assert result.valid
    assert [(k.field, k.from_char, k.to_char) for k in result.corrections] == [
        ("composite_check", "G", "6")
    ]


def test_ocr_confusion_in_a_document_number_is_corrected_in_either_direction() -> None:
    result = read(with_char(specimens.TD3, 1, 5, "O"))
    assert result.valid
    assert result.document_number == "L898902C3"
    assert [(k.position, k.from_char, k.to_char) for k in result.corrections] == [(6, "O", "0")]


def test_no_correction_without_a_failing_check_digit() -> None:
    # A digit in a name is not covered by any check digit: reported, never "corrected".
    result = read(with_char(specimens.TD3, 0, 5, "3"))
    assert result.corrections == ()
    assert [(p.line, p.position, p.field) for p in result.problems] == [(1, 6, "name")]


def test_no_correction_when_switched_off() -> None:
    result = read(with_char(specimens.TD3, 1, 15, "O"), correct=False)
    assert result.corrections == ()
    assert not result.valid
    assert (2, 16, "birth_date") in [(p.line, p.position, p.field) for p in result.problems]


def test_ambiguous_corrections_are_not_applied() -> None:
    # Two confusable characters where more than one single substitution would fix the check.
    number = "S5S5S5S5S"
    candidates = []
    for i, char in enumerate(number):
        swapped = number[:i] + ("5" if char == "S" else "S") + number[i + 1 :]
        candidates.append(reference_check_digit(swapped))
    wrong = next(d for d in "0123456789" if candidates.count(d) > 1)
    assert reference_check_digit(number) != wrong
    line = f"{number}{wrong}UTO7408122F1204159ZE184226B<<<<<1"
    line += reference_check_digit(line[0:10] + line[13:20] + line[21:43])
    result = read((specimens.TD3[0], line))
    assert result.corrections == ()
    assert any(p.field == "document_number_check" for p in result.problems)


def _td1_with_number(number: str, *, with_filler: bool) -> tuple[str, ...]:
    head, rest = number[:9], number[9:]
    data = head + ("<" if with_filler else "") + rest
    upper = f"I<UTO{head}<{rest}{reference_check_digit(data)}".ljust(30, "<")
    middle = "7408122F1204159UTO<<<<<<<<<<<"
    composite = upper[5:30] + middle[0:7] + middle[8:15] + middle[18:29]
    return upper, middle + reference_check_digit(composite), specimens.TD1[2]


def test_extended_number_specimen_validates_under_both_conventions() -> None:
    result = read(specimens.TD1_EXTENDED)
    assert result.valid, result.problems
    assert result.document_number == "D23145890734"
    assert result.extended_number
    assert result.extended_number_conventions == (
        ExtendedNumberConvention.WITHOUT_FILLER,
        ExtendedNumberConvention.WITH_FILLER,
    )
    number_check = result.checks[0]
    assert (number_check.line, number_check.position, number_check.found) == (1, 19, "9")
    assert result.optional_data == ""


@pytest.mark.parametrize("with_filler", [False, True])
def test_extended_number_reports_the_convention_that_validated(with_filler: bool) -> None:
    number = "AB12345678901"
    assert reference_check_digit(number) != reference_check_digit(number[:9] + "<" + number[9:])
    result = read(_td1_with_number(number, with_filler=with_filler))
    assert result.valid, result.problems
    assert result.document_number == number
    expected = (
        ExtendedNumberConvention.WITH_FILLER
        if with_filler
        else ExtendedNumberConvention.WITHOUT_FILLER
    )
    assert result.extended_number_conventions == (expected,)
    assert result.checks[0].convention is expected


def test_extended_number_with_wrong_check_digit_lists_both_expectations() -> None:
    number = "AB12345678901"
    upper, middle, lower = _td1_with_number(number, with_filler=False)
    index = 15 + len(number) - 9
    with_filler = reference_check_digit(number[:9] + "<" + number[9:])
    wrong = next(d for d in "0123456789" if d not in (upper[index], with_filler))
    upper = upper[:index] + wrong + upper[index + 1 :]
    result = read((upper, middle, lower), correct=False)
    problem = next(p for p in result.problems if p.field == "document_number_check")
    assert (problem.line, problem.position, problem.found) == (1, index + 1, wrong)
    assert problem.expected == " or ".join(sorted({reference_check_digit(number), with_filler}))


def test_td2_extended_number() -> None:
    number = "D23145890734"
    upper = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<"
    lower = f"D23145890<UTO7408122F1204159734{reference_check_digit(number)}<<<"
    lower += reference_check_digit(lower[0:10] + lower[13:20] + lower[21:35])
    result = read((upper, lower))
    assert result.valid, result.problems
    assert result.document_number == number


@pytest.mark.parametrize(
    ("raw", "iso"), [("74<<<<", "1974-XX-XX"), ("74XXXX", "1974-XX-XX"), ("7408<<", "1974-08-XX")]
)
def test_unknown_birth_date_parts(raw: str, iso: str) -> None:
    line = f"L898902C36UTO{raw}{reference_check_digit(raw)}F1204159ZE184226B<<<<<1"
    line += reference_check_digit(line[0:10] + line[13:20] + line[21:43])
    result = read((specimens.TD3[0], line))
    assert result.valid, result.problems
    assert result.birth_date is not None
    assert result.birth_date.iso == iso
    assert result.birth_date.date is None


def test_impossible_date_is_a_problem() -> None:
    line = "L898902C36UTO7413122F1204159ZE184226B<<<<<1"
    line = line[:19] + reference_check_digit("741312") + line[20:]
    line += reference_check_digit(line[0:10] + line[13:20] + line[21:43])
    result = read((specimens.TD3[0], line))
    assert [(p.line, p.position, p.field) for p in result.problems] == [(2, 14, "birth_date")]
    assert result.birth_date is None


@pytest.mark.parametrize(
    ("raw", "birth", "year"),
    [
        ("250101", True, 2025),
        ("261128", True, 2026),
        ("261129", True, 1926),
        ("270101", True, 1927),
        ("400101", False, 2040),
        ("460101", False, 2046),
        ("470101", False, 1947),
    ],
)
def test_century_inference(raw: str, birth: bool, year: int) -> None:
    line = list("L898902C36UTO7408122F1204159ZE184226B<<<<<1")
    start = 13 if birth else 21
    line[start : start + 6] = raw
    line[start + 6] = reference_check_digit(raw)
    text = "".join(line)
    text += reference_check_digit(text[0:10] + text[13:20] + text[21:43])
    result = read((specimens.TD3[0], text))
    date = result.birth_date if birth else result.expiry_date
    assert date is not None and date.year == year


def test_validity_relative_to_today_and_first_day() -> None:
    assert read(specimens.TD3, today=dt.date(2012, 4, 15)).validity is DocumentValidity.VALID
    assert read(specimens.TD3, today=dt.date(2012, 4, 16)).validity is DocumentValidity.EXPIRED
    not_yet = read(specimens.TD3, today=dt.date(2010, 1, 1), valid_from=dt.date(2010, 6, 1))
    assert not_yet.validity is DocumentValidity.NOT_YET_VALID
    assert not_yet.valid


def test_document_code_and_sex_problems() -> None:
    lines = with_char(with_char(specimens.TD3, 0, 0, "I"), 1, 20, "Q")
    result = read(lines)
    assert [(p.line, p.position, p.field) for p in result.problems] == [
        (1, 1, "document_code"),
        (2, 21, "sex"),
    ]


def test_full_name_field_is_flagged_as_possibly_truncated() -> None:
    upper = "P<UTO" + "NILAVADHANANANDA<<CHAYAPA<DEJTHAMRONG<KRASU"[:39]
    result = read((upper, specimens.TD3[1]))
    assert result.names_truncated
    assert result.secondary_identifier == "CHAYAPA DEJTHAMRONG K"
    assert not read(specimens.TD3).names_truncated


def test_json_form() -> None:
    data = json.loads(json.dumps(read(with_char(specimens.TD3, 1, 15, "O")).to_dict()))
    assert data["format"] == "TD3"
    assert data["valid"] is True
    assert data["document"]["birth_date"] == "1974-08-12"
    assert data["corrections"] == [
        {
            "field": "birth_date",
            "line": 2,
            "position": 16,
            "from": "O",
            "to": "0",
            "check": "birth_date",
        }
    ]
    assert data["checks"][0] == {
        "field": "document_number",
        "line": 2,
        "position": 10,
        "expected": "6",
        "found": "6",
        "ok": True,
        "convention": None,
    }
    assert data["validity"] == {"status": "expired", "today": "2026-11-28"}
    assert {f["field"] for f in data["fields"]} >= {"document_code", "name", "optional_data"}


def test_format_can_be_forced_and_a_datetime_counts_as_its_day() -> None:
    result = parse_mrz(
        specimens.MRV_A,
        specimen=True,
        today=dt.datetime(2026, 11, 28, 23, 59),
        format=MRZFormat.TD3,
    )
    assert result.format is MRZFormat.TD3
    assert result.today == TODAY
    fields = {p.field for p in result.problems}
    assert "document_code" in fields
    assert "optional_data_check" in fields


def test_deu_in_an_mrz_is_a_problem_because_germany_is_written_d() -> None:
    upper = "P<DEUMUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<"
    lower = "C01X00T478D<<6408125F2702283<<<<<<<<<<<<<<<4"
    result = parse_mrz((upper, lower), today=TODAY)
    assert [(p.line, p.position, p.field) for p in result.problems] == [(1, 3, "issuing_state")]
    assert "'D<<'" in result.problems[0].message
