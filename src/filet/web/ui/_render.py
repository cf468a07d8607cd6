"""Rendering pages: the Jinja2 environment, navigation by role, language and direction."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from filet import __version__
from filet.web import i18n
from filet.web.deps import Principal


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Mark a string for translation where it is defined; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str
    permission: str


# The screens, in menu order; each shows only to roles holding its permission.
NAVIGATION: list[NavItem] = [
    NavItem("/home", N_("Home"), "account:self"),
    NavItem("/check", N_("Border check"), "documents:check"),
    NavItem("/crossings", N_("Crossings"), "crossings:read"),
    NavItem("/flights", N_("Flights"), "passenger:read"),
    NavItem("/passenger/search", N_("Passenger search"), "passenger:read"),
    NavItem("/protection", N_("Protection cases"), "protection:read"),
    NavItem("/protection/dashboard", N_("Protection dashboard"), "protection:read"),
    NavItem("/protection/providers", N_("Service providers"), "protection:read"),
    NavItem("/screening/hits", N_("Screening hits"), "hits:review"),
    NavItem("/screening/watchlists", N_("Watchlists"), "watchlists:manage"),
    NavItem("/persons", N_("Persons"), "persons:read"),
    NavItem("/network", N_("Rings"), "network:read"),
    NavItem("/cases", N_("Investigation cases"), "cases:manage"),
    NavItem("/intelligence/debriefing", N_("Debriefing"), "intelligence:write"),
    NavItem("/research", N_("Research"), "stats:read"),
    NavItem("/research/builder", N_("Release builder"), "stats:release"),
    NavItem("/research/releases", N_("Releases"), "stats:read"),
    NavItem("/risk/queue", N_("Risk review"), "hits:review"),
    NavItem("/risk/rules", N_("Risk rules"), "risk:audit"),
    NavItem("/risk/audit", N_("Rule fairness"), "risk:audit"),
    NavItem("/admin/users", N_("Users"), "users:manage"),
    NavItem("/audit", N_("Audit log"), "audit:read"),
]

templates = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
templates.env.add_extension("jinja2.ext.i18n")
templates.env.install_gettext_callables(  # type: ignore[attr-defined]
    i18n.gettext, i18n.ngettext, newstyle=True
)


def render(
    request: Request,
    template: str,
    principal: Principal | None = None,
    status_code: int = 200,
    **values: Any,
) -> HTMLResponse:
    language = i18n.current_language.get()
    nav = [n for n in NAVIGATION if principal is not None and principal.can(n.permission)]
    policy = request.app.state.filet.policy
    context = {
        "principal": principal,
        "nav": nav,
        "language": language,
        "direction": i18n.direction(language),
        "languages": i18n.LANGUAGES,
        "version": __version__,
        "role_labels": {name: role.label for name, role in policy.roles.items()},
        "purpose_labels": {name: p.label for name, p in policy.purposes.items()},
        "csrf_token": principal.auth.csrf_token if principal else values.pop("csrf_token", ""),
        **values,
    }
    return templates.TemplateResponse(request, template, context, status_code=status_code)
