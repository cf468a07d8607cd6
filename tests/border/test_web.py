"""The border over HTTP: a check, recording the decision, the list with filters, the screens."""

from __future__ import annotations

import io

from filet.border import import_alerts
from filet.documents import read_alert_csv
from filet.security import SYSTEM
from filet.store import session_factory, transaction
from tests.border.conftest import add_points, passport
from tests.web.conftest import Site

ALERTS = """issuing_state,document_number,document_type,status,reported_date,source
D,C01X00T47,P,stolen,2025-11-02,BKA
"""


def _prepare(site: Site) -> None:
    with transaction(session_factory(site.engine)) as session:
        add_points(session)
        import_alerts(session, read_alert_csv(io.StringIO(ALERTS)), SYSTEM)


def test_check_then_record_then_list_and_screens(site: Site) -> None:
    _prepare(site)
    officer = site.headers("border_officer")
    mrz = passport("C01X00T47")
    response = site.client.post(
        "/api/v1/checks", json={"mrz": mrz, "point": "FRA", "direction": "entry"}, headers=officer
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "red"
    assert body["headline"] == "RED: document reported stolen: BKA, 2025-11-02"
    assert body["document"]["document"]["document_number"] == "C01X00T47"
    assert {"protection", "screening", "risk"} <= set(body)
    bad = site.client.post("/api/v1/checks", json={"mrz": "P<D<<X"}, headers=officer)
    assert bad.status_code == 422 and "line" in bad.json()["detail"]

    refused = site.client.post(
        "/api/v1/crossings",
        json={
            "mrz": "\n".join(mrz),
            "point": "FRA",
            "direction": "entry",
            "decision": "refused",
            "reasons": ["document_reported_lost_stolen"],
        },
        headers=officer,
    )
    assert refused.status_code == 201, refused.text
    assert refused.json()["status"] == "red"
    wrong = site.client.post(
        "/api/v1/crossings",
        json={
            "mrz": mrz,
            "point": "FRA",
            "direction": "exit",
            "decision": "refused",
            "reasons": ["made_up"],
        },
        headers=officer,
    )
    assert wrong.status_code == 422 and "declared list" in wrong.json()["detail"]
    unknown_point = site.client.post(
        "/api/v1/crossings",
        json={"mrz": mrz, "point": "NOPE", "direction": "exit", "decision": "admitted"},
        headers=officer,
    )
    assert unknown_point.status_code == 404

    listed = site.client.get("/api/v1/crossings?decision=refused&point=FRA", headers=officer)
    assert listed.status_code == 200
    (row,) = listed.json()
    assert row["id"] == refused.json()["id"] and row["reasons"] == ["document_reported_lost_stolen"]
    assert site.client.get("/api/v1/crossings?direction=exit", headers=officer).json() == []
    assert (
        site.client.get("/api/v1/crossings?from=2026-01-01T00:00:00", headers=officer).status_code
        == 422
    )
    analyst = site.client.post(
        "/api/v1/crossings",
        json={"mrz": mrz, "point": "FRA", "direction": "exit", "decision": "admitted"},
        headers=site.headers("analyst"),
    )
    assert analyst.status_code == 403

    page = site.client.get("/check", headers=site.headers("border_officer"))
    assert page.status_code == 200
    assert 'for="mrz"' in page.text and "/static/border.js" in page.text
    listed = site.client.get("/crossings", headers=site.headers("analyst"))
    assert listed.status_code == 200 and "C01X00T47" in listed.text
    empty = site.client.get("/crossings?direction=exit", headers=site.headers("analyst"))
    assert "No crossing matches these filters." in empty.text


def test_check_screen_speaks_the_officers_language(site: Site) -> None:
    """Reasons, the headline and decision labels are translated; the API keeps English."""
    _prepare(site)
    mrz = "\n".join(passport("C01X00T47"))
    headers = site.headers("border_officer") | {"Accept-Language": "fr"}
    page = site.client.post("/check", data={"mrz": mrz, "point": "FRA"}, headers=headers)
    assert page.status_code == 200, page.text
    text = page.text.replace("&#39;", "'")
    assert "ROUGE : document signalé volé : BKA, 2025-11-02" in text
    assert "Entrée ou sortie refusée" in page.text
    assert "Document signalé perdu, volé ou révoqué" in page.text
    english = site.client.post(
        "/check", data={"mrz": mrz, "point": "FRA"}, headers=site.headers("border_officer")
    )
    assert "RED: document reported stolen: BKA, 2025-11-02" in english.text


def test_check_screen_keeps_right_to_left_in_arabic(site: Site) -> None:
    """The travel direction of the form must not replace the page's text direction."""
    headers = site.headers("border_officer") | {"Accept-Language": "ar"}
    page = site.client.get("/check?direction=exit", headers=headers)
    assert '<html lang="ar" dir="rtl">' in page.text
    assert 'value="exit" checked' in page.text
