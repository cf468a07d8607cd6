"""A small world in the store, inserted through the ORM: a smuggling group booked in cash by a
facilitator, its split PNR, a family, a business traveller, an escort seen in two bookings, and
crossings at a land border where one officer admits alerted documents."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from filet.store import transaction
from filet.store.schema import (
    Agency,
    Alert,
    ApiTraveller,
    BorderCrossing,
    CrossingPoint,
    DocumentAlert,
    Flight,
    IdentityRecord,
    Person,
    PnrBooking,
    PnrContact,
    PnrLeg,
    PnrPayment,
    PnrTraveller,
    ScreeningHit,
    TravelDocument,
    User,
    Watchlist,
    WatchlistEntry,
)

UTC = dt.UTC


@dataclass
class World:
    bookings: dict[str, int] = field(default_factory=dict)
    travellers: dict[str, int] = field(default_factory=dict)
    crossings: dict[str, int] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    records: dict[str, int] = field(default_factory=dict)


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def _booking(
    session: Session,
    locator: str,
    created: str,
    legs: list[tuple[str, str, str, str, str | None]],
    agency: Agency | None = None,
    one_way: bool | None = None,
    split_from: str | None = None,
) -> PnrBooking:
    booking = PnrBooking(
        carrier="TK",
        locator=locator,
        created_on=_at(created),
        agency_id=agency.id if agency else None,
        one_way=one_way,
        split_from=split_from,
        received_at=_at(created) + dt.timedelta(hours=1),
    )
    session.add(booking)
    session.flush()
    for seq, (origin, destination, departs, arrives, status) in enumerate(legs, start=1):
        session.add(
            PnrLeg(
                booking_id=booking.id,
                seq=seq,
                carrier="TK",
                number=f"{1000 + seq}",
                departure_airport=origin,
                arrival_airport=destination,
                departure_local=departs,
                arrival_local=arrives,
                status=status,
            )
        )
    return booking


def _traveller(
    session: Session,
    booking: PnrBooking,
    ref: str,
    surname: str,
    given: str,
    birth: str,
    sex: str,
    nationality: str,
    doc: str | None,
    infant: bool = False,
    record: IdentityRecord | None = None,
) -> PnrTraveller:
    traveller = PnrTraveller(
        booking_id=booking.id,
        reference=ref,
        surname=surname,
        given_names=given,
        name_as_sent=f"{surname}/{given}",
        infant=infant,
        birth_date=birth,
        sex=sex,
        nationality=nationality,
        document_type="P",
        document_number=doc,
        document_country=nationality if doc else None,
        identity_record_id=record.id if record else None,
    )
    session.add(traveller)
    session.flush()
    return traveller


def populate(sessions: sessionmaker[Session]) -> World:
    world = World()
    with transaction(sessions) as s:
        for name, role in (
            ("ana", "analyst"),
            ("sam", "supervisor"),
            ("sue", "supervisor"),
            ("ivo", "investigator"),
        ):
            # Users are inserted directly: these tests never log in, and hashing is slow.
            user = User(username=name, role=role, password_hash="!", display_name=name)
            s.add(user)
            s.flush()
            world.users[name] = user.id
        sunrise = Agency(code="96512345", name="Sunrise Travel", city="Istanbul", country="TUR")
        office = Agency(code="TKIST01", name="TK city office", city="Istanbul", country="TUR")
        s.add_all([sunrise, office])
        s.flush()
        flight = Flight(
            carrier="TK",
            number="1001",
            departure_airport="DXB",
            arrival_airport="IST",
            departure_date=dt.date(2026, 3, 1),
        )
        s.add(flight)
        s.flush()
        migrant = Person(key="P-MIG-1", label="", category="smuggled_migrant")
        s.add(migrant)
        s.flush()
        migrant_record = IdentityRecord(
            source_type="pnr", source_key="K7Q2ZX/2", surname="HADDAD", person_id=migrant.id
        )
        s.add(migrant_record)
        s.flush()

        # A group booked 30 hours before departure at Sunrise, paid cash by someone not travelling,
        # one-way DXB-IST-BEG-BUD with a 22-hour transit in Istanbul and a no-show on the last leg.
        group = _booking(
            s,
            "K7Q2ZX",
            "2026-02-28T06:00:00",
            [
                ("DXB", "IST", "2026-03-01T12:00", "2026-03-01T16:00", "HK"),
                ("IST", "BEG", "2026-03-02T14:00", "2026-03-02T15:30", "HK"),
                ("BEG", "BUD", "2026-03-02T18:00", "2026-03-02T19:00", "NO"),
            ],
            agency=sunrise,
            one_way=True,
        )
        world.bookings["group"] = group.id
        escort_record = IdentityRecord(
            source_type="pnr", source_key="XX:GROUP:1", surname="KARIMI", given_names="REZA"
        )
        s.add(escort_record)
        s.flush()
        world.records["escort_pnr"] = escort_record.id
        world.travellers["escort"] = _traveller(
            s,
            group,
            "1",
            "KARIMI",
            "REZA",
            "1985-05-20",
            "M",
            "IRN",
            "K41277310",
            record=escort_record,
        ).id
        world.travellers["migrant"] = _traveller(
            s,
            group,
            "2",
            "HADDAD",
            "OMAR",
            "1999-11-02",
            "M",
            "SYR",
            "N01234567",
            record=migrant_record,
        ).id
        world.travellers["second"] = _traveller(
            s, group, "3", "RAHIMI", "LAYLA", "2001-01-15", "F", "SYR", "N01234569"
        ).id
        world.travellers["minor"] = _traveller(
            s, group, "4", "NOORI", "SAMI", "2012-03-02", "M", "AFG", "P00812215"
        ).id
        s.add_all(
            [
                PnrContact(booking_id=group.id, kind="phone", value="+905321112233"),
                PnrContact(booking_id=group.id, kind="email", value="sunrise.tickets@example.com"),
                PnrPayment(
                    booking_id=group.id,
                    method="CA",
                    amount=2400.0,
                    currency="USD",
                    payer_name="AYDIN MEHMET",
                ),
            ]
        )
        # Split from the group: two more travellers, same phone, a card also used by "other".
        split = _booking(
            s,
            "K7Q3AB",
            "2026-02-28T06:20:00",
            [
                ("DXB", "IST", "2026-03-01T12:00", "2026-03-01T16:00", "HK"),
                ("IST", "BEG", "2026-03-02T14:00", "2026-03-02T15:30", "HK"),
            ],
            agency=sunrise,
            one_way=True,
            split_from="K7Q2ZX",
        )
        world.bookings["split"] = split.id
        world.travellers["split1"] = _traveller(
            s, split, "1", "SAEED", "ALI", "1990-07-07", "M", "SYR", "N01234580"
        ).id
        world.travellers["split2"] = _traveller(
            s, split, "2", "SAEED", "MONA", "1992-02-29", "F", "SYR", None
        ).id
        s.add_all(
            [
                PnrContact(booking_id=split.id, kind="phone", value="+905321112233"),
                PnrPayment(
                    booking_id=split.id,
                    method="CC",
                    card_masked="XXXXXXXXXXXX4417",
                    card_fingerprint="c0ffee4417",
                    payer_name="SAEED ALI",
                ),
            ]
        )
        # The escort again, a month earlier, with other companions.
        earlier = _booking(
            s,
            "M2PL8R",
            "2026-01-27T09:00:00",
            [("DXB", "IST", "2026-01-30T12:00", "2026-01-30T16:00", "HK")],
            agency=sunrise,
            one_way=True,
        )
        world.bookings["earlier"] = earlier.id
        world.travellers["escort_again"] = _traveller(
            s, earlier, "1", "KARIMI", "REZA", "1985-05-20", "M", "IRN", "K41277310"
        ).id
        _traveller(s, earlier, "2", "JAFARI", "HAMID", "1994-04-04", "M", "AFG", "P00799001")
        _traveller(s, earlier, "3", "AZIZI", "ZARA", "1996-09-09", "F", "AFG", "P00799002")
        s.add(PnrContact(booking_id=earlier.id, kind="phone", value="+905321112233"))
        # A family of three, round trip, booked weeks ahead by card, paid by the father.
        family = _booking(
            s,
            "F4MLY9",
            "2026-01-10T10:00:00",
            [
                ("FRA", "IST", "2026-03-01T09:00", "2026-03-01T13:00", "HK"),
                ("IST", "FRA", "2026-03-15T15:00", "2026-03-15T17:30", "HK"),
            ],
            agency=office,
            one_way=False,
        )
        world.bookings["family"] = family.id
        world.travellers["father"] = _traveller(
            s, family, "1", "YILMAZ", "EMRE", "1980-06-01", "M", "D", "C01X00T47"
        ).id
        _traveller(s, family, "2", "YILMAZ", "ELIF", "1983-08-12", "F", "D", "C01X00T55")
        world.travellers["child"] = _traveller(
            s, family, "3", "YILMAZ", "DENIZ", "2015-05-05", "F", "D", "C01X00T63"
        ).id
        _traveller(s, family, "4", "YILMAZ", "ARDA", "2025-06-01", "M", "D", None, infant=True)
        s.add_all(
            [
                PnrContact(booking_id=family.id, kind="email", value="emre.yilmaz@example.de"),
                PnrPayment(
                    booking_id=family.id,
                    method="CC",
                    card_fingerprint="c0ffee4417",
                    payer_name="YILMAZ EMRE",
                ),
            ]
        )
        # A business traveller with a stolen passport number (blank range), no bags, watchlisted.
        business = _booking(
            s,
            "B5SN3S",
            "2026-02-10T08:00:00",
            [("LHR", "IST", "2026-03-01T07:00", "2026-03-01T13:00", "HK")],
            agency=office,
        )
        world.bookings["business"] = business.id
        world.travellers["business"] = _traveller(
            s, business, "1", "SMITH", "JOHN", "1970-01-31", "M", "GBR", "533380212"
        ).id
        s.add(PnrPayment(booking_id=business.id, method="CC", payer_name="JOHN SMITH"))
        s.add(
            ApiTraveller(
                flight_id=flight.id,
                traveller_key="GBR533380212",
                role="passenger",
                surname="SMITH",
                bags=0,
                pnr_traveller_id=world.travellers["business"],
            )
        )
        s.add(
            ApiTraveller(
                flight_id=flight.id,
                traveller_key="IRNK41277310",
                role="passenger",
                surname="KARIMI",
                bags=2,
                pnr_traveller_id=world.travellers["escort"],
            )
        )
        # API sent before the PNR: not linked at ingestion, found by locator and document.
        s.add(
            ApiTraveller(
                flight_id=flight.id,
                traveller_key="AFGP00812215",
                role="passenger",
                surname="NOORI",
                bags=0,
                pnr_locator=group.locator,
                document_country="AFG",
                document_number="P00812215",
            )
        )
        s.add_all(
            [
                DocumentAlert(
                    issuing_state="GBR",
                    document_number="533380200",
                    number_to="533380299",
                    status="stolen_blank",
                    source="SLTD",
                ),
                DocumentAlert(
                    issuing_state="SYR",
                    document_number="N01234569",
                    status="stolen",
                    source="SLTD",
                ),
            ]
        )
        watchlist = Watchlist(name="national", source="test")
        s.add(watchlist)
        s.flush()
        entry = WatchlistEntry(
            watchlist_id=watchlist.id, entry_key="W1", name="KARIMI REZA", content_hash="x"
        )
        s.add(entry)
        s.flush()
        s.add(
            ScreeningHit(
                subject_type="identity_record",
                subject_id=world.records["escort_pnr"],
                entry_id=entry.id,
                score=0.93,
                band="strong",
                data_fingerprint="f",
            )
        )
        # An earlier confirmed alert on the escort's earlier trip: Sunrise's flagged share.
        s.add(
            Alert(
                kind="risk",
                subject_type="pnr_traveller",
                subject_id=world.travellers["escort_again"],
                source_type="test",
                source_id=1,
                status="confirmed",
            )
        )
        # Crossings at a land post: officer O-17 admits two alerted documents.
        post = CrossingPoint(code="RS-HU-KEL", name="Kelebija", country="HUN", kind="land")
        s.add(post)
        s.flush()
        records = []
        docs = []
        for index, (surname, nationality, number) in enumerate(
            [
                ("KARIMI", "IRN", "K41277310"),
                ("HADDAD", "SYR", "N01234567"),
                ("RAHIMI", "SYR", "N01234569"),
                ("SMITH", "GBR", "533380212"),
            ]
        ):
            record = (
                migrant_record
                if index == 1
                else IdentityRecord(
                    source_type="crossing",
                    source_key=f"X{index}",
                    surname=surname,
                    nationality=nationality,
                    birth_date="1985-05-20" if index == 0 else "2001-01-15",
                    sex="M" if index != 2 else "F",
                )
            )
            s.add(record)
            doc = TravelDocument(document_type="P", issuing_state=nationality, number=number)
            s.add(doc)
            s.flush()
            records.append(record)
            docs.append(doc)

        def crossing(
            key: str,
            who: int,
            direction: str,
            at: str,
            officer: str,
            decision: str,
            companions: str | None,
        ) -> int:
            row = BorderCrossing(
                crossing_key=key,
                identity_record_id=records[who].id,
                document_id=docs[who].id,
                crossing_point_id=post.id,
                direction=direction,
                at=_at(at),
                mode="land",
                officer=officer,
                decision=decision,
                companions_ref=companions,
            )
            s.add(row)
            s.flush()
            return row.id

        world.crossings["escort1"] = crossing(
            "C1", 0, "entry", "2026-03-03T02:00:00", "O-17", "admitted", "G1"
        )
        crossing("C2", 1, "entry", "2026-03-03T02:01:00", "O-17", "admitted", "G1")
        world.crossings["alerted"] = crossing(
            "C3", 2, "entry", "2026-03-03T02:02:00", "O-17", "admitted", "G1"
        )
        world.crossings["escort2"] = crossing(
            "C4", 0, "entry", "2026-03-09T03:00:00", "O-17", "admitted", "G2"
        )
        crossing("C5", 3, "entry", "2026-03-09T03:05:00", "O-17", "admitted", "G2")
        world.crossings["other_officer"] = crossing(
            "C6", 3, "exit", "2026-03-12T10:00:00", "O-02", "admitted", None
        )
        crossing("C7", 1, "exit", "2026-03-12T11:00:00", "O-02", "admitted", None)
    return world


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> World:
    return populate(sessions)


@pytest.fixture
def world_engine(engine: Engine) -> Engine:
    return engine
