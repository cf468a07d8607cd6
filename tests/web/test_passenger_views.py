"""Flights, bookings and passenger search through the API and the pages, after real messages."""

from __future__ import annotations

from pathlib import Path

from tests.web.conftest import Site

MESSAGES = Path(__file__).parents[1] / "passenger" / "messages"


def _load(site: Site) -> None:
    headers = site.headers("analyst")
    for name in (
        "pnrgov_11_1_custom_una.edi",
        "pnrgov_13_1_two_bookings.edi",
        "paxlst_d05b_passengers.edi",
        "paxlst_d05b_multileg.edi",
    ):
        response = site.client.post(
            "/api/v1/messages", content=(MESSAGES / name).read_bytes(), headers=headers
        )
        assert response.status_code == 200, response.text


def test_flights_manifest_and_booking(site: Site) -> None:
    _load(site)
    headers = site.headers("analyst")
    flights = site.client.get("/api/v1/flights", headers=headers).json()
    assert len(flights) >= 2
    multileg = next(f for f in flights if len(f["routing"]) > 2)
    detail = site.client.get(f"/api/v1/flights/{multileg['id']}", headers=headers).json()
    assert detail["passengers"], detail
    hits = site.client.get(
        "/api/v1/passenger/search", params={"q": "MFN4TI"}, headers=headers
    ).json()
    assert hits and hits[0]["kind"] == "booking" and hits[0]["matched_on"] == "locator"
    booking = site.client.get(f"/api/v1/bookings/{hits[0]['id']}", headers=headers).json()
    assert booking["locator"] == "MFN4TI"
    assert booking["travellers"] and booking["itinerary"]
    assert {c["kind"] for c in booking["contacts"]} >= {"phone"}


def test_search_by_phone_email_card_and_name(site: Site) -> None:
    _load(site)
    headers = site.headers("investigator")

    def found(q: str) -> set[str]:
        response = site.client.get("/api/v1/passenger/search", params={"q": q}, headers=headers)
        assert response.status_code == 200
        return {h["matched_on"] for h in response.json()}

    assert "phone" in found("+14045551212")
    assert "email" in found("sean.o_leary@example.com")
    assert "card" in found("1111")
    assert "name" in found("OLEARY")
    assert found("NOBODY-AT-ALL") == set()


def test_pages_render_and_reads_are_audited(site: Site) -> None:
    _load(site)
    headers = site.headers("analyst")
    flights = site.client.get("/api/v1/flights", headers=headers).json()
    with_api = [
        f
        for f in flights
        if site.client.get(f"/api/v1/flights/{f['id']}", headers=headers).json()["passengers"]
    ]
    page = site.client.get(f"/flights/{with_api[0]['id']}", headers=headers)
    assert page.status_code == 200 and "Passengers" in page.text
    search = site.client.get("/passenger/search", params={"q": "OLEARY"}, headers=headers)
    assert "/bookings/" in search.text
    events = site.client.get(
        "/api/v1/audit/events", params={"action": "read"}, headers=site.headers("auditor")
    ).json()
    paths = {e["detail"].get("path") for e in events}
    assert f"/flights/{with_api[0]['id']}" in paths and "/passenger/search" in paths


def test_protection_officer_and_researcher_see_no_passenger_data(site: Site) -> None:
    for role in ("protection_officer", "researcher", "admin"):
        response = site.client.get("/api/v1/flights", headers=site.headers(role))
        assert response.status_code == 403
