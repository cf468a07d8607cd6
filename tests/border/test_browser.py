"""Acceptance in a real browser: an officer scans the MRZ of a stolen document, sees red with the
reason, refuses entry with a reason; the crossing is in the list and in the audit log."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from filet.border import import_alerts
from filet.documents import read_alert_csv
from filet.security import SYSTEM, create_user
from filet.settings import Settings
from filet.store import make_engine, session_factory, transaction, upgrade
from filet.web import create_app
from tests.border.conftest import add_points, passport
from tests.browser import LiveServer, login, serve
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser

ALERTS = """issuing_state,document_number,document_type,status,reported_date,source
DEU,C01X00T47,P,stolen,2025-11-02,BKA
"""


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder: Path = tmp_path_factory.mktemp("border-browser")
    engine = make_engine(f"sqlite:///{folder / 'filet.db'}")
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        for role in ("border_officer", "auditor"):
            create_user(session, role, role, PASSWORD, role.replace("_", " ").title())
        add_points(session)
        import_alerts(session, read_alert_csv(io.StringIO(ALERTS)), SYSTEM)
    settings = Settings(data_dir=folder, secret_key="browser-test-" + "b" * 40)
    yield from serve(create_app(settings, engine))


def test_officer_refuses_a_stolen_passport(live: LiveServer, page: Page) -> None:
    login(page, live.url, "border_officer", PASSWORD)
    expect(page.get_by_role("heading", name="Border check", exact=True)).to_be_visible()
    page.get_by_label("Crossing point").select_option("FRA")
    field = page.get_by_label("Machine-readable zone (MRZ)")
    first, second = passport("C01X00T47")
    # as a keyboard-wedge scanner does: each line followed by Enter; the last Enter submits
    field.press_sequentially(first)
    field.press("Enter")
    field.press_sequentially(second)
    field.press("Enter")
    status = page.get_by_test_id("check-status")
    expect(status).to_have_text("RED: document reported stolen: BKA, 2025-11-02")
    page.get_by_label("Refused entry or exit").check()
    page.get_by_label("Document reported lost, stolen or revoked").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_test_id("check-message")).to_contain_text("recorded: refused")

    page.get_by_role("link", name="Crossings").click()
    table = page.get_by_test_id("crossings")
    expect(table).to_contain_text("C01X00T47")
    expect(table).to_contain_text("Refused entry or exit")
    expect(table).to_contain_text("Document reported lost, stolen or revoked")
    expect(table).to_contain_text("RED")

    page.get_by_role("button", name="Log out").click()
    login(page, live.url, "auditor", PASSWORD)
    page.goto(f"{live.url}/audit?username=border_officer&action=create")
    expect(page.get_by_role("table")).to_contain_text("border_crossing")
