"""Lost, stolen and revoked documents: an in-memory index for the online border check, and a reader
for alert lists in CSV.

The index must hold national and INTERPOL-sized lists (10 million records and more) in a laptop's
memory and answer one lookup in microseconds. Python objects per record would cost about a kilobyte
each, so records are kept column-wise: a sorted NumPy array of fixed-width keys (issuing state and
normalised document number) searched by bisection, beside small-integer arrays for status, document
type, source and reported date (types and sources are interned). New records go to a small staging
list that is sorted and merged into the sorted arrays in one linear pass once it reaches a quarter of
their size, so bulk loading stays near-linear. Stolen-blank series are number ranges (same prefix, numeric suffix of equal length),
kept per (state, prefix, suffix length) as intervals sorted by start with a running maximum of ends.

No library offers this (SLTD access is an INTERPOL service, not a package); the reader stays free of
the store, which loads the same records elsewhere.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import io
import re
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TextIO

import numpy as np
import numpy.typing as npt

from filet.errors import InputError, Place
from filet.model.countries import icao_code, is_valid_icao_code

__all__ = [
    "ALERT_CSV_COLUMNS",
    "AlertStatus",
    "DocumentAlertIndex",
    "DocumentAlertRecord",
    "normalise_document_number",
    "read_alert_csv",
]

ALERT_CSV_COLUMNS = (
    "issuing_state",
    "document_number",
    "document_type",
    "status",
    "reported_date",
    "source",
)
"""Required columns of an alert list; ``number_to`` (end of a stolen-blank range) is optional."""

_KEY_WIDTH = 24
_MAX_NUMBER = _KEY_WIDTH - 3
_NUMBER_JUNK = re.compile(r"[\s<\-/.]+")
_NUMBER_OK = re.compile(r"[A-Z0-9]+")
_NUMERIC_SUFFIX = re.compile(r"[0-9]+$")
_MIN_STAGING = 1 << 16


class AlertStatus(StrEnum):
    """Why a document is on the list."""

    LOST = "lost"
    STOLEN = "stolen"
    STOLEN_BLANK = "stolen_blank"
    REVOKED = "revoked"
    INVALIDATED = "invalidated"


_STATUSES = tuple(AlertStatus)
_STATUS_CODE = {status: code for code, status in enumerate(_STATUSES)}


@dataclass(frozen=True, slots=True)
class DocumentAlertRecord:
    """One entry of a lost/stolen/revoked document list; ``number_to`` ends a stolen-blank range."""

    issuing_state: str
    document_number: str
    document_type: str
    status: AlertStatus
    reported_date: dt.date | None
    source: str
    number_to: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "issuing_state": self.issuing_state,
            "document_number": self.document_number,
            "document_type": self.document_type,
            "status": self.status.value,
            "reported_date": self.reported_date.isoformat() if self.reported_date else None,
            "source": self.source,
            "number_to": self.number_to,
        }


def normalise_document_number(number: str) -> str:
    """The document number as compared: upper case, without spaces, fillers, hyphens, slashes."""
    if _NUMBER_OK.fullmatch(number):
        return number
    return _NUMBER_JUNK.sub("", number).upper()


def _state(code: str) -> str:
    """The ICAO code of a state as the MRZ writes it (``DEU`` -> ``D``); unknown codes cleaned."""
    return icao_code(code) or code.strip().upper().rstrip("<")


def _split_range_number(number: str) -> tuple[str, str] | None:
    match = _NUMERIC_SUFFIX.search(number)
    if match is None:
        return None
    return number[: match.start()], match.group()


@dataclass(slots=True)
class _RangeBucket:
    """Ranges sharing a state, a prefix and a suffix length, for stabbing queries."""

    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    records: list[DocumentAlertRecord] = field(default_factory=list)
    max_end: list[int] = field(default_factory=list)
    dirty: bool = False

    def add(self, start: int, end: int, record: DocumentAlertRecord) -> None:
        self.starts.append(start)
        self.ends.append(end)
        self.records.append(record)
        self.dirty = True

    def _sort(self) -> None:
        order = sorted(range(len(self.starts)), key=self.starts.__getitem__)
        self.starts = [self.starts[i] for i in order]
        self.ends = [self.ends[i] for i in order]
        self.records = [self.records[i] for i in order]
        running = -1
        self.max_end = []
        for end in self.ends:
            running = max(running, end)
            self.max_end.append(running)
        self.dirty = False

    def containing(self, value: int) -> list[DocumentAlertRecord]:
        if self.dirty:
            self._sort()
        found: list[DocumentAlertRecord] = []
        i = bisect.bisect_right(self.starts, value) - 1
        while i >= 0 and self.max_end[i] >= value:
            if self.ends[i] >= value:
                found.append(self.records[i])
            i -= 1
        found.reverse()
        return found


class DocumentAlertIndex:
    """Lost, stolen, stolen-blank and revoked documents in memory, for the online check.

    >>> index = DocumentAlertIndex()
    >>> index.add(DocumentAlertRecord("DEU", "C01X00T47", "P", AlertStatus.STOLEN, None, "BKA"))
    >>> [r.status.value for r in index.lookup("D", "c01x00t47")]
    ['stolen']
    """

    def __init__(self, *, specimen: bool = False) -> None:
        self._specimen = specimen
        self._keys: npt.NDArray[np.bytes_] = np.empty(0, dtype=f"S{_KEY_WIDTH}")
        self._status: npt.NDArray[np.uint8] = np.empty(0, dtype=np.uint8)
        self._type: npt.NDArray[np.uint16] = np.empty(0, dtype=np.uint16)
        self._source: npt.NDArray[np.uint16] = np.empty(0, dtype=np.uint16)
        self._date: npt.NDArray[np.int32] = np.empty(0, dtype=np.int32)
        self._staged_keys: list[bytes] = []
        self._staged_status = array("B")
        self._staged_type = array("H")
        self._staged_source = array("H")
        self._staged_date = array("i")
        self._staged_index: dict[bytes, int | list[int]] = {}
        self._types: list[str] = []
        self._type_codes: dict[str, int] = {}
        self._sources: list[str] = []
        self._source_codes: dict[str, int] = {}
        self._ranges: dict[tuple[str, str, int], _RangeBucket] = {}
        self._range_count = 0
        self._states: dict[str, str | None] = {}

    def __len__(self) -> int:
        return len(self._keys) + len(self._staged_keys) + self._range_count

    @property
    def nbytes(self) -> int:
        """Bytes held by the sorted arrays (the bulk of the index once compacted)."""
        return sum(
            a.nbytes for a in (self._keys, self._status, self._type, self._source, self._date)
        )

    def add(self, record: DocumentAlertRecord) -> None:
        """Add one record; raises :class:`~filet.errors.InputError` for an unusable one."""
        state = self._states.get(record.issuing_state)
        if state is None:
            state = self._valid_state(record.issuing_state)
        if not state:
            raise InputError(
                f"{record.issuing_state!r} is not an ICAO country code",
                Place(field="issuing_state"),
            )
        number = normalise_document_number(record.document_number)
        _check_number(number, "document_number")
        if record.number_to:
            self._add_range(state, number, record)
            return
        key = _key(state, number)
        row = len(self._staged_keys)
        self._staged_keys.append(key)
        self._staged_status.append(_STATUS_CODE[record.status])
        self._staged_type.append(
            _intern(record.document_type, self._types, self._type_codes, "document_type")
        )
        self._staged_source.append(
            _intern(record.source, self._sources, self._source_codes, "source")
        )
        self._staged_date.append(record.reported_date.toordinal() if record.reported_date else 0)
        earlier = self._staged_index.setdefault(key, row)
        if earlier != row:
            if isinstance(earlier, int):
                self._staged_index[key] = [earlier, row]
            else:
                earlier.append(row)
        if row + 1 >= max(_MIN_STAGING, len(self._keys) // 4):
            self.compact()

    def _valid_state(self, code: str) -> str:
        state = _state(code)
        valid = state if is_valid_icao_code(state, specimen=self._specimen) else ""
        self._states[code] = valid
        return valid

    def add_many(self, records: Iterable[DocumentAlertRecord]) -> int:
        """Add every record; returns how many were added."""
        count = 0
        for record in records:
            self.add(record)
            count += 1
        self.compact()
        return count

    def add_rows(
        self,
        rows: Iterable[tuple[str, str, str | None, str, dt.date | str | None, str, str | None]],
    ) -> int:
        """Add stored rows ``(issuing_state, document_number, document_type, status,
        reported_date, source, number_to)`` in bulk; returns how many were added.

        The same checks as :meth:`add`, without building a record object per row: this is the
        path that loads millions of stored alerts into a server at start-up. ``reported_date``
        may be a date or ISO text (as SQLite returns it).
        """
        status_codes = {status.value: code for status, code in _STATUS_CODE.items()}
        ordinals: dict[object, int] = {None: 0, "": 0}
        fullmatch = _NUMBER_OK.fullmatch
        count = 0
        for issuing_state, number, type_, status, reported, source, number_to in rows:
            count += 1
            ordinal = ordinals.get(reported)
            if ordinal is None:
                day = (
                    reported
                    if isinstance(reported, dt.date)
                    else dt.date.fromisoformat(str(reported))
                )
                ordinal = ordinals[reported] = day.toordinal()
            if number_to:
                self.add(
                    DocumentAlertRecord(
                        issuing_state,
                        number,
                        type_ or "",
                        AlertStatus(status),
                        dt.date.fromordinal(ordinal) if ordinal else None,
                        source,
                        number_to,
                    )
                )
                continue
            state = self._states.get(issuing_state)
            if state is None:
                state = self._valid_state(issuing_state)
            if not state:
                raise InputError(
                    f"{issuing_state!r} is not an ICAO country code", Place(field="issuing_state")
                )
            if not (fullmatch(number) and len(number) <= _MAX_NUMBER):
                number = normalise_document_number(number)
                _check_number(number, "document_number")
            key = (state.ljust(3, "<") + number).encode("ascii")
            row = len(self._staged_keys)
            self._staged_keys.append(key)
            self._staged_status.append(status_codes[status])
            self._staged_type.append(
                _intern(type_ or "", self._types, self._type_codes, "document_type")
            )
            self._staged_source.append(_intern(source, self._sources, self._source_codes, "source"))
            self._staged_date.append(ordinal)
            earlier = self._staged_index.setdefault(key, row)
            if earlier != row:
                if isinstance(earlier, int):
                    self._staged_index[key] = [earlier, row]
                else:
                    earlier.append(row)
            if row + 1 >= _MIN_STAGING and row + 1 >= len(self._keys) // 4:
                self.compact()
        self.compact()
        return count

    def _add_range(self, state: str, number: str, record: DocumentAlertRecord) -> None:
        number_to = normalise_document_number(record.number_to or "")
        _check_number(number_to, "number_to")
        first, last = _split_range_number(number), _split_range_number(number_to)
        if first is None or last is None or first[0] != last[0] or len(first[1]) != len(last[1]):
            raise InputError(
                f"range {number}-{number_to}: expected two numbers with the same prefix and a "
                "numeric suffix of the same length",
                Place(field="number_to"),
            )
        start, end = int(first[1]), int(last[1])
        if end < start:
            raise InputError(
                f"range {number}-{number_to}: the end lies before the start",
                Place(field="number_to"),
            )
        bucket = self._ranges.setdefault((state, first[0], len(first[1])), _RangeBucket())
        bucket.add(start, end, record)
        self._range_count += 1

    def compact(self) -> None:
        """Merge staged records into the sorted arrays (done automatically as they grow)."""
        if not self._staged_keys:
            return
        # Sort the (small) staged part, then merge it into the sorted arrays in one O(n) pass;
        # side="right" keeps earlier records of the same document first.
        staged = np.array(self._staged_keys, dtype=f"S{_KEY_WIDTH}")
        order = np.argsort(staged, kind="stable")
        staged = staged[order]
        at = np.searchsorted(self._keys, staged, side="right")
        self._keys = np.insert(self._keys, at, staged)
        self._status = np.insert(
            self._status, at, np.frombuffer(self._staged_status, np.uint8)[order]
        )
        self._type = np.insert(self._type, at, np.frombuffer(self._staged_type, np.uint16)[order])
        self._source = np.insert(
            self._source, at, np.frombuffer(self._staged_source, np.uint16)[order]
        )
        self._date = np.insert(self._date, at, np.frombuffer(self._staged_date, np.int32)[order])
        self._staged_keys = []
        self._staged_status = array("B")
        self._staged_type = array("H")
        self._staged_source = array("H")
        self._staged_date = array("i")
        self._staged_index = {}

    def lookup(self, issuing_state: str, document_number: str) -> list[DocumentAlertRecord]:
        """Every record for this document: exact number matches, then stolen-blank ranges."""
        state = _state(issuing_state)
        number = normalise_document_number(document_number)
        if not number or len(number) > _MAX_NUMBER or not _NUMBER_OK.fullmatch(number):
            return []
        key = _key(state, number)
        found: list[DocumentAlertRecord] = []
        if len(self._keys):
            low = int(np.searchsorted(self._keys, key, side="left"))
            high = int(np.searchsorted(self._keys, key, side="right"))
            for row in range(low, high):
                found.append(
                    self._record(
                        state,
                        number,
                        int(self._status[row]),
                        int(self._type[row]),
                        int(self._source[row]),
                        int(self._date[row]),
                    )
                )
        staged = self._staged_index.get(key)
        for row in [staged] if isinstance(staged, int) else staged or ():
            found.append(
                self._record(
                    state,
                    number,
                    self._staged_status[row],
                    self._staged_type[row],
                    self._staged_source[row],
                    self._staged_date[row],
                )
            )
        if self._ranges:
            split = _split_range_number(number)
            if split is not None:
                bucket = self._ranges.get((state, split[0], len(split[1])))
                if bucket is not None:
                    found.extend(bucket.containing(int(split[1])))
        return found

    def _record(
        self, state: str, number: str, status: int, type_: int, source: int, date: int
    ) -> DocumentAlertRecord:
        return DocumentAlertRecord(
            issuing_state=state,
            document_number=number,
            document_type=self._types[type_],
            status=_STATUSES[status],
            reported_date=dt.date.fromordinal(date) if date else None,
            source=self._sources[source],
        )


def _key(state: str, number: str) -> bytes:
    return (state.ljust(3, "<") + number).encode("ascii")


def _check_number(number: str, column: str) -> None:
    if not number or not _NUMBER_OK.fullmatch(number) or len(number) > _MAX_NUMBER:
        raise InputError(
            f"document number {number!r}: expected 1 to {_MAX_NUMBER} letters and digits",
            Place(field=column),
        )


def _intern(value: str, values: list[str], codes: dict[str, int], column: str) -> int:
    code = codes.get(value)
    if code is None:
        if len(values) >= 1 << 16:
            raise InputError(f"more than {1 << 16} distinct values", Place(field=column))
        code = len(values)
        values.append(value)
        codes[value] = code
    return code


_STATUS_ALIASES = {
    **{status.value: status for status in AlertStatus},
    "stolen blank": AlertStatus.STOLEN_BLANK,
    "stolen-blank": AlertStatus.STOLEN_BLANK,
}


def read_alert_csv(
    source: str | Path | TextIO, *, specimen: bool = False
) -> Iterator[DocumentAlertRecord]:
    """Read an alert list: one record per row, errors naming the line and column.

    Columns: ``issuing_state,document_number,document_type,status,reported_date,source`` and
    optionally ``number_to`` (end of a range of stolen blanks). ``status`` is one of ``lost``,
    ``stolen``, ``stolen_blank``, ``revoked``, ``invalidated``; ``reported_date`` is
    ``YYYY-MM-DD``. Records are yielded as they are read, so a bad row raises
    :class:`~filet.errors.InputError` after the good rows before it.
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        with path.open(newline="", encoding="utf-8-sig") as handle:
            yield from _read_rows(handle, str(path), specimen)
    else:
        yield from _read_rows(source, getattr(source, "name", None), specimen)


def _read_rows(
    handle: TextIO | io.StringIO, name: str | None, specimen: bool
) -> Iterator[DocumentAlertRecord]:
    reader = csv.reader(handle)
    header = next(reader, None)
    if header is None:
        raise InputError(
            f"empty file: expected a header with {', '.join(ALERT_CSV_COLUMNS)}",
            Place(file=name, line=1),
        )
    columns = [c.strip().lower() for c in header]
    missing = [c for c in ALERT_CSV_COLUMNS if c not in columns]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}: expected {', '.join(ALERT_CSV_COLUMNS)}"
            " and optionally number_to",
            Place(file=name, line=1),
        )
    where = {c: columns.index(c) for c in (*ALERT_CSV_COLUMNS, "number_to") if c in columns}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            raise InputError(
                f"{len(row)} columns: expected {len(columns)} as in the header",
                Place(file=name, line=line),
            )

        def cell(column: str, row: list[str] = row) -> str:
            return row[where[column]].strip() if column in where else ""

        def fail(column: str, message: str, line: int = line) -> InputError:
            return InputError(
                message, Place(file=name, line=line, position=where[column] + 1, field=column)
            )

        state = _state(cell("issuing_state"))
        if not is_valid_icao_code(state, specimen=specimen):
            raise fail(
                "issuing_state",
                f"{cell('issuing_state')!r}: expected an ICAO country code (e.g. DEU, D, XXA)",
            )
        number = normalise_document_number(cell("document_number"))
        if not number or not _NUMBER_OK.fullmatch(number) or len(number) > _MAX_NUMBER:
            raise fail(
                "document_number",
                f"{cell('document_number')!r}: expected 1 to {_MAX_NUMBER} letters and digits",
            )
        document_type = cell("document_type")
        if not document_type:
            raise fail("document_type", "expected a document type (e.g. P, ID, V)")
        status = _STATUS_ALIASES.get(cell("status").lower())
        if status is None:
            raise fail(
                "status",
                f"{cell('status')!r}: expected one of {', '.join(s.value for s in AlertStatus)}",
            )
        try:
            reported = dt.date.fromisoformat(cell("reported_date"))
        except ValueError:
            raise fail(
                "reported_date", f"{cell('reported_date')!r}: expected a date YYYY-MM-DD"
            ) from None
        number_to = normalise_document_number(cell("number_to")) or None
        if number_to is not None:
            first, last = _split_range_number(number), _split_range_number(number_to)
            if (
                first is None
                or last is None
                or first[0] != last[0]
                or len(first[1]) != len(last[1])
                or int(last[1]) < int(first[1])
            ):
                raise fail(
                    "number_to",
                    f"range {number}-{number_to}: expected an end with the same prefix and a "
                    "numeric suffix of the same length, not before the start",
                )
        yield DocumentAlertRecord(
            issuing_state=state,
            document_number=number,
            document_type=document_type,
            status=status,
            reported_date=reported,
            source=cell("source"),
            number_to=number_to,
        )
