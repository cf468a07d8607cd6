"""Passenger data: messages in (PAXLST, PNRGOV, PNR JSON, crossing CSV), flights, bookings and
search out, and retention with supervised unmasking."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from filet.errors import FiletError, InputError, NotFoundError, PermissionDenied
from filet.passenger import (
    approve_unmask,
    booking_view,
    flight_view,
    ingest_message,
    list_flights,
    read_unmasked,
    request_unmask,
    run_retention,
    search,
)
from filet.screening import last_record_id, screen_new_records
from filet.store.schema import Flight, RetentionAction
from filet.web.deps import Principal, app_context, db_session, require

router = APIRouter(prefix="/api/v1", tags=["passenger data"])

MAX_MESSAGE_BYTES = 50 * 1024 * 1024


class Acknowledgement(BaseModel):
    """What the message did to the store; ``duplicate`` when it had been received before."""

    source: str
    format: str
    sha256: str
    duplicate: bool
    counts: dict[str, int]
    quality_flags: dict[str, int]
    notes: list[str]


class Rejection(BaseModel):
    detail: str
    place: dict[str, Any]


@router.post(
    "/messages",
    response_model=Acknowledgement,
    status_code=status.HTTP_200_OK,
    summary="Send one PAXLST, PNRGOV, PNR JSON or crossing CSV message",
    description="The body is the raw message (EDIFACT text, JSON or CSV); its format is detected. "
    "The message is stored whole or not at all; sending the same bytes again changes nothing "
    "(`duplicate: true`). A broken message is refused with 422 naming the segment or line.",
    responses={422: {"model": Rejection}},
)
async def receive_message(
    request: Request,
    source: str = "api",
    principal: Principal = Depends(require("passenger:ingest")),
    session: Session = Depends(db_session),
) -> Acknowledgement:
    body = await request.body()
    if not body:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "the message body is empty")
    if len(body) > MAX_MESSAGE_BYTES:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "message larger than 50 MB")
    try:
        since = last_record_id(session)
        summary = ingest_message(session, body, source, principal.actor)
        screen_new_records(session, since, principal.actor)
    except InputError:
        session.rollback()
        raise
    session.commit()
    return Acknowledgement.model_validate(summary.as_dict())


class RetentionRun(BaseModel):
    now: str
    masked_bookings: int
    masked_api_travellers: int
    deleted_bookings: int
    deleted_api_travellers: int
    deleted_messages: int


@router.post("/retention/run", response_model=RetentionRun, summary="Run retention now")
def retention_run(
    request: Request,
    principal: Principal = Depends(require("retention:run")),
    session: Session = Depends(db_session),
) -> RetentionRun:
    report = run_retention(session, app_context(request).settings, principal.actor)
    session.commit()
    return RetentionRun.model_validate(report.as_dict())


class UnmaskRequestIn(BaseModel):
    object_type: Literal["pnr_booking", "api_traveller"]
    object_id: int
    reason: str = Field(min_length=10, description="Case reference and why the data are needed.")


class UnmaskDecision(BaseModel):
    approve: bool


class UnmaskRequestOut(BaseModel):
    id: int
    object_type: str
    object_id: int
    status: str
    reason: str


def _request_out(action: RetentionAction) -> UnmaskRequestOut:
    return UnmaskRequestOut(
        id=action.id,
        object_type=action.object_type,
        object_id=action.object_id,
        status=action.status,
        reason=action.reason,
    )


def _refuse(error: FiletError) -> HTTPException:
    code = {
        PermissionDenied: status.HTTP_403_FORBIDDEN,
        NotFoundError: status.HTTP_404_NOT_FOUND,
    }.get(type(error), status.HTTP_409_CONFLICT)
    return HTTPException(code, str(error))


@router.post(
    "/retention/unmask-requests",
    response_model=UnmaskRequestOut,
    status_code=status.HTTP_201_CREATED,
    summary="Ask to see one masked booking or API record (needs a supervisor's approval)",
)
def unmask_request(
    body: UnmaskRequestIn,
    principal: Principal = Depends(require("passenger:unmask-request")),
    session: Session = Depends(db_session),
) -> UnmaskRequestOut:
    try:
        action = request_unmask(
            session, principal.actor, body.object_type, body.object_id, body.reason
        )
    except FiletError as error:
        raise _refuse(error) from None
    session.commit()
    return _request_out(action)


@router.post(
    "/retention/unmask-requests/{request_id}/decision",
    response_model=UnmaskRequestOut,
    summary="Approve or refuse another user's unmasking request (supervisor)",
)
def unmask_decision(
    request_id: int,
    body: UnmaskDecision,
    principal: Principal = Depends(require("passenger:unmask-approve")),
    session: Session = Depends(db_session),
) -> UnmaskRequestOut:
    try:
        action = approve_unmask(session, principal.actor, request_id, body.approve)
    except FiletError as error:
        raise _refuse(error) from None
    session.commit()
    return _request_out(action)


@router.get(
    "/retention/unmask-requests/{request_id}/data",
    summary="Read the unmasked data of an approved request (requester only)",
)
def unmask_data(
    request: Request,
    request_id: int,
    principal: Principal = Depends(require("passenger:unmask-request")),
    session: Session = Depends(db_session),
) -> dict[str, Any]:
    try:
        data = read_unmasked(session, app_context(request).settings, principal.actor, request_id)
    except FiletError as error:
        raise _refuse(error) from None
    session.commit()
    return data


class FlightOut(BaseModel):
    id: int
    carrier: str
    number: str
    departure_date: dt.date
    departure_airport: str
    arrival_airport: str
    departure_local: str | None
    arrival_local: str | None
    routing: list[Any]


def _flight_out(flight: Flight) -> FlightOut:
    return FlightOut.model_validate(flight, from_attributes=True)


@router.get("/flights", response_model=list[FlightOut], summary="Flights, newest first")
def flights(
    on: dt.date | None = None,
    carrier: str | None = None,
    principal: Principal = Depends(require("passenger:read")),
    session: Session = Depends(db_session),
) -> list[FlightOut]:
    return [_flight_out(f) for f, _n in list_flights(session, on, carrier)]


_TRAVELLER_FIELDS = (
    "id",
    "role",
    "surname",
    "given_names",
    "sex",
    "birth_date",
    "nationality",
    "document_type",
    "document_number",
    "document_country",
    "document_expiry",
    "seat",
    "pnr_locator",
    "embarkation",
    "debarkation",
    "quality_flags",
    "pnr_traveller_id",
    "identity_record_id",
)


def _row(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


@router.get("/flights/{flight_id}", summary="A flight with its API manifest and bookings")
def flight(
    flight_id: int,
    principal: Principal = Depends(require("passenger:read")),
    session: Session = Depends(db_session),
) -> dict[str, Any]:
    try:
        view = flight_view(session, flight_id)
    except NotFoundError as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(error)) from None
    return {
        "flight": _flight_out(view.flight).model_dump(mode="json"),
        "passengers": [_row(t, _TRAVELLER_FIELDS) for t in view.passengers],
        "crew": [_row(t, _TRAVELLER_FIELDS) for t in view.crew],
        "bookings": [
            {"id": b.id, "carrier": b.carrier, "locator": b.locator} for b in view.bookings
        ],
    }


@router.get(
    "/bookings/{booking_id}",
    summary="A booking: travellers, contacts, payment, agency, itinerary and history",
)
def booking(
    booking_id: int,
    principal: Principal = Depends(require("passenger:read")),
    session: Session = Depends(db_session),
) -> dict[str, Any]:
    try:
        view = booking_view(session, booking_id)
    except NotFoundError as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(error)) from None
    b = view.booking
    return {
        "id": b.id,
        "carrier": b.carrier,
        "locator": b.locator,
        "version": b.version,
        "created_on": b.created_on,
        "party_size": b.party_size,
        "one_way": b.one_way,
        "split_from": b.split_from,
        "masked_at": b.masked_at,
        "remarks": b.remarks,
        "agency": _row(view.agency, ("code", "name", "city", "country")) if view.agency else None,
        "travellers": [
            _row(
                t,
                (
                    "reference",
                    "surname",
                    "given_names",
                    "infant",
                    "birth_date",
                    "sex",
                    "nationality",
                    "document_type",
                    "document_number",
                    "document_country",
                    "frequent_flyer",
                ),
            )
            for t in view.travellers
        ],
        "itinerary": [
            _row(
                leg,
                (
                    "seq",
                    "flight_id",
                    "carrier",
                    "number",
                    "departure_airport",
                    "arrival_airport",
                    "departure_local",
                    "arrival_local",
                    "status",
                ),
            )
            for leg in view.legs
        ],
        "contacts": [_row(c, ("kind", "value")) for c in view.contacts],
        "payments": [
            _row(p, ("method", "card_masked", "amount", "currency", "payer_name", "payer_phone"))
            for p in view.payments
        ],
        "history": [{"version": v.version, "received_at": v.received_at} for v in view.versions],
    }


class SearchHitOut(BaseModel):
    kind: str
    id: int
    label: str
    detail: str
    matched_on: str
    link: str


@router.get(
    "/passenger/search",
    response_model=list[SearchHitOut],
    summary="Search travellers and bookings by name, document, locator, phone, e-mail, "
    "card (last digits) or agency",
)
def passenger_search(
    q: str,
    principal: Principal = Depends(require("passenger:read")),
    session: Session = Depends(db_session),
) -> list[SearchHitOut]:
    return [
        SearchHitOut(
            kind=h.kind,
            id=h.id,
            label=h.label,
            detail=h.detail,
            matched_on=h.matched_on,
            link=h.link,
        )
        for h in search(session, q)
    ]
