"""Local users, login with lock-out, and sessions/tokens (only hashes of secrets are stored)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from filet.errors import ConflictError, InputError, NotFoundError, Place
from filet.security._audit import SYSTEM, Actor, record
from filet.security._passwords import MIN_LENGTH, hash_password, needs_rehash, verify_password
from filet.security._roles import access_policy
from filet.settings import Settings
from filet.store.schema import AuthSession, User, utcnow


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_user(
    session: Session,
    username: str,
    role: str,
    password: str,
    display_name: str = "",
    actor: Actor = SYSTEM,
) -> User:
    access_policy().role(role)
    if not username or not username.replace("_", "").replace(".", "").replace("-", "").isalnum():
        raise InputError("a username is letters, digits, '.', '_' or '-'", Place(field="username"))
    if len(password) < MIN_LENGTH:
        raise InputError(
            f"a password has at least {MIN_LENGTH} characters", Place(field="password")
        )
    if session.execute(select(User).where(User.username == username)).scalar_one_or_none():
        raise ConflictError(f"user {username!r} already exists")
    user = User(
        username=username,
        role=role,
        display_name=display_name or username,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    record(session, actor, "create", "user", [user.id], {"username": username, "role": role})
    return user


def get_user(session: Session, username: str) -> User:
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise NotFoundError(f"no user {username!r}")
    return user


def set_active(session: Session, username: str, active: bool, actor: Actor = SYSTEM) -> User:
    user = get_user(session, username)
    user.active = active
    if not active:
        for auth in session.execute(
            select(AuthSession).where(AuthSession.user_id == user.id)
        ).scalars():
            auth.revoked = True
    record(session, actor, "update", "user", [user.id], {"active": active})
    return user


def set_password(session: Session, username: str, password: str, actor: Actor = SYSTEM) -> User:
    if len(password) < MIN_LENGTH:
        raise InputError(
            f"a password has at least {MIN_LENGTH} characters", Place(field="password")
        )
    user = get_user(session, username)
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    record(session, actor, "update", "user", [user.id], {"password": "changed"})
    return user


class LoginRefused(Exception):
    """Login failed; the message is the same whatever the cause, so it reveals nothing."""


def authenticate(
    session: Session, settings: Settings, username: str, password: str, client: str | None
) -> User:
    """Check a password, counting failures and locking the account after too many in a row.

    The caller must commit even when :class:`LoginRefused` is raised, so failures are counted.
    """
    now = utcnow()
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    anonymous = Actor(None, username[:64], "anonymous", "administration", "GDPR", client)
    if user is None or not user.active:
        record(session, anonymous, "login_failed", "user", [], {"reason": "unknown or disabled"})
        raise LoginRefused
    if user.locked_until is not None and user.locked_until > now:
        record(session, anonymous, "login_failed", "user", [user.id], {"reason": "locked"})
        raise LoginRefused
    if not verify_password(user.password_hash, password):
        user.failed_logins += 1
        detail: dict[str, object] = {"reason": "bad password", "failures": user.failed_logins}
        if user.failed_logins >= settings.lockout_threshold:
            user.locked_until = now + dt.timedelta(minutes=settings.lockout_minutes)
            user.failed_logins = 0
            detail["locked_until"] = user.locked_until.isoformat()
        record(session, anonymous, "login_failed", "user", [user.id], detail)
        raise LoginRefused
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    actor = Actor(user.id, user.username, user.role, "administration", "GDPR", client)
    record(session, actor, "login", "user", [user.id])
    return user


@dataclass(frozen=True)
class IssuedSession:
    secret: str
    csrf_token: str
    expires_at: dt.datetime


def open_session(
    session: Session,
    user: User,
    kind: str,
    lifetime: dt.timedelta,
    client: str | None,
    purpose: str | None = None,
) -> IssuedSession:
    """Start a cookie session or issue a bearer token; the secret is returned once, never stored."""
    secret = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(24)
    expires = utcnow() + lifetime
    session.add(
        AuthSession(
            token_hash=_digest(secret),
            kind=kind,
            user_id=user.id,
            csrf_token=csrf,
            purpose=purpose,
            expires_at=expires,
            client_address=client,
        )
    )
    session.flush()
    return IssuedSession(secret, csrf, expires)


def resolve_session(session: Session, secret: str, kind: str) -> tuple[AuthSession, User] | None:
    """The live session and its user for a presented secret, or None."""
    found = session.execute(
        select(AuthSession, User)
        .join(User, User.id == AuthSession.user_id)
        .where(AuthSession.token_hash == _digest(secret), AuthSession.kind == kind)
    ).first()
    if found is None:
        return None
    auth, user = found[0], found[1]
    if auth.revoked or auth.expires_at <= utcnow() or not user.active:
        return None
    return auth, user


def close_session(session: Session, secret: str) -> None:
    for auth in session.execute(
        select(AuthSession).where(AuthSession.token_hash == _digest(secret))
    ).scalars():
        auth.revoked = True
