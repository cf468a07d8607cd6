"""The person view and judgements over the web: who may see, who may judge, what is shown."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from filet.identity import IdentityResolver, resolve_store
from filet.store import session_factory, transaction
from filet.store.schema.border import BorderCrossing, CrossingPoint, IdentityRecord
from tests.web.conftest import Site, site  # noqa: F401 (the fixture)


def _persons(site: Site) -> dict[str, int]:  # noqa: F811
    sessions = session_factory(site.engine)
    with transaction(sessions) as session:
        rows = [
            IdentityRecord(
                source_type="api",
                source_key="A1",
                given_names="ABDULRAHMAN",
                surname="AL HASSAN",
                birth_date="1988-07-15",
                sex="M",
                nationality="SYR",
                document_number="N009876543",
                document_country="SYR",
            ),
            IdentityRecord(
                source_type="intelligence",
                source_key="I1",
                full_name="عبد الرحمن الحسن",
                birth_date="1988",
                document_number="N009876543",
            ),
        ]
        session.add_all(rows)
        point = CrossingPoint(code="GR-EVR", name="Kipoi", country="GRC", kind="land")
        session.add(point)
        session.flush()
        session.add(
            BorderCrossing(
                crossing_key="x1",
                identity_record_id=rows[0].id,
                crossing_point_id=point.id,
                direction="entry",
                at=dt.datetime(2026, 5, 2, 6, 0, tzinfo=dt.UTC),
                mode="land",
                decision="admitted",
            )
        )
        resolve_store(session, IdentityResolver(threshold=0.95))
    with Session(site.engine) as session:
        return {row.source_key: row.id for row in session.scalars(select(IdentityRecord))} | {
            "person": session.scalars(select(IdentityRecord.person_id)).first() or 0
        }


def test_person_page_and_judgement_split(site: Site) -> None:  # noqa: F811
    ids = _persons(site)
    page = site.client.get(f"/persons/{ids['person']}", headers=site.headers("analyst"))
    assert page.status_code == 200
    assert "عبد الرحمن الحسن" in page.text
    assert "same document" in page.text
    assert "Kipoi (GR-EVR)" in page.text
    assert 'name="verdict" value="not_same"' in page.text
    officer = site.client.get(f"/persons/{ids['person']}", headers=site.headers("border_officer"))
    assert officer.status_code == 200
    assert 'value="not_same"' not in officer.text  # can read, cannot judge
    listing = site.client.get("/persons?q=ABDUL", headers=site.headers("analyst"))
    assert listing.status_code == 200
    assert f'href="/persons/{ids["person"]}"' in listing.text
    # A "not same" judgement through the API splits the person at once.
    body = {
        "record_a_id": ids["A1"],
        "record_b_id": ids["I1"],
        "verdict": "not_same",
        "reason": "different fathers",
    }
    refused = site.client.post(
        "/api/v1/identity/judgements", json=body, headers=site.headers("border_officer")
    )
    assert refused.status_code == 403
    response = site.client.post(
        "/api/v1/identity/judgements", json=body, headers=site.headers("analyst")
    )
    assert response.status_code == 200, response.text
    person_of = response.json()["person_of"]
    assert person_of[str(ids["A1"])] != person_of[str(ids["I1"])]
    person = site.client.get(
        f"/api/v1/persons/{person_of[str(ids['A1'])]}", headers=site.headers("analyst")
    ).json()
    assert [record["source_key"] for record in person["records"]] == ["A1"]
    assert person["judgements"][0]["verdict"] == "not_same"
    assert person["travel"][0]["place"] == "Kipoi (GR-EVR)"
