"""Screening over HTTP: screen one traveller, screen a stored flight, the hit queue and a hit with
both sides, reviews, and watchlist import and listing."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from filet.errors import ConflictError, FiletError, InputError, NotFoundError, Place
from filet.screening import (
    HitView,
    Traveller,
    hit_view,
    import_watchlist,
    list_watchlists,
    open_hits,
    read_watchlist,
    review_hit,
    screen_flight,
    screen_traveller,
)
from filet.security import record
from filet.web.deps import Principal, db_session, require

router = APIRouter(prefix="/api/v1", tags=["screening"])

MAX_WATCHLIST_BYTES = 200 * 1024 * 1024


def _http(error: FiletError) -> HTTPException:
    code = status.HTTP_422_UNPROCESSABLE_CONTENT
    if isinstance(error, NotFoundError):
        code = status.HTTP_404_NOT_FOUND
    elif isinstance(error, ConflictError):
        code = status.HTTP_409_CONFLICT
    return HTTPException(code, str(error))


class TravellerIn(BaseModel):
    """One traveller: surname and given names, or a full name (any script)."""

    id: str = Field(default="request", max_length=128)
    surname: str | None = Field(default=None, max_length=300)
    given_names: str | None = Field(default=None, max_length=300)
    full_name: str | None = Field(default=None, max_length=600)
    birth_date: str | None = Field(default=None, description="YYYY, YYYY-MM or YYYY-MM-DD")
    nationality: str | None = Field(default=None, max_length=3)
    sex: str | None = Field(default=None, max_length=1)
    document_number: str | None = Field(default=None, max_length=64)
    threshold: float | None = Field(default=None, ge=0, le=1)


class HitOut(BaseModel):
    entry_id: int | None
    entry_key: str
    list: str
    name: str
    score: float
    band: str
    explanation: dict[str, Any]


@router.post(
    "/screen",
    response_model=list[HitOut],
    summary="Screen one traveller against the active watchlists (nothing stored)",
)
def screen(
    body: TravellerIn,
    principal: Principal = Depends(require("screening:run")),
    session: Session = Depends(db_session),
) -> list[HitOut]:
    from filet.screening._import import normalise_birth_date

    if not (body.surname or body.given_names or body.full_name):
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, "give surname and given_names, or full_name"
        )
    try:
        birth = normalise_birth_date(body.birth_date, Place(field="birth_date"))
    except InputError as error:
        raise _http(error) from None
    traveller = Traveller(
        traveller_id=body.id,
        surname=body.surname,
        given_names=body.given_names,
        full_name=body.full_name,
        birth_date=birth,
        nationality=body.nationality,
        sex=body.sex,
        document_number=body.document_number,
    )
    matches = screen_traveller(session, traveller, body.threshold)
    record(
        session,
        principal.actor,
        "search",
        "watchlist_entry",
        [m.entry.entry_id for m in matches if m.entry.entry_id is not None],
        {"screened": body.id, "hits": len(matches)},
    )
    session.commit()
    return [
        HitOut(
            entry_id=m.entry.entry_id,
            entry_key=m.entry.entry_key,
            list=m.entry.list_name,
            name=m.entry.name,
            score=m.score,
            band=m.band,
            explanation=m.explanation(),
        )
        for m in matches
    ]


class RaisedOut(BaseModel):
    hit_id: int
    alert_id: int
    subject_id: int
    entry_id: int
    score: float
    band: str


@router.post(
    "/screening/flights/{flight_id}",
    response_model=list[RaisedOut],
    summary="Screen every traveller of a stored flight; hits are stored for review",
)
def screen_stored_flight(
    flight_id: int,
    principal: Principal = Depends(require("screening:run")),
    session: Session = Depends(db_session),
) -> list[RaisedOut]:
    raised = screen_flight(session, flight_id, principal.actor)
    session.commit()
    return [RaisedOut(**vars(r)) for r in raised]


class HitDetail(BaseModel):
    hit_id: int
    alert_id: int | None
    status: str
    score: float
    band: str
    explanation: dict[str, Any]
    traveller: dict[str, Any]
    entry: dict[str, Any]
    reviews: list[dict[str, Any]]


def _detail(view: HitView) -> HitDetail:
    return HitDetail(**vars(view))


@router.get("/screening/hits", response_model=list[HitDetail], summary="Open hits, highest first")
def hits(
    principal: Principal = Depends(require("hits:review")),
    session: Session = Depends(db_session),
) -> list[HitDetail]:
    return [_detail(v) for v in open_hits(session)]


@router.get("/screening/hits/{hit_id}", response_model=HitDetail, summary="A hit with both sides")
def hit(
    hit_id: int,
    principal: Principal = Depends(require("hits:review")),
    session: Session = Depends(db_session),
) -> HitDetail:
    try:
        return _detail(hit_view(session, hit_id))
    except FiletError as error:
        raise _http(error) from None


class HitReviewIn(BaseModel):
    decision: Literal["confirm", "dismiss", "escalate"]
    reason: str = Field(min_length=1)
    exonerating_considered: bool = False


@router.post(
    "/screening/hits/{hit_id}/review",
    response_model=HitDetail,
    summary="Confirm, dismiss or escalate a hit, with a reason",
)
def review(
    hit_id: int,
    body: HitReviewIn,
    principal: Principal = Depends(require("hits:review")),
    session: Session = Depends(db_session),
) -> HitDetail:
    try:
        view = review_hit(
            session,
            hit_id,
            body.decision,
            body.reason,
            principal.actor,
            body.exonerating_considered,
        )
    except FiletError as error:
        session.rollback()
        raise _http(error) from None
    session.commit()
    return _detail(view)


class WatchlistOut(BaseModel):
    name: str
    source: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    entries: int
    active: bool


@router.get(
    "/watchlists", response_model=list[WatchlistOut], summary="Watchlists and their entries"
)
def watchlists(
    principal: Principal = Depends(require("watchlists:manage")),
    session: Session = Depends(db_session),
) -> list[WatchlistOut]:
    return [WatchlistOut(**vars(w)) for w in list_watchlists(session)]


@router.post(
    "/watchlists/import",
    summary="Import a watchlist file (body: CSV, FtM JSON lines or INTERPOL-like JSON)",
)
async def watchlist_import(
    request: Request,
    format: Literal["csv", "ftm", "interpol"] | None = None,
    list_name: str | None = None,
    source: str = "",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    principal: Principal = Depends(require("watchlists:manage")),
    session: Session = Depends(db_session),
) -> dict[str, dict[str, int]]:
    body = await request.body()
    if len(body) > MAX_WATCHLIST_BYTES:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "watchlist larger than 200 MB")
    try:
        text = body.decode("utf-8-sig")
        entries = read_watchlist(text, "body", format, list_name)
        summary = import_watchlist(
            session,
            entries,
            principal.actor,
            source=source,
            valid_from=valid_from,
            valid_to=valid_to,
        )
    except UnicodeDecodeError:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, "the body is not UTF-8"
        ) from None
    except FiletError as error:
        session.rollback()
        raise _http(error) from None
    session.commit()
    return summary.lists
