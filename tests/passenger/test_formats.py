"""PNR JSON, crossing CSV and format detection."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from filet.errors import InputError
from filet.passenger import (
    CrossingRecord,
    TravelDocument,
    TravellerName,
    detect_format,
    read_crossings_csv,
    read_pnr_json,
    read_pnrgov,
    write_crossings_csv,
    write_pnr_json,
)

MESSAGES = Path(__file__).parent / "messages"

Read = Callable[[str], str]


def test_pnr_json_round_trip(message_text: Read) -> None:
    messages = read_pnrgov(message_text("pnrgov_13_1_two_bookings.edi"))
    text = write_pnr_json(messages)
    document = json.loads(text)
    assert document["format"] == "filet-pnr-json"
    assert document["version"] == 1
    assert read_pnr_json(text) == messages
    assert read_pnr_json(text.encode()) == messages


def test_pnr_json_minimal_document_and_derived_values() -> None:
    document = {
        "format": "filet-pnr-json",
        "version": 1,
        "messages": [
            {
                "flight": {"carrier": "", "number": "XY12"},
                "bookings": [
                    {
                        "record_locator": "ABC123",
                        "addresses": [{"country": "NL"}],
                        "contacts": [{"kind": "phone", "value": "020 555 0101"}],
                        "travellers": [
                            {
                                "name": {"surname": "Jansen", "given_names": "Piet MR"},
                                "remarks": [{"code": "DOCS", "number": "BAD NUMBER!"}],
                                "tickets": [
                                    {
                                        "number": "1",
                                        "payments": [
                                            {"form": "CC", "card_number_masked": "5555444433332222"}
                                        ],
                                    }
                                ],
                            }
                        ],
                    }
                ],
            }
        ],
    }
    [message] = read_pnr_json(json.dumps(document))
    assert message.flight.designator == "XY0012"
    booking = message.bookings[0]
    assert booking.contacts[0].normalised == "+31205550101"
    traveller = booking.travellers[0]
    assert traveller.name.normalised_given_names == "PIET"
    assert traveller.quality_flags == ["invalid_document_number", "docs_without_birth_date"]
    assert booking.payments[0].card_number_masked == "XXXXXXXXXXXX2222"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (lambda d: d.update(format="other"), "format", "'format' must be"),
        (lambda d: d.update(extra=1), "extra", "unknown keys"),
        (
            lambda d: d["messages"][0]["bookings"][0].update(record_locatr="X"),
            "messages.0.bookings.0.record_locatr",
            "Unexpected keyword",
        ),
        (
            lambda d: d["messages"][0]["bookings"][0]["travellers"][0]["remarks"][0].update(
                birth_date="1970-13-01"
            ),
            "messages.0.bookings.0.travellers.0.remarks.0.DOCS.birth_date",
            "month",
        ),
    ],
)
def test_pnr_json_errors_name_the_field(
    message_text: Read, change: Callable[[dict[str, object]], None], field: str, message: str
) -> None:
    document = json.loads(write_pnr_json(read_pnrgov(message_text("pnrgov_13_1_two_bookings.edi"))))
    change(document)
    with pytest.raises(InputError, match=message) as caught:
        read_pnr_json(json.dumps(document))
    assert caught.value.place.field == field


def test_pnr_json_syntax_error_names_line() -> None:
    with pytest.raises(InputError) as caught:
        read_pnr_json('{"format": "filet-pnr-json",\n "version": 1,,}')
    assert caught.value.place.line == 2


def test_crossing_csv(message_text: Read) -> None:
    first, second, third = read_crossings_csv(message_text("crossings.csv"))
    assert first.time == datetime(2026, 3, 1, 14, 5, tzinfo=timezone(timedelta(hours=1)))
    assert (first.direction, first.mode, first.vehicle_registration) == (
        "entry",
        "land",
        "SK-123-AB",
    )
    assert first.decision_reasons == ["document doubtful", "travelling with unrelated minor"]
    assert first.companions_ref == second.companions_ref == "G1"
    assert first.quality_flags == []
    assert second.quality_flags == ["missing_birth_date", "missing_document"]
    assert third.name == TravellerName(surname="O'Neill, Jr", given_names="Mary-Kate")
    assert third.name.normalised_surname == "ONEILL JR"
    assert third.document == TravelDocument(
        doc_type="P", number="PX-12", issuing_state="IRL", expiry=date(2025, 12, 31)
    )
    assert third.quality_flags == ["invalid_document_number"]
    assert third.time.tzinfo is not None


def test_crossing_csv_round_trip(message_text: Read) -> None:
    records = read_crossings_csv(message_text("crossings.csv"))
    assert read_crossings_csv(write_crossings_csv(records)) == records
    made = CrossingRecord(
        crossing_point="TUR-KPK",
        direction="exit",
        time=datetime(2026, 1, 1, 0, 0, tzinfo=UTC),
        mode="land",
        name=TravellerName(surname="AL-HASAN", given_names='Ali "the elder"'),
        document=TravelDocument(doc_type="I", number="A1", expiry=date(2020, 1, 1)),
        nationality="IRQ",
    )
    [back] = read_crossings_csv(write_crossings_csv([made]).encode())
    assert back.name == made.name
    assert back.quality_flags == ["missing_birth_date", "document_expired"]


@pytest.mark.parametrize(
    ("edit", "line", "field", "message"),
    [
        (lambda t: t.replace(",entry,", ",in,", 1), 2, "direction", "entry or exit"),
        (lambda t: t.replace("14:05:00+01:00", "14:05:00", 1), 2, "time", "no zone offset"),
        (lambda t: t.replace(",sea,", ",air-ship,"), 4, "mode", "air, land or sea"),
        (lambda t: t.replace(",HADDAD,Lina", ",,Lina"), 3, "surname", "required"),
        (lambda t: t.replace("officer_id", "officer"), 1, None, "unknown column"),
        (lambda t: t.replace("surname,", ""), 1, None, "missing column"),
    ],
)
def test_crossing_csv_errors_name_line_and_column(
    message_text: Read, edit: Callable[[str], str], line: int, field: str | None, message: str
) -> None:
    with pytest.raises(InputError, match=message) as caught:
        read_crossings_csv(edit(message_text("crossings.csv")))
    assert caught.value.place.line == line
    assert caught.value.place.field == field


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("paxlst_d05b_passengers.edi", "paxlst"),
        ("paxlst_d05b_multileg.edi", "paxlst"),
        ("paxlst_d02b_crew_custom_una.edi", "paxlst"),
        ("pnrgov_13_1_two_bookings.edi", "pnrgov"),
        ("pnrgov_11_1_custom_una.edi", "pnrgov"),
        ("crossings.csv", "crossing-csv"),
    ],
)
def test_detect_format(name: str, expected: str) -> None:
    path = MESSAGES / name
    assert detect_format(path) == expected
    assert detect_format(str(path)) == expected
    assert detect_format(path.read_bytes()) == expected


def test_detect_pnr_json_and_unknown(message_text: Read, tmp_path: Path) -> None:
    messages = read_pnrgov(message_text("pnrgov_13_1_two_bookings.edi"))
    assert detect_format(write_pnr_json(messages).encode()) == "pnr-json"
    with pytest.raises(InputError, match="not PAXLST"):
        detect_format(b"hello,world\n1,2\n")
    with pytest.raises(InputError, match="no PAXLST or PNRGOV"):
        detect_format(b"UNB+UNOA:4+A+B+250101:1200+1'UNH+1+INVOIC:D:96A:UN'")
    with pytest.raises(InputError, match="cannot read") as caught:
        detect_format(tmp_path / "missing.edi")
    assert caught.value.place.file is not None


def test_unreadable_inputs_are_clean_errors() -> None:
    with pytest.raises(InputError, match="nested too deeply"):
        read_pnr_json("[" * 100_000)
    with pytest.raises(InputError, match="not readable as CSV") as caught:
        read_crossings_csv('crossing_point,direction,time,mode,surname\n"a' + "x" * 200_000)
    assert caught.value.place.line is not None
