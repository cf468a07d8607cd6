"""Flights, bookings and crossings of the world, buffered by day and flushed in order.

A trip adds passengers to flights and crossings on future days; when the generator moves past a
day, every flight and crossing of that day is final and is written (through the passenger and
document writers) with its truth rows. Only flights that arrive at or leave a reporting airport
are written: that is what the border authority of the simulation receives.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zlib
from collections import defaultdict
from dataclasses import dataclass, field, replace

from filet.passenger import (
    Agency,
    ApiTraveller,
    CheckIn,
    Contact,
    CrossingRecord,
    Fare,
    Flight,
    FlightLeg,
    FrequentFlyer,
    ItineraryLeg,
    Payment,
    PnrBooking,
    PnrTraveller,
    SeatAssignment,
    SsrDoco,
    SsrDocs,
    Ticket,
    TicketingOffice,
    TravelDocument,
    TravellerName,
)
from filet.synth._catalogue import Catalogue
from filet.synth._people import Person, TravelDocumentRecord


@dataclass(slots=True)
class RecordTruth:
    """What a record really is: whose identity it carries and who was really there."""

    identity_person_id: str
    physical_person_id: str
    operation_id: str = ""
    group_id: str = ""
    variations: tuple[str, ...] = ()


@dataclass(slots=True)
class Passenger:
    """One traveller on a trip, as the booking and the documents present them."""

    identity: Person
    physical: Person
    document: TravelDocumentRecord | None
    booked_surname: str
    booked_given: str
    booked_variations: tuple[str, ...]
    visa: TravelDocumentRecord | None = None
    booked_birth: dt.date | None = None
    operation_id: str = ""
    group_id: str = ""
    no_show_legs: frozenset[int] = frozenset()
    undocumented_arrival: bool = False
    entry_decision: str = "admitted"
    entry_reasons: tuple[str, ...] = ()
    entry_officer: str = ""
    child: bool = False
    bags: int = 1

    def truth(self) -> RecordTruth:
        return RecordTruth(
            self.identity.person_id,
            self.physical.person_id,
            self.operation_id,
            self.group_id,
            self.booked_variations,
        )


@dataclass(slots=True)
class BookingPlan:
    """How a party books: contacts, payment, agency, timing, one-way or return."""

    passengers: list[Passenger]
    contact_phone: str
    contact_email: str
    payment_form: str
    created: dt.datetime
    card_number: str = ""
    payer_name: str = ""
    payer_phone: str = ""
    agency: str = ""
    agency_city: str = ""
    agency_country: str = ""
    return_after_days: int | None = None
    split_references: tuple[str, ...] = ()
    kind: str = ""
    operation_id: str = ""
    group_id: str = ""
    fare: float = 450.0
    locator: str = ""


@dataclass(slots=True)
class FlightLoad:
    """One scheduled flight on one day with everything the world put on it."""

    carrier: str
    number: str
    origin: str
    destination: str
    departure: dt.datetime
    arrival: dt.datetime
    api: list[tuple[ApiTraveller, RecordTruth]] = field(default_factory=list)
    bookings: dict[str, tuple[PnrBooking, list[RecordTruth]]] = field(default_factory=dict)
    seats_taken: int = 0
    _model: Flight | None = None

    def model(self) -> Flight:
        """The flight as the passenger model has it (built once, shared by every message)."""
        if self._model is None:
            self._model = Flight(
                carrier=self.carrier,
                number=self.number,
                legs=[
                    FlightLeg(
                        departure_airport=self.origin,
                        arrival_airport=self.destination,
                        departure_local=self.departure,
                        arrival_local=self.arrival,
                    )
                ],
            )
        return self._model

    @property
    def designator(self) -> str:
        return f"{self.carrier}{int(self.number):04d}"

    def next_seat(self) -> str:
        row, col = divmod(self.seats_taken, 6)
        self.seats_taken += 1
        return f"{row + 8}{'ABCDEF'[col]}"


@dataclass(slots=True)
class PendingCrossing:
    """A crossing waiting for its day to be written, with its truth and presented documents."""

    record: CrossingRecord
    truth: RecordTruth
    documents: tuple[TravelDocumentRecord, ...] = ()


def stable(text: str) -> int:
    """A hash that is the same in every process (Python's ``hash`` is salted)."""
    return zlib.crc32(text.encode("utf-8"))


class TravelBook:
    """The buffer of future flights and crossings, keyed by day."""

    def __init__(self, catalogue: Catalogue, reporting: frozenset[str], end: dt.date) -> None:
        self.catalogue = catalogue
        self.reporting = reporting
        self.end = end
        self.flights: dict[dt.date, dict[tuple[str, str], FlightLoad]] = defaultdict(dict)
        self.crossings: dict[dt.date, list[PendingCrossing]] = defaultdict(list)
        self.locators: set[str] = set()

    # --- schedule --------------------------------------------------------------------------------

    def flight(self, origin: str, destination: str, day: dt.date) -> FlightLoad:
        """The day's flight from ``origin`` to ``destination`` (one daily flight per pair)."""
        key = (origin, destination)
        existing = self.flights[day].get(key)
        if existing is not None:
            return existing
        a, b = self.catalogue.airports[origin], self.catalogue.airports[destination]
        pair = f"{origin}{destination}"
        carriers = [c for c in (a.home_carrier, b.home_carrier) if c] or ["XQ"]
        carrier = carriers[stable(pair) % len(carriers)]
        number = str(100 + stable(pair + "n") % 1900)
        minutes = 300 + (stable(pair + "t") % 216) * 5
        departure = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes)
        duration = self.catalogue.distance_km(origin, destination) / 13.3 + 30
        arrival = departure + dt.timedelta(minutes=round(duration / 5) * 5)
        load = FlightLoad(carrier, number, origin, destination, departure, arrival)
        self.flights[day][key] = load
        return load

    def is_reported(self, load: FlightLoad) -> bool:
        return (
            load.origin in self.reporting or load.destination in self.reporting
        ) and load.departure.date() < self.end

    def legs_for(self, path: tuple[str, ...], day: dt.date) -> list[FlightLoad]:
        """Flights along ``path`` starting on ``day``, each connection at least 90 minutes."""
        legs: list[FlightLoad] = []
        current = day
        for origin, destination in itertools.pairwise(path):
            load = self.flight(origin, destination, current)
            if legs and load.departure < legs[-1].arrival + dt.timedelta(minutes=90):
                current = current + dt.timedelta(days=1)
                load = self.flight(origin, destination, current)
            legs.append(load)
            current = load.arrival.date()
        return legs

    def new_locator(self, rng_value: int) -> str:
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        value = rng_value
        while True:
            text = ""
            v = value
            for _ in range(6):
                v, r = divmod(v, len(alphabet))
                text += alphabet[r]
            if text not in self.locators:
                self.locators.add(text)
                return text
            value = value * 31 + 7

    # --- bookings ------------------------------------------------------------------------------

    def book(
        self, plan: BookingPlan, path: tuple[str, ...], day: dt.date, crossings: bool = True
    ) -> list[FlightLoad]:
        """Put a booking on its flights (outbound and, if any, return) and schedule crossings."""
        outbound = self.legs_for(path, day)
        legs = list(outbound)
        inbound: list[FlightLoad] = []
        if plan.return_after_days is not None:
            back = outbound[-1].arrival.date() + dt.timedelta(days=plan.return_after_days)
            inbound = self.legs_for(tuple(reversed(path)), back)
            legs += inbound
        booking = self._pnr(plan, legs)
        truths = [p.truth() for p in plan.passengers]
        api_names = [self._api_name(p) for p in plan.passengers]
        # API data come from the document, so they carry none of the booking's name variations.
        api_truths = [replace(t, variations=()) for t in truths]
        for index, load in enumerate(legs):
            itinerary = booking.itinerary[index]
            seats: list[str] = []
            for ref, passenger in enumerate(plan.passengers, start=1):
                if index in passenger.no_show_legs:
                    continue
                seat = load.next_seat()
                seats.append(seat)
                itinerary.seats.append(SeatAssignment(seat=seat, traveller_ref=str(ref)))
                if load.departure.date() < self.end:
                    itinerary.check_ins.append(
                        CheckIn(
                            traveller_ref=str(ref),
                            seat=seat,
                            checked_in=load.departure - dt.timedelta(minutes=95 + ref),
                            bags_count=passenger.bags,
                        )
                    )
                if self.is_reported(load):
                    traveller = self._api(passenger, load, booking, seat, api_names[ref - 1])
                    load.api.append((traveller, api_truths[ref - 1]))
            if self.is_reported(load):
                load.bookings[booking.record_locator] = (booking, truths)
        if crossings:
            self._air_crossings(plan, outbound, inbound)
        return legs

    def _pnr(self, plan: BookingPlan, legs: list[FlightLoad]) -> PnrBooking:
        travellers: list[PnrTraveller] = []
        for ref, p in enumerate(plan.passengers, start=1):
            remarks: list[SsrDocs | SsrDoco] = []
            doc = p.document
            if doc is not None:
                remarks.append(
                    SsrDocs(
                        status="HK",
                        carrier=legs[0].carrier,
                        doc_type=doc.doc_type,
                        issuing_state=doc.issuing_state,
                        number=doc.number,
                        nationality=doc.nationality,
                        birth_date=p.booked_birth or doc.birth_date,
                        sex=doc.sex,
                        expiry=doc.expiry,
                        surname=_ssr_text(p.booked_surname),
                        given_names=_ssr_text(p.booked_given),
                        traveller_ref=str(ref),
                    )
                )
            if p.visa is not None:
                remarks.append(
                    SsrDoco(
                        status="HK",
                        carrier=legs[0].carrier,
                        doc_type="V",
                        number=p.visa.number,
                        issue_place=p.visa.issuing_state,
                        issue_date=p.visa.issue_date,
                        applicable_country=p.visa.visa_for,
                        traveller_ref=str(ref),
                    )
                )
            payment = Payment(
                form=plan.payment_form,
                amount=plan.fare,
                card_vendor="VI" if plan.payment_form == "CC" else None,
                card_number_masked=plan.card_number if plan.payment_form == "CC" else None,
                payer_name=plan.payer_name.upper() or None,
                payer_phone=plan.payer_phone or None,
            )
            ticket = Ticket(
                number=f"{stable(plan.locator + str(ref)) % 10**10:010d}",
                issued=plan.created,
                fares=[Fare(kind="T", amount=f"{plan.fare:.2f}", currency="USD")],
                office=TicketingOffice(
                    issued=plan.created,
                    carrier=legs[0].carrier,
                    location=plan.agency_city.upper() or legs[0].origin,
                    numeric_code=plan.agency or None,
                ),
                payments=[payment],
            )
            travellers.append(
                PnrTraveller(
                    name=TravellerName(
                        surname=p.booked_surname.upper(), given_names=p.booked_given.upper()
                    ),
                    traveller_ref=str(ref),
                    traveller_type="CHD" if p.child else None,
                    frequent_flyer=(
                        [
                            FrequentFlyer(
                                airline=legs[0].carrier,
                                number=f"{stable(p.identity.person_id) % 10**9:09d}",
                                tier="GLD",
                            )
                        ]
                        if plan.kind == "business"
                        else []
                    ),
                    remarks=list(remarks),
                    tickets=[ticket],
                )
            )
        itinerary = [
            ItineraryLeg(
                flight=load.model(),
                booking_class="Y",
                status="HK",
                party_size=len(plan.passengers),
            )
            for load in legs
        ]
        contacts = [
            Contact(kind="phone", value=plan.contact_phone, qualifier="CTCM"),
        ]
        if plan.contact_email:
            contacts.append(Contact(kind="email", value=plan.contact_email, qualifier="CTCE"))
        agency = (
            Agency(
                airline=legs[0].carrier,
                location=plan.agency_city.upper() or None,
                agency_id=plan.agency,
                originator_type="T",
                country=plan.agency_country or None,
            )
            if plan.agency
            else Agency(airline=legs[0].carrier, location=legs[0].origin, originator_type="A")
        )
        return PnrBooking(
            record_locator=plan.locator,
            locator_carrier=legs[0].carrier,
            created=plan.created,
            last_changed=plan.created,
            split_references=list(plan.split_references),
            agency=agency,
            contacts=contacts,
            travellers=travellers,
            itinerary=itinerary,
        )

    @staticmethod
    def _api_name(p: Passenger) -> TravellerName:
        doc = p.document
        surname, given = (doc.surname, doc.given_names) if doc else p.identity.document_name()
        return TravellerName(surname=surname.upper(), given_names=given.upper())

    def _api(
        self, p: Passenger, load: FlightLoad, booking: PnrBooking, seat: str, name: TravellerName
    ) -> ApiTraveller:
        person, doc = p.identity, p.document
        documents = []
        if doc is not None:
            documents.append(
                TravelDocument(
                    doc_type=doc.doc_type,
                    number=doc.number,
                    issuing_state=doc.issuing_state,
                    expiry=doc.expiry,
                )
            )
        if p.visa is not None:
            documents.append(
                TravelDocument(
                    doc_type="V",
                    number=p.visa.number,
                    issuing_state=p.visa.issuing_state,
                    expiry=p.visa.expiry,
                )
            )
        return ApiTraveller(
            name=name,
            sex=doc.sex if doc else person.sex,
            birth_date=doc.birth_date if doc else person.document_birth_date,
            nationality=doc.nationality if doc else person.nationality,
            embarkation=load.origin,
            debarkation=load.destination,
            pnr_locator=booking.record_locator,
            seat=seat,
            documents=documents,
            bags_count=p.bags,
        )

    def _air_crossings(
        self, plan: BookingPlan, outbound: list[FlightLoad], inbound: list[FlightLoad]
    ) -> None:
        first, last = outbound[0], outbound[-1]
        for p in plan.passengers:
            if first.origin in self.reporting:
                self.crossing_air(p, first, "exit", p.physical)
            if last.destination in self.reporting and (len(outbound) - 1) not in p.no_show_legs:
                self.crossing_air(p, last, "entry", p.physical)
            if inbound:
                if inbound[0].origin in self.reporting:
                    self.crossing_air(p, inbound[0], "exit", p.physical, returning=True)
                if inbound[-1].destination in self.reporting:
                    self.crossing_air(p, inbound[-1], "entry", p.physical, returning=True)

    def crossing_air(
        self,
        p: Passenger,
        load: FlightLoad,
        direction: str,
        physical: Person,
        returning: bool = False,
    ) -> None:
        when = load.arrival if direction == "entry" else load.departure - dt.timedelta(hours=1)
        when = when.replace(tzinfo=dt.UTC)
        point = load.destination if direction == "entry" else load.origin
        undocumented = p.undocumented_arrival and direction == "entry" and not returning
        doc = None if undocumented else p.document
        if undocumented:
            surname, given = physical.document_name()
            sex, birth, nationality = (
                physical.sex,
                physical.document_birth_date,
                physical.nationality,
            )
            truth = RecordTruth(
                physical.person_id, physical.person_id, p.operation_id, p.group_id, ()
            )
        else:
            holder = p.identity
            surname, given = (doc.surname, doc.given_names) if doc else holder.document_name()
            sex = doc.sex if doc else holder.sex
            birth = doc.birth_date if doc else holder.document_birth_date
            nationality = doc.nationality if doc else holder.nationality
            truth = RecordTruth(holder.person_id, physical.person_id, p.operation_id, p.group_id)
        decision = "admitted"
        reasons: tuple[str, ...] = ()
        if direction == "entry" and not returning:
            decision, reasons = p.entry_decision, p.entry_reasons
        elif direction == "exit":
            decision = "admitted"
        docs: tuple[TravelDocumentRecord, ...] = ()
        if doc is not None:
            docs = (doc,) if p.visa is None or direction == "exit" else (doc, p.visa)
        record = CrossingRecord(
            crossing_point=point,
            direction="entry" if direction == "entry" else "exit",
            time=when,
            mode="air",
            name=TravellerName(surname=surname.upper(), given_names=given.upper()),
            carrier=load.carrier,
            voyage=load.designator,
            birth_date=birth,
            sex=sex,
            nationality=nationality,
            document=crossing_document(doc),
            officer_id=p.entry_officer or f"{point}-{stable(p.identity.person_id) % 40 + 1:03d}",
            decision=decision,
            decision_reasons=list(reasons),
        )
        if when.date() < self.end:
            self.crossings[when.date()].append(PendingCrossing(record, truth, docs))


def _ssr_text(name: str) -> str:
    """A name as an agent types it into an SSR, where ``/`` separates fields."""
    return " ".join(name.replace("/", " ").upper().split())


def crossing_document(doc: TravelDocumentRecord | None) -> TravelDocument | None:
    """The passenger-model document for a world document (``None`` when nothing is presented)."""
    if doc is None:
        return None
    return TravelDocument(
        doc_type=doc.doc_type,
        number=doc.number,
        issuing_state=doc.issuing_state,
        expiry=doc.expiry,
        issue_date=doc.issue_date,
    )
