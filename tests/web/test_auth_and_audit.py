"""Logging in (form with CSRF, and bearer tokens), purposes on personal reads, and the audit trail
of what each request read."""

from __future__ import annotations

import re

from sqlalchemy import select

from filet.store import session_factory
from filet.store.schema import AuditEvent
from tests.web.conftest import PASSWORD, Site


def _login(site: Site, username: str, password: str = PASSWORD) -> int:
    page = site.client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    response = site.client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    return (
        response.status_code
        if response.status_code != 303
        else (200 if "error" not in response.headers["location"] else 401)
    )


def test_health_is_public_and_reports_the_schema(site: Site) -> None:
    body = site.client.get("/api/v1/health").json()
    assert body["status"] == "ok" and body["schema_current"] is True


def test_login_form_leads_to_the_role_home(site: Site) -> None:
    assert _login(site, "auditor") == 200
    page = site.client.get("/")
    assert page.url.path == "/audit"
    assert "Audit log" in page.text


def test_login_form_without_its_csrf_token_is_refused(site: Site) -> None:
    response = site.client.post(
        "/login",
        data={"username": "admin", "password": PASSWORD, "csrf_token": "forged"},
        follow_redirects=False,
    )
    assert response.headers["location"].startswith("/login?error=expired")


def test_cookie_session_writes_need_the_csrf_token(site: Site) -> None:
    assert _login(site, "admin") == 200
    data = {"username": "newbie", "role": "researcher", "password": "a long passphrase"}
    refused = site.client.post("/admin/users", data=data, follow_redirects=False)
    assert refused.status_code == 403
    page = site.client.get("/admin/users")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf
    accepted = site.client.post(
        "/admin/users", data={**data, "csrf_token": csrf.group(1)}, follow_redirects=False
    )
    assert accepted.status_code == 303
    assert "newbie" in site.client.get("/admin/users").text


def test_wrong_password_and_lockout(site: Site) -> None:
    for _ in range(site.settings.lockout_threshold):
        bad = site.client.post(
            "/api/v1/auth/token", data={"username": "analyst", "password": "nope nope nope"}
        )
        assert bad.status_code == 401
    locked = site.client.post(
        "/api/v1/auth/token", data={"username": "analyst", "password": PASSWORD}
    )
    assert locked.status_code == 401


def test_personal_reads_need_a_declared_purpose_and_are_audited(site: Site) -> None:
    token = site.token("auditor")
    bare = site.client.get("/api/v1/audit/events", headers={"Authorization": f"Bearer {token}"})
    assert bare.status_code == 400 and "purpose" in bare.json()["detail"]
    wrong = site.client.get(
        "/api/v1/audit/events",
        headers={"Authorization": f"Bearer {token}", "X-Filet-Purpose": "curiosity"},
    )
    assert wrong.status_code == 400
    ok = site.client.get(
        "/api/v1/audit/events",
        headers={"Authorization": f"Bearer {token}", "X-Filet-Purpose": "oversight"},
    )
    assert ok.status_code == 200
    with session_factory(site.engine)() as session:
        last = session.execute(select(AuditEvent).order_by(AuditEvent.seq.desc())).scalars().first()
    assert last is not None
    assert (last.username, last.action, last.purpose, last.legal_regime) == (
        "auditor",
        "read",
        "oversight",
        "GDPR",
    )
    assert last.client_address


def test_a_revoked_token_stops_working(site: Site) -> None:
    token = site.token("admin")
    headers = {"Authorization": f"Bearer {token}"}
    assert site.client.get("/api/v1/me", headers=headers).status_code == 200
    assert site.client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert site.client.get("/api/v1/me", headers=headers).status_code == 401


def test_disabling_a_user_ends_their_tokens(site: Site) -> None:
    victim = site.token("researcher")
    admin = site.headers("admin")
    assert site.client.post("/api/v1/users/researcher/disable", headers=admin).status_code == 200
    response = site.client.get("/api/v1/me", headers={"Authorization": f"Bearer {victim}"})
    assert response.status_code == 401


def test_audit_api_verifies_the_chain(site: Site) -> None:
    body = site.client.get("/api/v1/audit/verify", headers=site.headers("auditor")).json()
    assert body == {"intact": True, "problems": []}


def test_ui_speaks_french_and_lays_out_arabic_right_to_left(site: Site) -> None:
    site.client.cookies.set("filet_lang", "fr")
    assert "Se connecter" in site.client.get("/login").text
    site.client.cookies.set("filet_lang", "ar")
    assert 'dir="rtl"' in site.client.get("/login").text


def test_openapi_is_served(site: Site) -> None:
    spec = site.client.get("/api/openapi.json").json()
    assert "/api/v1/auth/token" in spec["paths"]
    assert site.client.get("/api/docs").status_code == 200
