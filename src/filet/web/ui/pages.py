"""Login and logout, language choice, the home page of each role, users and the audit log."""

from __future__ import annotations

import datetime as dt
import secrets
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from filet.errors import FiletError
from filet.security import (
    LoginRefused,
    authenticate,
    close_session,
    create_user,
    open_session,
    set_active,
    verify_chain,
)
from filet.store.schema import User
from filet.web import i18n
from filet.web.api.admin import query_audit
from filet.web.deps import (
    SESSION_COOKIE,
    Principal,
    app_context,
    client_address,
    db_session,
    require,
)
from filet.web.ui._render import render

router = APIRouter(include_in_schema=False)

LOGIN_CSRF_COOKIE = "filet_login"


def _login_signer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(app_context(request).secret_key, salt="login-csrf")


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None, error: str | None = None) -> Response:
    nonce = secrets.token_urlsafe(16)
    response = render(
        request,
        "login.html",
        csrf_token=_login_signer(request).dumps(nonce),
        next=_safe_next(next),
        error=error,
        purposes=app_context(request).policy.purposes,
    )
    response.set_cookie(LOGIN_CSRF_COOKIE, nonce, httponly=True, samesite="strict")
    return response


@router.post("/login")
def login(
    request: Request,
    username: str = Form(...),
    password: str = Form(...),
    csrf_token: str = Form(...),
    purpose: str = Form(default=""),
    next: str = Form(default="/"),
    session: Session = Depends(db_session),
) -> Response:
    context = app_context(request)
    try:
        nonce = _login_signer(request).loads(csrf_token, max_age=3600)
    except BadSignature:
        nonce = None
    if nonce is None or nonce != request.cookies.get(LOGIN_CSRF_COOKIE):
        return RedirectResponse("/login?error=expired", status.HTTP_303_SEE_OTHER)
    client = client_address(request)
    try:
        user = authenticate(session, context.settings, username, password, client)
    except LoginRefused:
        session.commit()
        return RedirectResponse(
            f"/login?error=refused&next={quote(_safe_next(next))}", status.HTTP_303_SEE_OTHER
        )
    role = context.policy.role(user.role)
    chosen = purpose if purpose in context.policy.purposes else role.purpose
    issued = open_session(
        session,
        user,
        "cookie",
        dt.timedelta(minutes=context.settings.session_lifetime_minutes),
        client,
        chosen,
    )
    session.commit()
    target = _safe_next(next)
    response = RedirectResponse(role.home if target == "/" else target, status.HTTP_303_SEE_OTHER)
    response.set_cookie(
        SESSION_COOKIE,
        issued.secret,
        httponly=True,
        samesite="strict",
        max_age=context.settings.session_lifetime_minutes * 60,
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
def logout(
    request: Request,
    principal: Principal = Depends(require("account:self")),
    session: Session = Depends(db_session),
) -> Response:
    secret = request.cookies.get(SESSION_COOKIE)
    if secret:
        close_session(session, secret)
        session.commit()
    response = RedirectResponse("/login", status.HTTP_303_SEE_OTHER)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/lang/{code}")
def choose_language(request: Request, code: str) -> Response:
    referer = request.headers.get("referer", "/")
    target = "/" + referer.split("/", 3)[3] if referer.count("/") >= 3 else "/"
    response = RedirectResponse(_safe_next(target), status.HTTP_303_SEE_OTHER)
    if code in i18n.LANGUAGES:
        response.set_cookie("filet_lang", code, samesite="lax", max_age=365 * 86400)
    return response


@router.get("/")
def root(request: Request, session: Session = Depends(db_session)) -> Response:
    from filet.web.deps import _authenticate

    found = _authenticate(request, session)
    if found is None:
        return RedirectResponse("/login", status.HTTP_303_SEE_OTHER)
    home = app_context(request).policy.role(found[1].role).home
    return RedirectResponse(home, status.HTTP_303_SEE_OTHER)


@router.get("/home", response_class=HTMLResponse)
def home(request: Request, principal: Principal = Depends(require("account:self"))) -> Response:
    role = app_context(request).policy.role(principal.user.role)
    purpose = app_context(request).policy.purposes.get(principal.purpose or "")
    return render(request, "home.html", principal, role=role, purpose=purpose)


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(
    request: Request,
    principal: Principal = Depends(require("users:manage")),
    session: Session = Depends(db_session),
    message: str | None = None,
) -> Response:
    users = session.execute(select(User).order_by(User.username)).scalars().all()
    roles = app_context(request).policy.roles
    return render(request, "admin_users.html", principal, users=users, roles=roles, message=message)


@router.post("/admin/users")
def users_create(
    request: Request,
    username: str = Form(...),
    role: str = Form(...),
    password: str = Form(...),
    display_name: str = Form(default=""),
    principal: Principal = Depends(require("users:manage")),
    session: Session = Depends(db_session),
) -> Response:
    try:
        create_user(session, username, role, password, display_name, principal.actor)
    except FiletError as error:
        session.rollback()
        return RedirectResponse(
            f"/admin/users?message={quote(str(error))}", status.HTTP_303_SEE_OTHER
        )
    session.commit()
    return RedirectResponse(
        f"/admin/users?message={quote('created ' + username)}", status.HTTP_303_SEE_OTHER
    )


@router.post("/admin/users/{username}/disable")
def users_disable(
    username: str,
    principal: Principal = Depends(require("users:manage")),
    session: Session = Depends(db_session),
) -> Response:
    try:
        set_active(session, username, False, principal.actor)
    except FiletError as error:
        return RedirectResponse(
            f"/admin/users?message={quote(str(error))}", status.HTTP_303_SEE_OTHER
        )
    session.commit()
    return RedirectResponse("/admin/users", status.HTTP_303_SEE_OTHER)


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    principal: Principal = Depends(require("audit:read")),
    session: Session = Depends(db_session),
    username: str | None = None,
    action: str | None = None,
    verify: bool = False,
) -> Response:
    events = query_audit(session, username or None, action or None, None, None, 200)
    problems = verify_chain(session) if verify else None
    return render(
        request,
        "audit.html",
        principal,
        events=events,
        problems=problems,
        username=username or "",
        action=action or "",
    )
