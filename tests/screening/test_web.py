"""Screening over HTTP: import a list, screen one traveller, ingestion raises a hit, the review
screen shows both sides and records the decision."""

from __future__ import annotations

from pathlib import Path

from tests.web.conftest import Site, site  # noqa: F401 (the fixture)

PAXLST = Path(__file__).parents[1] / "passenger" / "messages" / "paxlst_d05b_passengers.edi"
WATCHLIST = """id,name,aliases,birth_date,nationality,sex,document_number,list,reason
W1,Sean Patrick O'Leary,,1970-04-15,,M,,national,facilitator
W2,محمد عبد الرحمن,,1980-03-04,SDN,M,,national,organiser
"""


def test_import_screen_ingest_and_review(site: Site) -> None:  # noqa: F811
    headers = site.headers("analyst")
    client = site.client
    imported = client.post(
        "/api/v1/watchlists/import?list_name=&format=csv&source=ministry",
        content=WATCHLIST.encode(),
        headers=headers,
    )
    assert imported.status_code == 200, imported.text
    assert imported.json() == {"national": {"added": 2, "updated": 0, "unchanged": 0}}
    lists = client.get("/api/v1/watchlists", headers=headers).json()
    assert lists[0]["name"] == "national" and lists[0]["entries"] == 2

    screened = client.post(
        "/api/v1/screen",
        json={"surname": "ABDELRAHMAN", "given_names": "MOHAMED", "birth_date": "1980-04-03"},
        headers=headers,
    )
    assert screened.status_code == 200, screened.text
    (hit,) = screened.json()
    assert hit["entry_key"] == "W2" and hit["band"] == "review"
    assert [e["feature"] for e in hit["explanation"]["evidence"]] == ["name", "birth_date"]
    bad = client.post(
        "/api/v1/screen", json={"full_name": "X", "birth_date": "3 May"}, headers=headers
    )
    assert bad.status_code == 422 and "birth_date" in bad.text

    sent = client.post("/api/v1/messages", content=PAXLST.read_bytes(), headers=headers)
    assert sent.status_code == 200, sent.text
    hits = client.get("/api/v1/screening/hits", headers=headers).json()
    assert [h["entry"]["entry_key"] for h in hits] == ["W1"]
    hit_id = hits[0]["hit_id"]

    page = client.get(f"/screening/hits/{hit_id}", headers=headers)
    assert page.status_code == 200
    assert (
        "<mark" in page.text and "OLEARY" in page.text and "Sean Patrick O&#39;Leary" in page.text
    )

    reviewed = client.post(
        f"/api/v1/screening/hits/{hit_id}/review",
        json={"decision": "dismiss", "reason": "different person, checked passport photo"},
        headers=headers,
    )
    assert reviewed.status_code == 200, reviewed.text
    assert reviewed.json()["status"] == "dismissed"
    again = client.post(
        f"/api/v1/screening/hits/{hit_id}/review",
        json={"decision": "confirm", "reason": "second thoughts"},
        headers=headers,
    )
    assert again.status_code == 409
    assert client.get("/api/v1/screening/hits", headers=headers).json() == []
