"""A fixed sequence of messages for ingestion, and a fingerprint of what it leaves in the store.

``data/ingest_snapshot.json`` holds the fingerprint made by the row-by-row ORM ingestion that came
before the bulk one (the crossing files were added with crossings still stored row by row);
``test_store_ingest.py`` checks that the bulk ingestion leaves the same rows (every column but
``created_at``) and reports the same summaries and errors.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from filet.errors import InputError
from filet.passenger import (
    ApiTraveller,
    CrossingRecord,
    Flight,
    FlightLeg,
    FlightManifest,
    ItineraryLeg,
    PnrBooking,
    PnrMessage,
    PnrTraveller,
    SsrDocs,
    TravelDocument,
    TravellerName,
    write_crossings_csv,
    write_paxlst,
    write_pnrgov,
)
from filet.passenger._store import ingest_message
from filet.security import SYSTEM
from filet.store import schema as S
from filet.store import transaction
from tests.passenger.writer_corpus import corpus

MESSAGES = Path(__file__).parent / "messages"
TABLES = [
    S.InboundMessage,
    S.Flight,
    S.ApiTraveller,
    S.PnrBooking,
    S.PnrVersion,
    S.PnrTraveller,
    S.PnrLeg,
    S.PnrContact,
    S.PnrPayment,
    S.BorderCrossing,
    S.IdentityRecord,
    S.TravelDocument,
    S.Agency,
    S.CrossingPoint,
]
RECEIVED = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


def _linked_pair(rng: random.Random, index: int) -> list[tuple[str, bytes]]:
    """A PNR message and the API list of the same flight: some travellers share locator and
    name (linked), some have none, two present the same document and name (kept twice only
    with a passenger reference), one has no document, one is listed twice; then the list again
    with changes."""
    departure = dt.datetime(2026, 5, 4, 9, 40) + dt.timedelta(days=index)
    flight = Flight(
        carrier="TK",
        number=str(1950 + index),
        legs=[
            FlightLeg(
                departure_airport="IST",
                arrival_airport="AMS",
                departure_local=departure,
                arrival_local=departure + dt.timedelta(hours=3),
            )
        ],
    )
    names = [("TESFAY", "SAMUEL MR"), ("GEBRE", "SABA"), ("HADDAD", "OMAR"), ("SILVA", "JOAO")]
    bookings = [
        PnrBooking(
            record_locator=f"QX{index}R{b}",
            locator_carrier="TK",
            created=departure - dt.timedelta(days=3),
            travellers=[
                PnrTraveller(
                    name=TravellerName(surname=surname, given_names=given),
                    traveller_ref=str(t + 1),
                    remarks=[SsrDocs(number=f"P{index}{b}{t}", issuing_state="ERI")],
                )
                for t, (surname, given) in enumerate(names[b * 2 : b * 2 + 2])
            ],
            itinerary=[ItineraryLeg(flight=flight, status="HK")],
        )
        for b in range(2)
    ]
    pnr = write_pnrgov(PnrMessage(flight=flight, bookings=bookings), interchange_ref=f"P{index}")
    travellers = [
        ApiTraveller(
            name=TravellerName(surname=surname, given_names=given.split()[0]),
            sex=rng.choice("MF"),
            birth_date=dt.date(1990, 1, 1) + dt.timedelta(days=rng.randrange(5000)),
            nationality="ERI",
            pnr_locator=f"QX{index}R{t // 2}" if t != 3 else None,
            seat=f"{t + 10}C",
            documents=[
                TravelDocument(
                    doc_type="P",
                    number=f"N{index}{t}",
                    issuing_state="ERI",
                    expiry=dt.date(2030, 1, 1),
                )
            ],
        )
        for t, (surname, given) in enumerate(names)
    ]
    twin = ApiTraveller(
        name=TravellerName(surname="TESFAY", given_names="SAMUEL"),
        sex="M",
        pnr_locator=f"QX{index}R0",
        documents=[TravelDocument(doc_type="P", number=f"N{index}0", issuing_state="ERI")],
    )
    referenced = ApiTraveller(
        name=TravellerName(surname="TESFAY", given_names="SAMUEL"),
        passenger_reference="77",
        documents=[TravelDocument(doc_type="P", number=f"N{index}0", issuing_state="ERI")],
    )
    undocumented = ApiTraveller(name=TravellerName(surname="NODOC", given_names="A"))
    manifest = FlightManifest(
        flight=flight, travellers=[*travellers, twin, referenced, undocumented, travellers[2]]
    )
    api = write_paxlst(manifest, interchange_ref=f"A{index}")
    travellers[1].seat = "99A"
    travellers[2].documents[0].expiry = dt.date(2031, 2, 2)
    changed = write_paxlst(manifest, interchange_ref=f"B{index}")
    return [
        (f"pnr-{index}", pnr.encode()),
        (f"api-{index}", api.encode()),
        (
            f"api-{index}-changed",
            changed.encode(),
        ),
    ]


def _crossing_files(rng: random.Random) -> list[tuple[str, bytes]]:
    """Crossing CSVs that overlap (records already stored come again in a later file, one
    record twice in a file), share documents between records, and use a document an API list
    stored first."""

    def record(index: int) -> CrossingRecord:
        document = (
            None
            if rng.random() < 0.2
            else TravelDocument(
                doc_type=rng.choice(["P", "ID", None]),
                number=f"C{rng.randrange(15)}",
                issuing_state=rng.choice(["SYR", "IRQ", None]),
                expiry=rng.choice([None, dt.date(2030, 1, 1)]),
            )
        )
        return CrossingRecord(
            crossing_point=rng.choice(["MKD-TAB", "GRC-PIR", "BGR-KPK"]),
            direction=rng.choice(["entry", "exit"]),
            time=dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=index // 3),
            mode="land",
            name=TravellerName(
                surname=rng.choice(["HADDAD", "SILVA"]),
                given_names=rng.choice(["OMAR", "LINA", ""]),
            ),
            birth_date=rng.choice([None, dt.date(1990, 1, 1)]),
            sex=rng.choice(["M", "F", None]),
            nationality="SYR",
            document=document,
            decision=rng.choice([None, "referred"]),
            decision_reasons=rng.choice([[], ["document doubtful"]]),
            companions_ref=rng.choice([None, "G1"]),
        )

    records = [record(i) for i in range(120)]
    api = FlightManifest(
        flight=Flight(
            carrier="TK",
            number="77",
            legs=[
                FlightLeg(
                    departure_airport="IST",
                    arrival_airport="AMS",
                    departure_local=dt.datetime(2026, 5, 4, 9, 40),
                )
            ],
        ),
        travellers=[
            ApiTraveller(
                name=TravellerName(surname="SILVA", given_names="OMAR"),
                documents=[TravelDocument(doc_type="P", number="C3", issuing_state="SYR")],
            )
        ],
    )
    return [
        ("crossings-api", write_paxlst(api, interchange_ref="C").encode()),
        ("crossings-1", write_crossings_csv(records[:60]).encode()),
        ("crossings-2", write_crossings_csv(records[30:100] + records[30:40]).encode()),
        ("crossings-3", write_crossings_csv(records).encode()),
    ]


def messages() -> list[tuple[str, bytes]]:
    """The sequence: fixture files, linked PNR/API pairs with an update, the writer corpus's
    random PNRGOV and PAXLST messages, overlapping crossing files, then the fixture files and the
    pairs once more."""
    out = [(p.name, p.read_bytes()) for p in sorted(MESSAGES.iterdir())]
    rng = random.Random(4)
    pairs = [m for index in range(3) for m in _linked_pair(rng, index)]
    out += pairs
    texts = corpus()
    out += [(n, t.encode()) for n, t in texts.items() if n.startswith("pnrgov-random-")][:20]
    out += [(n, t.encode()) for n, t in texts.items() if n.startswith("paxlst-random-")]
    out += _crossing_files(random.Random(3))
    out += [(p.name + "-again", p.read_bytes()) for p in sorted(MESSAGES.iterdir())]
    out += [(n + "-again", d) for n, d in pairs]
    return out


def _fingerprint(session: Session) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for table in TABLES:
        columns = [c for c in table.__table__.columns if c.name != "created_at"]
        rows = session.execute(select(*columns).order_by(*table.__table__.primary_key)).all()
        text = json.dumps([list(r) for r in rows], default=_plain, sort_keys=True)
        out[table.__tablename__] = [len(rows), hashlib.sha256(text.encode()).hexdigest()]
    return out


def _plain(value: object) -> object:
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    if isinstance(value, dt.datetime):
        # SQLite gives naive datetimes back, PostgreSQL aware ones: compare in UTC
        return (
            value if value.tzinfo is None else value.astimezone(dt.UTC).replace(tzinfo=None)
        ).isoformat()
    return str(value)


def run(sessions: sessionmaker[Session]) -> dict[str, Any]:
    """Ingest the sequence, one transaction per message; the summaries (or errors) and the
    fingerprint of the tables afterwards."""
    results: list[Any] = []
    for name, data in messages():
        try:
            with transaction(sessions) as session:
                summary = ingest_message(session, data, name, SYSTEM, received_at=RECEIVED)
                results.append([name, summary.as_dict()])
        except InputError as error:
            results.append([name, str(error)])
    with sessions() as session:
        return {"results": results, "tables": _fingerprint(session)}
