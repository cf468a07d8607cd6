"""A fixed corpus of writer output: the hand-written sample messages read and written back under
several service strings, and seeded random manifests and PNR messages using every part of the
model with every service character in the data.

``tests/passenger/data/writer_corpus.json`` holds the SHA-256 of each text as the writers made it
before they were tuned for speed; ``test_writer_corpus.py`` checks the writers still make the same
bytes.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path

from filet.passenger import (
    Address,
    Agency,
    ApiTraveller,
    CheckIn,
    Contact,
    Fare,
    Flight,
    FlightLeg,
    FlightManifest,
    FrequentFlyer,
    HistoryAction,
    HistoryEntry,
    ItineraryLeg,
    Originator,
    Payment,
    PnrBooking,
    PnrMessage,
    PnrTraveller,
    ReportingParty,
    SeatAssignment,
    SsrDoca,
    SsrDoco,
    SsrDocs,
    SsrOther,
    Tax,
    Ticket,
    TicketingOffice,
    TravelDocument,
    TravellerName,
    read_paxlst,
    read_pnrgov,
    write_paxlst,
    write_pnrgov,
)

MESSAGES = Path(__file__).parent / "messages"
SERVICES = (":+.? '", "*|.# !", "/~,\\ @")
TEXT_ALPHABET = "ABCXYZ '+:?*|#!~\\@-.,éßДمء0123456789"
SSR_ALPHABET = "ABCXYZ '+:?*|#!-.éД0123456789"
AIRPORTS = ("IST", "ATH", "FRA", "LOS", "ADD", "DXB", "CDG", "AMS")


def _text(rng: random.Random, alphabet: str = TEXT_ALPHABET, size: int = 10) -> str:
    value = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, size))).strip()
    return value or "A"


def _maybe(rng: random.Random, value: object) -> object:
    return value if rng.random() < 0.6 else None


def _when(rng: random.Random) -> datetime:
    return datetime(2024, 1, 1, 0, 0) + timedelta(minutes=rng.randrange(0, 3 * 365 * 24 * 60))


def _day(rng: random.Random) -> date:
    return date(1935, 1, 1) + timedelta(days=rng.randrange(0, 45000))


def _flight(rng: random.Random, legs: int) -> Flight:
    stops = rng.sample(AIRPORTS, legs + 1)
    start = _when(rng)
    return Flight(
        carrier=rng.choice(["XX", "TK", "KL"]),
        number=str(rng.randrange(1, 9999)),
        suffix=rng.choice(["", "", "A"]),
        operating_carrier=rng.choice([None, "YY"]),
        legs=[
            FlightLeg(
                departure_airport=stops[i],
                arrival_airport=stops[i + 1],
                departure_local=start + timedelta(hours=4 * i) if rng.random() < 0.9 else None,
                arrival_local=start + timedelta(hours=4 * i + 2) if rng.random() < 0.8 else None,
            )
            for i in range(legs)
        ],
    )


def _api_traveller(rng: random.Random) -> ApiTraveller:
    return ApiTraveller(
        name=TravellerName(surname=_text(rng), given_names=rng.choice(["", _text(rng)])),
        role=rng.choice(["passenger", "in_transit_passenger", "crew"]),
        address=Address(street=_text(rng), city=_text(rng), postal_code="1000", country="NLD")
        if rng.random() < 0.3
        else None,
        sex=rng.choice(["M", "F", "X", None]),
        birth_date=_day(rng) if rng.random() < 0.8 else None,
        nationality=rng.choice(["SYR", "NGA", None]),
        residence_country=rng.choice(["NLD", None]),
        birth_country=rng.choice(["SYR", None]),
        birthplace=rng.choice([None, _text(rng)]),
        embarkation=rng.choice(AIRPORTS),
        debarkation=rng.choice([*AIRPORTS, None]),
        final_destination=rng.choice([None, "JFK"]),
        pnr_locator=rng.choice([None, _text(rng)]),
        passenger_reference=rng.choice([None, str(rng.randrange(1000))]),
        seat=rng.choice([None, "074E", "12C"]),
        documents=[
            TravelDocument(
                doc_type=rng.choice("PVI"),
                number=_text(rng),
                issuing_state=rng.choice(["SYR", None]),
                expiry=_day(rng) if rng.random() < 0.7 else None,
                issue_date=_day(rng) if rng.random() < 0.3 else None,
            )
            for _ in range(rng.randrange(3))
        ],
        bags_count=rng.choice([None, 0, 2]),
        bags_weight=rng.choice([None, 23.0, 17.5]),
        bags_weight_unit=rng.choice([None, "KGM", "LBR"]),
    )


def _manifest(rng: random.Random, index: int) -> FlightManifest:
    return FlightManifest(
        flight=_flight(rng, rng.randint(1, 3)),
        list_type=rng.choice(["passenger", "crew"]),
        travellers=[_api_traveller(rng) for _ in range(rng.randrange(0, 12))],
        reporting_party=ReportingParty(
            name=_text(rng), phone="+31 20 555", fax=None, email="ops@x.example"
        )
        if rng.random() < 0.5
        else None,
        previous_flights=[_flight(rng, 1)] if rng.random() < 0.3 else [],
        transaction_ref=rng.choice([None, f"T{index}"]),
        directory=rng.choice(["D05B", "D02B"]),
        sender=rng.choice([None, "KL"]),
        recipient=rng.choice([None, "NLD"]),
        interchange_ref=str(index),
    )


def _ssr(rng: random.Random, ref: str | None) -> object:
    kind = rng.randrange(4)
    if kind == 0:
        return SsrDocs(
            status="HK",
            carrier="XX",
            doc_type="P",
            issuing_state="SYR",
            number=_text(rng, SSR_ALPHABET),
            nationality="SYR",
            birth_date=_day(rng) if rng.random() < 0.8 else None,
            sex=rng.choice(["M", "F", "MI", None]),
            expiry=_day(rng) if rng.random() < 0.5 else None,
            surname=_text(rng, SSR_ALPHABET),
            given_names=rng.choice([None, _text(rng, SSR_ALPHABET)]),
            middle_names=rng.choice([None, "B"]),
            traveller_ref=ref,
        )
    if kind == 1:
        return SsrDoco(
            status="HK",
            birthplace=_text(rng, SSR_ALPHABET),
            doc_type="V",
            number="V123",
            issue_place="AMS",
            issue_date=_day(rng),
            applicable_country="NLD",
            traveller_ref=ref,
        )
    if kind == 2:
        return SsrDoca(
            status="HK", kind="D", country="NLD", street=_text(rng, SSR_ALPHABET), city="A"
        )
    return SsrOther(
        code=rng.choice(["WCHR", "VGML", "OTHS"]),
        status="HK",
        quantity=rng.choice([None, 1]),
        carrier="XX",
        text=_text(rng),
        traveller_ref=ref,
    )


def _ticket(rng: random.Random) -> Ticket:
    return Ticket(
        number=f"235{rng.randrange(10**10):010d}",
        doc_type=rng.choice(["T", "E"]),
        booklets=rng.choice([None, 1]),
        issued=_when(rng) if rng.random() < 0.5 else None,
        fares=[Fare(kind="T", amount="320.00", currency="EUR")] if rng.random() < 0.7 else [],
        taxes=[Tax(amount="12.50", code="YQ")] if rng.random() < 0.5 else [],
        office=TicketingOffice(
            issued=_when(rng), carrier="XX", numeric_code="12345678", location="IST", indicator="A"
        )
        if rng.random() < 0.5
        else None,
        payments=[
            Payment(
                form=rng.choice(["CC", "CA", "MS"]),
                amount=rng.choice([None, 320.0, 99.5]),
                card_vendor=rng.choice([None, "VI"]),
                card_number_masked=rng.choice([None, "XXXXXXXXXXXX1111"]),
                card_expiry=rng.choice([None, "0130"]),
                payer_name=rng.choice([None, _text(rng)]),
                payer_address=rng.choice([None, _text(rng)]),
                payer_phone=rng.choice([None, "+90 212 555 0101"]),
            )
            for _ in range(rng.randrange(3))
        ],
    )


def _booking(rng: random.Random, flight: Flight, index: int) -> PnrBooking:
    size = rng.randint(1, 4)
    travellers = [
        PnrTraveller(
            name=TravellerName(surname=_text(rng), given_names=rng.choice(["", _text(rng)])),
            traveller_ref=rng.choice([str(r), str(r), None]),
            traveller_type=rng.choice(["A", "C", "IN", None]),
            with_infant=rng.random() < 0.1,
            unique_ref=rng.choice([None, f"U{index}{r}"]),
            frequent_flyer=[FrequentFlyer(airline="XX", number="123456", tier="G")]
            if rng.random() < 0.2
            else [],
            remarks=[_ssr(rng, str(r)) for _ in range(rng.randrange(3))],  # type: ignore[misc]
            tickets=[_ticket(rng) for _ in range(rng.randrange(2))],
        )
        for r in range(1, size + 1)
    ]
    contacts = [
        Contact(
            kind=rng.choice(["phone", "email"]),
            value=rng.choice(["+905551234567", "A.B@X.EXAMPLE", "0212 555 01 01"]),
            qualifier=rng.choice([None, "CTCM", "CTCR"]),
            source=rng.choice(["IFT", "SSR"]),
            traveller_ref=rng.choice([None, "1"]),
        )
        for _ in range(rng.randrange(3))
    ]
    return PnrBooking(
        record_locator=f"R{index:05d}",
        locator_carrier=rng.choice([None, "XX"]),
        created=_when(rng) if rng.random() < 0.9 else None,
        last_changed=_when(rng) if rng.random() < 0.5 else None,
        other_locators=rng.choice([[], ["YY:ABC123"]]),
        split_references=rng.choice([[], ["XX:SPL001", "SPL002"]]),
        agency=Agency(
            airline="XX",
            location="IST",
            agency_id="12345675",
            agency_location="IST",
            originator_type="T",
            country="TR",
            currency="EUR",
            agent=_text(rng),
        )
        if rng.random() < 0.5
        else None,
        addresses=[
            Address(
                kind="700",
                street=_text(rng),
                city=_text(rng),
                region=None,
                postal_code="34000",
                country="TR",
                phone="02125550101",
            )
        ]
        if rng.random() < 0.4
        else [],
        contacts=contacts,
        free_text=[_text(rng, size=30) for _ in range(rng.randrange(3))],
        remarks=[_ssr(rng, "1") for _ in range(rng.randrange(2))],  # type: ignore[misc]
        travellers=travellers,
        itinerary=[
            ItineraryLeg(
                flight=flight if leg == 0 else _flight(rng, 1),
                booking_class=rng.choice([None, "Y"]),
                status=rng.choice([None, "HK"]),
                party_size=rng.choice([None, size]),
                aircraft=rng.choice([None, "320"]),
                seats=[SeatAssignment(seat=f"{r + 10}C", traveller_ref=str(r)) for r in range(2)]
                if rng.random() < 0.5
                else [],
                check_ins=[
                    CheckIn(
                        traveller_ref="1",
                        name=TravellerName(surname=_text(rng), given_names="")
                        if rng.random() < 0.3
                        else None,
                        seat=rng.choice([None, "12C"]),
                        checked_in=_when(rng) if rng.random() < 0.7 else None,
                        bags_count=rng.choice([None, 1]),
                        bags_weight=rng.choice([None, 23.0]),
                        bags_weight_unit=rng.choice([None, "700"]),
                        bag_tags=rng.choice([[], ["XX123456"]]),
                    )
                ]
                if rng.random() < 0.5
                else [],
                remarks=[_ssr(rng, None)] if rng.random() < 0.2 else [],  # type: ignore[list-item]
            )
            for leg in range(rng.randint(1, 2))
        ],
        history=[
            HistoryEntry(
                originator="XX",
                location="IST",
                carrier="XX",
                changed=_when(rng),
                actions=[
                    HistoryAction(action="X", tag="TIF", elements=[["OLD?NAME"], ["A", "1"]]),
                    HistoryAction(action="A"),
                ],
            )
        ]
        if rng.random() < 0.3
        else [],
    )


def _pnr_message(rng: random.Random, index: int) -> PnrMessage:
    flight = _flight(rng, 1)
    return PnrMessage(
        flight=flight,
        bookings=[_booking(rng, flight, index * 10 + b) for b in range(rng.randint(1, 4))],
        originator=Originator(airline="XX", location="IST", agency_id="1", agent="Q")
        if rng.random() < 0.5
        else None,
        version=rng.choice(["11.1", "13.1", "17.1"]),
        sender=rng.choice([None, "XX"]),
        recipient=rng.choice([None, "NLD"]),
        interchange_ref=str(index),
        message_ref=rng.choice([None, f"M{index}"]),
        common_access_ref=rng.choice([None, "CAR1"]),
    )


def corpus() -> dict[str, str]:
    """Case name → the text the writers make for it."""
    out: dict[str, str] = {}
    for path in sorted(MESSAGES.glob("*.edi")):
        data = path.read_bytes()
        for service in SERVICES:
            for line_breaks in (True, False):
                label = f"{path.stem}|{service}|{line_breaks}"
                if path.name.startswith("paxlst"):
                    for n, manifest in enumerate(read_paxlst(data)):
                        out[f"{label}|{n}"] = write_paxlst(
                            manifest, service=service, line_breaks=line_breaks
                        )
                        out[f"{label}|{n}|parts"] = write_paxlst(
                            manifest,
                            service=service,
                            line_breaks=line_breaks,
                            max_travellers_per_part=1,
                            prepared=datetime(2026, 3, 4, 5, 6),
                        )
                else:
                    for n, message in enumerate(read_pnrgov(data)):
                        out[f"{label}|{n}"] = write_pnrgov(
                            message, service=service, line_breaks=line_breaks
                        )
    rng = random.Random(20261128)
    for index in range(60):
        service = SERVICES[index % len(SERVICES)]
        manifest = _manifest(rng, index)
        out[f"paxlst-random-{index}"] = write_paxlst(
            manifest,
            service=service,
            line_breaks=index % 2 == 0,
            max_travellers_per_part=rng.choice([None, 3, 5]),
        )
    for index in range(60):
        service = SERVICES[index % len(SERVICES)]
        out[f"pnrgov-random-{index}"] = write_pnrgov(
            _pnr_message(rng, index),
            service=service,
            line_breaks=index % 2 == 0,
            prepared=_when(rng),
        )
    return out
