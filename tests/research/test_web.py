"""The researcher reaches aggregates only: statistics, releases and map data, never a personal
record; and the screens show what is suppressed and why."""

from __future__ import annotations

import re

from filet.security import access_policy
from filet.store import session_factory, transaction
from tests.research.conftest import populate
from tests.web.conftest import Site, site

__all__ = ["site"]

PERSONAL_ENDPOINTS = [
    "/api/v1/audit/events",
    "/api/v1/protection/cases",
    "/api/v1/protection/export",
    "/api/v1/risk/alerts",
    "/api/v1/persons/1/protection-flags",
]


def test_the_researcher_holds_no_personal_permission() -> None:
    policy = access_policy()
    granted = policy.roles["researcher"].permissions
    assert granted <= {"account:self", "stats:read", "stats:release"}
    assert not [p for p in granted if policy.permissions[p].personal]


def test_the_researcher_is_refused_personal_records_and_gets_aggregates_and_screens(
    site: Site,
) -> None:
    with transaction(session_factory(site.engine)) as session:
        populate(session, crossings=400)
    headers = site.headers("researcher")
    for path in PERSONAL_ENDPOINTS:
        response = site.client.get(path, headers=headers)
        assert response.status_code == 403, path
    table = site.client.get(
        "/api/v1/research/stats/crossings", params={"by": "nationality,route"}, headers=headers
    )
    assert table.status_code == 200
    body = table.json()
    assert body["parameters"]["min_cell"] == 11
    assert "SURNAME1" not in table.text and "P0000001" not in table.text
    created = site.client.post(
        "/api/v1/research/releases",
        json={"topic": "refusals", "by": ["route"], "epsilon": 0.5, "recipient": "UNODC"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    reference = created.json()["reference"]
    exported = site.client.get(
        f"/api/v1/research/releases/{reference}/export", params={"format": "csv"}, headers=headers
    )
    assert exported.status_code == 200 and "route,count,status,reason" in exported.text
    budgets = site.client.get("/api/v1/research/budgets", headers=headers).json()
    assert budgets[0]["epsilon_spent"] == 0.5
    site_map = site.client.get("/api/v1/research/map", headers=headers).json()
    assert {p["code"] for p in site_map["points"]} >= {"GR-MJT", "IT-LMP"}
    assert site.client.get("/api/v1/research/basemap", headers=headers).json()["type"] == (
        "FeatureCollection"
    )
    # An analyst (enforcement) does not get research statistics, and nobody unauthenticated does.
    assert (
        site.client.get("/api/v1/research/topics", headers=site.headers("analyst")).status_code
        == 403
    )
    assert site.client.get("/api/v1/research/topics").status_code == 401

    # The screens: the builder shows what is suppressed and why, then records the release.
    page = site.client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    login = site.client.post(
        "/login",
        data={
            "username": "researcher",
            "password": "correct horse battery",
            "csrf_token": token.group(1),
            "purpose": "research_statistics",
        },
        follow_redirects=False,
    )
    assert login.status_code == 303, login.text
    preview = site.client.get(
        "/research/builder", params={"topic": "crossings", "by": "nationality,route"}
    )
    assert preview.status_code == 200
    assert "suppressed (primary)" in preview.text
    assert 'data-status="suppressed_primary"' in preview.text
    assert "fewer than the minimum cell size" in preview.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', preview.text)
    assert csrf
    recorded = site.client.post(
        "/research/releases",
        data={
            "csrf_token": csrf.group(1),
            "topic": "crossings",
            "by": "route",
            "note": "annual report",
        },
        follow_redirects=False,
    )
    assert recorded.status_code == 303
    history = site.client.get("/research/releases")
    assert "REL-" in history.text
    dashboard = site.client.get("/research")
    assert dashboard.status_code == 200 and "/static/research.js" in dashboard.text
