"""Writing MRZs: the Doc 9303 specimens reproduced, names transliterated and truncated, bad data refused."""

from __future__ import annotations

import datetime as dt

import pytest

from filet.documents import (
    DocumentData,
    MRZFormat,
    mrz_name_variants,
    parse_mrz,
    transliterate_mrz_name,
    write_mrz,
)
from filet.documents._writer import mrz_name_field
from filet.errors import InputError
from tests.documents import specimens
from tests.documents.specimens import TODAY


def anna(fmt: MRZFormat, **changes: object) -> DocumentData:
    visa = fmt in (MRZFormat.MRV_A, MRZFormat.MRV_B)
    values: dict[str, object] = {
        "format": fmt,
        "issuing_state": "UTO",
        "surname": "Eriksson",
        "given_names": "Anna María",
        "document_number": "L8988901C"
        if visa
        else ("L898902C3" if fmt is MRZFormat.TD3 else "D23145890"),
        "nationality": "XXX" if visa else "UTO",
        "birth_date": dt.date(1940, 9, 7) if visa else dt.date(1974, 8, 12),
        "sex": "F",
        "expiry_date": dt.date(1996, 12, 10) if visa else dt.date(2012, 4, 15),
        "optional_data": {MRZFormat.TD3: "ZE184226B", MRZFormat.MRV_A: "6ZE184226B"}.get(fmt, ""),
    }
    values.update(changes)
    return DocumentData(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "lines"), list(specimens.ALL.items()))
def test_writes_every_specimen_exactly(name: str, lines: tuple[str, ...]) -> None:
    assert write_mrz(anna(MRZFormat(name)), specimen=True) == lines


def test_writes_the_extended_number_specimen() -> None:
    document = anna(MRZFormat.TD1, document_number="D23145890734")
    assert write_mrz(document, specimen=True) == specimens.TD1_EXTENDED


def test_extended_number_keeps_optional_data_after_the_overflow() -> None:
    lines = write_mrz(
        anna(MRZFormat.TD2, document_number="D23145890734", optional_data="AB"), specimen=True
    )
    assert lines[1][28:35] == "7349<AB"
    result = parse_mrz(lines, specimen=True, today=TODAY)
    assert result.valid, result.problems
    assert (result.document_number, result.optional_data) == ("D23145890734", "AB")


@pytest.mark.parametrize("fmt", list(MRZFormat))
def test_round_trip_with_transliterated_names(fmt: MRZFormat) -> None:
    document = DocumentData(
        format=fmt,
        issuing_state="D",
        surname="Müller-Lüdenscheidt",
        given_names="Jürgen Öskar",
        document_number="C01X00T47",
        nationality="SYR",
        birth_date="85XXXX",
        sex="M",
        expiry_date=dt.date(2031, 2, 28),
    )
    lines = write_mrz(document)
    result = parse_mrz(lines, today=TODAY)
    assert result.valid, result.problems
    assert result.format is fmt
    assert result.primary_identifier == "MUELLER LUEDENSCHEIDT"
    assert "JUERGEN OESKAR".startswith(result.secondary_identifier)
    # TD1 (30) cuts inside OESKAR: the last letter flags truncation. TD2/MRV-B (31) cut right after
    # JUERGEN, where the field edge holds '<' and a reader cannot tell; TD3/MRV-A (39) fit.
    assert result.names_truncated == (fmt is MRZFormat.TD1)
    assert result.birth_date is not None and result.birth_date.iso == "1985-XX-XX"
    assert result.expiry_date is not None and result.expiry_date.date == dt.date(2031, 2, 28)
    assert result.issuing_state == "D"
    assert result.nationality == "SYR"
    assert lines[0][2:5] == "D<<"


def test_name_truncation_keeps_the_primary_identifier_and_cuts_at_the_edge() -> None:
    field, truncated = mrz_name_field("NILAVADHANANANDA", "CHAYAPA<DEJTHAMRONG<KRASUANG", 39)
    assert truncated
    assert field == "NILAVADHANANANDA<<CHAYAPA<DEJTHAMRONG<KR"[:39]
    assert len(field) == 39
    assert field[-1].isalpha()


def test_name_truncation_of_a_long_primary_identifier_keeps_an_initial() -> None:
    primary = "BENNELONG<WOOLLOOMOOLOO<WARRANDYTE<WARRNAMBOOL"
    field, truncated = mrz_name_field(primary, "JONATHAN", 30)
    assert truncated
    assert field == primary[:27] + "<<J"


def test_short_name_is_padded_and_not_truncated() -> None:
    assert mrz_name_field("ERIKSSON", "ANNA<MARIA", 30) == ("ERIKSSON<<ANNA<MARIA<<<<<<<<<<", False)
    assert mrz_name_field("MADONNA", "", 10) == ("MADONNA<<<", False)


def test_written_long_name_reads_back_as_truncated() -> None:
    document = anna(
        MRZFormat.TD1, surname="Nilavadhanananda", given_names="Chayapa Dejthamrong Krasuang"
    )
    result = parse_mrz(write_mrz(document, specimen=True), specimen=True, today=TODAY)
    assert result.valid
    assert result.names_truncated
    assert result.primary_identifier == "NILAVADHANANANDA"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"issuing_state": "UTO"}, "issuing_state", "specimen"),
        ({"issuing_state": "XYZ"}, "issuing_state", "not an ICAO country code"),
        ({"document_number": "L898902C31"}, "document_number", "at most 9"),
        ({"document_number": "L89-8902"}, "document_number", "letters and digits"),
        ({"sex": "Q"}, "sex", "M, F, X"),
        ({"surname": "Li 3"}, "surname", "digits"),
        ({"surname": ""}, "surname", "expected a surname"),
        ({"given_names": "小明"}, "given_names", "no MRZ transliteration"),
        ({"optional_data": "A" * 15}, "optional_data", "at most 14"),
        ({"birth_date": "1974-08"}, "birth_date", "YYMMDD"),
        ({"document_code": "V"}, "document_code", "P"),
    ],
)
def test_refuses_data_it_cannot_write(changes: dict[str, object], field: str, words: str) -> None:
    with pytest.raises(InputError) as caught:
        write_mrz(anna(MRZFormat.TD3, **changes), specimen=changes.get("issuing_state") != "UTO")
    assert caught.value.place.field == field
    assert words in caught.value.message


@pytest.mark.parametrize(
    ("name", "mrz"),
    [
        ("Müller", "MUELLER"),
        ("Åberg", "AABERG"),
        ("Søren", "SOEREN"),
        ("Straße", "STRASSE"),
        ("Þórunn", "THORUNN"),
        ("José María", "JOSE<MARIA"),
        ("O'Neill-Smith", "ONEILL<SMITH"),
        ("Łukasz", "LUKASZ"),
        ("Ерёменко", "EREMENKO"),
        ("Щербаков", "SHCHERBAKOV"),
        ("Юлия Хабибуллина", "IULIIA<KHABIBULLINA"),
        ("Đorđević", "DORDEVIC"),
        ("Παπαδόπουλος", "PAPADOPOULOS"),
        ("Θεοδωρίδης", "THEODORIDIS"),
        ("Χρήστος", "CHRISTOS"),
        ("ابو بكر محمد بن زكريا الرازي", "ABW<BKR<MXHMD<BN<ZKRYA<ALRAZY"),
        ("فاطمة", "FAXTTMXAH"),
        ("عبّاس", "EBBAS"),
    ],
)
def test_doc_9303_transliteration(name: str, mrz: str) -> None:
    assert transliterate_mrz_name(name) == mrz


def test_name_variants_follow_the_alternatives_of_doc_9303() -> None:
    assert mrz_name_variants("Jürgen") == ("JUERGEN", "JURGEN", "JUXXRGEN")
    assert mrz_name_variants("Muñoz") == ("MUNOZ", "MUNXXOZ")
    assert mrz_name_variants("فاطمة") == ("FAXTTMXAH", "FAXTTMXTA")
    assert mrz_name_variants("Smith") == ("SMITH",)


def test_transliteration_error_names_the_position() -> None:
    with pytest.raises(InputError) as caught:
        transliterate_mrz_name("Anna 2nd", field="given_names")
    assert (caught.value.place.position, caught.value.place.field) == (6, "given_names")
