"""Acceptance in a real browser: an investigator opens a case from a stored ring, sees smuggled
migrants only as witnesses (the form refuses to make one a suspect), adds a note, a graded
intelligence item and a debriefing (refused without consent), and exports the case file; the
auditor finds the export in the audit log."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest
from playwright.sync_api import Page, expect

from filet.network import analyse_network, build_network, import_intelligence, store_rings
from filet.security import SYSTEM, create_user
from filet.settings import Settings
from filet.store import make_engine, session_factory, transaction, upgrade
from filet.store.schema import IdentityRecord, Person
from filet.web import create_app
from tests.browser import LiveServer, login, serve
from tests.network.conftest import INTELLIGENCE, make_world
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str, int]]:
    folder: Path = tmp_path_factory.mktemp("cases-browser")
    engine = make_engine(f"sqlite:///{folder / 'filet.db'}")
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        for role in ("investigator", "auditor"):
            create_user(session, role, role, PASSWORD, role.title())
        world = make_world(session)
        intelligence = folder / "intelligence.jsonl"
        intelligence.write_text(
            "".join(json.dumps(i) + "\n" for i in INTELLIGENCE), encoding="utf-8"
        )
        import_intelligence(session, intelligence, SYSTEM)
        escort = Person(key="PESC", label="Escort Rahimi")
        session.add(escort)
        session.flush()
        record = session.get(IdentityRecord, int(world.escort.split(":")[1]))
        assert record is not None
        record.person_id = escort.id
        build_network(session)
        analysis = analyse_network(session)
        store_rings(session, analysis)
        ring = next(r for r in analysis.rings if f"person:{escort.id}" in {a.key for a in r.roles})
        reference = analysis.references[ring.ring_id]
        migrant = int(world.migrants[0].split(":")[1])
    settings = Settings(data_dir=folder, secret_key="browser-test-" + "c" * 40)
    for server in serve(create_app(settings, engine)):
        yield server, reference, migrant


def test_investigator_opens_a_case_adds_a_note_and_an_item_and_exports_it(
    live: tuple[LiveServer, str, int], page: Page
) -> None:
    server, ring, migrant = live
    login(page, server.url, "investigator", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Investigation cases"
    ).click()
    page.get_by_label("Ring reference").fill(ring)
    page.get_by_label("Case title").fill("Kabul-Frankfurt escorts")
    page.get_by_role("button", name="Open case").click()
    expect(page.get_by_test_id("case-message")).to_have_text("case opened")
    reference = page.get_by_test_id("case-reference").inner_text()
    members = page.get_by_test_id("members")
    expect(members).to_contain_text("Escort Rahimi")
    expect(members).to_contain_text("witness (smuggled migrant)")

    # a smuggled migrant cannot be made a suspect
    page.locator("#mem-person").fill(str(migrant))
    page.locator("#mem-role").select_option("organiser")
    page.locator("#mem-reason").fill("seen with the escort")
    page.get_by_role("button", name="Add or change member").click()
    expect(page.get_by_test_id("case-error")).to_contain_text("never a suspect")

    page.get_by_label("Note", exact=True).fill("The escort collects the passports after landing.")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_test_id("notes")).to_contain_text("collects the passports")

    page.get_by_text("Add a graded item").click()
    page.locator("#new-kind").select_option("meeting")
    page.locator("#new-rel").select_option("B")
    page.locator("#new-cred").select_option("2")
    page.locator("#new-content").fill("The escort met the payer at Kabul airport.")
    page.locator("#new-people").fill("Escort Rahimi, Ahmad Payer")
    page.get_by_role("button", name="Record graded item").click()
    items = page.get_by_test_id("items")
    expect(items).to_contain_text("B2")
    expect(items).to_contain_text("met the payer")

    # a debriefing for the case: refused without consent, then recorded as a graded item
    page.get_by_role("link", name="Record a migrant's debriefing for this case").click()
    page.get_by_label("I am trained to debrief migrants").check()
    page.get_by_label("Smuggler 1: name as known").fill("Jamal")
    page.get_by_label("Smuggler 1: phone").fill("+93 700 000 001")
    page.get_by_label("Smuggler 1: role").fill("found us and took the first payment")
    page.get_by_role("button", name="Record debriefing").click()
    expect(page.get_by_test_id("case-error")).to_contain_text("consent")
    page.get_by_label("The migrant agreed to be debriefed").check()
    page.get_by_label("I am trained to debrief migrants").check()
    page.get_by_label("Smuggler 1: name as known").fill("Jamal")
    page.get_by_label("Smuggler 1: phone").fill("+93 700 000 001")
    page.get_by_label("Place of the debriefing").fill("Frankfurt airport")
    page.get_by_label("Danger to life or safety").check()
    page.get_by_role("button", name="Record debriefing").click()
    expect(page.get_by_test_id("case-message")).to_have_text("debriefing recorded")
    signs = page.get_by_test_id("signs-reported")
    expect(signs).to_contain_text("Danger to life or safety")
    expect(signs).to_contain_text("aggravated smuggling")
    expect(items).to_contain_text("debriefing")
    expect(items).to_contain_text("+93700000001")

    with page.expect_download() as download:
        page.get_by_test_id("export-pdf").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    document = pdfium.PdfDocument(pdf)
    text = " ".join(document[0].get_textpage().get_text_range().split())
    assert reference in text and "Escort Rahimi" in text

    page.get_by_role("button", name="Log out").click()
    login(page, server.url, "auditor", PASSWORD)
    page.goto(f"{server.url}/audit?username=investigator&action=export")
    expect(page.get_by_role("table")).to_contain_text("investigation_case")
