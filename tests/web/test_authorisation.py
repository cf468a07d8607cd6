"""Every route, every role: a table-driven authorisation test.

``ROUTES`` says which permission each route needs (None: public). A route the app serves but the
table does not list fails the test, so a new endpoint cannot ship without its access decision.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.routing import APIRoute

from filet.security import access_policy
from tests.web.conftest import ROLES, Site

ROUTES: dict[tuple[str, str], str | None] = {
    ("GET", "/api/v1/health"): None,
    ("POST", "/api/v1/checks"): "documents:check",
    ("POST", "/api/v1/crossings"): "crossings:write",
    ("GET", "/api/v1/crossings"): "crossings:read",
    ("GET", "/check"): "documents:check",
    ("POST", "/check"): "documents:check",
    ("POST", "/check/decision"): "crossings:write",
    ("GET", "/crossings"): "crossings:read",
    ("GET", "/api/v1/persons/{person_id}"): "persons:read",
    ("POST", "/api/v1/identity/judgements"): "identity:judge",
    ("GET", "/api/v1/network/rings"): "network:read",
    ("GET", "/api/v1/network/nodes/{node_id}/neighbourhood"): "network:read",
    ("GET", "/api/v1/network/rings/{reference}"): "network:read",
    ("GET", "/api/v1/network/rings/{reference}/graph"): "network:read",
    ("GET", "/api/v1/network/rings/{reference}/export"): "network:read",
    ("POST", "/api/v1/network/export"): "network:read",
    ("GET", "/api/v1/network/basemap"): "network:read",
    ("GET", "/network"): "network:read",
    ("GET", "/network/rings/{reference}"): "network:read",
    ("GET", "/network/nodes/{node_id}"): "network:read",
    ("GET", "/api/v1/cases"): "cases:manage",
    ("GET", "/api/v1/cases/{reference}"): "cases:manage",
    ("POST", "/api/v1/network/rings/{reference}/case"): "cases:manage",
    ("POST", "/api/v1/cases/{reference}/members"): "cases:manage",
    ("POST", "/api/v1/cases/{reference}/relations"): "cases:manage",
    ("POST", "/api/v1/cases/{reference}/members/{person_id}/remove"): "cases:manage",
    ("POST", "/api/v1/cases/{reference}/notes"): "cases:manage",
    ("POST", "/api/v1/cases/{reference}/hypothesis"): "cases:manage",
    ("POST", "/api/v1/cases/{reference}/intelligence"): "cases:manage",
    ("POST", "/api/v1/cases/{reference}/close"): "cases:manage",
    ("POST", "/api/v1/cases/{reference}/reopen"): "cases:manage",
    ("GET", "/api/v1/cases/{reference}/file"): "cases:manage",
    ("POST", "/api/v1/intelligence"): "intelligence:write",
    ("POST", "/api/v1/intelligence/debriefings"): "intelligence:write",
    ("GET", "/cases"): "cases:manage",
    ("POST", "/cases"): "cases:manage",
    ("GET", "/cases/{reference}"): "cases:manage",
    ("POST", "/network/rings/{reference}/case"): "cases:manage",
    ("POST", "/cases/{reference}/members"): "cases:manage",
    ("POST", "/cases/{reference}/relations"): "cases:manage",
    ("POST", "/cases/{reference}/members/{person_id}/remove"): "cases:manage",
    ("POST", "/cases/{reference}/notes"): "cases:manage",
    ("POST", "/cases/{reference}/hypothesis"): "cases:manage",
    ("POST", "/cases/{reference}/intelligence"): "cases:manage",
    ("POST", "/cases/{reference}/intelligence/new"): "intelligence:write",
    ("POST", "/cases/{reference}/close"): "cases:manage",
    ("POST", "/cases/{reference}/reopen"): "cases:manage",
    ("GET", "/cases/{reference}/file.{fmt}"): "cases:manage",
    ("GET", "/intelligence/debriefing"): "intelligence:write",
    ("POST", "/intelligence/debriefing"): "intelligence:write",
    ("GET", "/persons"): "persons:read",
    ("GET", "/persons/{person_id}"): "persons:read",
    ("POST", "/persons/{person_id}/judgements"): "identity:judge",
    ("POST", "/api/v1/auth/token"): None,
    ("POST", "/api/v1/auth/logout"): None,
    ("GET", "/api/v1/me"): "account:self",
    ("GET", "/api/v1/users"): "users:manage",
    ("POST", "/api/v1/users"): "users:manage",
    ("POST", "/api/v1/users/{username}/disable"): "users:manage",
    ("GET", "/api/v1/audit/events"): "audit:read",
    ("GET", "/api/v1/audit/verify"): "audit:read",
    ("POST", "/api/v1/messages"): "passenger:ingest",
    ("POST", "/api/v1/retention/run"): "retention:run",
    ("GET", "/api/v1/flights"): "passenger:read",
    ("GET", "/api/v1/flights/{flight_id}"): "passenger:read",
    ("GET", "/api/v1/bookings/{booking_id}"): "passenger:read",
    ("GET", "/api/v1/passenger/search"): "passenger:read",
    ("GET", "/flights"): "passenger:read",
    ("GET", "/flights/{flight_id}"): "passenger:read",
    ("GET", "/bookings/{booking_id}"): "passenger:read",
    ("GET", "/passenger/search"): "passenger:read",
    ("POST", "/api/v1/retention/unmask-requests"): "passenger:unmask-request",
    ("POST", "/api/v1/retention/unmask-requests/{request_id}/decision"): "passenger:unmask-approve",
    ("GET", "/api/v1/retention/unmask-requests/{request_id}/data"): "passenger:unmask-request",
    ("GET", "/api/v1/risk/features"): "risk:audit",
    ("GET", "/api/v1/risk/rules"): "risk:audit",
    ("POST", "/api/v1/risk/rules"): "rules:write",
    ("POST", "/api/v1/risk/rules/{key}/approve"): "rules:approve",
    ("POST", "/api/v1/risk/rules/{key}/activate"): "rules:approve",
    ("POST", "/api/v1/risk/rules/{key}/retire"): "rules:approve",
    ("POST", "/api/v1/risk/runs"): "risk:run",
    ("GET", "/api/v1/risk/alerts"): "hits:review",
    ("GET", "/api/v1/risk/alerts/{alert_id}"): "hits:review",
    ("POST", "/api/v1/risk/alerts/{alert_id}/review"): "hits:review",
    ("GET", "/api/v1/risk/audit"): "risk:audit",
    ("GET", "/risk/queue"): "hits:review",
    ("GET", "/risk/alerts/{alert_id}"): "hits:review",
    ("POST", "/risk/alerts/{alert_id}/review"): "hits:review",
    ("GET", "/risk/rules"): "risk:audit",
    ("GET", "/risk/audit"): "risk:audit",
    ("GET", "/login"): None,
    ("POST", "/login"): None,
    ("POST", "/logout"): "account:self",
    ("GET", "/lang/{code}"): None,
    ("GET", "/"): None,
    ("GET", "/home"): "account:self",
    ("GET", "/admin/users"): "users:manage",
    ("POST", "/admin/users"): "users:manage",
    ("POST", "/admin/users/{username}/disable"): "users:manage",
    ("GET", "/audit"): "audit:read",
    ("GET", "/protection"): "protection:read",
    ("POST", "/protection/cases"): "protection:write",
    ("GET", "/protection/cases/{reference}"): "protection:read",
    ("POST", "/protection/cases/{reference}/screening"): "protection:write",
    ("POST", "/protection/cases/{reference}/factor"): "protection:write",
    ("POST", "/protection/cases/{reference}/consent"): "protection:write",
    ("POST", "/protection/cases/{reference}/referral"): "protection:write",
    ("POST", "/protection/cases/{reference}/follow-up"): "protection:write",
    ("POST", "/protection/cases/{reference}/rule"): "protection:write",
    ("POST", "/protection/referrals/{referral_id}/status"): "protection:write",
    ("POST", "/protection/tasks/{task_id}/done"): "protection:write",
    ("GET", "/protection/providers"): "protection:read",
    ("POST", "/protection/providers"): "protection:write",
    ("GET", "/protection/dashboard"): "protection:read",
    ("GET", "/api/v1/protection/cases"): "protection:read",
    ("POST", "/api/v1/protection/cases"): "protection:write",
    ("GET", "/api/v1/protection/cases/{reference}"): "protection:read",
    ("GET", "/api/v1/protection/search"): "protection:read",
    ("POST", "/api/v1/protection/cases/{reference}/screenings"): "protection:write",
    ("POST", "/api/v1/protection/cases/{reference}/factors"): "protection:write",
    ("POST", "/api/v1/protection/cases/{reference}/consents"): "protection:write",
    ("POST", "/api/v1/protection/cases/{reference}/referrals"): "protection:write",
    ("POST", "/api/v1/protection/referrals/{referral_id}/status"): "protection:write",
    ("POST", "/api/v1/protection/cases/{reference}/follow-ups"): "protection:write",
    ("POST", "/api/v1/protection/tasks/{task_id}/done"): "protection:write",
    ("POST", "/api/v1/protection/cases/{reference}/detention"): "protection:write",
    ("POST", "/api/v1/protection/cases/{reference}/hypothesis"): "protection:write",
    ("POST", "/api/v1/protection/cases/{reference}/asylum"): "protection:write",
    ("POST", "/api/v1/protection/cases/{reference}/guardian"): "protection:write",
    ("POST", "/api/v1/protection/cases/{reference}/actions"): "protection:write",
    ("POST", "/api/v1/protection/cases/{reference}/close"): "protection:write",
    ("GET", "/api/v1/protection/providers"): "protection:read",
    ("POST", "/api/v1/protection/providers"): "protection:write",
    ("GET", "/api/v1/protection/dashboard"): "protection:read",
    ("GET", "/api/v1/protection/reports/detentions-without-consular-notice"): "protection:read",
    ("GET", "/api/v1/protection/questionnaires/{key}"): "protection:read",
    ("GET", "/api/v1/protection/export"): "protection:export",
    ("GET", "/api/v1/persons/{person_id}/protection-flags"): "persons:read",
    ("POST", "/api/v1/screen"): "screening:run",
    ("POST", "/api/v1/screening/flights/{flight_id}"): "screening:run",
    ("GET", "/api/v1/screening/hits"): "hits:review",
    ("GET", "/api/v1/screening/hits/{hit_id}"): "hits:review",
    ("POST", "/api/v1/screening/hits/{hit_id}/review"): "hits:review",
    ("GET", "/api/v1/watchlists"): "watchlists:manage",
    ("POST", "/api/v1/watchlists/import"): "watchlists:manage",
    ("GET", "/screening/hits"): "hits:review",
    ("GET", "/screening/hits/{hit_id}"): "hits:review",
    ("POST", "/screening/hits/{hit_id}/review"): "hits:review",
    ("GET", "/screening/watchlists"): "watchlists:manage",
    ("POST", "/screening/watchlists/import"): "watchlists:manage",
    ("GET", "/screening/watchlists/{list_name}"): "watchlists:manage",
    ("POST", "/screening/watchlists/{list_name}/deactivate"): "watchlists:manage",
    ("GET", "/api/v1/research/topics"): "stats:read",
    ("GET", "/api/v1/research/stats/{topic}"): "stats:read",
    ("POST", "/api/v1/research/releases"): "stats:release",
    ("GET", "/api/v1/research/releases"): "stats:read",
    ("GET", "/api/v1/research/releases/{reference}/export"): "stats:release",
    ("GET", "/api/v1/research/budgets"): "stats:read",
    ("GET", "/api/v1/research/map"): "stats:read",
    ("GET", "/api/v1/research/basemap"): "stats:read",
    ("GET", "/research"): "stats:read",
    ("GET", "/research/builder"): "stats:release",
    ("POST", "/research/releases"): "stats:release",
    ("GET", "/research/releases"): "stats:read",
}


def _api_routes(routes: list[Any]) -> list[APIRoute]:
    """Every APIRoute, looking inside included routers (FastAPI wraps them since 0.16x)."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found.extend(_api_routes(route.original_router.routes))
    return found


def _served(site: Site) -> dict[tuple[str, str], str | None]:
    served: dict[tuple[str, str], str | None] = {}
    for route in _api_routes(site.client.app.routes):  # type: ignore[attr-defined]
        declared = None
        for dependency in route.dependant.dependencies:
            declared = getattr(dependency.call, "__filet_permission__", None) or declared
        for method in route.methods:
            served[(method, route.path)] = declared
    return served


def test_every_route_is_in_the_table_with_the_permission_it_declares(site: Site) -> None:
    served = _served(site)
    missing = sorted(set(served) - set(ROUTES))
    assert not missing, f"routes without an authorisation entry: {missing}"
    stale = sorted(set(ROUTES) - set(served))
    assert not stale, f"table entries for routes that do not exist: {stale}"
    for key, permission in ROUTES.items():
        assert served[key] == permission, key


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "nobody", path)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_its_permissions_allow(site: Site, role: str) -> None:
    policy = access_policy()
    headers = site.headers(role)
    for (method, path), permission in ROUTES.items():
        if permission is None or path == "/logout":
            continue
        response = site.client.request(
            method, _concrete(path), headers=headers, follow_redirects=False
        )
        allowed = policy.allows(role, permission)
        if allowed:
            assert response.status_code not in (401, 403), (role, method, path, response.text)
        else:
            assert response.status_code == 403, (role, method, path, response.status_code)


def test_without_credentials_api_says_401_and_pages_redirect_to_login(site: Site) -> None:
    for (method, path), permission in ROUTES.items():
        if permission is None:
            continue
        response = site.client.request(method, _concrete(path), follow_redirects=False)
        if path.startswith("/api/"):
            assert response.status_code == 401, (method, path)
        else:
            assert response.status_code in (303, 403), (method, path)
