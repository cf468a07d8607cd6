"""Crossing CSV: border-crossing records from posts whose systems export spreadsheets, read into
:class:`CrossingRecord` and written back. The columns are documented in ``docs/formats.md``.

A row that cannot be used (unknown direction, a time without its zone, a bad date) rejects the
whole file with its line and column; a traveller whose data is only incomplete is kept with
data-quality flags.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from typing import Literal, cast

from filet.errors import InputError, Place
from filet.passenger._model import CrossingRecord, TravelDocument, TravellerName
from filet.passenger._normalise import document_number_is_valid

COLUMNS = (
    "crossing_point",
    "direction",
    "time",
    "mode",
    "carrier",
    "voyage",
    "vehicle_registration",
    "surname",
    "given_names",
    "birth_date",
    "sex",
    "nationality",
    "document_type",
    "document_number",
    "document_issuing_state",
    "document_expiry",
    "officer_id",
    "decision",
    "decision_reasons",
    "companions_ref",
)
REQUIRED = ("crossing_point", "direction", "time", "mode", "surname")
_DIRECTIONS = {"entry", "exit"}
_MODES = {"air", "land", "sea"}
MAX_FIELD_SIZE = 131_072


def read_crossings_csv(data: bytes | str) -> list[CrossingRecord]:
    """Read a crossing CSV (UTF-8, comma-separated, header row with the documented columns)."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise InputError("crossing CSV must be UTF-8", Place(position=error.start)) from None
    else:
        text = data.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    # other libraries (followthemoney) raise the process-wide limit; a crossing field never
    # needs more than the standard library's default, so hold our own limit while reading
    previous = csv.field_size_limit(MAX_FIELD_SIZE)
    try:
        return _rows(reader)
    except csv.Error as error:
        raise InputError(f"not readable as CSV: {error}", Place(line=reader.line_num)) from None
    finally:
        csv.field_size_limit(previous)


def _rows(reader: csv.DictReader[str]) -> list[CrossingRecord]:
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", Place(line=1))
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        raise InputError(f"unknown column(s) {', '.join(unknown)}", Place(line=1))
    records = []
    for row in reader:
        line = reader.line_num
        if None in row:
            raise InputError("more values than columns", Place(line=line))
        records.append(_record(row, line))
    return records


def _record(row: dict[str, str], line: int) -> CrossingRecord:
    def value(column: str) -> str | None:
        text = (row.get(column) or "").strip()
        return text or None

    def required(column: str) -> str:
        text = value(column)
        if text is None:
            raise InputError(f"{column} is required", Place(line=line, field=column))
        return text

    direction = required("direction").lower()
    if direction not in _DIRECTIONS:
        raise InputError(
            f"direction must be entry or exit, found {direction!r}",
            Place(line=line, field="direction"),
        )
    mode = required("mode").lower()
    if mode not in _MODES:
        raise InputError(
            f"mode must be air, land or sea, found {mode!r}", Place(line=line, field="mode")
        )
    raw_time = required("time")
    try:
        when = datetime.fromisoformat(raw_time)
    except ValueError:
        raise InputError(
            f"time {raw_time!r} is not ISO 8601 (2026-03-01T14:05:00+02:00)",
            Place(line=line, field="time"),
        ) from None
    if when.tzinfo is None:
        raise InputError(
            f"time {raw_time!r} has no zone offset (add +02:00, Z ...)",
            Place(line=line, field="time"),
        )
    flags: list[str] = []
    birth_date = _date(value("birth_date"), line, "birth_date", flags)
    expiry = _date(value("document_expiry"), line, "document_expiry", flags)
    document = None
    number = value("document_number")
    if number is not None or value("document_type") is not None:
        document = TravelDocument(
            doc_type=value("document_type") or "",
            number=number or "",
            issuing_state=value("document_issuing_state"),
            expiry=expiry,
        )
    reasons = [r.strip() for r in (value("decision_reasons") or "").split(";") if r.strip()]
    record = CrossingRecord(
        crossing_point=required("crossing_point"),
        direction=cast(Literal["entry", "exit"], direction),
        time=when,
        mode=cast(Literal["air", "land", "sea"], mode),
        name=TravellerName(surname=required("surname"), given_names=value("given_names") or ""),
        carrier=value("carrier"),
        voyage=value("voyage"),
        vehicle_registration=value("vehicle_registration"),
        birth_date=birth_date,
        sex=value("sex"),
        nationality=value("nationality"),
        document=document,
        officer_id=value("officer_id"),
        decision=value("decision"),
        decision_reasons=reasons,
        companions_ref=value("companions_ref"),
    )
    record.quality_flags = crossing_quality_flags(record, flags)
    return record


def _date(text: str | None, line: int, column: str, flags: list[str]) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        flags.append(f"invalid_{column}")
        return None


def crossing_quality_flags(record: CrossingRecord, flags: Iterable[str] = ()) -> list[str]:
    """What is missing or odd in a crossing record (beside the ``flags`` found while reading)."""
    out = list(flags)
    if record.birth_date is None and "invalid_birth_date" not in out:
        out.append("missing_birth_date")
    if record.document is None:
        out.append("missing_document")
    elif not document_number_is_valid(record.document.number):
        out.append("invalid_document_number")
    elif record.document.expiry is not None and record.document.expiry < record.time.date():
        out.append("document_expired")
    if record.nationality is None:
        out.append("missing_nationality")
    return out


def write_crossings_csv(records: Iterable[CrossingRecord]) -> str:
    """Write crossing records as a crossing CSV (every column, header first)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for r in records:
        doc = r.document
        writer.writerow(
            [
                r.crossing_point,
                r.direction,
                r.time.isoformat(),
                r.mode,
                r.carrier or "",
                r.voyage or "",
                r.vehicle_registration or "",
                r.name.surname,
                r.name.given_names,
                r.birth_date.isoformat() if r.birth_date else "",
                r.sex or "",
                r.nationality or "",
                doc.doc_type if doc else "",
                doc.number if doc else "",
                (doc.issuing_state or "") if doc else "",
                doc.expiry.isoformat() if doc and doc.expiry else "",
                r.officer_id or "",
                r.decision or "",
                ";".join(r.decision_reasons),
                r.companions_ref or "",
            ]
        )
    return buffer.getvalue()
