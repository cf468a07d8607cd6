"""Flights, API (PAXLST) manifests and PNR bookings with their travellers, legs, contacts,
payments and agencies. Raw messages are kept once (by hash) so a re-sent message changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from filet.store.schema._base import Base, CreatedMixin, IdMixin


class InboundMessage(IdMixin, CreatedMixin, Base):
    """A message as received (PAXLST, PNRGOV, PNR JSON, crossing CSV); idempotent on its hash."""

    __tablename__ = "inbound_messages"

    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    format: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str | None] = mapped_column(String(128))
    received_at: Mapped[dt.datetime]
    size: Mapped[int]
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Flight(IdMixin, CreatedMixin, Base):
    """One operating flight on one date (natural key: carrier, number, departure airport, date)."""

    __tablename__ = "flights"

    carrier: Mapped[str] = mapped_column(String(3))
    number: Mapped[str] = mapped_column(String(8))
    departure_airport: Mapped[str] = mapped_column(String(3))
    arrival_airport: Mapped[str] = mapped_column(String(3))
    departure_date: Mapped[dt.date]
    departure_local: Mapped[str | None] = mapped_column(String(32))
    arrival_local: Mapped[str | None] = mapped_column(String(32))
    routing: Mapped[list[Any]] = mapped_column(default=list)

    __table_args__ = (UniqueConstraint("carrier", "number", "departure_airport", "departure_date"),)


class ApiTraveller(IdMixin, CreatedMixin, Base):
    """A passenger or crew member on a PAXLST manifest.

    Natural key (flight, list type, traveller_key) where traveller_key is document or name+birth.
    """

    __tablename__ = "api_travellers"

    flight_id: Mapped[int] = mapped_column(ForeignKey("flights.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_messages.id"))
    traveller_key: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(32))  # passenger, crew, in_transit_passenger, ...
    surname: Mapped[str | None] = mapped_column(String(300))
    given_names: Mapped[str | None] = mapped_column(String(300))
    name_as_sent: Mapped[str | None] = mapped_column(String(600))
    sex: Mapped[str | None] = mapped_column(String(1))
    birth_date: Mapped[str | None] = mapped_column(String(10))
    nationality: Mapped[str | None] = mapped_column(String(3))
    residence_country: Mapped[str | None] = mapped_column(String(3))
    embarkation: Mapped[str | None] = mapped_column(String(5))
    debarkation: Mapped[str | None] = mapped_column(String(5))
    document_type: Mapped[str | None] = mapped_column(String(4))
    document_number: Mapped[str | None] = mapped_column(String(64))
    document_country: Mapped[str | None] = mapped_column(String(3))
    document_expiry: Mapped[str | None] = mapped_column(String(10))
    pnr_locator: Mapped[str | None] = mapped_column(String(16), index=True)
    passenger_ref: Mapped[str | None] = mapped_column(String(35))
    seat: Mapped[str | None] = mapped_column(String(8))
    bags: Mapped[int | None]
    quality_flags: Mapped[list[Any]] = mapped_column(default=list)
    pnr_traveller_id: Mapped[int | None] = mapped_column(ForeignKey("pnr_travellers.id"))
    identity_record_id: Mapped[int | None] = mapped_column(ForeignKey("identity_records.id"))
    masked_at: Mapped[dt.datetime | None]

    __table_args__ = (UniqueConstraint("flight_id", "role", "traveller_key"),)


class Agency(IdMixin, Base):
    """A travel agency or ticketing office (IATA number or airline office code)."""

    __tablename__ = "agencies"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str | None] = mapped_column(String(64))
    country: Mapped[str | None] = mapped_column(String(3))


class PnrBooking(IdMixin, CreatedMixin, Base):
    """A booking (PNR) in its current version; earlier versions are kept in ``pnr_versions``."""

    __tablename__ = "pnr_bookings"

    carrier: Mapped[str] = mapped_column(String(3))
    locator: Mapped[str] = mapped_column(String(16))
    created_on: Mapped[dt.datetime | None]
    last_modified: Mapped[dt.datetime | None]
    version: Mapped[int] = mapped_column(default=1)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    party_size: Mapped[int | None]
    split_from: Mapped[str | None] = mapped_column(String(16))
    one_way: Mapped[bool | None]
    remarks: Mapped[list[Any]] = mapped_column(default=list)
    received_at: Mapped[dt.datetime]
    masked_at: Mapped[dt.datetime | None]

    __table_args__ = (UniqueConstraint("carrier", "locator"),)


class PnrVersion(IdMixin, Base):
    """Every received version of a booking, as parsed, for its history."""

    __tablename__ = "pnr_versions"

    booking_id: Mapped[int] = mapped_column(ForeignKey("pnr_bookings.id", ondelete="CASCADE"))
    version: Mapped[int]
    message_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_messages.id"))
    received_at: Mapped[dt.datetime]
    content: Mapped[dict[str, Any]] = mapped_column(default=dict)

    __table_args__ = (UniqueConstraint("booking_id", "version"),)


class PnrTraveller(IdMixin, Base):
    """A traveller named in a booking (TIF), with the API data held in the booking (SSR DOCS)."""

    __tablename__ = "pnr_travellers"

    booking_id: Mapped[int] = mapped_column(
        ForeignKey("pnr_bookings.id", ondelete="CASCADE"), index=True
    )
    reference: Mapped[str] = mapped_column(String(32))
    surname: Mapped[str | None] = mapped_column(String(300))
    given_names: Mapped[str | None] = mapped_column(String(300))
    name_as_sent: Mapped[str | None] = mapped_column(String(600))
    infant: Mapped[bool] = mapped_column(default=False)
    birth_date: Mapped[str | None] = mapped_column(String(10))
    sex: Mapped[str | None] = mapped_column(String(1))
    nationality: Mapped[str | None] = mapped_column(String(3))
    document_type: Mapped[str | None] = mapped_column(String(4))
    document_number: Mapped[str | None] = mapped_column(String(64))
    document_country: Mapped[str | None] = mapped_column(String(3))
    frequent_flyer: Mapped[str | None] = mapped_column(String(64))
    identity_record_id: Mapped[int | None] = mapped_column(ForeignKey("identity_records.id"))

    __table_args__ = (UniqueConstraint("booking_id", "reference"),)


class PnrLeg(IdMixin, Base):
    """One segment of a booking's itinerary, with status (HK, NO-show...) and seat."""

    __tablename__ = "pnr_legs"

    booking_id: Mapped[int] = mapped_column(
        ForeignKey("pnr_bookings.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int]
    flight_id: Mapped[int | None] = mapped_column(ForeignKey("flights.id"), index=True)
    carrier: Mapped[str] = mapped_column(String(3))
    number: Mapped[str] = mapped_column(String(8))
    departure_airport: Mapped[str] = mapped_column(String(3))
    arrival_airport: Mapped[str] = mapped_column(String(3))
    departure_local: Mapped[str | None] = mapped_column(String(32))
    arrival_local: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str | None] = mapped_column(String(8))

    __table_args__ = (UniqueConstraint("booking_id", "seq"),)


class PnrContact(IdMixin, Base):
    """A phone, e-mail or address in a booking; ``value`` normalised (E.164, lower-case e-mail)."""

    __tablename__ = "pnr_contacts"

    booking_id: Mapped[int] = mapped_column(
        ForeignKey("pnr_bookings.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(8))  # phone|email|address
    value: Mapped[str] = mapped_column(String(300))
    as_sent: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_pnr_contacts_value", "kind", "value"),)


class PnrPayment(IdMixin, Base):
    """A form of payment: card (masked only), cash or other; with the payer when not a traveller."""

    __tablename__ = "pnr_payments"

    booking_id: Mapped[int] = mapped_column(
        ForeignKey("pnr_bookings.id", ondelete="CASCADE"), index=True
    )
    method: Mapped[str] = mapped_column(String(4))  # CC|CA|MS|...
    card_masked: Mapped[str | None] = mapped_column(String(32), index=True)
    card_fingerprint: Mapped[str | None] = mapped_column(String(64), index=True)
    amount: Mapped[float | None]
    currency: Mapped[str | None] = mapped_column(String(3))
    payer_name: Mapped[str | None] = mapped_column(String(300))
    payer_phone: Mapped[str | None] = mapped_column(String(32))
    payer_address: Mapped[str | None] = mapped_column(Text)
    paid_at: Mapped[dt.datetime | None]
