"""Health, authentication (bearer tokens for machine clients) and the caller's own identity."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.orm import Session

from filet import __version__
from filet.security import LoginRefused, authenticate, close_session, open_session
from filet.store import current_revision, head_revision
from filet.web.deps import Principal, app_context, client_address, db_session, require

router = APIRouter(prefix="/api/v1", tags=["system"])


class Health(BaseModel):
    status: str
    version: str
    database: str
    schema_revision: str | None
    schema_current: bool


@router.get("/health", response_model=Health, summary="Is the service up and its store current?")
def health(request: Request, session: Session = Depends(db_session)) -> Health:
    context = app_context(request)
    session.execute(text("SELECT 1"))
    revision = current_revision(context.engine)
    return Health(
        status="ok",
        version=__version__,
        database=context.engine.dialect.name,
        schema_revision=revision,
        schema_current=revision == head_revision(),
    )


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 (the OAuth2 token type, not a secret)
    expires_at: dt.datetime


@router.post(
    "/auth/token",
    response_model=Token,
    summary="Issue a bearer token (OAuth2 password form)",
    description="Send `username` and `password` as an OAuth2 password form. Optionally "
    "`scope=purpose:<name>` sets the default purpose for reads made with this token.",
)
def issue_token(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: Session = Depends(db_session),
) -> Token:
    context = app_context(request)
    client = client_address(request)
    try:
        user = authenticate(session, context.settings, form.username, form.password, client)
    except LoginRefused:
        session.commit()
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "wrong username or password, or account locked",
            headers={"WWW-Authenticate": "Bearer"},
        ) from None
    purpose = next((s.split(":", 1)[1] for s in form.scopes if s.startswith("purpose:")), None)
    if purpose is not None and purpose not in context.policy.purposes:
        session.rollback()
        raise HTTPException(status.HTTP_400_BAD_REQUEST, f"undeclared purpose {purpose!r}")
    issued = open_session(
        session,
        user,
        "bearer",
        dt.timedelta(minutes=context.settings.token_lifetime_minutes),
        client,
        purpose,
    )
    session.commit()
    return Token(access_token=issued.secret, expires_at=issued.expires_at)


@router.post(
    "/auth/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke the bearer token used for this request",
)
def revoke_token(
    request: Request,
    session: Session = Depends(db_session),
    token: str = Form(default=""),
) -> None:
    header = request.headers.get("Authorization", "")
    secret = header[7:].strip() if header.lower().startswith("bearer ") else token
    if secret:
        close_session(session, secret)
        session.commit()


class Me(BaseModel):
    username: str
    display_name: str
    role: str
    permissions: list[str]
    purpose: str | None


@router.get("/me", response_model=Me, summary="Who am I, and what may I do?")
def me(principal: Principal = Depends(require("account:self"))) -> Me:
    user = principal.user
    return Me(
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        permissions=sorted(principal.permissions),
        purpose=principal.purpose,
    )
