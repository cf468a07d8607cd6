"""Passenger data in: API (PAXLST), PNR (PNRGOV or PNR JSON) and crossing files."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel
from sqlalchemy.orm import Session

from filet.errors import InputError
from filet.passenger._store import ingest_message
from filet.web.deps import Principal, db_session, require

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
        summary = ingest_message(session, body, source, principal.actor)
    except InputError:
        session.rollback()
        raise
    session.commit()
    return Acknowledgement.model_validate(summary.as_dict())
