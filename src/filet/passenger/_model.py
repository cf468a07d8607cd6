"""The parsed-message model: what an API manifest, a PNR push and a crossing record carry.

Plain dataclasses (keyword-only, with defaults wherever the standard makes an element optional) so
that the synthetic-world generator can build messages by hand and the writers can serialise them.
Every reader (PAXLST, PNRGOV, PNR JSON, crossing CSV) produces these types; every writer consumes
them. Values are kept as the message gave them (local date-times without a zone, codes as sent);
the few normalised values (names, flight numbers, seats, phones, masked cards) are computed here or
by the readers and documented field by field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import ConfigDict, Discriminator, Tag

from filet.passenger._normalise import (
    mask_card_number,
    normalise_flight_number,
    normalise_given_names,
    normalise_name,
    normalise_seat,
)

TravellerRole = Literal["passenger", "crew", "in_transit_passenger", "in_transit_crew"]
ListType = Literal["passenger", "crew"]


@dataclass(kw_only=True)
class TravellerName:
    """A name exactly as sent, with its normalised form (Latin upper case, no punctuation, no
    title: ``O'Leary`` → ``OLEARY``, ``JOHNMR`` → ``JOHN``).

    ``normalised_surname`` and ``normalised_given_names`` are always recomputed from the names as
    sent (a value passed in is replaced), so two names that were sent the same compare equal.
    """

    surname: str
    given_names: str = ""
    normalised_surname: str = ""
    normalised_given_names: str = ""

    def __post_init__(self) -> None:
        self.normalised_surname = normalise_name(self.surname)
        self.normalised_given_names = normalise_given_names(self.given_names)


@dataclass(kw_only=True)
class Address:
    """A postal address as sent; ``kind`` is the sender's purpose code or DOCA type if any."""

    street: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None
    kind: str | None = None
    phone: str | None = None


@dataclass(kw_only=True)
class FlightLeg:
    """One take-off to one landing; date-times are local, as given in the message."""

    departure_airport: str
    arrival_airport: str
    departure_local: datetime | None = None
    arrival_local: datetime | None = None


@dataclass(kw_only=True)
class Flight:
    """A flight: carrier code and a 4-digit flight number (``XX123`` becomes ``XX``, ``0123``).

    ``number`` may be given as ``"123"``, ``"0123"`` or ``"XX123"`` (then ``carrier`` may be empty);
    it is normalised on construction. ``operating_carrier`` is set for codeshares.
    """

    carrier: str
    number: str
    legs: list[FlightLeg] = field(default_factory=list)
    operating_carrier: str | None = None
    suffix: str = ""

    def __post_init__(self) -> None:
        carrier, number, suffix = normalise_flight_number(self.number, self.carrier)
        self.carrier, self.number = carrier, number
        self.suffix = self.suffix or suffix

    @property
    def designator(self) -> str:
        """Carrier and normalised number, e.g. ``XX0123``."""
        return f"{self.carrier}{self.number}{self.suffix}"


@dataclass(kw_only=True)
class TravelDocument:
    """A travel document: type code (``P`` passport, ``V`` visa, ``I`` identity card ...)."""

    doc_type: str
    number: str
    issuing_state: str | None = None
    expiry: date | None = None
    issue_date: date | None = None


@dataclass(kw_only=True)
class ReportingParty:
    """Who sent the API list (PAXLST ``NAD+MS`` and ``COM``)."""

    name: str
    phone: str | None = None
    fax: str | None = None
    email: str | None = None


@dataclass(kw_only=True)
class ApiTraveller:
    """One passenger or crew member of a PAXLST list.

    ``quality_flags`` name what is missing or odd (``missing_birth_date``,
    ``invalid_document_number``, ...); a traveller is kept with flags, never dropped.
    """

    name: TravellerName
    role: TravellerRole = "passenger"
    address: Address | None = None
    sex: str | None = None
    birth_date: date | None = None
    nationality: str | None = None
    residence_country: str | None = None
    birth_country: str | None = None
    birthplace: str | None = None
    embarkation: str | None = None
    debarkation: str | None = None
    final_destination: str | None = None
    pnr_locator: str | None = None
    passenger_reference: str | None = None
    seat: str | None = None
    documents: list[TravelDocument] = field(default_factory=list)
    bags_count: int | None = None
    bags_weight: float | None = None
    bags_weight_unit: str | None = None
    quality_flags: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.seat is not None:
            self.seat = normalise_seat(self.seat)


@dataclass(kw_only=True)
class FlightManifest:
    """A PAXLST passenger or crew list for one flight, assembled from all its parts.

    ``flight`` is the reported flight (the ``TDT`` group with ``LOC+125``/``LOC+87``);
    ``previous_flights`` are earlier ``TDT`` groups (routing of multi-leg journeys).
    A list sent in several parts (``UNH`` sequence ``01:C`` ... ``nn:F``) is one manifest;
    ``part_numbers`` lists the parts seen, ``last_part`` is the number of the part marked final
    (``F``) if it was seen, and ``complete`` says whether every part up to it was.
    """

    flight: Flight
    list_type: ListType = "passenger"
    travellers: list[ApiTraveller] = field(default_factory=list)
    reporting_party: ReportingParty | None = None
    previous_flights: list[Flight] = field(default_factory=list)
    transaction_ref: str | None = None
    directory: str = "D05B"
    sender: str | None = None
    recipient: str | None = None
    interchange_ref: str | None = None
    message_refs: list[str] = field(default_factory=list)
    common_access_ref: str | None = None
    part_numbers: list[int] = field(default_factory=list)
    last_part: int | None = None
    complete: bool = True


# --- PNR ------------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class Contact:
    """A phone number or e-mail address from ``IFT`` (``CTCM 44 20 ...``) or ``SSR CTCM``/``CTCE``.

    ``value`` is as sent (after the ``CTCx`` code, kept in ``qualifier``); ``normalised`` is E.164
    or a lower-case e-mail address (``None`` when the phone's country is not known).
    ``traveller_ref`` links it to a traveller when it was sent in a traveller's group.
    """

    kind: Literal["phone", "email"]
    value: str
    normalised: str | None = None
    qualifier: str | None = None
    source: Literal["IFT", "SSR"] = "IFT"
    traveller_ref: str | None = None


@dataclass(kw_only=True)
class Payment:
    """A form of payment (``FOP``): ``CC`` card (number only masked), ``CA`` cash, ``MS`` other.

    The payer fields come from the ``IFT+4:43`` segment following the ``FOP``.
    """

    form: str
    amount: float | None = None
    card_vendor: str | None = None
    card_number_masked: str | None = None
    card_expiry: str | None = None
    payer_name: str | None = None
    payer_address: str | None = None
    payer_phone: str | None = None

    def __post_init__(self) -> None:
        if self.card_number_masked is not None:
            self.card_number_masked = mask_card_number(self.card_number_masked)


@dataclass(kw_only=True)
class Fare:
    """A monetary amount of a ticket (``MON``): ``B`` base fare, ``T`` total, ...)."""

    kind: str
    amount: str
    currency: str | None = None


@dataclass(kw_only=True)
class Tax:
    """A tax on a ticket (``TXD``)."""

    amount: str
    code: str | None = None


@dataclass(kw_only=True)
class TicketingOffice:
    """Where and when a ticket was issued (``PTK``)."""

    issued: datetime | None = None
    carrier: str | None = None
    numeric_code: str | None = None
    location: str | None = None
    indicator: str | None = None


@dataclass(kw_only=True)
class Ticket:
    """A ticket with its fares, taxes, issuing office and payments (``TKT`` group)."""

    number: str
    doc_type: str = "T"
    booklets: int | None = None
    issued: datetime | None = None
    fares: list[Fare] = field(default_factory=list)
    taxes: list[Tax] = field(default_factory=list)
    office: TicketingOffice | None = None
    payments: list[Payment] = field(default_factory=list)


@dataclass(kw_only=True)
class FrequentFlyer:
    """A frequent-flyer account (``FTI``)."""

    airline: str
    number: str
    tier: str | None = None


@dataclass(kw_only=True)
class SsrDocs:
    """``SSR DOCS``: the API data held in the booking."""

    code: Literal["DOCS"] = "DOCS"
    status: str | None = None
    carrier: str | None = None
    doc_type: str | None = None
    issuing_state: str | None = None
    number: str | None = None
    nationality: str | None = None
    birth_date: date | None = None
    sex: str | None = None
    expiry: date | None = None
    surname: str | None = None
    given_names: str | None = None
    middle_names: str | None = None
    traveller_ref: str | None = None


@dataclass(kw_only=True)
class SsrDoco:
    """``SSR DOCO``: other document (usually a visa) with place of birth."""

    code: Literal["DOCO"] = "DOCO"
    status: str | None = None
    carrier: str | None = None
    birthplace: str | None = None
    doc_type: str | None = None
    number: str | None = None
    issue_place: str | None = None
    issue_date: date | None = None
    applicable_country: str | None = None
    traveller_ref: str | None = None


@dataclass(kw_only=True)
class SsrDoca:
    """``SSR DOCA``: address (``R`` residence, ``D`` destination)."""

    code: Literal["DOCA"] = "DOCA"
    status: str | None = None
    carrier: str | None = None
    kind: str | None = None
    country: str | None = None
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    traveller_ref: str | None = None


@dataclass(kw_only=True)
class SsrOther:
    """Any other special service request (``WCHR``, ``AVML``, ``INFT``, ``CTCM`` ...)."""

    code: str
    status: str | None = None
    quantity: int | None = None
    carrier: str | None = None
    text: str | None = None
    traveller_ref: str | None = None


def _remark_kind(value: object) -> str:
    code = value.get("code") if isinstance(value, dict) else getattr(value, "code", None)
    return code if code in {"DOCS", "DOCO", "DOCA"} else "other"


SsrRemark = Annotated[
    Annotated[SsrDocs, Tag("DOCS")]
    | Annotated[SsrDoco, Tag("DOCO")]
    | Annotated[SsrDoca, Tag("DOCA")]
    | Annotated[SsrOther, Tag("other")],
    Discriminator(_remark_kind),
]
"""A typed SSR remark; the ``code`` tells which (readers of JSON pick the type by it)."""


@dataclass(kw_only=True)
class SeatAssignment:
    """A seat on one leg (``SSR SEAT``), normalised (``074E`` becomes ``74E``)."""

    seat: str
    traveller_ref: str | None = None

    def __post_init__(self) -> None:
        self.seat = normalise_seat(self.seat)


@dataclass(kw_only=True)
class CheckIn:
    """Check-in of one traveller on one leg (``TRI``, ``TIF``, ``SSD``, ``TBD``)."""

    traveller_ref: str | None = None
    name: TravellerName | None = None
    seat: str | None = None
    checked_in: datetime | None = None
    bags_count: int | None = None
    bags_weight: float | None = None
    bags_weight_unit: str | None = None
    bag_tags: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.seat is not None:
            self.seat = normalise_seat(self.seat)


@dataclass(kw_only=True)
class ItineraryLeg:
    """One flight segment of a booking (``TVL`` group) with status, seats and check-ins."""

    flight: Flight
    booking_class: str | None = None
    status: str | None = None
    party_size: int | None = None
    aircraft: str | None = None
    seats: list[SeatAssignment] = field(default_factory=list)
    check_ins: list[CheckIn] = field(default_factory=list)
    remarks: list[SsrRemark] = field(default_factory=list)


@dataclass(kw_only=True)
class PnrTraveller:
    """A traveller in a booking (``TIF`` group); infants have ``traveller_type`` ``IN``."""

    name: TravellerName
    traveller_ref: str | None = None
    traveller_type: str | None = None
    with_infant: bool = False
    unique_ref: str | None = None
    frequent_flyer: list[FrequentFlyer] = field(default_factory=list)
    remarks: list[SsrRemark] = field(default_factory=list)
    tickets: list[Ticket] = field(default_factory=list)
    quality_flags: list[str] = field(default_factory=list)

    @property
    def is_infant(self) -> bool:
        return (self.traveller_type or "").upper() in {"IN", "INF"}

    @property
    def documents(self) -> list[SsrDocs]:
        return [r for r in self.remarks if isinstance(r, SsrDocs)]


@dataclass(kw_only=True)
class Agency:
    """Who made the booking (``ORG`` in the PNR): airline or travel agency, office, agent."""

    airline: str | None = None
    location: str | None = None
    agency_id: str | None = None
    agency_location: str | None = None
    originator_type: str | None = None
    country: str | None = None
    currency: str | None = None
    agent: str | None = None


@dataclass(kw_only=True)
class HistoryAction:
    """One change in a history entry: ``SAC`` action (``A`` added, ``X`` cancelled) and the
    changed element, kept as its segment tag and its EDIFACT elements (separators ``+`` and
    ``:``, no release characters)."""

    action: str
    tag: str | None = None
    elements: list[list[str]] = field(default_factory=list)


@dataclass(kw_only=True)
class HistoryEntry:
    """A change history entry (``ABI``, ``DAT``, ``SAC`` ...)."""

    originator: str | None = None
    location: str | None = None
    carrier: str | None = None
    changed: datetime | None = None
    actions: list[HistoryAction] = field(default_factory=list)


@dataclass(kw_only=True)
class PnrBooking:
    """One passenger name record (``SRC`` group)."""

    record_locator: str
    locator_carrier: str | None = None
    created: datetime | None = None
    last_changed: datetime | None = None
    other_locators: list[str] = field(default_factory=list)
    split_references: list[str] = field(default_factory=list)
    agency: Agency | None = None
    addresses: list[Address] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    free_text: list[str] = field(default_factory=list)
    remarks: list[SsrRemark] = field(default_factory=list)
    travellers: list[PnrTraveller] = field(default_factory=list)
    itinerary: list[ItineraryLeg] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)

    @property
    def payments(self) -> list[Payment]:
        return [p for t in self.travellers for k in t.tickets for p in k.payments]

    @property
    def tickets(self) -> list[Ticket]:
        return [k for t in self.travellers for k in t.tickets]


@dataclass(kw_only=True)
class Originator:
    """Who pushed the PNRGOV message (``ORG`` at message level)."""

    airline: str | None = None
    location: str | None = None
    agency_id: str | None = None
    agent: str | None = None


@dataclass(kw_only=True)
class PnrMessage:
    """A PNRGOV push: the flight it is about and its bookings."""

    flight: Flight
    bookings: list[PnrBooking] = field(default_factory=list)
    originator: Originator | None = None
    version: str = "13.1"
    message_function: str = "22"
    sender: str | None = None
    recipient: str | None = None
    interchange_ref: str | None = None
    message_ref: str | None = None
    common_access_ref: str | None = None


# --- crossings ------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class CrossingRecord:
    """One traveller crossing a border at a crossing point, as recorded by an officer."""

    crossing_point: str
    direction: Literal["entry", "exit"]
    time: datetime
    mode: Literal["air", "land", "sea"]
    name: TravellerName
    carrier: str | None = None
    voyage: str | None = None
    vehicle_registration: str | None = None
    birth_date: date | None = None
    sex: str | None = None
    nationality: str | None = None
    document: TravelDocument | None = None
    officer_id: str | None = None
    decision: str | None = None
    decision_reasons: list[str] = field(default_factory=list)
    companions_ref: str | None = None
    quality_flags: list[str] = field(default_factory=list)


# readers of JSON (PNR JSON, API bodies) reject unknown keys: a misspelt field must not vanish
for _model in (
    TravellerName, Address, FlightLeg, Flight, TravelDocument, ReportingParty, ApiTraveller,
    FlightManifest, Contact, Payment, Fare, Tax, TicketingOffice, Ticket, FrequentFlyer, SsrDocs,
    SsrDoco, SsrDoca, SsrOther, SeatAssignment, CheckIn, ItineraryLeg, PnrTraveller, Agency,
    HistoryAction, HistoryEntry, PnrBooking, Originator, PnrMessage, CrossingRecord,
):  # fmt: skip
    setattr(_model, "__pydantic_config__", ConfigDict(extra="forbid"))  # noqa: B010
