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
from dataclasses import dataclass, field

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
    SsrDoca,
    SsrDoco,
    SsrDocs,
    SsrOther,
    Ticket,
    TicketingOffice,
    TravelDocument,
    TravellerName,
)
from filet.synth._catalogue import Catalogue
from filet.synth._people import Person, TravelDocumentRecord

_MIDNIGHT = dt.time()
_CACHE_LIMIT = 200_000
_HOUR = dt.timedelta(hours=1)
_LOCATOR_SPACE = 32**6  # six letters of a 32-letter alphabet


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
class BookingTruth:
    """The truth of a booking's travellers, written once, with the first flight that carries it
    (a flag on the booking rather than a set of every locator written, which would grow)."""

    travellers: list[RecordTruth]
    written: bool = False


@dataclass(slots=True)
class FlightLoad:
    """One scheduled flight on one day with everything the world put on it."""

    carrier: str
    number: str
    origin: str
    destination: str
    departure: dt.datetime
    arrival: dt.datetime
    designator: str = ""
    reported: bool = False
    """The flight arrives at or leaves a reporting airport and departs within the period."""
    api: list[tuple[ApiTraveller, RecordTruth]] = field(default_factory=list)
    bookings: dict[str, tuple[PnrBooking, BookingTruth]] = field(default_factory=dict)
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
        # Locators handed out, as the 30-bit numbers their six letters spell (an int is half the
        # memory of the string).
        self.locators: set[int] = set()
        # Per airport pair: carrier, number, designator, departure minute, duration, reported.
        self._schedule: dict[tuple[str, str], tuple[str, str, str, int, int, bool]] = {}
        self._names: dict[tuple[str, str], TravellerName] = {}
        self._documents: dict[str, TravelDocument] = {}

    # --- schedule --------------------------------------------------------------------------------

    def flight(self, origin: str, destination: str, day: dt.date) -> FlightLoad:
        """The day's flight from ``origin`` to ``destination`` (one daily flight per pair)."""
        key = (origin, destination)
        loads = self.flights[day]
        existing = loads.get(key)
        if existing is not None:
            return existing
        schedule = self._schedule.get(key)
        if schedule is None:
            schedule = self._schedule[key] = self._pair_schedule(origin, destination)
        carrier, number, designator, minutes, duration, reported_pair = schedule
        departure = dt.datetime.combine(day, _MIDNIGHT) + dt.timedelta(minutes=minutes)
        arrival = departure + dt.timedelta(minutes=duration)
        load = FlightLoad(
            carrier,
            number,
            origin,
            destination,
            departure,
            arrival,
            designator,
            reported_pair and day < self.end,
        )
        loads[key] = load
        return load

    def _pair_schedule(self, origin: str, destination: str) -> tuple[str, str, str, int, int, bool]:
        """The daily flight between two airports: carrier, number, time and duration."""
        a, b = self.catalogue.airports[origin], self.catalogue.airports[destination]
        pair = f"{origin}{destination}"
        carriers = [c for c in (a.home_carrier, b.home_carrier) if c] or ["XQ"]
        carrier = carriers[stable(pair) % len(carriers)]
        number = str(100 + stable(pair + "n") % 1900)
        minutes = 300 + (stable(pair + "t") % 216) * 5
        duration = self.catalogue.distance_km(origin, destination) / 13.3 + 30
        reported = origin in self.reporting or destination in self.reporting
        return (
            carrier,
            number,
            f"{carrier}{int(number):04d}",
            minutes,
            round(duration / 5) * 5,
            reported,
        )

    def name(self, surname: str, given: str) -> TravellerName:
        """A passenger-model name (upper case), shared between the records that carry it."""
        key = (surname, given)
        found = self._names.get(key)
        if found is None:
            if len(self._names) > _CACHE_LIMIT:
                self._names.clear()
            found = self._names[key] = TravellerName(
                surname=surname.upper(), given_names=given.upper()
            )
        return found

    def crossing_document(self, doc: TravelDocumentRecord | None) -> TravelDocument | None:
        """:func:`crossing_document`, built once per document."""
        if doc is None:
            return None
        found = self._documents.get(doc.document_id)
        if found is None:
            if len(self._documents) > _CACHE_LIMIT:
                self._documents.clear()
            found = self._documents[doc.document_id] = _document_model(doc)
        return found

    @staticmethod
    def is_reported(load: FlightLoad) -> bool:
        return load.reported

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
            spelled = value % _LOCATOR_SPACE
            if spelled not in self.locators:
                self.locators.add(spelled)
                text = ""
                v = spelled
                for _ in range(6):
                    v, r = divmod(v, len(alphabet))
                    text += alphabet[r]
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
        passengers = plan.passengers
        refs = [str(ref) for ref in range(1, len(passengers) + 1)]
        booking = self._pnr(plan, legs, refs)
        truths = [
            RecordTruth(
                p.identity.person_id,
                p.physical.person_id,
                p.operation_id,
                p.group_id,
                p.booked_variations,
            )
            for p in passengers
        ]
        booking_truth = BookingTruth(truths)
        api: list[tuple[TravellerName, list[TravelDocument], RecordTruth]] = []
        end = self.end
        locator = booking.record_locator
        for index, load in enumerate(legs):
            itinerary = booking.itinerary[index]
            seats = itinerary.seats
            check_ins = itinerary.check_ins
            in_period = load.departure.date() < end
            reported = load.reported
            if reported and not api:
                # API data come from the document, so they carry none of the booking's name
                # variations.
                api = [
                    (
                        self._api_name(p),
                        self._api_documents(p),
                        RecordTruth(
                            t.identity_person_id,
                            t.physical_person_id,
                            t.operation_id,
                            t.group_id,
                            (),
                        ),
                    )
                    for p, t in zip(passengers, truths, strict=True)
                ]
            departure = load.departure
            for position, passenger in enumerate(passengers):
                if passenger.no_show_legs and index in passenger.no_show_legs:
                    continue
                ref = refs[position]
                seat = load.next_seat()
                seats.append(SeatAssignment(seat=seat, traveller_ref=ref))
                if in_period:
                    check_ins.append(
                        CheckIn(
                            traveller_ref=ref,
                            seat=seat,
                            checked_in=departure - dt.timedelta(minutes=96 + position),
                            bags_count=passenger.bags,
                        )
                    )
                if reported:
                    name, documents, api_truth = api[position]
                    traveller = self._api(passenger, load, locator, seat, name, documents)
                    load.api.append((traveller, api_truth))
            if reported:
                load.bookings[locator] = (booking, booking_truth)
        if crossings:
            self._air_crossings(plan, outbound, inbound)
        return legs

    def _pnr(self, plan: BookingPlan, legs: list[FlightLoad], refs: list[str]) -> PnrBooking:
        first = legs[0]
        carrier = first.carrier
        card = plan.payment_form == "CC"
        # One payment, office and fare for the whole booking (every traveller's ticket says the
        # same); the writers only read them.
        payment = Payment(
            form=plan.payment_form,
            amount=plan.fare,
            card_vendor="VI" if card else None,
            card_number_masked=plan.card_number if card else None,
            payer_name=plan.payer_name.upper() or None,
            payer_phone=plan.payer_phone or None,
        )
        office = TicketingOffice(
            issued=plan.created,
            carrier=carrier,
            location=plan.agency_city.upper() or first.origin,
            numeric_code=plan.agency or None,
        )
        fare = Fare(kind="T", amount=f"{plan.fare:.2f}", currency="USD")
        business = plan.kind == "business"
        travellers: list[PnrTraveller] = []
        for p, ref in zip(plan.passengers, refs, strict=True):
            remarks: list[SsrDocs | SsrDoco | SsrDoca | SsrOther] = []
            doc = p.document
            if doc is not None:
                remarks.append(
                    SsrDocs(
                        status="HK",
                        carrier=carrier,
                        doc_type=doc.doc_type,
                        issuing_state=doc.issuing_state,
                        number=doc.number,
                        nationality=doc.nationality,
                        birth_date=p.booked_birth or doc.birth_date,
                        sex=doc.sex,
                        expiry=doc.expiry,
                        surname=_ssr_text(p.booked_surname),
                        given_names=_ssr_text(p.booked_given),
                        traveller_ref=ref,
                    )
                )
            visa = p.visa
            if visa is not None:
                remarks.append(
                    SsrDoco(
                        status="HK",
                        carrier=carrier,
                        doc_type="V",
                        number=visa.number,
                        issue_place=visa.issuing_state,
                        issue_date=visa.issue_date,
                        applicable_country=visa.visa_for,
                        traveller_ref=ref,
                    )
                )
            ticket = Ticket(
                number=f"{stable(plan.locator + ref) % 10**10:010d}",
                issued=plan.created,
                fares=[fare],
                office=office,
                payments=[payment],
            )
            travellers.append(
                PnrTraveller(
                    name=self.name(p.booked_surname, p.booked_given),
                    traveller_ref=ref,
                    traveller_type="CHD" if p.child else None,
                    frequent_flyer=(
                        [
                            FrequentFlyer(
                                airline=carrier,
                                number=f"{stable(p.identity.person_id) % 10**9:09d}",
                                tier="GLD",
                            )
                        ]
                        if business
                        else []
                    ),
                    remarks=remarks,
                    tickets=[ticket],
                )
            )
        party = len(plan.passengers)
        itinerary = [
            ItineraryLeg(flight=load.model(), booking_class="Y", status="HK", party_size=party)
            for load in legs
        ]
        contacts = [
            Contact(kind="phone", value=plan.contact_phone, qualifier="CTCM"),
        ]
        if plan.contact_email:
            contacts.append(Contact(kind="email", value=plan.contact_email, qualifier="CTCE"))
        agency = (
            Agency(
                airline=carrier,
                location=plan.agency_city.upper() or None,
                agency_id=plan.agency,
                originator_type="T",
                country=plan.agency_country or None,
            )
            if plan.agency
            else Agency(airline=carrier, location=first.origin, originator_type="A")
        )
        return PnrBooking(
            record_locator=plan.locator,
            locator_carrier=carrier,
            created=plan.created,
            last_changed=plan.created,
            split_references=list(plan.split_references),
            agency=agency,
            contacts=contacts,
            travellers=travellers,
            itinerary=itinerary,
        )

    def _api_name(self, p: Passenger) -> TravellerName:
        doc = p.document
        surname, given = (doc.surname, doc.given_names) if doc else p.identity.document_name()
        return self.name(surname, given)

    @staticmethod
    def _api_documents(p: Passenger) -> list[TravelDocument]:
        documents = []
        doc = p.document
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
        return documents

    @staticmethod
    def _api(
        p: Passenger,
        load: FlightLoad,
        locator: str,
        seat: str,
        name: TravellerName,
        documents: list[TravelDocument],
    ) -> ApiTraveller:
        person, doc = p.identity, p.document
        return ApiTraveller(
            name=name,
            sex=doc.sex if doc else person.sex,
            birth_date=doc.birth_date if doc else person.document_birth_date,
            nationality=doc.nationality if doc else person.nationality,
            embarkation=load.origin,
            debarkation=load.destination,
            pnr_locator=locator,
            seat=seat,
            documents=list(documents),
            bags_count=p.bags,
        )

    def _air_crossings(
        self, plan: BookingPlan, outbound: list[FlightLoad], inbound: list[FlightLoad]
    ) -> None:
        first, last = outbound[0], outbound[-1]
        reporting = self.reporting
        exit_first = first.origin in reporting
        enter_last = last.destination in reporting
        last_leg = len(outbound) - 1
        exit_back = bool(inbound) and inbound[0].origin in reporting
        enter_back = bool(inbound) and inbound[-1].destination in reporting
        for p in plan.passengers:
            if exit_first:
                self.crossing_air(p, first, "exit", p.physical)
            if enter_last and last_leg not in p.no_show_legs:
                self.crossing_air(p, last, "entry", p.physical)
            if exit_back:
                self.crossing_air(p, inbound[0], "exit", p.physical, returning=True)
            if enter_back:
                self.crossing_air(p, inbound[-1], "entry", p.physical, returning=True)

    def crossing_air(
        self,
        p: Passenger,
        load: FlightLoad,
        direction: str,
        physical: Person,
        returning: bool = False,
    ) -> None:
        entry = direction == "entry"
        when = (load.arrival if entry else load.departure - _HOUR).replace(tzinfo=dt.UTC)
        day = when.date()
        if day >= self.end:
            return
        point = load.destination if entry else load.origin
        undocumented = p.undocumented_arrival and entry and not returning
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
            if doc is not None:
                surname, given = doc.surname, doc.given_names
                sex, birth, nationality = doc.sex, doc.birth_date, doc.nationality
            else:
                surname, given = holder.document_name()
                sex, birth, nationality = holder.sex, holder.document_birth_date, holder.nationality
            truth = RecordTruth(holder.person_id, physical.person_id, p.operation_id, p.group_id)
        decision = "admitted"
        reasons: tuple[str, ...] = ()
        if entry and not returning:
            decision, reasons = p.entry_decision, p.entry_reasons
        docs: tuple[TravelDocumentRecord, ...] = ()
        if doc is not None:
            docs = (doc,) if p.visa is None or not entry else (doc, p.visa)
        record = CrossingRecord(
            crossing_point=point,
            direction="entry" if entry else "exit",
            time=when,
            mode="air",
            name=self.name(surname, given),
            carrier=load.carrier,
            voyage=load.designator,
            birth_date=birth,
            sex=sex,
            nationality=nationality,
            document=self.crossing_document(doc),
            officer_id=p.entry_officer or f"{point}-{stable(p.identity.person_id) % 40 + 1:03d}",
            decision=decision,
            decision_reasons=list(reasons),
        )
        self.crossings[day].append(PendingCrossing(record, truth, docs))


def _ssr_text(name: str) -> str:
    """A name as an agent types it into an SSR, where ``/`` separates fields."""
    return " ".join(name.replace("/", " ").upper().split())


def crossing_document(doc: TravelDocumentRecord | None) -> TravelDocument | None:
    """The passenger-model document for a world document (``None`` when nothing is presented)."""
    if doc is None:
        return None
    return _document_model(doc)


def _document_model(doc: TravelDocumentRecord) -> TravelDocument:
    return TravelDocument(
        doc_type=doc.doc_type,
        number=doc.number,
        issuing_state=doc.issuing_state,
        expiry=doc.expiry,
        issue_date=doc.issue_date,
    )
