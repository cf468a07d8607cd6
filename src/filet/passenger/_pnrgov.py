"""PNRGOV (IATA PADIS "PNR data pushed to States", versions 11.1 to 17.1): reading into
:class:`PnrMessage` and writing back.

We read the segments these versions have in common, by the group they appear in: message header
(``MSG``, ``ORG``, ``TVL``, ``EQN``); per PNR (``SRC`` group) the booking (``RCI``, ``DAT``,
``IFT``, ``ORG``, ``ADD``, ``SSR``), its travellers (``TIF`` group: ``FTI``, ``REF``, ``IFT``,
``SSR``, tickets ``TKT`` with ``MON``, ``PTK``, ``TXD``, ``DAT``, ``FOP`` and payer ``IFT+4:43``),
its itinerary (``TVL`` group: ``RPI``, ``APD``, ``SSR SEAT``, check-in ``TRI``, ``TIF``, ``SSD``,
``TBD``) and its history (``ABI``, ``DAT``, ``SAC`` followed by the changed segment).

Split PNRs: an ``EQN`` inside a PNR followed by ``RCI`` segments gives the record locators the
booking was split into or from, as does an ``RCI`` composite with reservation control type ``S``.
Segments we do not model (``FAR``, ``EBD``, ``TRA`` ...) are skipped; a syntactically broken
message is rejected whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from filet.errors import InputError
from filet.passenger._codes import codes
from filet.passenger._dates import (
    format_ddmmyy,
    format_ddmonyy,
    format_hhmm,
    parse_ddmmyy,
    parse_ddmonyy,
)
from filet.passenger._edifact import (
    DEFAULT_UNA,
    Element,
    Message,
    Segment,
    paused_gc,
    read_interchange,
    write_interchange,
)
from filet.passenger._model import (
    Address,
    Agency,
    CheckIn,
    Contact,
    Fare,
    Flight,
    FlightLeg,
    FrequentFlyer,
    HistoryAction,
    HistoryEntry,
    ItineraryLeg,
    Originator,
    Payment,
    PnrBooking,
    PnrMessage,
    PnrTraveller,
    SeatAssignment,
    SsrDoca,
    SsrDoco,
    SsrDocs,
    SsrOther,
    SsrRemark,
    Tax,
    Ticket,
    TicketingOffice,
    TravellerName,
)
from filet.passenger._normalise import (
    document_number_is_valid,
    is_digits,
    normalise_email,
    normalise_phone,
    normalise_seat,
)

_PHONE_CODES = codes().phone_contact_codes
_EMAIL_CODES = codes().email_contact_codes


def read_pnrgov(data: bytes | str) -> list[PnrMessage]:
    """Read a PNRGOV interchange: one :class:`PnrMessage` per ``UNH`` message."""
    with paused_gc():
        return _read_interchange(data)


def _read_interchange(data: bytes | str) -> list[PnrMessage]:
    interchange = read_interchange(data)
    messages: list[PnrMessage] = []
    for message in interchange.messages:
        if message.message_type != "PNRGOV":
            raise InputError(
                f"message type {message.message_type} is not PNRGOV", message.header.place()
            )
        parsed = _Reader(message).read()
        parsed.sender = interchange.sender
        parsed.recipient = interchange.recipient
        parsed.interchange_ref = interchange.ref
        messages.append(parsed)
    return messages


@dataclass
class _Reader:
    message: Message
    flight: Flight | None = None
    originator: Originator | None = None
    function: str = "22"
    declared: int | None = None
    declared_segment: Segment | None = None
    bookings: list[PnrBooking] = field(default_factory=list)
    # position inside the current booking
    context: str = "header"
    traveller: PnrTraveller | None = None
    ticket: Ticket | None = None
    payment: Payment | None = None
    leg: ItineraryLeg | None = None
    check_in: CheckIn | None = None
    leg_check_in_time: datetime | None = None
    history: HistoryEntry | None = None
    action_code: str | None = None
    action_filled: bool = False
    split_pending: bool = False

    def read(self) -> PnrMessage:
        for segment in self.message.body:
            self._segment(segment)
        self._finish_booking()
        if self.flight is None:
            raise InputError("PNRGOV message has no flight (TVL)", self.message.header.place())
        if self.declared_segment is not None and self.declared != len(self.bookings):
            raise InputError(
                f"EQN says {self.declared} PNRs but the message has {len(self.bookings)}",
                self.declared_segment.place("6350"),
            )
        version = self.message.version
        if self.message.release:
            version = f"{version}.{self.message.release}"
        return PnrMessage(
            flight=self.flight,
            bookings=self.bookings,
            originator=self.originator,
            version=version,
            message_function=self.function,
            message_ref=self.message.ref,
            common_access_ref=self.message.common_access_ref,
        )

    # --- dispatch ---------------------------------------------------------------------------

    def _segment(self, seg: Segment) -> None:
        tag = seg.tag
        if tag == "SRC":
            self._finish_booking()
            self.bookings.append(PnrBooking(record_locator=""))
            self.context = "booking"
            return
        if self.context == "header":
            self._header(seg)
            return
        booking = self.bookings[-1]
        if tag == "RCI":
            self._rci(booking, seg)
            return
        # only RCI segments straight after an EQN name split-off bookings
        self.split_pending = False
        if tag == "ABI" or self.context == "history":
            self._history(booking, seg)
        elif tag == "TIF" and self.context != "leg":
            self._traveller(booking, seg)
        elif tag == "TIF" and self.check_in is not None:
            self.check_in.name = _tif_name(seg)
        elif tag == "TVL":
            self._leg(booking, seg)
        elif self.context == "leg":
            self._leg_detail(booking, seg)
        elif tag == "EQN":
            self.split_pending = True
        elif tag in {"TKT", "MON", "PTK", "TXD", "FOP"} or (
            tag == "DAT" and self.ticket is not None
        ):
            self._ticket_detail(booking, seg)
        elif tag == "IFT":
            self._ift(booking, seg)
        elif tag == "SSR":
            self._ssr(booking, seg)
        elif tag == "DAT":
            for element in seg.elements:
                if element and element[0] == "700":
                    booking.last_changed = _dat(element, seg)
        elif tag == "ORG":
            booking.agency = _agency(seg)
        elif tag == "ADD":
            booking.addresses.extend(_addresses(seg))
        elif tag == "FTI" and self.traveller is not None:
            self.traveller.frequent_flyer.extend(_frequent_flyer(seg))
        elif tag == "REF" and self.traveller is not None:
            self.traveller.unique_ref = seg.get(0, 1) or seg.get(0, 0)

    def _header(self, seg: Segment) -> None:
        if seg.tag == "MSG":
            self.function = seg.get(0, 1) or seg.get(0, 0) or "22"
        elif seg.tag == "ORG":
            self.originator = Originator(
                airline=seg.get(0, 0),
                location=seg.get(0, 1),
                agency_id=seg.get(1, 0),
                agent=seg.get(6, 0),
            )
        elif seg.tag == "TVL":
            self.flight = _tvl_flight(seg)
        elif seg.tag == "EQN":
            raw = seg.get(0, 0)
            if raw is None or not is_digits(raw):
                raise InputError(f"EQN number of PNRs {raw!r} is not a number", seg.place())
            self.declared, self.declared_segment = int(raw), seg

    def _finish_booking(self) -> None:
        if self.bookings:
            booking = self.bookings[-1]
            if not booking.record_locator:
                raise InputError(
                    "PNR without record locator (RCI)",
                    self.message.header.place(),
                )
            complete_booking(booking)
        self.traveller = self.ticket = self.payment = None
        self.leg = self.check_in = self.history = None
        self.leg_check_in_time = None
        self.split_pending = False

    # --- booking level ----------------------------------------------------------------------

    def _rci(self, booking: PnrBooking, seg: Segment) -> None:
        for index, element in enumerate(seg.elements):
            carrier = _at(element, 0)
            locator = _at(element, 1)
            kind = _at(element, 2)
            if locator is None:
                continue
            label = f"{carrier}:{locator}" if carrier else locator
            if self.split_pending or kind == "S":
                if label not in booking.split_references:
                    booking.split_references.append(label)
            elif not booking.record_locator and index == 0 and self.context == "booking":
                booking.record_locator = locator
                booking.locator_carrier = carrier
                date_text = _at(element, 3)
                if date_text:
                    booking.created = _date(date_text, _at(element, 4), seg)
            elif locator != booking.record_locator and label not in booking.other_locators:
                booking.other_locators.append(label)

    def _traveller(self, booking: PnrBooking, seg: Segment) -> None:
        given = seg.element(1)
        traveller = PnrTraveller(
            name=_tif_name(seg),
            traveller_type=_at(given, 1),
            traveller_ref=_at(given, 2),
            with_infant=_at(given, 3) == "1",
        )
        booking.travellers.append(traveller)
        self.traveller = traveller
        self.ticket = self.payment = None
        self.context = "traveller"

    def _ift(self, booking: PnrBooking, seg: Segment) -> None:
        qualifier = seg.get(0, 1)
        texts = [e[0] for e in seg.elements[1:] if e and e[0]]
        if qualifier == "43":
            if self.payment is None:
                booking.free_text.append(" ".join(texts))
                return
            self.payment.payer_name = seg.get(1, 0)
            self.payment.payer_address = seg.get(2, 0)
            self.payment.payer_phone = seg.get(3, 0)
            return
        text = " ".join(texts)
        code, _, rest = text.partition(" ")
        if code in _PHONE_CODES or code in _EMAIL_CODES:
            booking.contacts.append(
                Contact(
                    kind="email" if code in _EMAIL_CODES else "phone",
                    value=rest.strip(),
                    qualifier=code,
                    traveller_ref=self._traveller_ref(),
                )
            )
        else:
            booking.free_text.append(text)

    def _ssr(self, booking: PnrBooking, seg: Segment) -> None:
        remark = _ssr_remark(seg)
        ref = self._traveller_ref()
        if isinstance(remark, SsrOther) and (
            remark.code in _PHONE_CODES or remark.code in _EMAIL_CODES
        ):
            booking.contacts.append(
                Contact(
                    kind="email" if remark.code in _EMAIL_CODES else "phone",
                    value=(remark.text or "").lstrip("/"),
                    qualifier=remark.code,
                    source="SSR",
                    traveller_ref=ref,
                )
            )
            return
        if remark is None:
            return
        if self.traveller is not None and self.context == "traveller":
            self.traveller.remarks.append(remark)
        else:
            booking.remarks.append(remark)

    def _ticket_detail(self, booking: PnrBooking, seg: Segment) -> None:
        tag = seg.tag
        if tag == "TKT":
            if self.traveller is None:
                return
            booklets = seg.get(0, 2)
            self.ticket = Ticket(
                number=seg.get(0, 0) or "",
                doc_type=seg.get(0, 1) or "T",
                booklets=int(booklets) if booklets and is_digits(booklets) else None,
            )
            self.traveller.tickets.append(self.ticket)
            self.payment = None
            return
        ticket = self.ticket
        if ticket is None:
            return
        if tag == "MON":
            for element in seg.elements:
                if _at(element, 0) and _at(element, 1):
                    ticket.fares.append(
                        Fare(kind=element[0], amount=element[1], currency=_at(element, 2))
                    )
        elif tag == "PTK":
            date_text = seg.get(2, 0)
            ticket.office = TicketingOffice(
                indicator=seg.get(0, 0),
                issued=_date(date_text, seg.get(2, 1), seg) if date_text else None,
                carrier=seg.get(3, 0),
                numeric_code=seg.get(4, 0),
                location=seg.get(5, 0),
            )
        elif tag == "TXD":
            for element in seg.elements[1:]:
                if _at(element, 0):
                    ticket.taxes.append(Tax(amount=element[0], code=_at(element, 3)))
        elif tag == "DAT":
            for element in seg.elements:
                if element and element[0] == "710":
                    ticket.issued = _dat(element, seg)
        elif tag == "FOP":
            for element in seg.elements:
                form = _at(element, 0)
                if form is None:
                    continue
                amount = _at(element, 2)
                self.payment = Payment(
                    form=form,
                    amount=_amount(amount, seg),
                    card_vendor=_at(element, 3),
                    card_number_masked=_at(element, 4),
                    card_expiry=_at(element, 5),
                )
                ticket.payments.append(self.payment)

    def _traveller_ref(self) -> str | None:
        if self.context == "traveller" and self.traveller is not None:
            return self.traveller.traveller_ref
        return None

    # --- itinerary --------------------------------------------------------------------------

    def _leg(self, booking: PnrBooking, seg: Segment) -> None:
        flight = _tvl_flight(seg)
        self.leg = ItineraryLeg(flight=flight, booking_class=seg.get(4, 1))
        booking.itinerary.append(self.leg)
        self.context = "leg"
        self.traveller = self.ticket = self.payment = self.check_in = None
        self.leg_check_in_time = None

    def _leg_detail(self, booking: PnrBooking, seg: Segment) -> None:
        leg = self.leg
        assert leg is not None
        tag = seg.tag
        if tag == "RPI":
            size = seg.get(0, 0)
            leg.party_size = int(size) if size and is_digits(size) else None
            leg.status = seg.get(1, 0)
        elif tag == "APD":
            leg.aircraft = seg.get(0, 0)
        elif tag == "SSR":
            remark = _ssr_remark(seg)
            if remark is None:
                return
            if isinstance(remark, SsrOther) and remark.code == "SEAT":
                for element in seg.elements[1:]:
                    seat = _at(element, 0)
                    if seat:
                        leg.seats.append(SeatAssignment(seat=seat, traveller_ref=_at(element, 2)))
            else:
                leg.remarks.append(remark)
        elif tag == "DAT":
            for element in seg.elements:
                if element and element[0] == "2":
                    self.leg_check_in_time = _dat(element, seg) if _at(element, 1) else None
        elif tag == "TRI":
            self.check_in = CheckIn(
                traveller_ref=seg.get(1, 3),
                checked_in=self.leg_check_in_time,
            )
            leg.check_ins.append(self.check_in)
        elif tag == "SSD" and self.check_in is not None:
            seat = seg.get(0, 0)
            self.check_in.seat = normalise_seat(seat) if seat else None
        elif tag == "TBD" and self.check_in is not None:
            count, weight, unit = seg.get(1, 0), seg.get(1, 1), seg.get(1, 2)
            self.check_in.bags_count = int(count) if count and is_digits(count) else None
            self.check_in.bags_weight = _amount(weight, seg)
            self.check_in.bags_weight_unit = unit
            for element in seg.elements[4:]:
                number = _at(element, 1)
                if number:
                    self.check_in.bag_tags.append(f"{_at(element, 0) or ''}{number}")
        elif tag == "EQN":
            self.split_pending = True

    # --- history ----------------------------------------------------------------------------

    def _history(self, booking: PnrBooking, seg: Segment) -> None:
        tag = seg.tag
        if tag == "ABI":
            self.history = HistoryEntry(
                originator=seg.get(1, 1) or seg.get(1, 0),
                location=seg.get(2, 0),
                carrier=seg.get(4, 0),
            )
            booking.history.append(self.history)
            self.context = "history"
            self.action_code = None
            return
        entry = self.history
        assert entry is not None
        if tag == "DAT" and self.action_code is None:
            element = seg.element(0)
            if _at(element, 1):
                entry.changed = _dat(element, seg)
        elif tag == "SAC":
            self.action_code = seg.get(2, 0) or seg.get(0, 0) or ""
            self.action_filled = False
            entry.actions.append(HistoryAction(action=self.action_code))
        elif self.action_code is not None:
            item = [list(element) for element in seg.elements]
            if self.action_filled:
                entry.actions.append(HistoryAction(action=self.action_code, tag=tag, elements=item))
            else:
                entry.actions[-1].tag = tag
                entry.actions[-1].elements = item
                self.action_filled = True


# --- segment readers ------------------------------------------------------------------------------


def _at(parts: Sequence[str], index: int) -> str | None:
    if index < len(parts) and parts[index] != "":
        return parts[index]
    return None


def _date(text: str, time: str | None, seg: Segment) -> datetime:
    try:
        return parse_ddmmyy(text, time)
    except ValueError as error:
        shown = f"{text}:{time}" if time else text
        raise InputError(
            f"date {shown!r} is not a valid DDMMYY:HHMM: {error}", seg.place()
        ) from None


def _dat(element: Sequence[str], seg: Segment) -> datetime | None:
    text = _at(element, 1)
    return _date(text, _at(element, 2), seg) if text else None


def _amount(text: str | None, seg: Segment) -> float | None:
    if text is None:
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise InputError(f"amount {text!r} is not a number", seg.place()) from None


def _tif_name(seg: Segment) -> TravellerName:
    return TravellerName(surname=seg.get(0, 0) or "", given_names=seg.get(1, 0) or "")


def _tvl_flight(seg: Segment) -> Flight:
    when = seg.element(0)
    dep_date, dep_time = _at(when, 0), _at(when, 1)
    arr_date, arr_time = _at(when, 2), _at(when, 3)
    departure = _date(dep_date, dep_time, seg) if dep_date else None
    arrival = None
    if arr_date or (arr_time and dep_date):
        arrival = _date(arr_date or dep_date or "", arr_time, seg)
    carrier = seg.get(3, 0) or ""
    number = seg.get(4, 0)
    if number is None:
        raise InputError("TVL has no flight number", seg.place("8028"))
    flight = Flight(carrier=carrier, number=number, operating_carrier=seg.get(3, 1))
    flight.legs = [
        FlightLeg(
            departure_airport=seg.get(1, 0) or "",
            arrival_airport=seg.get(2, 0) or "",
            departure_local=departure,
            arrival_local=arrival,
        )
    ]
    return flight


def _agency(seg: Segment) -> Agency:
    return Agency(
        airline=seg.get(0, 0),
        location=seg.get(0, 1),
        agency_id=seg.get(1, 0),
        agency_location=seg.get(1, 1),
        originator_type=seg.get(4, 0),
        country=seg.get(5, 0),
        currency=seg.get(5, 1),
        agent=seg.get(6, 0),
    )


def _addresses(seg: Segment) -> list[Address]:
    out = []
    for element in seg.elements[1:]:
        if not any(element):
            continue
        out.append(
            Address(
                kind=_at(element, 0),
                street=_at(element, 1),
                city=_at(element, 2),
                region=_at(element, 3),
                country=_at(element, 5),
                postal_code=_at(element, 6),
                phone=_at(element, 7),
            )
        )
    return out


def _frequent_flyer(seg: Segment) -> list[FrequentFlyer]:
    out = []
    for element in seg.elements:
        airline, number = _at(element, 0), _at(element, 1)
        if airline and number:
            out.append(FrequentFlyer(airline=airline, number=number, tier=_at(element, 4)))
    return out


def _ssr_remark(seg: Segment) -> SsrRemark | None:
    head = seg.element(0)
    code = _at(head, 0)
    if code is None:
        return None
    status, carrier, text = _at(head, 1), _at(head, 3), _at(head, 8)
    quantity = _at(head, 2)
    if code == "DOCS":
        return _docs(status, carrier, text)
    if code == "DOCO":
        f = _slashes(text, 7)
        return SsrDoco(
            status=status,
            carrier=carrier,
            birthplace=f[0],
            doc_type=f[1],
            number=f[2],
            issue_place=f[3],
            issue_date=_free_date(f[4], past=True),
            applicable_country=f[5],
        )
    if code == "DOCA":
        f = _slashes(text, 7)
        return SsrDoca(
            status=status,
            carrier=carrier,
            kind=f[0],
            country=f[1],
            street=f[2],
            city=f[3],
            region=f[4],
            postal_code=f[5],
        )
    return SsrOther(
        code=code,
        status=status,
        quantity=int(quantity) if quantity and is_digits(quantity) else None,
        carrier=carrier,
        text=text,
    )


def _docs(status: str | None, carrier: str | None, text: str | None) -> SsrDocs:
    f = _slashes(text, 11)
    return SsrDocs(
        status=status,
        carrier=carrier,
        doc_type=f[0],
        issuing_state=f[1],
        number=f[2],
        nationality=f[3],
        birth_date=_free_date(f[4], past=True),
        sex=f[5],
        expiry=_free_date(f[6], past=False),
        surname=f[7],
        given_names=f[8],
        middle_names=f[9],
    )


def _slashes(text: str | None, size: int) -> list[str | None]:
    parts = (text or "").split("/")
    if parts and parts[0] == "":
        parts = parts[1:]
    values: list[str | None] = [p if p != "" else None for p in parts[:size]]
    return values + [None] * (size - len(values))


def _free_date(text: str | None, past: bool) -> date | None:
    if text is None:
        return None
    try:
        return parse_ddmonyy(text, past=past)
    except ValueError:
        return None


def complete_booking(booking: PnrBooking) -> None:
    """Fill what readers derive: normalised contacts and travellers' data-quality flags."""
    _normalise_contacts(booking)
    for traveller in booking.travellers:
        traveller.quality_flags = pnr_quality_flags(traveller)


def _normalise_contacts(booking: PnrBooking) -> None:
    region = next((a.country for a in booking.addresses if a.country), None)
    if region is None and booking.agency is not None:
        region = booking.agency.country
    for contact in booking.contacts:
        if contact.kind == "email":
            contact.normalised = normalise_email(contact.value)
        elif contact.source == "SSR" and is_digits(contact.value[:1]) and contact.value[0] != "0":
            # SSR CTCM carries the number with its country code
            contact.normalised = normalise_phone("+" + contact.value, None)
        else:
            contact.normalised = normalise_phone(contact.value, region)


def pnr_quality_flags(traveller: PnrTraveller) -> list[str]:
    """What is missing or odd in a booking traveller's data."""
    flags: list[str] = []
    if not traveller.name.normalised_surname:
        flags.append("missing_surname")
    for docs in traveller.documents:
        if docs.number is None:
            flags.append("docs_without_document_number")
        elif not document_number_is_valid(docs.number):
            flags.append("invalid_document_number")
        if docs.birth_date is None:
            flags.append("docs_without_birth_date")
    return [f for i, f in enumerate(flags) if f not in flags[:i]]


# --- writing --------------------------------------------------------------------------------------


def write_pnrgov(
    message: PnrMessage,
    *,
    sender: str | None = None,
    recipient: str | None = None,
    interchange_ref: str | None = None,
    prepared: datetime | None = None,
    service: str = DEFAULT_UNA,
    line_breaks: bool = True,
) -> str:
    """Write one PNRGOV message in an interchange (``UNB``, ``UNG`` group, ``UNH`` ... ``UNT``).

    Envelope values not given come from the message, then from defaults.
    """
    sender = sender or message.sender or "FILET"
    recipient = recipient or message.recipient or "FILET"
    ref = interchange_ref or message.interchange_ref or "1"
    if len(ref) > 14:
        raise ValueError(f"interchange reference {ref!r} is longer than 14 characters")
    when = prepared or datetime(2000, 1, 1)
    stamp = (when.strftime("%y%m%d"), when.strftime("%H%M"))
    major, _, minor = message.version.partition(".")
    header: list[Element] = [["PNRGOV", major, minor or "1", "IA"]]
    if message.common_access_ref:
        header.append(message.common_access_ref)
    body = _message_body(message)
    group: list[Element] = ["PNRGOV", sender, recipient, list(stamp), ref, "IA", [major, minor]]
    return write_interchange(
        [(message.message_ref or ref, body, header)],
        sender=sender,
        recipient=recipient,
        prepared=stamp,
        ref=ref,
        group=(ref, group),
        syntax=("IATA", "1"),
        service=service,
        line_breaks=line_breaks,
    )


Body = list[tuple[str, list[Element]]]


def _message_body(message: PnrMessage) -> Body:
    out: Body = [("MSG", [[None, message.message_function]])]
    origin = message.originator
    if origin is not None:
        org: list[Element] = [[origin.airline, origin.location], origin.agency_id]
        out.append(("ORG", [*org, None, None, None, None, origin.agent]))
    out.append(_tvl(message.flight))
    out.append(("EQN", [str(len(message.bookings))]))
    for booking in message.bookings:
        _booking(out, booking)
    return out


def _stamp(value: datetime | None) -> list[str | None]:
    if value is None:
        return [None, None]
    return [format_ddmmyy(value), format_hhmm(value)]


def _tvl(flight: Flight) -> tuple[str, list[Element]]:
    leg = flight.legs[0] if flight.legs else None
    when: list[str | None] = [None, None, None, None]
    dep = arr = None
    if leg is not None:
        when = [*_stamp(leg.departure_local), *_stamp(leg.arrival_local)]
        dep, arr = leg.departure_airport or None, leg.arrival_airport or None
    return (
        "TVL",
        [when, dep, arr, [flight.carrier, flight.operating_carrier], flight.number + flight.suffix],
    )


def _booking(out: Body, booking: PnrBooking) -> None:
    out.append(("SRC", []))
    rci: list[Element] = [
        [booking.locator_carrier, booking.record_locator, None, *_stamp(booking.created)]
    ]
    for label in booking.other_locators:
        carrier, _, locator = label.rpartition(":")
        rci.append([carrier or None, locator])
    out.append(("RCI", rci))
    for remark in booking.remarks:
        out.append(_ssr(remark))
    if booking.last_changed is not None:
        out.append(("DAT", [["700", *_stamp(booking.last_changed)]]))
    for text in booking.free_text:
        out.append(("IFT", [["4", "28"], text]))
    for contact in booking.contacts:
        if contact.traveller_ref is None:
            out.append(_contact(contact))
    if booking.agency is not None:
        a = booking.agency
        out.append(
            (
                "ORG",
                [
                    [a.airline, a.location],
                    [a.agency_id, a.agency_location],
                    None,
                    None,
                    a.originator_type,
                    [a.country, a.currency],
                    a.agent,
                ],
            )
        )
    for address in booking.addresses:
        out.append(("ADD", [None, _address(address)]))
    if booking.split_references:
        out.append(("EQN", [str(len(booking.split_references))]))
        for label in booking.split_references:
            carrier, _, locator = label.rpartition(":")
            out.append(("RCI", [[carrier or None, locator]]))
    for traveller in booking.travellers:
        _traveller(out, booking, traveller)
    for leg in booking.itinerary:
        _itinerary_leg(out, leg)
    for entry in booking.history:
        _history_entry(out, entry)


def _address(a: Address) -> list[str | None]:
    return [a.kind, a.street, a.city, a.region, None, a.country, a.postal_code, a.phone]


def _contact(contact: Contact) -> tuple[str, list[Element]]:
    code = contact.qualifier or ("CTCE" if contact.kind == "email" else "CTCM")
    if contact.source == "SSR":
        head: list[str | None] = [
            code,
            "HK",
            "1",
            None,
            None,
            None,
            None,
            None,
            "/" + contact.value,
        ]
        return ("SSR", [head])
    return ("IFT", [["4", "28"], f"{code} {contact.value}"])


def _traveller(out: Body, booking: PnrBooking, t: PnrTraveller) -> None:
    given: list[str | None] = [
        t.name.given_names or None,
        t.traveller_type,
        t.traveller_ref,
        "1" if t.with_infant else None,
    ]
    out.append(("TIF", [t.name.surname, given]))
    if t.frequent_flyer:
        out.append(("FTI", [[f.airline, f.number, None, None, f.tier] for f in t.frequent_flyer]))
    if t.traveller_ref is not None:
        for contact in booking.contacts:
            if contact.traveller_ref == t.traveller_ref:
                out.append(_contact(contact))
    if t.unique_ref is not None:
        out.append(("REF", [[None, t.unique_ref]]))
    for remark in t.remarks:
        out.append(_ssr(remark))
    for ticket in t.tickets:
        _ticket(out, ticket)


def _ticket(out: Body, ticket: Ticket) -> None:
    booklets = str(ticket.booklets) if ticket.booklets is not None else None
    out.append(("TKT", [[ticket.number, ticket.doc_type, booklets]]))
    if ticket.fares:
        out.append(("MON", [[f.kind, f.amount, f.currency] for f in ticket.fares]))
    office = ticket.office
    if office is not None:
        out.append(
            (
                "PTK",
                [
                    office.indicator,
                    None,
                    _stamp(office.issued),
                    office.carrier,
                    office.numeric_code,
                    office.location,
                ],
            )
        )
    if ticket.taxes:
        out.append(("TXD", [None, *[[t.amount, None, None, t.code] for t in ticket.taxes]]))
    if ticket.issued is not None:
        out.append(("DAT", [["710", *_stamp(ticket.issued)]]))
    for payment in ticket.payments:
        amount = f"{payment.amount:.2f}" if payment.amount is not None else None
        out.append(
            (
                "FOP",
                [
                    [
                        payment.form,
                        None,
                        amount,
                        payment.card_vendor,
                        payment.card_number_masked,
                        payment.card_expiry,
                    ]
                ],
            )
        )
        if payment.payer_name or payment.payer_address or payment.payer_phone:
            out.append(
                (
                    "IFT",
                    [
                        ["4", "43"],
                        payment.payer_name,
                        payment.payer_address,
                        payment.payer_phone,
                    ],
                )
            )


def _ssr(remark: SsrRemark) -> tuple[str, list[Element]]:
    if isinstance(remark, SsrDocs):
        fields = [
            remark.doc_type,
            remark.issuing_state,
            remark.number,
            remark.nationality,
            format_ddmonyy(remark.birth_date) if remark.birth_date else None,
            remark.sex,
            format_ddmonyy(remark.expiry) if remark.expiry else None,
            remark.surname,
            remark.given_names,
            remark.middle_names,
        ]
        return _ssr_segment("DOCS", remark.status, None, remark.carrier, fields)
    if isinstance(remark, SsrDoco):
        fields = [
            remark.birthplace,
            remark.doc_type,
            remark.number,
            remark.issue_place,
            format_ddmonyy(remark.issue_date) if remark.issue_date else None,
            remark.applicable_country,
        ]
        return _ssr_segment("DOCO", remark.status, None, remark.carrier, fields)
    if isinstance(remark, SsrDoca):
        fields = [
            remark.kind,
            remark.country,
            remark.street,
            remark.city,
            remark.region,
            remark.postal_code,
        ]
        return _ssr_segment("DOCA", remark.status, None, remark.carrier, fields)
    quantity = str(remark.quantity) if remark.quantity is not None else None
    head: list[str | None] = [remark.code, remark.status, quantity, remark.carrier]
    head += [None, None, None, None, remark.text]
    return ("SSR", [head])


def _ssr_segment(
    code: str,
    status: str | None,
    quantity: str | None,
    carrier: str | None,
    fields: Sequence[str | None],
) -> tuple[str, list[Element]]:
    values = list(fields)
    for value in values:
        if value is not None and "/" in value:
            # the SSR free text separates its fields with "/" and has no escape for it
            raise ValueError(f"SSR {code} field {value!r} must not contain '/'")
    while values and values[-1] is None:
        values.pop()
    text = "/" + "/".join(v or "" for v in values)
    head: list[str | None] = [code, status, quantity, carrier, None, None, None, None, text]
    return ("SSR", [head])


def _itinerary_leg(out: Body, leg: ItineraryLeg) -> None:
    tag, elements = _tvl(leg.flight)
    if leg.booking_class is not None:
        elements[4] = [leg.flight.number + leg.flight.suffix, leg.booking_class]
    out.append((tag, elements))
    if leg.party_size is not None or leg.status is not None:
        size = str(leg.party_size) if leg.party_size is not None else None
        out.append(("RPI", [size, leg.status]))
    if leg.aircraft is not None:
        out.append(("APD", [leg.aircraft]))
    if leg.seats:
        out.append(
            (
                "SSR",
                [
                    ["SEAT", "HK", str(len(leg.seats)), leg.flight.carrier],
                    *[[s.seat, None, s.traveller_ref] for s in leg.seats],
                ],
            )
        )
    for remark in leg.remarks:
        out.append(_ssr(remark))
    for check_in in leg.check_ins:
        out.append(("DAT", [["2", *_stamp(check_in.checked_in)]]))
        out.append(("TRI", [None, [None, None, None, check_in.traveller_ref]]))
        if check_in.name is not None:
            name = check_in.name
            out.append(("TIF", [name.surname, name.given_names or None]))
        if check_in.seat is not None:
            out.append(("SSD", [check_in.seat]))
        if check_in.bags_count is not None or check_in.bags_weight is not None:
            count = str(check_in.bags_count) if check_in.bags_count is not None else None
            weight = f"{check_in.bags_weight:g}" if check_in.bags_weight is not None else None
            tags: list[Element] = [[t[:2], t[2:]] for t in check_in.bag_tags]
            out.append(
                ("TBD", [None, [count, weight, check_in.bags_weight_unit], None, None, *tags])
            )


def _history_entry(out: Body, entry: HistoryEntry) -> None:
    out.append(("ABI", ["1", [None, entry.originator], entry.location, None, entry.carrier]))
    if entry.changed is not None:
        out.append(("DAT", [["ZT", *_stamp(entry.changed)]]))
    for action in entry.actions:
        out.append(("SAC", [None, None, action.action]))
        if action.tag is not None:
            out.append((action.tag, [list(e) for e in action.elements]))
