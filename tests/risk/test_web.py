"""The risk API and screens: write, approve, activate, run, review, audit, by role."""

from __future__ import annotations

from filet.risk import RuleDocument, starter_rules_path
from filet.risk._rules import read_rules_file
from filet.store import session_factory
from tests.risk.conftest import populate
from tests.web.conftest import Site, site  # noqa: F401 (the fixture)


def test_rule_workflow_run_review_and_audit_over_http(site: Site) -> None:  # noqa: F811
    populate(session_factory(site.engine))
    client = site.client
    analyst, supervisor = site.headers("analyst"), site.headers("supervisor")
    auditor = site.headers("auditor")
    documents = []
    for raw in read_rules_file(starter_rules_path()):
        raw.pop("__line__")
        documents.append(RuleDocument.model_validate(raw).model_dump(mode="json"))
    for document in documents:
        answer = client.post("/api/v1/risk/rules", json=document, headers=analyst)
        assert answer.status_code == 201, answer.text
        assert answer.json()["status"] == "draft" and answer.json()["author"] == "analyst"
    bad = dict(documents[0], id="bad-rule", condition="religion == 'x' and paid_cash")
    refused = client.post("/api/v1/risk/rules", json=bad, headers=analyst)
    assert refused.status_code == 422 and "'religion'" in refused.json()["detail"]
    key = documents[0]["id"]
    assert client.post(f"/api/v1/risk/rules/{key}/approve", headers=analyst).status_code == 403
    for document in documents:
        rid = document["id"]
        approved = client.post(f"/api/v1/risk/rules/{rid}/approve", headers=supervisor)
        assert approved.status_code == 200 and approved.json()["approver"] == "supervisor"
        assert (
            client.post(f"/api/v1/risk/rules/{rid}/activate", headers=supervisor).json()["status"]
            == "active"
        )
    conflict = client.post(f"/api/v1/risk/rules/{key}/approve", headers=supervisor)
    assert conflict.status_code == 409
    run = client.post("/api/v1/risk/runs", headers=analyst)
    assert run.status_code == 200 and run.json()["alerts"] > 0
    queue = client.get("/api/v1/risk/alerts", headers=analyst).json()
    assert queue and queue[0]["score"] >= queue[-1]["score"]
    first = queue[0]["alert_id"]
    evidence = client.get(f"/api/v1/risk/alerts/{first}", headers=analyst).json()
    assert evidence["fired"] and evidence["rule_versions"]
    missing_tick = client.post(
        f"/api/v1/risk/alerts/{first}/review",
        json={"decision": "confirm", "reason": "Escort pattern", "exonerating_considered": False},
        headers=analyst,
    )
    assert missing_tick.status_code == 422
    done = client.post(
        f"/api/v1/risk/alerts/{first}/review",
        json={
            "decision": "escalate",
            "reason": "Escort seen with other groups",
            "exonerating_considered": True,
        },
        headers=analyst,
    )
    assert done.status_code == 200 and done.json()["case_reference"].startswith("RISK-")
    report = client.get("/api/v1/risk/audit", headers=auditor).json()
    assert report["screened"] == 14 and report["ruleset"]["reviewed"] >= 0
    assert (
        client.get("/api/v1/risk/audit", headers=site.headers("border_officer")).status_code == 403
    )

    # The screens, on the same data (one app: creating the users with their passwords is slow).
    for path, role in (
        ("/risk/queue", "analyst"),
        (f"/risk/alerts/{queue[1]['alert_id']}", "analyst"),
        ("/risk/rules", "supervisor"),
        ("/risk/audit", "auditor"),
    ):
        page = client.get(path, headers=site.headers(role))
        assert page.status_code == 200, (path, page.text[:300])
        assert "<table" in page.text
    review_form = client.get(f"/risk/alerts/{queue[1]['alert_id']}", headers=analyst).text
    assert 'name="exonerating_considered"' in review_form and "required" in review_form
