"""The firewall, route by route: every protection endpoint (API and screens, including search and
export) refuses every role without protection permissions — above all the enforcement roles —
even for a case that exists; enforcement sees only the safe flags; every view is audited."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select

from filet.protection import PersonFacts, evaluate_triggers
from filet.security import SYSTEM, access_policy, hash_password
from filet.settings import Settings
from filet.store import make_engine, session_factory, transaction
from filet.store.schema import AuditEvent, ProtectionCase, Referral, User
from filet.web import create_app
from tests.protection.conftest import T0, add_person

PASSWORD = "correct horse battery"
ENFORCEMENT = sorted(access_policy().enforcement_roles)
OTHERS = sorted(
    r
    for r, role in access_policy().roles.items()
    if not any(p.startswith("protection:") for p in role.permissions)
)


@dataclass
class Site:
    client: TestClient
    factory: Any
    reference: str
    referral_id: int
    task_id: int
    person_id: int
    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, role: str) -> dict[str, str]:
        if role not in self.tokens:
            response = self.client.post(
                "/api/v1/auth/token", data={"username": role, "password": PASSWORD}
            )
            assert response.status_code == 200, response.text
            self.tokens[role] = response.json()["access_token"]
        return {
            "Authorization": f"Bearer {self.tokens[role]}",
            "X-Filet-Purpose": access_policy().roles[role].purpose,
        }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, migrated_template: Path) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("firewall")
    (folder / "filet.db").write_bytes(migrated_template.read_bytes())
    engine = make_engine(f"sqlite:///{folder / 'filet.db'}")
    factory = session_factory(engine)
    hashed = hash_password(PASSWORD)
    with transaction(factory) as session:
        for role in access_policy().roles:
            session.add(User(username=role, role=role, password_hash=hashed, display_name=role))
        person = add_person(session, "P-SARA", "Sara", "Haile", "2010-05-05", "F", "ERI")
        (case,) = evaluate_triggers(session, PersonFacts(person, "border_check:1", T0, age=15))
        from filet.protection import record_consent, refer, save_provider

        provider = save_provider(
            session, SYSTEM, name="Children First", services=["family_tracing"]
        )
        record_consent(session, case, SYSTEM, scope="service", service="family_tracing", given=True)
        record_consent(
            session,
            case,
            SYSTEM,
            scope="disclosure",
            service="family_tracing",
            given=True,
            provider_id=provider.id,
        )
        referral = refer(session, case, SYSTEM, provider_id=provider.id, service="family_tracing")
        from filet.store.schema import ProtectionTask

        task = (
            session.execute(select(ProtectionTask).where(ProtectionTask.case_id == case.id))
            .scalars()
            .first()
        )
        assert task is not None
        ids = (case.reference, referral.id, task.id, person)
    settings = Settings(data_dir=folder, secret_key="firewall-test-" + "k" * 40)
    with TestClient(create_app(settings, engine)) as client:
        yield Site(client, factory, ids[0], ids[1], ids[2], ids[3])
    engine.dispose()


def _routes(site: Site) -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []

    def walk(routes: list[Any]) -> None:
        for route in routes:
            if isinstance(route, APIRoute):
                if route.path.startswith(("/protection", "/api/v1/protection")):
                    for method in route.methods or ():
                        found.append((method, route.path, route.name))
            elif hasattr(route, "original_router"):
                walk(route.original_router.routes)

    walk(site.client.app.routes)  # type: ignore[attr-defined]
    return sorted(found)


def _concrete(site: Site, path: str) -> str:
    values = {
        "reference": site.reference,
        "referral_id": str(site.referral_id),
        "task_id": str(site.task_id),
        "key": "unhcr-idc-2016",
    }
    return re.sub(r"\{([^}]+)\}", lambda m: values[m.group(1)], path)


def _body(path: str) -> dict[str, Any]:
    return {"json": {}} if path.startswith("/api/") else {"data": {"q": "Sara"}}


def test_the_firewall_covers_search_export_and_every_screen(site: Site) -> None:
    paths = {p for _, p, _ in _routes(site)}
    assert {
        "/api/v1/protection/search",
        "/api/v1/protection/export",
        "/protection",
        "/protection/cases/{reference}",
    } <= paths
    assert len(_routes(site)) >= 35


@pytest.mark.parametrize("role", OTHERS)
def test_every_protection_route_refuses_every_role_without_protection_permissions(
    site: Site, role: str
) -> None:
    headers = site.headers(role)
    for method, path, _ in _routes(site):
        url = _concrete(site, path)
        params = {"q": "Sara", "format": "htcds"} if method == "GET" else None
        response = site.client.request(
            method, url, headers=headers, params=params, follow_redirects=False, **_body(path)
        )
        assert response.status_code == 403, (role, method, url, response.status_code)
        assert "Sara" not in response.text and site.reference not in response.text


def test_enforcement_roles_are_among_those_refused() -> None:
    assert set(ENFORCEMENT) == {"border_officer", "analyst", "investigator"}
    assert set(ENFORCEMENT) <= set(OTHERS)
    assert "protection_officer" not in OTHERS


def test_the_protection_officer_is_served_and_every_read_is_audited(site: Site) -> None:
    headers = site.headers("protection_officer")
    for method, path, name in _routes(site):
        if method != "GET":
            continue
        url = _concrete(site, path)
        response = site.client.get(
            url, headers=headers, params={"q": "Sara", "format": "htcds"}, follow_redirects=False
        )
        assert response.status_code == 200, (url, response.text[:300])
        with site.factory() as session:
            last = session.execute(
                select(AuditEvent)
                .where(AuditEvent.username == "protection_officer", AuditEvent.action == "read")
                .order_by(AuditEvent.seq.desc())
                .limit(1)
            ).scalar_one()
        assert last.object_type == name and last.purpose == "protection_assistance", url
    with site.factory() as session:
        searched = (
            session.execute(select(AuditEvent).where(AuditEvent.action == "search")).scalars().all()
        )
        exported = (
            session.execute(
                select(AuditEvent).where(
                    AuditEvent.action == "export", AuditEvent.username == "protection_officer"
                )
            )
            .scalars()
            .all()
        )
    assert searched and searched[0].object_ids == [site.reference]
    assert exported and exported[0].detail["format"] == "htcds"


@pytest.mark.parametrize("role", ENFORCEMENT)
def test_enforcement_sees_the_safe_flags_and_nothing_more(site: Site, role: str) -> None:
    if not access_policy().allows(role, "persons:read"):
        pytest.skip(f"{role} cannot read persons at all")
    response = site.client.get(
        f"/api/v1/persons/{site.person_id}/protection-flags", headers=site.headers(role)
    )
    assert response.status_code == 200
    body = response.json()
    assert body["flags"] == ["protection_case_open", "child", "referral_made"]
    text = response.text
    for secret in (site.reference, "family_tracing", "Children First", "Sara"):
        assert secret not in text


def test_api_flow_open_screen_consent_refer_and_override(site: Site) -> None:
    h = site.headers("protection_officer")
    c = site.client
    opened = c.post("/api/v1/protection/cases", json={"note": "walked in"}, headers=h)
    assert opened.status_code == 201, opened.text
    ref = opened.json()["reference"]
    screened = c.post(
        f"/api/v1/protection/cases/{ref}/screenings",
        json={
            "answers": {"asylum_wish": True, "pregnant": True},
            "interviewer_gender_preferred": "female",
            "interviewer_gender_honoured": True,
        },
        headers=h,
    )
    assert screened.status_code == 200 and screened.json()["return_blocked"] is True
    provider = c.post(
        "/api/v1/protection/providers",
        json={"name": "Asylum Legal Clinic", "services": ["asylum"]},
        headers=h,
    ).json()
    refused = c.post(
        f"/api/v1/protection/cases/{ref}/referrals",
        json={"provider_id": provider["id"], "service": "asylum"},
        headers=h,
    )
    assert refused.status_code == 403 and "consent" in refused.json()["detail"]["message"]
    for scope in ("service", "disclosure"):
        ok = c.post(
            f"/api/v1/protection/cases/{ref}/consents",
            json={
                "scope": scope,
                "service": "asylum",
                "given": True,
                "provider_id": provider["id"],
            },
            headers=h,
        )
        assert ok.status_code == 200, ok.text
    referred = c.post(
        f"/api/v1/protection/cases/{ref}/referrals",
        json={"provider_id": provider["id"], "service": "asylum"},
        headers=h,
    )
    assert (
        referred.status_code == 200 and referred.json()["referrals"][0]["status"] == "in_progress"
    )
    blocked = c.post(
        f"/api/v1/protection/cases/{ref}/actions", json={"action": "removal"}, headers=h
    )
    assert (
        blocked.status_code == 409
        and "international protection" in blocked.json()["detail"]["message"]
    )
    with site.factory() as session:
        case = session.execute(
            select(ProtectionCase).where(ProtectionCase.reference == ref)
        ).scalar_one()
        assert (
            session.execute(select(Referral).where(Referral.case_id == case.id))
            .scalar_one()
            .service
            == "asylum"
        )


def test_api_referral_status_and_task_done_answer_with_the_case(site: Site) -> None:
    """Routes addressed by referral or task id answer with the case they changed; a refused
    transition is a clear 409 and changes nothing."""
    h = site.headers("protection_officer")
    c = site.client
    opened = c.post("/api/v1/protection/cases", json={"note": "follow-up"}, headers=h).json()
    ref = opened["reference"]
    provider = c.post(
        "/api/v1/protection/providers",
        json={"name": "Tracing Desk", "services": ["family_tracing"]},
        headers=h,
    ).json()
    for scope in ("service", "disclosure"):
        consent = c.post(
            f"/api/v1/protection/cases/{ref}/consents",
            json={
                "scope": scope,
                "service": "family_tracing",
                "given": True,
                "provider_id": provider["id"],
            },
            headers=h,
        )
        assert consent.status_code == 200, consent.text
    referred = c.post(
        f"/api/v1/protection/cases/{ref}/referrals",
        json={"provider_id": provider["id"], "service": "family_tracing"},
        headers=h,
    )
    assert referred.status_code == 200, referred.text
    referral_id = referred.json()["referrals"][0]["id"]
    wrong = c.post(
        f"/api/v1/protection/referrals/{referral_id}/status", json={"status": "done"}, headers=h
    )
    assert wrong.status_code == 409, wrong.text
    accepted = c.post(
        f"/api/v1/protection/referrals/{referral_id}/status",
        json={"status": "accepted"},
        headers=h,
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["reference"] == ref
    assert accepted.json()["referrals"][0]["status"] == "accepted"
    followed = c.post(
        f"/api/v1/protection/cases/{ref}/follow-ups",
        json={"due_at": "2030-01-01T09:00:00+00:00", "note": "call the tracing desk"},
        headers=h,
    ).json()
    task = next(t for t in followed["tasks"] if t["note"] == "call the tracing desk")
    done = c.post(f"/api/v1/protection/tasks/{task['id']}/done", json={}, headers=h)
    assert done.status_code == 200, done.text
    assert done.json()["reference"] == ref
