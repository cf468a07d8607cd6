"""The border over HTTP: the check on one MRZ, recording a crossing with its decision, and the
crossings list with filters."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from filet.border import (
    BorderCheck,
    BorderChecker,
    crossing_from_check,
    list_crossings,
    record_crossing,
)
from filet.errors import FiletError, NotFoundError
from filet.security import Actor, record
from filet.web.deps import Principal, app_context, db_session, require

router = APIRouter(prefix="/api/v1", tags=["border"])


class CheckIn(BaseModel):
    """An MRZ (lines, or one text with line breaks) and where the check happens."""

    mrz: str | list[str] = Field(description="The MRZ lines, or one text with the lines")
    point: str | None = Field(default=None, max_length=16, description="Crossing point code")
    direction: Literal["entry", "exit"] | None = None
    specimen: bool = Field(default=False, description="Training mode: accept the state UTO")


def run_check(
    session: Session,
    request: Request,
    actor: Actor,
    mrz: str | list[str],
    point: str | None,
    direction: str | None,
    specimen: bool = False,
) -> BorderCheck:
    """Run the check and audit it as a search on the document (shared with the check screen)."""
    checker = BorderChecker(app_context(request).settings, specimen=specimen)
    result = checker.check(session, mrz, point=point, direction=direction)
    doc = result.document
    record(
        session,
        actor,
        "search",
        "travel_document",
        [f"{doc.issuing_state}:{doc.document_number}"],
        {"check": result.status, "point": point, "direction": direction},
    )
    session.commit()
    return result


@router.post(
    "/checks",
    summary="Border check on one MRZ: document alerts, protection flags, screening, risk, status",
    response_class=JSONResponse,
)
def check(
    body: CheckIn,
    request: Request,
    principal: Principal = Depends(require("documents:check")),
    session: Session = Depends(db_session),
) -> JSONResponse:
    try:
        result = run_check(
            session, request, principal.actor, body.mrz, body.point, body.direction, body.specimen
        )
    except FiletError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from None
    # The result is plain JSON already: skip FastAPI's generic encoder on the hot path.
    return JSONResponse(result.as_dict())


class CrossingIn(BaseModel):
    """The officer's decision on a checked document (the check is run again and stored)."""

    mrz: str | list[str]
    point: str = Field(max_length=16)
    direction: Literal["entry", "exit"]
    decision: Literal["admitted", "refused", "second_line", "protection_referral"]
    reasons: list[str] = Field(default_factory=list, description="Keys of data/decisions.yaml")
    at: dt.datetime | None = Field(default=None, description="Time of crossing (default: now)")
    carrier: str | None = Field(default=None, max_length=64)
    voyage: str | None = Field(default=None, max_length=64)
    vehicle: str | None = Field(default=None, max_length=64)
    companions_ref: str | None = Field(default=None, max_length=64)
    protection_facts: list[Literal["asylum_wish", "medical_emergency"]] = Field(
        default_factory=list
    )
    specimen: bool = False


class CrossingOut(BaseModel):
    id: int
    status: str
    decision: str
    reasons: list[str]


def save_crossing(
    session: Session, request: Request, actor: Actor, body: CrossingIn
) -> CrossingOut:
    """Check, record and commit one crossing (shared with the check screen)."""
    checker = BorderChecker(app_context(request).settings, specimen=body.specimen)
    result = checker.check(session, body.mrz, point=body.point, direction=body.direction)
    if body.at is not None and body.at.tzinfo is None:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "at: give a zone offset")
    data = crossing_from_check(
        result,
        point=body.point,
        direction=body.direction,
        decision=body.decision,
        reasons=body.reasons,
        at=body.at,
        carrier=body.carrier,
        voyage=body.voyage,
        vehicle=body.vehicle,
        companions_ref=body.companions_ref,
        protection_facts=body.protection_facts,
    )
    crossing = record_crossing(session, data, actor)
    session.commit()
    return CrossingOut(
        id=crossing.id, status=result.status, decision=crossing.decision, reasons=data.reasons
    )


@router.post(
    "/crossings",
    response_model=CrossingOut,
    status_code=status.HTTP_201_CREATED,
    summary="Record a crossing and the officer's decision with reasons (audited)",
)
def create_crossing(
    body: CrossingIn,
    request: Request,
    principal: Principal = Depends(require("crossings:write")),
    session: Session = Depends(db_session),
) -> CrossingOut:
    try:
        return save_crossing(session, request, principal.actor, body)
    except NotFoundError as error:
        session.rollback()
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(error)) from None
    except FiletError as error:
        session.rollback()
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from None


@router.get("/crossings", summary="Crossings, newest first, with filters")
def crossings(
    point: str | None = None,
    direction: Literal["entry", "exit"] | None = None,
    decision: str | None = None,
    since: dt.datetime | None = Query(default=None, alias="from"),
    until: dt.datetime | None = Query(default=None, alias="to"),
    document: str | None = None,
    limit: int = Query(default=200, ge=1, le=5000),
    principal: Principal = Depends(require("crossings:read")),
    session: Session = Depends(db_session),
) -> list[dict[str, Any]]:
    for value in (since, until):
        if value is not None and value.tzinfo is None:
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT, "from/to: give a zone offset"
            )
    views = list_crossings(
        session,
        point=point,
        direction=direction,
        decision=decision,
        since=since,
        until=until,
        document=document,
        limit=limit,
    )
    return [v.as_dict() for v in views]
