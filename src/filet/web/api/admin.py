"""Users (administrators) and the audit log (auditors)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from filet.errors import FiletError
from filet.security import create_user, set_active, verify_chain
from filet.store.schema import AuditEvent, User
from filet.web.deps import Principal, db_session, require

router = APIRouter(prefix="/api/v1", tags=["administration"])


class UserOut(BaseModel):
    username: str
    display_name: str
    role: str
    active: bool
    locked_until: dt.datetime | None
    last_login_at: dt.datetime | None
    created_at: dt.datetime


class UserIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    role: str
    password: str = Field(min_length=1)
    display_name: str = ""


def _user_out(user: User) -> UserOut:
    return UserOut(
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        active=user.active,
        locked_until=user.locked_until,
        last_login_at=user.last_login_at,
        created_at=user.created_at,
    )


@router.get("/users", response_model=list[UserOut], summary="List users")
def list_users(
    principal: Principal = Depends(require("users:manage")),
    session: Session = Depends(db_session),
) -> list[UserOut]:
    users = session.execute(select(User).order_by(User.username)).scalars()
    return [_user_out(u) for u in users]


@router.post(
    "/users", response_model=UserOut, status_code=status.HTTP_201_CREATED, summary="Create a user"
)
def add_user(
    body: UserIn,
    principal: Principal = Depends(require("users:manage")),
    session: Session = Depends(db_session),
) -> UserOut:
    try:
        user = create_user(
            session, body.username, body.role, body.password, body.display_name, principal.actor
        )
    except FiletError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, str(error)) from None
    session.commit()
    return _user_out(user)


@router.post(
    "/users/{username}/disable", response_model=UserOut, summary="Disable a user (ends sessions)"
)
def disable_user(
    username: str,
    principal: Principal = Depends(require("users:manage")),
    session: Session = Depends(db_session),
) -> UserOut:
    try:
        user = set_active(session, username, False, principal.actor)
    except FiletError as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(error)) from None
    session.commit()
    return _user_out(user)


class AuditEventOut(BaseModel):
    seq: int
    at: dt.datetime
    username: str
    role: str
    action: str
    object_type: str
    object_ids: list[Any]
    purpose: str | None
    legal_regime: str | None
    client_address: str | None
    detail: dict[str, Any]
    hash: str


@router.get("/audit/events", response_model=list[AuditEventOut], summary="Read the audit log")
def audit_events(
    principal: Principal = Depends(require("audit:read")),
    session: Session = Depends(db_session),
    username: str | None = None,
    action: str | None = None,
    object_type: str | None = None,
    before_seq: int | None = Query(default=None, description="Page backwards from this event"),
    limit: int = Query(default=100, ge=1, le=1000),
) -> list[AuditEventOut]:
    return [
        AuditEventOut.model_validate(e, from_attributes=True)
        for e in query_audit(session, username, action, object_type, before_seq, limit)
    ]


def query_audit(
    session: Session,
    username: str | None,
    action: str | None,
    object_type: str | None,
    before_seq: int | None,
    limit: int,
) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(limit)
    if username:
        query = query.where(AuditEvent.username == username)
    if action:
        query = query.where(AuditEvent.action == action)
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    if before_seq:
        query = query.where(AuditEvent.seq < before_seq)
    return list(session.execute(query).scalars())


class ChainReport(BaseModel):
    intact: bool
    problems: list[dict[str, Any]]


@router.get("/audit/verify", response_model=ChainReport, summary="Verify the audit hash chain")
def audit_verify(
    principal: Principal = Depends(require("audit:read")),
    session: Session = Depends(db_session),
) -> ChainReport:
    problems = verify_chain(session)
    return ChainReport(
        intact=not problems, problems=[{"seq": p.seq, "problem": p.problem} for p in problems]
    )
