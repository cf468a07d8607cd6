"""The lost/stolen/revoked document index and the alert-list CSV reader."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from filet.documents import (
    AlertStatus,
    DocumentAlertIndex,
    DocumentAlertRecord,
    normalise_document_number,
    read_alert_csv,
)
from filet.documents._alerts import _MIN_STAGING
from filet.errors import InputError

ALERTS_CSV = """issuing_state,document_number,document_type,status,reported_date,source,number_to
DEU,C01X00T47,P,stolen,2024-03-01,BKA,
D,C01X00T47,P,revoked,2024-05-01,Bundesdruckerei,
UKR,FA100000,P,stolen_blank,2023-11-20,MVS,FA100999
SYR,N 0123-4567,P,lost,2025-01-15,Damascus immigration,
XXA,00012345,P,Stolen,2024-07-07,UNHCR,
"""


def record(
    state: str, number: str, status: AlertStatus = AlertStatus.STOLEN, **extra: object
) -> DocumentAlertRecord:
    values: dict[str, object] = {
        "issuing_state": state,
        "document_number": number,
        "document_type": "P",
        "status": status,
        "reported_date": dt.date(2024, 1, 1),
        "source": "test",
        **extra,
    }
    return DocumentAlertRecord(**values)  # type: ignore[arg-type]


def test_reads_an_alert_list_and_finds_its_documents() -> None:
    records = list(read_alert_csv(io.StringIO(ALERTS_CSV)))
    assert len(records) == 5
    # DEU (ISO) is stored as D, the code German MRZs carry, so both spellings find the document.
    assert records[0] == DocumentAlertRecord(
        "D", "C01X00T47", "P", AlertStatus.STOLEN, dt.date(2024, 3, 1), "BKA"
    )
    assert records[1].issuing_state == "D"
    assert records[2].number_to == "FA100999"
    assert records[3].document_number == "N01234567"
    assert records[4].status is AlertStatus.STOLEN
    index = DocumentAlertIndex()
    assert index.add_many(records) == 5
    for state in ("DEU", "D<<", "d"):
        assert [r.status for r in index.lookup(state, "c01x00t47")] == [
            AlertStatus.STOLEN,
            AlertStatus.REVOKED,
        ]
    assert [r.source for r in index.lookup("SYR", "N01234567")] == ["Damascus immigration"]
    assert index.lookup("SYR", "N01234568") == []


def test_stolen_blank_ranges_match_numbers_inside_only() -> None:
    index = DocumentAlertIndex()
    index.add(record("UKR", "FA100000", AlertStatus.STOLEN_BLANK, number_to="FA100999"))
    index.add(record("UKR", "FA100500", AlertStatus.STOLEN_BLANK, number_to="FA102000"))
    index.add(record("UKR", "FB100000", AlertStatus.STOLEN_BLANK, number_to="FB100999"))
    assert [r.number_to for r in index.lookup("UKR", "FA100000")] == ["FA100999"]
    assert [r.number_to for r in index.lookup("UKR", "FA100750")] == ["FA100999", "FA102000"]
    assert [r.number_to for r in index.lookup("UKR", "FA101999")] == ["FA102000"]
    assert index.lookup("UKR", "FA102001") == []
    assert index.lookup("UKR", "FA099999") == []
    assert index.lookup("UKR", "FA1005000") == []
    assert index.lookup("RUS", "FA100750") == []
    assert len(index) == 3


def test_duplicates_are_all_returned_across_staging_and_compacted_arrays() -> None:
    index = DocumentAlertIndex()
    index.add(record("FRA", "12AB34567", AlertStatus.LOST))
    index.compact()
    index.add(record("FRA", "12AB34567", AlertStatus.STOLEN))
    assert [r.status for r in index.lookup("FRA", "12AB34567")] == [
        AlertStatus.LOST,
        AlertStatus.STOLEN,
    ]
    index.compact()
    assert [r.status for r in index.lookup("FRA", "12AB34567")] == [
        AlertStatus.LOST,
        AlertStatus.STOLEN,
    ]


def test_many_records_survive_automatic_compaction() -> None:
    index = DocumentAlertIndex()
    count = _MIN_STAGING + 1000
    index.add_many(
        record("ESP", f"PA{i:07d}", reported_date=dt.date(2020, 1, 1) + dt.timedelta(days=i % 1000))
        for i in range(count)
    )
    assert len(index) == count
    assert index.nbytes >= count * 24
    for i in (0, 1, 4242, count - 1):
        (found,) = index.lookup("ESP", f"PA{i:07d}")
        assert found.reported_date == dt.date(2020, 1, 1) + dt.timedelta(days=i % 1000)
    assert index.lookup("ESP", f"PA{count:07d}") == []


def test_specimen_state_only_in_specimen_mode() -> None:
    with pytest.raises(InputError):
        DocumentAlertIndex().add(record("UTO", "L898902C3"))
    index = DocumentAlertIndex(specimen=True)
    index.add(record("UTO", "L898902C3"))
    assert len(index.lookup("UTO", "L898902C3")) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"issuing_state": "XYZ"}, "issuing_state"),
        ({"document_number": "---"}, "document_number"),
        ({"document_number": "A" * 22}, "document_number"),
        ({"number_to": "FB100999"}, "number_to"),
        ({"number_to": "FA0999"}, "number_to"),
    ],
)
def test_index_refuses_unusable_records(changes: dict[str, object], field: str) -> None:
    state = str(changes.pop("issuing_state", "UKR"))
    number = str(changes.pop("document_number", "FA100000"))
    with pytest.raises(InputError) as caught:
        DocumentAlertIndex().add(record(state, number, AlertStatus.STOLEN_BLANK, **changes))
    assert caught.value.place.field == field


@pytest.mark.parametrize(
    ("row", "column", "position", "words"),
    [
        ("XYZ,C01X00T47,P,stolen,2024-03-01,BKA,", "issuing_state", 1, "ICAO country code"),
        ("DEU,,P,stolen,2024-03-01,BKA,", "document_number", 2, "letters and digits"),
        ("DEU,C01X00T47,,stolen,2024-03-01,BKA,", "document_type", 3, "document type"),
        ("DEU,C01X00T47,P,gone,2024-03-01,BKA,", "status", 4, "lost, stolen, stolen_blank"),
        ("DEU,C01X00T47,P,stolen,01/03/2024,BKA,", "reported_date", 5, "YYYY-MM-DD"),
        ("UKR,FA100000,P,stolen_blank,2024-03-01,MVS,FA0999", "number_to", 7, "same prefix"),
    ],
)
def test_csv_errors_name_line_and_column(row: str, column: str, position: int, words: str) -> None:
    text = ALERTS_CSV + row + "\n"
    with pytest.raises(InputError) as caught:
        list(read_alert_csv(io.StringIO(text)))
    place = caught.value.place
    assert (place.line, place.field, place.position) == (7, column, position)
    assert words in caught.value.message


def test_csv_header_and_row_shape_errors(tmp_path: Path) -> None:
    missing = tmp_path / "missing.csv"
    missing.write_text("issuing_state,document_number,status\nDEU,C01X00T47,stolen\n")
    with pytest.raises(InputError) as caught:
        list(read_alert_csv(missing))
    assert caught.value.place.file == str(missing)
    assert caught.value.place.line == 1
    assert "document_type, reported_date, source" in caught.value.message
    short = tmp_path / "short.csv"
    short.write_text(ALERTS_CSV.splitlines()[0] + "\nDEU,C01X00T47,P\n")
    with pytest.raises(InputError) as caught:
        list(read_alert_csv(short))
    assert caught.value.place.line == 2
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputError, match="empty file"):
        list(read_alert_csv(empty))


def test_number_normalisation() -> None:
    assert normalise_document_number(" n 0123-4567 ") == "N01234567"
    assert normalise_document_number("L898902C3<<") == "L898902C3"
    assert normalise_document_number("AB/12.34") == "AB1234"


def test_bulk_rows_build_the_same_index_as_records() -> None:
    """The start-up path (stored rows, dates as ISO text or dates) answers like one-by-one adds."""
    records = list(read_alert_csv(io.StringIO(ALERTS_CSV)))
    many = [
        DocumentAlertRecord("FRA", f"{i:09d}", "P", AlertStatus.LOST, dt.date(2024, 1, 1), "DCPJ")
        for i in range(_MIN_STAGING + 10)
    ]
    one_by_one = DocumentAlertIndex()
    one_by_one.add_many([*records, *many])
    bulk = DocumentAlertIndex()
    rows = [
        (
            r.issuing_state,
            r.document_number,
            r.document_type,
            r.status.value,
            r.reported_date.isoformat() if i % 2 and r.reported_date else r.reported_date,
            r.source,
            r.number_to,
        )
        for i, r in enumerate([*records, *many])
    ]
    assert bulk.add_rows(rows) == len(rows) == len(one_by_one) == len(bulk)
    for state, number in [
        ("D", "C01X00T47"),
        ("UKR", "FA100500"),
        ("SYR", "N01234567"),
        ("XXA", "00012345"),
        ("FRA", f"{_MIN_STAGING + 3:09d}"),
        ("FRA", "NOTLISTED"),
    ]:
        assert bulk.lookup(state, number) == one_by_one.lookup(state, number)
    with pytest.raises(InputError, match="not an ICAO country code"):
        bulk.add_rows([("QQQ", "X1", "P", "lost", None, "s", None)])
