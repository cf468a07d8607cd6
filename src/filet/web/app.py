"""The filet web application: REST API under /api/v1 (OpenAPI at /api/docs) and the web UI."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from filet import __version__
from filet.errors import FiletError
from filet.security import access_policy
from filet.settings import Settings, get_settings
from filet.store import make_engine, require_current_schema, session_factory
from filet.web import i18n
from filet.web._context import AppContext
from filet.web.api import admin, passenger, system
from filet.web.api import border as border_api
from filet.web.api import cases as cases_api
from filet.web.api import identity as identity_api
from filet.web.api import network as network_api
from filet.web.api import protection as protection_api
from filet.web.api import research as research_api
from filet.web.api import risk as risk_api
from filet.web.api import screening as screening_api
from filet.web.deps import LoginRequired, principal_if_logged_in
from filet.web.ui import border as border_ui
from filet.web.ui import cases as cases_ui
from filet.web.ui import identity as identity_ui
from filet.web.ui import network as network_ui
from filet.web.ui import pages
from filet.web.ui import passenger as passenger_ui
from filet.web.ui import protection as protection_ui
from filet.web.ui import research as research_ui
from filet.web.ui import risk as risk_ui
from filet.web.ui import screening as screening_ui
from filet.web.ui._render import render

STATIC = Path(__file__).with_name("static")

API_ROUTERS = [
    system.router,
    admin.router,
    passenger.router,
    protection_api.router,
    risk_api.router,
    identity_api.router,
    research_api.router,
    screening_api.router,
    border_api.router,
    network_api.router,
    cases_api.router,
]
UI_ROUTERS = [
    pages.router,
    passenger_ui.router,
    protection_ui.router,
    risk_ui.router,
    identity_ui.router,
    research_ui.router,
    screening_ui.router,
    border_ui.router,
    network_ui.router,
    cases_ui.router,
]


log = logging.getLogger("filet.web")


def _retention_once(context: AppContext) -> None:
    from filet.passenger import run_retention
    from filet.security import SYSTEM
    from filet.store import transaction

    with transaction(context.sessions) as session:
        report = run_retention(session, context.settings, SYSTEM)
    log.info("retention: %s", report.as_dict())


async def _retention_loop(context: AppContext) -> None:
    """Run retention every ``retention_interval_hours`` while the server runs."""
    interval = context.settings.retention_interval_hours * 3600
    while True:
        await asyncio.sleep(interval)
        try:
            await asyncio.to_thread(_retention_once, context)
        except Exception:
            log.exception("retention run failed; will try again at the next interval")


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    context: AppContext = app.state.filet
    from filet.border import warm_alert_index

    warming = asyncio.create_task(asyncio.to_thread(warm_alert_index, context.sessions))
    task = None
    if context.settings.retention_interval_hours > 0:
        task = asyncio.create_task(_retention_loop(context))
    yield
    with contextlib.suppress(Exception):
        await warming
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """Build the app on a store whose schema is current (refuses to start otherwise)."""
    settings = settings or get_settings()
    engine = engine or make_engine(settings.effective_database_url)
    require_current_schema(engine)
    app = FastAPI(
        lifespan=_lifespan,
        title="filet",
        version=__version__,
        description="Counter migrant smuggling, protect smuggled migrants. Every endpoint needs a "
        "bearer token (POST /api/v1/auth/token) and reads of personal data need the "
        "X-Filet-Purpose header.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.filet = AppContext(
        settings=settings,
        engine=engine,
        sessions=session_factory(engine),
        policy=access_policy(),
        secret_key=settings.effective_secret_key(),
    )
    for router in API_ROUTERS + UI_ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.middleware("http")
    async def language_and_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        language = i18n.pick_language(
            request.cookies.get("filet_lang"),
            None,
            request.headers.get("accept-language", ""),
            settings.default_language,
        )
        token = i18n.current_language.set(language)
        try:
            response = await call_next(request)
        finally:
            i18n.current_language.reset(token)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not request.url.path.startswith("/api/docs"):
            response.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'",
            )
        return response

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/") or request.url.path.startswith("/static/"):
            return JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
            )
        return render(
            request,
            "error.html",
            principal_if_logged_in(request),
            status_code=exc.status_code,
            status=exc.status_code,
            detail=exc.detail,
        )

    @app.exception_handler(FiletError)
    async def _filet_error(_request: Request, exc: FiletError) -> Response:
        return JSONResponse({"detail": exc.message, "place": exc.place.as_dict()}, status_code=422)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> Response:
        return JSONResponse({"detail": exc.errors()}, status_code=422)

    return app
