"""Ingestion: parsed passenger messages and crossing files into the operational store.

A message is stored whole or not at all: in the caller's transaction (``POST /api/v1/messages``)
or in its own savepoint of a transaction of several files (``filet ingest``, see
:mod:`filet.passenger._batch`). Idempotent on three levels: a
byte-identical message is recognised by its SHA-256 and changes nothing; API travellers, flights,
crossings and identity records are keyed on natural keys; a PNR whose content has not changed adds
no version, while a changed PNR becomes a new version that supersedes the earlier one and keeps it
in ``pnr_versions``. Every person appearance becomes an ``identity_records`` row for resolution.

API lists are the bulk of the volume, so a manifest's travellers, and a crossing file's records,
are stored in a few statements (one indexed look-up per table for what is stored already, then
one driver ``executemany`` per table, see :func:`_insert_tuples`) rather than row by row through
the ORM; ``tests/passenger/ingest_corpus.py`` checks that this leaves the same rows as the
row-by-row version did. PNR bookings still go through the ORM (the identity records of their
travellers in bulk, per booking). :func:`parse_ahead` parses the
next files in a worker process while others are stored, and turns API manifests into the rows
to store there (:func:`prepare_manifest`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import multiprocessing
import operator
import os
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, cast

from pydantic import TypeAdapter
from sqlalchemy import (
    ColumnDefault,
    Connection,
    Table,
    and_,
    bindparam,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from filet.errors import InputError, Place
from filet.passenger._crossing import read_crossings_csv
from filet.passenger._detect import Format, detect_format
from filet.passenger._jsonformat import read_pnr_json
from filet.passenger._model import (
    CrossingRecord,
    FlightManifest,
    PnrBooking,
    PnrMessage,
    SsrDocs,
    SsrRemark,
    TravellerName,
)
from filet.passenger._model import Flight as ParsedFlight
from filet.passenger._model import TravelDocument as ParsedDocument
from filet.passenger._paxlst import read_paxlst
from filet.passenger._pnrgov import read_pnrgov
from filet.security import Actor, record
from filet.store.schema import (
    Agency,
    ApiTraveller,
    BorderCrossing,
    CrossingPoint,
    Flight,
    IdentityRecord,
    InboundMessage,
    PnrContact,
    PnrLeg,
    PnrPayment,
    PnrTraveller,
    PnrVersion,
    TravelDocument,
    utcnow,
)
from filet.store.schema import PnrBooking as StoredBooking

_BOOKING = TypeAdapter(PnrBooking)
_API_TRAVELLERS = cast(Table, ApiTraveller.__table__)
_IDENTITY_RECORDS = cast(Table, IdentityRecord.__table__)
_TRAVEL_DOCUMENTS = cast(Table, TravelDocument.__table__)
_BORDER_CROSSINGS = cast(Table, BorderCrossing.__table__)
_PNR_LEGS = cast(Table, PnrLeg.__table__)
_PNR_CONTACTS = cast(Table, PnrContact.__table__)
_PNR_PAYMENTS = cast(Table, PnrPayment.__table__)
_LEG_INSERT = (
    "booking_id",
    "seq",
    "flight_id",
    "carrier",
    "number",
    "departure_airport",
    "arrival_airport",
    "departure_local",
    "arrival_local",
    "status",
)
_CONTACT_INSERT = ("booking_id", "kind", "value", "as_sent")
_PAYMENT_INSERT = (
    "booking_id",
    "method",
    "card_masked",
    "card_fingerprint",
    "amount",
    "payer_name",
    "payer_phone",
    "payer_address",
)
_REMARK: TypeAdapter[Any] = TypeAdapter(SsrRemark)


@dataclass
class IngestSummary:
    """What one message or file did to the store (the acknowledgement of ``POST /messages``)."""

    source: str
    format: str
    sha256: str
    duplicate: bool = False
    counts: Counter[str] = field(default_factory=Counter)
    quality_flags: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "format": self.format,
            "sha256": self.sha256,
            "duplicate": self.duplicate,
            "counts": dict(sorted(self.counts.items())),
            "quality_flags": dict(sorted(self.quality_flags.items())),
            "notes": self.notes,
        }


@dataclass(frozen=True)
class ParsedMessage:
    """A message parsed outside the store's transaction (see :func:`parse_ahead`).

    ``content`` is what the reader gave; a PAXLST message parsed by :func:`parse_ahead` has its
    manifests in ``prepared`` instead (:func:`prepare_manifest`: the rows to store as tuples,
    which cost a tenth of the models to send between processes) and ``content`` empty.
    """

    sha256: str
    format: Format
    content: list[Any]
    prepared: list[PreparedManifest] | None = None


#: the values of an API traveller's row, in the order of :attr:`PreparedManifest.travellers`
API_VALUES = (
    "surname",
    "given_names",
    "name_as_sent",
    "sex",
    "birth_date",
    "nationality",
    "residence_country",
    "embarkation",
    "debarkation",
    "document_type",
    "document_number",
    "document_country",
    "document_expiry",
    "pnr_locator",
    "passenger_ref",
    "seat",
    "bags",
    "quality_flags",
)
#: the values of an identity record made from a traveller or a crossing person
IDENTITY_VALUES = (
    "surname",
    "given_names",
    "full_name",
    "birth_date",
    "sex",
    "nationality",
    "document_number",
    "document_country",
    "phone",
    "email",
)
_SURNAME, _GIVEN, _LOCATOR, _FLAGS = (
    API_VALUES.index(n) for n in ("surname", "given_names", "pnr_locator", "quality_flags")
)
_API_INSERT = (
    "flight_id",
    "role",
    "traveller_key",
    "message_id",
    "identity_record_id",
    "pnr_traveller_id",
    *API_VALUES,
)
_IDENTITY_INSERT = ("source_type", "source_key", *IDENTITY_VALUES)
_DOCUMENT_INSERT = ("issuing_state", "document_type", "number", "expiry_date", "holder_record_id")
# look-ups built once (SQLAlchemy caches their compiled form; an IN list of literal values is
# coerced value by value on every call)
_STORED_API = select(ApiTraveller.id, ApiTraveller.role, ApiTraveller.traveller_key).where(
    ApiTraveller.flight_id == bindparam("flight")
)
_FLIGHT_HAS_PNR = select(PnrLeg.id).where(PnrLeg.flight_id == bindparam("flight")).limit(1)
_IDENTITY_IDS = select(IdentityRecord.id, IdentityRecord.source_key).where(
    IdentityRecord.source_type == bindparam("source_type"),
    IdentityRecord.source_key.in_(bindparam("keys", expanding=True)),
)

#: one traveller ready to store: role, traveller key, API values (:data:`API_VALUES`), identity
#: values (:data:`IDENTITY_VALUES`), travel document (issuing state, type, number) or None, and
#: its expiry date
PreparedTraveller = tuple[
    str, str, tuple[Any, ...], tuple[Any, ...], tuple[str, str, str] | None, dt.date | None
]


class PreparedManifest(NamedTuple):
    """A flight manifest as the rows to store (see :func:`prepare_manifest`)."""

    flight: ParsedFlight
    travellers: list[PreparedTraveller]


def prepare_manifest(manifest: FlightManifest) -> PreparedManifest:
    """The rows a manifest's travellers give, computed from the manifest alone (no store), so
    that the parsing worker can do it: traveller key, API row values, identity record values
    and the travel document under its natural key."""
    travellers: list[PreparedTraveller] = []
    for parsed in manifest.travellers:
        name = parsed.name
        surname, given = name.normalised_surname, name.normalised_given_names
        document = parsed.documents[0] if parsed.documents else None
        key = _traveller_key(
            _doc_key(document.doc_type, document.issuing_state, document.number)
            if document
            else None,
            _name_key(surname, given, parsed.birth_date),
        )
        if parsed.passenger_reference:
            # two travellers with the same document and name on one flight (impostors) stay two
            key = f"{key}#{parsed.passenger_reference}"[:128]
        sex = _sex(parsed.sex)
        birth = parsed.birth_date.isoformat() if parsed.birth_date else None
        number = document.number if document else None
        state = document.issuing_state if document else None
        expiry = document.expiry if document else None
        values = (
            surname,
            given,
            f"{name.surname}:{name.given_names}",
            sex,
            birth,
            parsed.nationality,
            parsed.residence_country,
            parsed.embarkation,
            parsed.debarkation,
            document.doc_type if document else None,
            number,
            state,
            expiry.isoformat() if expiry else None,
            parsed.pnr_locator,
            parsed.passenger_reference,
            parsed.seat,
            parsed.bags_count,
            list(parsed.quality_flags),
        )
        natural = (
            (state, (document.doc_type or "P")[:1], document.number.upper())
            if document and state
            else None
        )
        identity = _identity_values(name, birth, sex, parsed.nationality, document)
        travellers.append((parsed.role, key, values, identity, natural, expiry))
    return PreparedManifest(manifest.flight, travellers)


def parse_message(data: bytes) -> ParsedMessage:
    """Detect the format of ``data`` and parse it; raises :class:`InputError` with the place."""
    detected = detect_format(data)
    if detected == "paxlst":
        content: list[Any] = read_paxlst(data)
    elif detected == "pnrgov":
        content = read_pnrgov(data)
    elif detected == "pnr-json":
        content = read_pnr_json(data)
    else:
        content = read_crossings_csv(data)
    return ParsedMessage(hashlib.sha256(data).hexdigest(), detected, content)


def _parse_file(path: Path) -> ParsedMessage | None:
    """The worker's part: a file parsed, or None when it cannot be (the caller then parses it
    itself and reports the error in its place)."""
    try:
        parsed = parse_message(path.read_bytes())
    except (InputError, OSError):
        return None
    if parsed.format == "paxlst":
        prepared = [prepare_manifest(manifest) for manifest in parsed.content]
        return dataclasses.replace(parsed, content=[], prepared=prepared)
    return parsed


def parse_ahead(
    paths: Sequence[Path], ahead: int = 8
) -> Iterator[tuple[Path, ParsedMessage | None]]:
    """Each path with its parsed message, parsed in a worker process a few files ahead, so that
    parsing the next files overlaps storing this one (parsing is about a third of the CPU time of
    ingesting API lists). Memory stays flat: at most ``ahead`` parsed files wait. A single file,
    or a machine with one core, is parsed by the caller (``None`` is yielded)."""
    if len(paths) < 2 or (os.cpu_count() or 1) < 2:
        yield from ((path, None) for path in paths)
        return
    # spawn, not fork: the caller may hold database connections and threads (the progress bar)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        waiting: deque[tuple[Path, Future[ParsedMessage | None]]] = deque()
        for path in paths:
            waiting.append((path, pool.submit(_parse_file, path)))
            if len(waiting) > ahead:
                done, future = waiting.popleft()
                yield done, future.result()
        while waiting:
            done, future = waiting.popleft()
            yield done, future.result()


def ingest_message(
    session: Session,
    data: bytes,
    source: str,
    actor: Actor,
    received_at: dt.datetime | None = None,
    keep_body: bool = True,
    parsed: ParsedMessage | None = None,
) -> IngestSummary:
    """Parse ``data`` (PAXLST, PNRGOV, PNR JSON or crossing CSV) and store it in ``session``.

    ``parsed``, when given, is ``data`` already parsed (by :func:`parse_ahead`); it is used only if
    its hash is that of ``data``. Raises :class:`InputError` naming the place when the message
    cannot be used; the caller's transaction then rolls back, so nothing of it is stored.
    """
    digest = hashlib.sha256(data).hexdigest()
    try:
        detected: Format = detect_format(data)
    except InputError as error:
        raise InputError(error.message, dataclasses.replace(error.place, file=source)) from None
    summary = IngestSummary(source=source, format=detected, sha256=digest)
    if session.execute(select(InboundMessage.id).where(InboundMessage.sha256 == digest)).first():
        summary.duplicate = True
        return summary
    when = received_at or utcnow()
    if parsed is None or parsed.sha256 != digest:
        try:
            parsed = parse_message(data)
        except InputError as error:
            raise InputError(error.message, dataclasses.replace(error.place, file=source)) from None
    inbound = InboundMessage(
        sha256=digest,
        format=detected,
        reference=source[:128],
        received_at=when,
        size=len(data),
        body=data if keep_body else None,
    )
    session.add(inbound)
    session.flush()
    writer = _Writer(session, inbound, summary, when)
    if detected == "paxlst":
        if parsed.prepared is None:
            prepared = [prepare_manifest(manifest) for manifest in parsed.content]
        else:
            prepared = parsed.prepared
        for manifest in prepared:
            writer.manifest(manifest)
    elif detected in ("pnrgov", "pnr-json"):
        for message in parsed.content:
            writer.pnr_message(message)
    else:
        writer.crossings(parsed.content)
    inbound.summary = summary.as_dict()
    record(session, actor, "create", "inbound_message", [inbound.id], summary.as_dict())
    return summary


def _doc_key(doc_type: str | None, state: str | None, number: str | None) -> str | None:
    if not number:
        return None
    return f"{(doc_type or '?')[:1]}:{state or '?'}:{number.upper()}"


def _name_key(surname: str, given: str, birth: dt.date | None) -> str:
    return f"N:{surname}:{given}:{birth.isoformat() if birth else '?'}"


def _traveller_key(document_key: str | None, name_key: str) -> str:
    """Who a record is about: the document and the name together, so that two people presenting
    the same document (an impostor and the holder) stay two records."""
    name_hash = hashlib.sha256(name_key.encode()).hexdigest()[:12]
    return f"{document_key or 'no-document'}#{name_hash}"


def _content_hash(payload: Any) -> str:
    text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


class _Writer:
    """Writes one inbound message's parsed content; caches look-ups within the message."""

    def __init__(
        self, session: Session, inbound: InboundMessage, summary: IngestSummary, when: dt.datetime
    ) -> None:
        self.session = session
        self.inbound = inbound
        self.summary = summary
        self.when = when
        self._flights: dict[tuple[str, str, str, dt.date], Flight] = {}
        self._points: dict[str, CrossingPoint] = {}
        self._seen_events: Counter[str] = Counter()

    # --- shared ---------------------------------------------------------------------------------

    def flight(self, parsed: ParsedFlight, count: bool = True) -> Flight | None:
        legs = [leg for leg in parsed.legs if leg.departure_local is not None]
        if not legs:
            return None
        first, last = legs[0], parsed.legs[-1]
        assert first.departure_local is not None
        key = (parsed.carrier, parsed.number, first.departure_airport, first.departure_local.date())
        cached = self._flights.get(key)
        if cached is not None:
            return cached
        found = self.session.execute(
            select(Flight).where(
                Flight.carrier == key[0],
                Flight.number == key[1],
                Flight.departure_airport == key[2],
                Flight.departure_date == key[3],
            )
        ).scalar_one_or_none()
        routing = [leg.departure_airport for leg in parsed.legs] + [last.arrival_airport]
        if found is None:
            found = Flight(
                carrier=key[0],
                number=key[1],
                departure_airport=key[2],
                departure_date=key[3],
                arrival_airport=last.arrival_airport,
                departure_local=first.departure_local.isoformat(),
                arrival_local=last.arrival_local.isoformat() if last.arrival_local else None,
                routing=routing,
            )
            self.session.add(found)
            self.session.flush()
            if count:
                self.summary.counts["flights_new"] += 1
        elif len(routing) > len(found.routing or []):
            found.routing = routing
            found.arrival_airport = last.arrival_airport
        self._flights[key] = found
        return found

    # --- API ------------------------------------------------------------------------------------

    def manifest(self, manifest: PreparedManifest) -> None:
        flight = self.flight(manifest.flight)
        if flight is None:
            raise InputError(
                "the flight has no departure date and time (DTM+189), so it cannot be stored",
                Place(tag="DTM", field="189"),
            )
        self.summary.counts["manifests"] += 1
        self.api_travellers(flight, manifest.travellers)

    def api_travellers(self, flight: Flight, travellers: Sequence[PreparedTraveller]) -> None:
        """Store a manifest's travellers in a few statements: one look-up per table for what is
        already stored, then executemany inserts and updates (SQLAlchemy Core).

        The same rows come out as storing them one by one would give: a traveller listed twice
        updates the first; identity records, travel documents and the API↔PNR link are keyed
        and found as before.
        """
        rows: dict[tuple[str, str], tuple[Any, ...]] = {}
        identities: dict[str, tuple[Any, ...]] = {}
        documents: dict[tuple[str, str, str], tuple[dt.date | None, str]] = {}
        flags = self.summary.quality_flags
        prefix = f"{flight.id}:"
        for role, key, values, identity, natural, expiry in travellers:
            rows[(role, key)] = values
            for flag in values[_FLAGS]:
                flags[flag] += 1
            source_key = f"{prefix}{role}:{key}"
            identities[source_key] = identity
            if natural is not None and natural not in documents:
                # the first person presenting a document is its holder
                documents[natural] = (expiry, source_key)
        stored = self._stored_api_travellers(flight.id)
        new = sum(1 for k in rows if k not in stored)
        # the summary lists only what happened (a Counter keeps a key added with zero)
        for what, count in (("new", new), ("updated", len(travellers) - new)):
            if count:
                self.summary.counts[f"api_travellers_{what}"] += count
        identity_ids = self._bulk_identities("api", identities)
        self._bulk_documents(documents, identity_ids)
        links = self._pnr_links(flight, rows)
        message_id = self.inbound.id
        inserts: list[tuple[Any, ...]] = []
        updates: list[dict[str, Any]] = []
        for (role, key), values in rows.items():
            identity_id = identity_ids[f"{prefix}{role}:{key}"]
            link = links.get((role, key))
            row_id = stored.get((role, key))
            if row_id is None:
                inserts.append((flight.id, role, key, message_id, identity_id, link, *values))
            else:
                updates.append(
                    {
                        "_id": row_id,
                        "message_id": message_id,
                        "identity_record_id": identity_id,
                        "pnr_traveller_id": link,
                        **dict(zip(API_VALUES, values, strict=True)),
                    }
                )
        table = _API_TRAVELLERS
        connection = self.session.connection()
        if inserts:
            _insert_tuples(connection, table, _API_INSERT, inserts)
        if updates:
            connection.execute(update(table).where(table.c.id == bindparam("_id")), updates)

    def _stored_api_travellers(self, flight_id: int) -> dict[tuple[str, str], int]:
        return {
            (role, key): row_id
            for row_id, role, key in self.session.execute(_STORED_API, {"flight": flight_id})
        }

    def _bulk_identities(
        self, source_type: str, identities: Mapping[str, tuple[Any, ...]]
    ) -> dict[str, int]:
        """Insert or update identity records by (source type, source key) (values in the order
        of :data:`IDENTITY_VALUES`); their ids."""
        table = _IDENTITY_RECORDS
        found = self._identity_ids(source_type, list(identities))
        connection = self.session.connection()
        updates = [
            {"_id": found[k], **dict(zip(IDENTITY_VALUES, v, strict=True))}
            for k, v in identities.items()
            if k in found
        ]
        if updates:
            connection.execute(update(table).where(table.c.id == bindparam("_id")), updates)
        inserts = [(source_type, k, *v) for k, v in identities.items() if k not in found]
        if inserts:
            # a plain executemany and one indexed look-up of the new ids: SQLite cannot return
            # ids in parameter order from a batch, so RETURNING made it insert row by row
            _insert_tuples(connection, table, _IDENTITY_INSERT, inserts)
            found.update(self._identity_ids(source_type, [row[1] for row in inserts]))
            self.summary.counts["identity_records_new"] += len(inserts)
        return found

    def _identity_ids(self, source_type: str, keys: list[str]) -> dict[str, int]:
        connection = self.session.connection()
        found: dict[str, int] = {}
        for chunk in _chunks(keys):
            sql = _in_list_sql(connection, _IDENTITY_IDS_SQL, len(chunk))
            if sql is None:
                rows: Iterable[Any] = connection.execute(
                    _IDENTITY_IDS, {"source_type": source_type, "keys": chunk}
                )
            else:
                rows = connection.exec_driver_sql(sql, (source_type, *chunk))
            found.update((key, row_id) for row_id, key in rows)
        return found

    def _bulk_documents(
        self,
        documents: Mapping[tuple[str, str, str], tuple[dt.date | None, str]],
        holders: Mapping[str, int],
        with_ids: bool = False,
    ) -> dict[tuple[str, str, str], int]:
        """Insert the travel documents not stored yet (natural key: state, type, number; value:
        expiry date and the source key of the holder's identity record); the ids of those
        stored before and, ``with_ids``, of the new ones."""
        if not documents:
            return {}
        stored = self._document_ids(list(documents))
        inserts = [
            (*natural, expiry, holders[holder])
            for natural, (expiry, holder) in documents.items()
            if natural not in stored
        ]
        if inserts:
            _insert_tuples(self.session.connection(), _TRAVEL_DOCUMENTS, _DOCUMENT_INSERT, inserts)
            if with_ids:
                stored.update(self._document_ids([(r[0], r[1], r[2]) for r in inserts]))
        return stored

    def _document_ids(
        self, natural: Sequence[tuple[str, str, str]]
    ) -> dict[tuple[str, str, str], int]:
        found: dict[tuple[str, str, str], int] = {}
        groups: dict[tuple[str, str], list[str]] = {}
        for state, kind, number in sorted(set(natural)):
            groups.setdefault((state, kind), []).append(number)
        # one branch per (state, type) with the numbers in a list: both SQLite (multi-index OR)
        # and PostgreSQL (bitmap OR) then search the (state, type, number) index on all three
        # columns; by number alone the look-up read the whole table for every message, and
        # with lists on two columns PostgreSQL filtered the numbers instead of searching them
        branches = [
            (state, kind, chunk)
            for (state, kind), numbers in groups.items()
            for chunk in _chunks(numbers)
        ]
        connection = self.session.connection()
        mark = _parameter_mark(connection)
        for start in range(0, len(branches), 50):
            part = branches[start : start + 50]
            if mark is None:
                rows: Iterable[Any] = self.session.execute(_documents_query(part))
            else:
                sql = _DOCUMENT_IDS_SQL + " OR ".join(
                    f"(issuing_state = {mark} AND document_type = {mark} AND number IN "
                    f"({', '.join([mark] * len(chunk))}))"
                    for _, _, chunk in part
                )
                params = [value for state, kind, chunk in part for value in (state, kind, *chunk)]
                rows = connection.exec_driver_sql(sql, tuple(params))
            for row_id, state, kind, number in rows:
                found[(state, kind, number)] = row_id
        return found

    def _pnr_links(
        self, flight: Flight, rows: Mapping[tuple[str, str], tuple[Any, ...]]
    ) -> dict[tuple[str, str], int]:
        """The PNR traveller on the same flight with the same locator and name, per API
        traveller that has one."""
        locators = sorted({v[_LOCATOR] for v in rows.values() if v[_LOCATOR]})
        if (
            not locators
            or self.session.execute(_FLIGHT_HAS_PNR, {"flight": flight.id}).first() is None
        ):
            return {}
        candidates: dict[str, list[tuple[int, str | None, str | None]]] = {}
        for chunk in _chunks(locators):
            for row_id, locator, surname, given in self.session.execute(
                select(
                    PnrTraveller.id,
                    StoredBooking.locator,
                    PnrTraveller.surname,
                    PnrTraveller.given_names,
                )
                .join(StoredBooking, StoredBooking.id == PnrTraveller.booking_id)
                .join(PnrLeg, PnrLeg.booking_id == StoredBooking.id)
                .where(StoredBooking.locator.in_(chunk), PnrLeg.flight_id == flight.id)
                .order_by(PnrTraveller.id)
            ):
                candidates.setdefault(locator, []).append((row_id, surname, given))
        links: dict[tuple[str, str], int] = {}
        for natural, values in rows.items():
            given = values[_GIVEN]
            for row_id, surname, candidate_given in candidates.get(values[_LOCATOR], ()):
                if surname == values[_SURNAME] and (
                    not candidate_given
                    or not given
                    or candidate_given.split()[0] == given.split()[0]
                ):
                    links[natural] = row_id
                    break
        return links

    # --- PNR ------------------------------------------------------------------------------------

    def pnr_message(self, message: PnrMessage) -> None:
        self.summary.counts["pnr_messages"] += 1
        self.flight(message.flight)
        for booking in message.bookings:
            self.booking(booking, message.flight.carrier)

    def booking(self, parsed: PnrBooking, default_carrier: str) -> None:
        carrier = (parsed.locator_carrier or default_carrier)[:3]
        content = _BOOKING.dump_python(parsed, mode="json")
        digest = _content_hash(content)
        found = self.session.execute(
            select(StoredBooking).where(
                StoredBooking.carrier == carrier, StoredBooking.locator == parsed.record_locator
            )
        ).scalar_one_or_none()
        if found is not None:
            latest = self.session.execute(
                select(PnrVersion)
                .where(PnrVersion.booking_id == found.id)
                .order_by(PnrVersion.version.desc())
                .limit(1)
            ).scalar_one()
            if _content_hash(latest.content) == digest:
                self.summary.counts["bookings_unchanged"] += 1
                return
            if found.masked_at is not None:
                raise InputError(
                    f"booking {carrier} {parsed.record_locator} is masked under the retention "
                    "rules and cannot be updated",
                    Place(tag="RCI", field="record locator"),
                )
            found.version += 1
            self._clear_children(found)
            self.summary.counts["bookings_superseded"] += 1
        else:
            found = StoredBooking(
                carrier=carrier, locator=parsed.record_locator, received_at=self.when
            )
            self.session.add(found)
            self.summary.counts["bookings_new"] += 1
        found.created_on = _utc(parsed.created)
        found.last_modified = _utc(parsed.last_changed)
        found.received_at = self.when
        found.split_from = parsed.split_references[0] if parsed.split_references else None
        found.party_size = next(
            (leg.party_size for leg in parsed.itinerary if leg.party_size), None
        ) or len([t for t in parsed.travellers if t.traveller_type != "IN"])
        found.one_way = _one_way(parsed)
        found.remarks = [_REMARK.dump_python(r, mode="json") for r in parsed.remarks] + [
            {"code": "TEXT", "text": t} for t in parsed.free_text
        ]
        found.agency_id = self._agency(parsed)
        self.session.flush()
        self.session.add(
            PnrVersion(
                booking_id=found.id,
                version=found.version,
                message_id=self.inbound.id,
                received_at=self.when,
                content=content,
            )
        )
        self._booking_children(found, parsed)

    def _clear_children(self, booking: StoredBooking) -> None:
        for model in (PnrLeg, PnrContact, PnrPayment):
            for row in self.session.execute(
                select(model).where(model.booking_id == booking.id)
            ).scalars():
                self.session.delete(row)
        self.session.flush()

    def _agency(self, parsed: PnrBooking) -> int | None:
        agency = parsed.agency
        if agency is None:
            return None
        code = agency.agency_id or (
            f"{agency.airline or ''}:{agency.location or ''}" if agency.airline else None
        )
        if not code:
            return None
        found = self.session.execute(select(Agency).where(Agency.code == code)).scalar_one_or_none()
        if found is None:
            found = Agency(
                code=code,
                name=agency.agent or "",
                city=agency.agency_location or agency.location,
                country=agency.country,
            )
            self.session.add(found)
            self.session.flush()
            self.summary.counts["agencies_new"] += 1
        return found.id

    def _booking_children(self, booking: StoredBooking, parsed: PnrBooking) -> None:
        docs = {r.traveller_ref: r for r in parsed.remarks if isinstance(r, SsrDocs)}
        phones = [c for c in parsed.contacts if c.kind == "phone"]
        emails = [c for c in parsed.contacts if c.kind == "email"]
        existing = {
            t.reference: t
            for t in self.session.execute(
                select(PnrTraveller).where(PnrTraveller.booking_id == booking.id)
            ).scalars()
        }
        seen: set[str] = set()
        phone = _first(p.normalised or p.value for p in phones)
        email = _first(e.normalised or e.value for e in emails)
        # the identity records of the booking's travellers, stored together after the loop
        identities: dict[str, tuple[Any, ...]] = {}
        rows: list[tuple[PnrTraveller, str]] = []
        for index, traveller in enumerate(parsed.travellers, start=1):
            reference = traveller.traveller_ref or traveller.unique_ref or str(index)
            seen.add(reference)
            ssr = next((r for r in traveller.remarks if isinstance(r, SsrDocs)), None) or docs.get(
                traveller.traveller_ref
            )
            for flag in traveller.quality_flags:
                self.summary.quality_flags[flag] += 1
            row = existing.get(reference) or PnrTraveller(
                booking_id=booking.id, reference=reference
            )
            row.surname = traveller.name.normalised_surname
            row.given_names = traveller.name.normalised_given_names
            row.name_as_sent = f"{traveller.name.surname}:{traveller.name.given_names}"
            row.infant = traveller.traveller_type == "IN" or bool(ssr and ssr.sex in ("MI", "FI"))
            row.birth_date = ssr.birth_date.isoformat() if ssr and ssr.birth_date else None
            row.sex = _sex(ssr.sex if ssr else None)
            row.nationality = ssr.nationality if ssr else None
            row.document_type = ssr.doc_type if ssr else None
            row.document_number = ssr.number if ssr else None
            row.document_country = ssr.issuing_state if ssr else None
            row.frequent_flyer = (
                f"{traveller.frequent_flyer[0].airline}{traveller.frequent_flyer[0].number}"
                if traveller.frequent_flyer
                else None
            )
            if row.id is None:
                self.session.add(row)
                self.summary.counts["pnr_travellers_new"] += 1
            source_key = f"{booking.carrier}:{booking.locator}:{reference}"
            surname, given = row.surname or None, row.given_names or None
            identities[source_key] = (
                surname,
                given,
                " ".join(p for p in (given, surname) if p) or None,
                row.birth_date,
                row.sex,
                row.nationality,
                row.document_number,
                row.document_country,
                phone,
                email,
            )
            rows.append((row, source_key))
        with self.session.no_autoflush:
            identity_ids = self._bulk_identities("pnr", identities)
        for row, source_key in rows:
            row.identity_record_id = identity_ids[source_key]
        for reference, row in existing.items():
            if reference not in seen:
                self.session.delete(row)
        # the itinerary, contacts and payments with one executemany per table (the ORM flushed
        # them one row at a time)
        legs: list[tuple[Any, ...]] = []
        for seq, leg in enumerate(parsed.itinerary, start=1):
            flight = self.flight(leg.flight, count=False)
            first = leg.flight.legs[0] if leg.flight.legs else None
            last = leg.flight.legs[-1] if leg.flight.legs else None
            legs.append(
                (
                    booking.id,
                    seq,
                    flight.id if flight else None,
                    leg.flight.carrier,
                    leg.flight.number,
                    first.departure_airport if first else "",
                    last.arrival_airport if last else "",
                    first.departure_local.isoformat() if first and first.departure_local else None,
                    last.arrival_local.isoformat() if last and last.arrival_local else None,
                    leg.status,
                )
            )
        contacts: list[tuple[Any, ...]] = [
            (booking.id, contact.kind, (contact.normalised or contact.value)[:300], contact.value)
            for contact in parsed.contacts
        ]
        for address in parsed.addresses:
            text = ", ".join(
                p for p in (address.street, address.city, address.postal_code, address.country) if p
            )
            if text:
                contacts.append((booking.id, "address", text.upper()[:300], text))
        payments: list[tuple[Any, ...]] = []
        for payment in parsed.payments:
            card = payment.card_number_masked
            fingerprint = (
                hashlib.sha256(
                    f"{payment.card_vendor or ''}|{card}|{payment.card_expiry or ''}".encode()
                ).hexdigest()
                if card
                else None
            )
            payments.append(
                (
                    booking.id,
                    payment.form[:4],
                    card,
                    fingerprint,
                    payment.amount,
                    payment.payer_name,
                    payment.payer_phone,
                    payment.payer_address,
                )
            )
        self.session.flush()
        connection = self.session.connection()
        for table, names, rows in (
            (_PNR_LEGS, _LEG_INSERT, legs),
            (_PNR_CONTACTS, _CONTACT_INSERT, contacts),
            (_PNR_PAYMENTS, _PAYMENT_INSERT, payments),
        ):
            if rows:
                _insert_tuples(connection, table, names, rows)

    # --- crossings ------------------------------------------------------------------------------

    def point(self, code: str, mode: str) -> CrossingPoint:
        cached = self._points.get(code)
        if cached is not None:
            return cached
        found = self.session.execute(
            select(CrossingPoint).where(CrossingPoint.code == code)
        ).scalar_one_or_none()
        if found is None:
            found = CrossingPoint(code=code, name=code, country="XXX", kind=mode)
            self.session.add(found)
            self.session.flush()
            self.summary.notes.append(
                f"new crossing point {code}: give its name, country and coordinates with "
                "`filet crossing-points import`"
            )
        self._points[code] = found
        return found

    def crossings(self, records: Sequence[CrossingRecord]) -> None:
        """Store a crossing file's records in a few statements, as ``api_travellers`` does: one
        look-up of the crossings already stored, then identity records, travel documents and
        crossings inserted with executemany. The rows are those the row-by-row version left."""
        events: Counter[str] = Counter()
        keyed: list[tuple[str, int, CrossingRecord]] = []
        for line, parsed in enumerate(records, start=2):
            self.point(parsed.crossing_point, parsed.mode)
            document = parsed.document
            who = _traveller_key(
                _doc_key(document.doc_type, document.issuing_state, document.number)
                if document
                else None,
                _name_key(
                    parsed.name.normalised_surname,
                    parsed.name.normalised_given_names,
                    parsed.birth_date,
                ),
            )
            event = f"{parsed.crossing_point}|{parsed.direction}|{parsed.time.isoformat()}|{who}"
            # the same person-event twice in one file (two people, one passport) stays twice
            events[event] += 1
            key = hashlib.sha256(f"{event}|{events[event]}".encode()).hexdigest()[:40]
            keyed.append((key, line, parsed))
        stored: set[str] = set()
        for chunk in _chunks([key for key, _, _ in keyed]):
            stored.update(
                self.session.execute(
                    select(BorderCrossing.crossing_key).where(
                        BorderCrossing.crossing_key.in_(chunk)
                    )
                ).scalars()
            )
        new = [(key, line, parsed) for key, line, parsed in keyed if key not in stored]
        if len(new) < len(keyed):
            self.summary.counts["crossings_already_stored"] += len(keyed) - len(new)
        if not new:
            return
        identities: dict[str, tuple[Any, ...]] = {}
        documents: dict[tuple[str, str, str], tuple[dt.date | None, str]] = {}
        for key, _, parsed in new:
            identities[key] = _identity_values(
                parsed.name,
                parsed.birth_date.isoformat() if parsed.birth_date else None,
                _sex(parsed.sex),
                parsed.nationality,
                parsed.document,
            )
            _note_document(documents, parsed.document, key)
        identity_ids = self._bulk_identities("crossing", identities)
        document_ids = self._bulk_documents(documents, identity_ids, with_ids=True)
        rows = []
        for key, line, parsed in new:
            document = parsed.document
            for flag in parsed.quality_flags:
                self.summary.quality_flags[flag] += 1
            rows.append(
                {
                    "crossing_key": key,
                    "identity_record_id": identity_ids[key],
                    "document_id": document_ids[
                        (
                            document.issuing_state,
                            (document.doc_type or "P")[:1],
                            document.number.upper(),
                        )
                    ]
                    if document and document.issuing_state
                    else None,
                    "crossing_point_id": self._points[parsed.crossing_point].id,
                    "direction": parsed.direction,
                    "at": _utc(parsed.time),
                    "mode": parsed.mode,
                    "carrier": parsed.carrier,
                    "voyage": parsed.voyage,
                    "vehicle": parsed.vehicle_registration,
                    "officer": parsed.officer_id,
                    "decision": parsed.decision or "admitted",
                    "reasons": list(parsed.decision_reasons),
                    "companions_ref": parsed.companions_ref,
                    "check_result": {
                        "source": "file",
                        "line": line,
                        "quality_flags": parsed.quality_flags,
                    },
                }
            )
        _insert_rows(self.session.connection(), _BORDER_CROSSINGS, rows)
        self.summary.counts["crossings_new"] += len(rows)


def _insert_rows(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (dictionaries, all with the same keys) with one driver ``executemany``."""
    names = tuple(rows[0])
    _insert_tuples(connection, table, names, [tuple(row[n] for n in names) for row in rows])


def _insert_tuples(
    connection: Connection, table: Table, names: tuple[str, ...], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert ``rows`` (tuples of the values of the columns ``names``) with one driver
    ``executemany``.

    ``connection.execute(insert(table), rows)`` processes every row's parameters in SQLAlchemy
    (defaults, bind processors, parameter dictionaries), which cost more than SQLite's own insert.
    Here the statement is compiled once per column set and dialect, only the values of columns
    whose type converts them (JSON, dates on SQLite) go through the type's bind processor (the
    conversion SQLAlchemy applies), and the driver gets plain tuples (or dictionaries, for a
    driver with named parameters). Python-side defaults of the columns not given are evaluated
    once per call (one creation time for the rows of a message).
    """
    dialect = connection.dialect
    key = (table, names, dialect)
    cached = _COMPILED.get(key)
    if cached is None:
        defaults = [
            column
            for column in table.columns
            if column.key not in names and isinstance(column.default, ColumnDefault)
        ]
        every = [*names, *(column.key for column in defaults)]
        compiled = insert(table).compile(dialect=dialect, column_keys=every)
        processors = [table.c[n].type.dialect_impl(dialect).bind_processor(dialect) for n in every]
        converted = [(i, f) for i, f in enumerate(processors[: len(names)]) if f is not None]
        if compiled.positional:
            order: tuple[int, ...] | None = tuple(
                every.index(n) for n in compiled.positiontup or []
            )
            if order == tuple(range(len(every))):
                order = None
        else:
            order = None
        cached = _COMPILED[key] = _Compiled(
            compiled.string,
            compiled.positional,
            tuple(every),
            order,
            converted,
            [(column, processors[len(names) + i]) for i, column in enumerate(defaults)],
        )
    fixed: list[Any] = []
    for column, processor in cached.defaults:
        default = cast(ColumnDefault, column.default)
        value = default.arg(None) if default.is_callable else default.arg
        fixed.append(processor(value) if processor is not None else value)
    values: list[tuple[Any, ...]]
    if cached.converted:
        values = []
        for row in rows:
            listed = list(row)
            for index, processor in cached.converted:
                listed[index] = processor(listed[index])
            listed.extend(fixed)
            values.append(tuple(listed))
    elif fixed:
        extra = tuple(fixed)
        values = [(*row, *extra) for row in rows]
    else:
        values = list(rows)
    if not cached.positional:
        keys = cached.names
        connection.exec_driver_sql(cached.sql, [dict(zip(keys, v, strict=True)) for v in values])
    elif cached.order is None:
        connection.exec_driver_sql(cached.sql, values)
    else:
        pick = operator.itemgetter(*cached.order)
        connection.exec_driver_sql(cached.sql, [pick(v) for v in values])


class _Compiled(NamedTuple):
    sql: str
    positional: bool
    names: tuple[str, ...]
    order: tuple[int, ...] | None
    converted: Sequence[tuple[int, Callable[[Any], Any]]]
    defaults: Sequence[tuple[Any, Callable[[Any], Any] | None]]


_COMPILED: dict[tuple[Table, tuple[str, ...], Any], _Compiled] = {}


_DOCUMENT_IDS_SQL = "SELECT id, issuing_state, document_type, number FROM travel_documents WHERE "


def _documents_query(branches: Sequence[tuple[str, str, list[str]]]) -> Any:
    condition = or_(
        *(
            and_(
                TravelDocument.issuing_state == state,
                TravelDocument.document_type == kind,
                TravelDocument.number.in_(chunk),
            )
            for state, kind, chunk in branches
        )
    )
    return select(
        TravelDocument.id,
        TravelDocument.issuing_state,
        TravelDocument.document_type,
        TravelDocument.number,
    ).where(condition)


_IDENTITY_IDS_SQL = (
    "SELECT id, source_key FROM identity_records WHERE source_type = {0} AND source_key IN ({1})"
)


def _in_list_sql(connection: Connection, template: str, count: int) -> str | None:
    """``template`` with its parameters (``{0}`` one, ``{1}`` an ``IN`` list of ``count``) as the
    driver writes them, for a look-up run often with a list of values (SQLAlchemy renders such a
    list value by value on every call); None for a driver with named parameters only."""
    mark = _parameter_mark(connection)
    if mark is None:
        return None
    return template.format(mark, ", ".join([mark] * count))


def _parameter_mark(connection: Connection) -> str | None:
    """How the driver marks a positional parameter (``?`` for SQLite, ``%s`` for psycopg), or
    None for a driver with named parameters only."""
    return {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(connection.dialect.paramstyle)


def _chunks(values: list[str], size: int = 500) -> Iterable[list[str]]:
    """Values in slices small enough for an ``IN (...)`` list on every backend."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """PNR history times are GMT (PNRGOV ``DAT``); a time without a zone is taken as UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def _identity_values(
    name: TravellerName,
    birth_date: str | None,
    sex: str | None,
    nationality: str | None,
    document: ParsedDocument | None,
) -> tuple[Any, ...]:
    """The identity record of a traveller or a crossing person, as identity resolution reads it
    (values in the order of :data:`IDENTITY_VALUES`)."""
    surname, given = name.normalised_surname or None, name.normalised_given_names or None
    return (
        surname,
        given,
        " ".join(p for p in (given, surname) if p) or None,
        birth_date,
        sex,
        nationality,
        document.number if document else None,
        document.issuing_state if document else None,
        None,
        None,
    )


def _note_document(
    documents: dict[tuple[str, str, str], tuple[dt.date | None, str]],
    document: ParsedDocument | None,
    holder: str,
) -> None:
    """Keep the travel document under its natural key; the first person presenting it is its
    holder."""
    if document and document.issuing_state:
        natural = (document.issuing_state, (document.doc_type or "P")[:1], document.number.upper())
        documents.setdefault(natural, (document.expiry, holder))


def _sex(value: str | None) -> str | None:
    """``M``, ``F`` or ``X``; DOCS writes infants as ``MI``/``FI`` and unknown as ``U``."""
    if not value:
        return None
    letter = value.strip().upper()[:1]
    return letter if letter in ("M", "F", "X") else None


def _first(values: Iterable[str | None]) -> str | None:
    return next((v for v in values if v), None)


def _one_way(parsed: PnrBooking) -> bool | None:
    legs = [leg.flight.legs for leg in parsed.itinerary if leg.flight.legs]
    if not legs:
        return None
    return legs[0][0].departure_airport != legs[-1][-1].arrival_airport
