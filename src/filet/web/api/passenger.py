"""Passenger data in: API (PAXLST), PNR (PNRGOV or PNR JSON) and crossing files."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from filet.errors import FiletError, InputError, NotFoundError, PermissionDenied
from filet.passenger import (
    approve_unmask,
    ingest_message,
    read_unmasked,
    request_unmask,
    run_retention,
)
from filet.screening import last_record_id, screen_new_records
from filet.store.schema import RetentionAction
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
