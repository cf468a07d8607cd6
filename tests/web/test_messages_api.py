"""POST /api/v1/messages: the acknowledgement, refusals naming the place, duplicates."""

from __future__ import annotations

from pathlib import Path

from tests.web.conftest import Site

MESSAGES = Path(__file__).parents[1] / "passenger" / "messages"


def test_a_message_is_acknowledged_with_counts_and_a_resend_is_a_duplicate(site: Site) -> None:
    body = (MESSAGES / "paxlst_d05b_passengers.edi").read_bytes()
    headers = site.headers("analyst")
    first = site.client.post("/api/v1/messages?source=airline-gw", content=body, headers=headers)
    assert first.status_code == 200, first.text
    ack = first.json()
    assert ack["format"] == "paxlst" and ack["duplicate"] is False
    assert ack["counts"]["api_travellers_new"] == 2
    again = site.client.post("/api/v1/messages", content=body, headers=headers)
    assert again.json()["duplicate"] is True


def test_a_broken_message_is_refused_with_the_segment(site: Site) -> None:
    body = (MESSAGES / "paxlst_d05b_passengers.edi").read_text().replace("CNT+42:", "CNT+42:9")
    response = site.client.post(
        "/api/v1/messages", content=body.encode(), headers=site.headers("analyst")
    )
    assert response.status_code == 422
    refusal = response.json()
    assert refusal["place"].get("tag") == "CNT"
    assert "segment" in refusal["place"]


def test_protection_officers_and_researchers_cannot_send_messages(site: Site) -> None:
    body = (MESSAGES / "paxlst_d05b_passengers.edi").read_bytes()
    for role in ("protection_officer", "researcher", "border_officer"):
        response = site.client.post("/api/v1/messages", content=body, headers=site.headers(role))
        assert response.status_code == 403
