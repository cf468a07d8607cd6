"""A small world in the store: one smuggling ring (recruiter's phone and the payer's card on three
bookings, an escort on two of its flights, a driver crossing twice with the same car, intelligence
on calls, meetings and payments) beside a lawful family on one booking."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import igraph as ig
import pytest
from sqlalchemy.orm import Session, sessionmaker

from filet.network import build_network, import_intelligence
from filet.security import SYSTEM
from filet.store import transaction
from filet.store.schema import (
    Agency,
    ApiTraveller,
    BorderCrossing,
    CrossingPoint,
    Flight,
    IdentityRecord,
    Person,
    PnrBooking,
    PnrContact,
    PnrPayment,
    PnrTraveller,
)

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
RECRUITER_PHONE = "+93700000001"
ORGANISER_PHONE = "+93700000009"
CARD = "fp-card-1"


@dataclass
class World:
    migrants: list[str]  # node keys
    escort: str
    driver: str
    family: list[str]
    payer: str = "named:AHMAD PAYER"


def _record(session: Session, key: str, name: str, person: Person | None = None) -> IdentityRecord:
    given, surname = name.split(" ", 1)
    row = IdentityRecord(
        source_type="test",
        source_key=key,
        given_names=given,
        surname=surname,
        full_name=name,
        person_id=person.id if person else None,
    )
    session.add(row)
    session.flush()
    return row


def _booking(
    session: Session,
    locator: str,
    day: int,
    agency: Agency,
    phone: str,
    card: str,
    payer: str | None,
    amount: float,
    travellers: list[IdentityRecord],
) -> PnrBooking:
    booking = PnrBooking(
        carrier="QR",
        locator=locator,
        created_on=T0 + dt.timedelta(days=day),
        agency_id=agency.id,
        one_way=True,
        received_at=T0 + dt.timedelta(days=day),
    )
    session.add(booking)
    session.flush()
    session.add(PnrContact(booking_id=booking.id, kind="phone", value=phone))
    session.add(
        PnrPayment(
            booking_id=booking.id,
            method="CC",
            card_masked="XXXX1111",
            card_fingerprint=card,
            amount=amount,
            currency="EUR",
            payer_name=payer,
            paid_at=T0 + dt.timedelta(days=day),
        )
    )
    for number, record in enumerate(travellers, start=1):
        session.add(
            PnrTraveller(booking_id=booking.id, reference=str(number), identity_record_id=record.id)
        )
    session.flush()
    return booking


def _fly(
    session: Session,
    flight: Flight,
    booking: PnrBooking,
    records: list[IdentityRecord],
    seats: list[str],
) -> None:
    for record, seat in zip(records, seats, strict=True):
        session.add(
            ApiTraveller(
                flight_id=flight.id,
                traveller_key=f"{record.source_key}:{flight.id}",
                role="passenger",
                pnr_locator=booking.locator,
                seat=seat,
                identity_record_id=record.id,
                document_country="AFG",
                document_type="P",
                document_number=f"D{record.id:07d}",
            )
        )
    session.flush()


def make_world(session: Session) -> World:
    agency = Agency(code="14522911", name="Ariana Safar")
    session.add(agency)
    session.flush()
    flights = []
    for day in (1, 5, 9):
        flight = Flight(
            carrier="QR",
            number="1285",
            departure_airport="KBL",
            arrival_airport="FRA",
            departure_date=(T0 + dt.timedelta(days=day)).date(),
        )
        session.add(flight)
        flights.append(flight)
    session.flush()
    persons = [Person(key=f"P{i}", label=f"Migrant {i}", category="unknown") for i in range(2)]
    session.add_all(persons)
    session.flush()
    migrants = [
        _record(session, f"m{i}", f"Migrant{i} Karimi", persons[i] if i < 2 else None)
        for i in range(6)
    ]
    escort = _record(session, "e", "Escort Rahimi")
    for i in range(3):
        group = migrants[2 * i : 2 * i + 2]
        booking = _booking(
            session, f"RING0{i}", i * 4, agency, RECRUITER_PHONE, CARD, "Ahmad Payer", 1500.0, group
        )
        _fly(session, flights[i], booking, group, ["12A", "12B"])
        if i < 2:
            own = _booking(
                session,
                f"ESC0{i}",
                i * 4,
                agency,
                "+4915100000" + str(i),
                CARD,
                None,
                300.0,
                [escort],
            )
            _fly(session, flights[i], own, [escort], ["30C"])
    family = [_record(session, f"f{i}", f"Family{i} Meyer") for i in range(3)]
    home = _booking(session, "FAMILY", 2, agency, "+4930123456", "fp-family", None, 900.0, family)
    _fly(session, flights[1], home, family, ["20A", "20B", "20C"])
    point = CrossingPoint(
        code="HR-BAJ", name="Bajakovo", country="HRV", kind="land", latitude=45.05, longitude=19.1
    )
    session.add(point)
    session.flush()
    driver = _record(session, "d", "Driver Popescu")
    riders = [_record(session, f"r{i}", f"Rider{i} Nazari") for i in range(2)]
    for day, rider in ((3, riders[0]), (8, riders[1])):
        for record in (driver, rider):
            session.add(
                BorderCrossing(
                    crossing_key=f"c-{day}-{record.source_key}",
                    identity_record_id=record.id,
                    crossing_point_id=point.id,
                    direction="entry",
                    at=T0 + dt.timedelta(days=day),
                    mode="land",
                    vehicle="B-123-XYZ",
                    decision="admitted",
                    companions_ref=f"trip-{day}",
                )
            )
    session.flush()
    return World(
        migrants=[f"person:{persons[0].id}", f"person:{persons[1].id}"]
        + [f"record:{m.id}" for m in migrants[2:]],
        escort=f"record:{escort.id}",
        driver=f"record:{driver.id}",
        family=[f"record:{f.id}" for f in family],
    )


INTELLIGENCE = [
    {
        "id": "INT1",
        "kind": "call",
        "date": "2026-03-02",
        "from_phone": RECRUITER_PHONE,
        "to_phone": ORGANISER_PHONE,
        "grading_system": "4x4",
        "source_reliability": "A",
        "information_credibility": "2",
    },
    {
        "id": "INT2",
        "kind": "payment",
        "date": "2026-03-03",
        "payer_name": "Ahmad Payer",
        "beneficiary_account": "HW-1",
        "amount": 9000,
        "currency": "USD",
        "channel": "hawala",
        "grading_system": "4x4",
        "source_reliability": "B",
        "information_credibility": "2",
    },
    {
        "id": "INT3",
        "kind": "payment",
        "date": "2026-03-04",
        "payer_name": "Other Sender",
        "beneficiary_account": "HW-1",
        "amount": 4000,
        "currency": "USD",
        "grading_system": "4x4",
        "source_reliability": "C",
        "information_credibility": "3",
    },
    {
        "id": "INT4",
        "kind": "meeting",
        "date": "2026-03-05",
        "people": ["Ahmad Payer", "Boss Khan"],
        "place": "Kabul",
        "grading_system": "4x4",
        "source_reliability": "B",
        "information_credibility": "2",
    },
]


@pytest.fixture
def intelligence_file(tmp_path: Path) -> Path:
    path = tmp_path / "intelligence.jsonl"
    path.write_text("".join(json.dumps(i) + "\n" for i in INTELLIGENCE), encoding="utf-8")
    return path


@pytest.fixture
def world(sessions: sessionmaker[Session], intelligence_file: Path) -> World:
    with transaction(sessions) as session:
        made = make_world(session)
        import_intelligence(session, intelligence_file, SYSTEM)
        build_network(session)
    return made


def chained_stars(stars: int, size: int) -> tuple[ig.Graph, list[str]]:
    """``stars`` star-shaped rings of ``size`` nodes (a few spokes joined), chained by their
    centres into one component: each ring's centre is its broker."""
    edges = []
    for star in range(stars):
        centre = star * size
        edges += [(centre, centre + i) for i in range(1, size)]
        edges += [(centre + i, centre + i + 1) for i in range(1, size - 1, 3)]
        if star:
            edges.append((centre - size, centre))
    graph = ig.Graph(n=stars * size, edges=edges)
    graph.es["weight"] = [1.0] * graph.ecount()
    return graph, [str(i) for i in range(graph.vcount())]
