"""Flights with their manifests, bookings with everything in them, and passenger search."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from filet.errors import NotFoundError
from filet.passenger import booking_view, flight_view, list_flights, search
from filet.web.deps import Principal, db_session, require
from filet.web.ui._render import render

router = APIRouter(include_in_schema=False)


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


@router.get("/flights", response_class=HTMLResponse)
def flights_page(
    request: Request,
    on: str | None = None,
    carrier: str | None = None,
    principal: Principal = Depends(require("passenger:read")),
    session: Session = Depends(db_session),
) -> Response:
    rows = list_flights(session, _date(on), carrier)
    return render(
        request, "passenger/flights.html", principal, rows=rows, on=on or "", carrier=carrier or ""
    )


@router.get("/flights/{flight_id}", response_class=HTMLResponse)
def flight_page(
    request: Request,
    flight_id: int,
    principal: Principal = Depends(require("passenger:read")),
    session: Session = Depends(db_session),
) -> Response:
    try:
        view = flight_view(session, flight_id)
    except NotFoundError as error:
        raise HTTPException(404, str(error)) from None
    return render(request, "passenger/flight.html", principal, view=view)


@router.get("/bookings/{booking_id}", response_class=HTMLResponse)
def booking_page(
    request: Request,
    booking_id: int,
    principal: Principal = Depends(require("passenger:read")),
    session: Session = Depends(db_session),
) -> Response:
    try:
        view = booking_view(session, booking_id)
    except NotFoundError as error:
        raise HTTPException(404, str(error)) from None
    return render(request, "passenger/booking.html", principal, view=view)


@router.get("/passenger/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    q: str = "",
    principal: Principal = Depends(require("passenger:read")),
    session: Session = Depends(db_session),
) -> Response:
    hits = search(session, q) if q else []
    return render(request, "passenger/search.html", principal, q=q, hits=hits)
