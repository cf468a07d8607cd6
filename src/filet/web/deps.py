"""The one authorisation dependency every endpoint uses, and the request-scoped database session.

``require("area:action")`` authenticates the caller (bearer token, else session cookie), checks
the role's permission, demands a declared purpose for permissions that read personal data, checks
the CSRF token of cookie-authenticated writes, and writes a ``read`` audit event for personal reads
before the handler runs. No endpoint checks roles by itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from fastapi import Depends, HTTPException, Request, status
from sqlalchemy.orm import Session

from filet.security import Actor, record, resolve_session
from filet.store.schema import AuthSession, User
from filet.web._context import AppContext

SESSION_COOKIE = "filet_session"
PURPOSE_HEADER = "X-Filet-Purpose"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def app_context(request: Request) -> AppContext:
    context: AppContext = request.app.state.filet
    return context


def db_session(request: Request) -> Iterator[Session]:
    """A session per request; a handler commits what it writes, an error rolls it all back."""
    with app_context(request).sessions() as session:
        yield session


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


@dataclass
class Principal:
    """The authenticated caller of one request."""

    user: User
    auth: AuthSession
    permission: str
    purpose: str | None
    legal_regime: str | None
    client: str | None
    via_cookie: bool
    permissions: frozenset[str] = field(default_factory=frozenset)

    @property
    def actor(self) -> Actor:
        return Actor(
            self.user.id,
            self.user.username,
            self.user.role,
            self.purpose,
            self.legal_regime,
            self.client,
        )

    def can(self, permission: str) -> bool:
        return permission in self.permissions


class LoginRequired(Exception):
    """Raised for browser pages: the app turns it into a redirect to the login page."""


def _authenticate(request: Request, session: Session) -> tuple[AuthSession, User, bool] | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        found = resolve_session(session, header[7:].strip(), "bearer")
        return (found[0], found[1], False) if found else None
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        found = resolve_session(session, cookie, "cookie")
        return (found[0], found[1], True) if found else None
    return None


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/")


def require(permission: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency granting access to holders of ``permission`` (see security/data/roles.yaml)."""

    async def dependency(request: Request, session: Session = Depends(db_session)) -> Principal:
        context = app_context(request)
        if permission not in context.policy.permissions:
            raise RuntimeError(f"endpoint declares unknown permission {permission}")
        found = _authenticate(request, session)
        if found is None:
            if _wants_html(request):
                raise LoginRequired
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "not authenticated",
                headers={"WWW-Authenticate": "Bearer"},
            )
        auth, user, via_cookie = found
        role = context.policy.roles.get(user.role)
        if role is None or permission not in role.permissions:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, f"your role ({user.role}) may not {permission}"
            )
        if via_cookie and request.method not in SAFE_METHODS:
            presented = request.headers.get(CSRF_HEADER)
            if presented is None and "form" in request.headers.get("content-type", ""):
                form = await request.form()
                value = form.get("csrf_token")
                presented = value if isinstance(value, str) else None
            if presented != auth.csrf_token:
                raise HTTPException(status.HTTP_403_FORBIDDEN, "missing or wrong CSRF token")
        purpose_name = (
            request.headers.get(PURPOSE_HEADER)
            or request.query_params.get("purpose")
            or auth.purpose
        )
        purpose = context.policy.purposes.get(purpose_name) if purpose_name else None
        if purpose_name and purpose is None:
            raise HTTPException(
                status.HTTP_400_BAD_REQUEST,
                f"undeclared purpose {purpose_name!r}; declared: "
                + ", ".join(sorted(context.policy.purposes)),
            )
        personal = context.policy.permissions[permission].personal
        if personal and purpose is None:
            raise HTTPException(
                status.HTTP_400_BAD_REQUEST,
                f"reading personal data needs a purpose: send the {PURPOSE_HEADER} header "
                "(declared purposes: " + ", ".join(sorted(context.policy.purposes)) + ")",
            )
        principal = Principal(
            user=user,
            auth=auth,
            permission=permission,
            purpose=purpose.name if purpose else None,
            legal_regime=purpose.regime if purpose else None,
            client=client_address(request),
            via_cookie=via_cookie,
            permissions=role.permissions,
        )
        if personal and request.method in SAFE_METHODS:
            ids: list[Any] = [str(v) for v in request.path_params.values()]
            record(
                session,
                principal.actor,
                "read",
                _object_type(request),
                ids,
                {"path": request.url.path, "query": str(request.query_params)},
            )
        session.commit()
        return principal

    dependency.__filet_permission__ = permission  # type: ignore[attr-defined]
    return dependency


def _object_type(request: Request) -> str:
    route = request.scope.get("route")
    name = getattr(route, "name", None)
    return str(name) if name else request.url.path


def principal_if_logged_in(request: Request) -> Principal | None:
    """The caller, when a page is shown outside an endpoint (error pages keep their menu)."""
    context = app_context(request)
    with context.sessions() as session:
        found = _authenticate(request, session)
    if found is None:
        return None
    auth, user, via_cookie = found
    role = context.policy.roles.get(user.role)
    return Principal(
        user=user,
        auth=auth,
        permission="",
        purpose=auth.purpose,
        legal_regime=None,
        client=client_address(request),
        via_cookie=via_cookie,
        permissions=role.permissions if role else frozenset(),
    )
