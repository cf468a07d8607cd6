"""Read-side queries over stored passenger data: flights with their manifests, bookings with
everything in them, and search by name, document, phone, e-mail, card or agency.

Masked records show as masked: their personal values are no longer in these tables.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from filet.errors import NotFoundError
from filet.store.schema import (
    Agency,
    ApiTraveller,
    Flight,
    PnrBooking,
    PnrContact,
    PnrLeg,
    PnrPayment,
    PnrTraveller,
    PnrVersion,
)


@dataclass
class FlightView:
    flight: Flight
    passengers: list[ApiTraveller]
    crew: list[ApiTraveller]
    bookings: list[PnrBooking]


@dataclass
class BookingView:
    booking: PnrBooking
    agency: Agency | None
    travellers: list[PnrTraveller]
    legs: list[PnrLeg]
    contacts: list[PnrContact]
    payments: list[PnrPayment]
    versions: list[PnrVersion]
    api_records: list[tuple[ApiTraveller, Flight]]


@dataclass
class SearchHit:
    kind: str  # api_traveller | booking
    id: int
    label: str
    detail: str
    matched_on: str
    link: str
    extra: dict[str, Any] = field(default_factory=dict)


def list_flights(
    session: Session, on: dt.date | None = None, carrier: str | None = None, limit: int = 200
) -> list[tuple[Flight, int]]:
    """Flights (newest first) with the number of API passengers on each."""
    counts = (
        select(ApiTraveller.flight_id, func.count().label("n"))
        .where(ApiTraveller.role == "passenger")
        .group_by(ApiTraveller.flight_id)
        .subquery()
    )
    query = (
        select(Flight, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.flight_id == Flight.id)
        .order_by(Flight.departure_date.desc(), Flight.carrier, Flight.number)
        .limit(limit)
    )
    if on is not None:
        query = query.where(Flight.departure_date == on)
    if carrier:
        query = query.where(Flight.carrier == carrier.upper())
    return [(f, int(n)) for f, n in session.execute(query).tuples()]


def flight_view(session: Session, flight_id: int) -> FlightView:
    flight = session.get(Flight, flight_id)
    if flight is None:
        raise NotFoundError(f"no flight {flight_id}")
    travellers = (
        session.execute(
            select(ApiTraveller)
            .where(ApiTraveller.flight_id == flight_id)
            .order_by(ApiTraveller.surname, ApiTraveller.given_names)
        )
        .scalars()
        .all()
    )
    bookings = (
        session.execute(
            select(PnrBooking)
            .where(
                PnrBooking.id.in_(select(PnrLeg.booking_id).where(PnrLeg.flight_id == flight_id))
            )
            .order_by(PnrBooking.locator)
        )
        .scalars()
        .all()
    )
    return FlightView(
        flight=flight,
        passengers=[t for t in travellers if t.role == "passenger"],
        crew=[t for t in travellers if t.role == "crew"],
        bookings=list(bookings),
    )


def booking_view(session: Session, booking_id: int) -> BookingView:
    booking = session.get(PnrBooking, booking_id)
    if booking is None:
        raise NotFoundError(f"no booking {booking_id}")

    def rows(model: Any, order: Any) -> list[Any]:
        return list(
            session.execute(select(model).where(model.booking_id == booking_id).order_by(order))
            .scalars()
            .all()
        )

    travellers = rows(PnrTraveller, PnrTraveller.reference)
    api = (
        session.execute(
            select(ApiTraveller, Flight)
            .join(Flight, Flight.id == ApiTraveller.flight_id)
            .where(ApiTraveller.pnr_traveller_id.in_([t.id for t in travellers]))
        )
        .tuples()
        .all()
    )
    return BookingView(
        booking=booking,
        agency=session.get(Agency, booking.agency_id) if booking.agency_id else None,
        travellers=travellers,
        legs=rows(PnrLeg, PnrLeg.seq),
        contacts=rows(PnrContact, PnrContact.id),
        payments=rows(PnrPayment, PnrPayment.id),
        versions=rows(PnrVersion, PnrVersion.version),
        api_records=[(a, f) for a, f in api],
    )


def search(session: Session, text: str, limit: int = 100) -> list[SearchHit]:
    """Travellers and bookings matching a name, document number, phone, e-mail, card (last
    digits) or agency code/name."""
    query = text.strip()
    if len(query) < 2:
        return []
    upper = query.upper()
    digits = re.sub(r"\D", "", query)
    hits: list[SearchHit] = []
    like = f"%{upper}%"
    for traveller, flight in session.execute(
        select(ApiTraveller, Flight)
        .join(Flight, Flight.id == ApiTraveller.flight_id)
        .where(
            or_(
                (ApiTraveller.surname + " " + func.coalesce(ApiTraveller.given_names, "")).like(
                    like
                ),
                (func.coalesce(ApiTraveller.given_names, "") + " " + ApiTraveller.surname).like(
                    like
                ),
                ApiTraveller.document_number == upper,
            )
        )
        .limit(limit)
    ).tuples():
        on = "document" if traveller.document_number == upper else "name"
        hits.append(
            SearchHit(
                "api_traveller",
                traveller.id,
                f"{traveller.surname}, {traveller.given_names or ''}".strip(", "),
                f"{flight.carrier}{flight.number} {flight.departure_airport}→{flight.arrival_airport} "
                f"{flight.departure_date.isoformat()}",
                on,
                f"/flights/{flight.id}",
            )
        )
    conditions = [
        (PnrTraveller.surname + " " + func.coalesce(PnrTraveller.given_names, "")).like(like),
        (func.coalesce(PnrTraveller.given_names, "") + " " + PnrTraveller.surname).like(like),
        PnrTraveller.document_number == upper,
        PnrBooking.locator == upper,
    ]
    for booking, named in session.execute(
        select(PnrBooking, PnrTraveller)
        .join(PnrTraveller, PnrTraveller.booking_id == PnrBooking.id)
        .where(or_(*conditions))
        .limit(limit)
    ).tuples():
        on = (
            "locator"
            if booking.locator == upper
            else "document"
            if named.document_number == upper
            else "name"
        )
        hits.append(_booking_hit(booking, on, f"{named.surname}, {named.given_names or ''}"))
    contact_filters = []
    if "@" in query:
        contact_filters.append((PnrContact.kind == "email") & (PnrContact.value == query.lower()))
    if len(digits) >= 6:
        contact_filters.append((PnrContact.kind == "phone") & PnrContact.value.like(f"%{digits}"))
    if contact_filters:
        for booking, contact in session.execute(
            select(PnrBooking, PnrContact)
            .join(PnrContact, PnrContact.booking_id == PnrBooking.id)
            .where(or_(*contact_filters))
            .limit(limit)
        ).tuples():
            hits.append(_booking_hit(booking, contact.kind, contact.value))
    if 4 <= len(digits) <= 6 and digits == query:
        for booking, payment in session.execute(
            select(PnrBooking, PnrPayment)
            .join(PnrPayment, PnrPayment.booking_id == PnrBooking.id)
            .where(PnrPayment.card_masked.like(f"%{digits}"))
            .limit(limit)
        ).tuples():
            hits.append(_booking_hit(booking, "card", payment.card_masked or ""))
    for booking, agency in session.execute(
        select(PnrBooking, Agency)
        .join(Agency, Agency.id == PnrBooking.agency_id)
        .where(or_(Agency.code == upper, func.upper(Agency.name).like(like)))
        .limit(limit)
    ).tuples():
        hits.append(_booking_hit(booking, "agency", f"{agency.code} {agency.name}".strip()))
    unique: dict[tuple[str, int, str], SearchHit] = {}
    for hit in hits:
        unique.setdefault((hit.kind, hit.id, hit.matched_on), hit)
    return list(unique.values())[:limit]


def _booking_hit(booking: PnrBooking, on: str, label: str) -> SearchHit:
    return SearchHit(
        "booking",
        booking.id,
        label.strip(", "),
        f"PNR {booking.carrier} {booking.locator}" + (" (masked)" if booking.masked_at else ""),
        on,
        f"/bookings/{booking.id}",
    )
