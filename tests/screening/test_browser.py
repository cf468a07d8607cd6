"""In a real browser: an analyst opens a screening hit, sees both sides with the matched parts
highlighted in both scripts, and dismisses it with a reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from filet.passenger import ingest_message
from filet.screening import import_watchlist, last_record_id, read_watchlist, screen_new_records
from filet.security import SYSTEM, create_user
from filet.settings import Settings
from filet.store import make_engine, session_factory, transaction, upgrade
from filet.web import create_app
from tests.browser import LiveServer, login, serve
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser

PAXLST = Path(__file__).parents[1] / "passenger" / "messages" / "paxlst_d05b_passengers.edi"
WATCHLIST = """id,name,aliases,birth_date,list,reason
W1,Шон Патрик О'Лири,Sean Patrick O'Leary,1970-04-15,national,facilitator
"""


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder: Path = tmp_path_factory.mktemp("screening-browser")
    engine = make_engine(f"sqlite:///{folder / 'filet.db'}")
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        create_user(session, "analyst", "analyst", PASSWORD, "Analyst")
        import_watchlist(session, read_watchlist(WATCHLIST, "w.csv"))
        since = last_record_id(session)
        ingest_message(session, PAXLST.read_bytes(), str(PAXLST), SYSTEM)
        screen_new_records(session, since)
    settings = Settings(data_dir=folder, secret_key="browser-test-" + "k" * 40)
    yield from serve(create_app(settings, engine))


def test_an_analyst_reviews_a_hit_side_by_side(live: LiveServer, page: Page) -> None:
    login(page, live.url, "analyst", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Screening hits").click()
    table = page.get_by_role("table")
    expect(table).to_contain_text("national")
    table.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Screening hit")
    side_by_side = page.get_by_role("table").first
    expect(side_by_side.locator("mark").first).to_be_visible()
    expect(side_by_side).to_contain_text("Шон")  # the listed name in its own script ...
    expect(side_by_side).to_contain_text("Shon")  # ... with its Latin reading
    page.get_by_label("Dismiss: not the listed person").check()
    page.get_by_label("Reason").fill("different person: passport photo checked")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("status")).to_contain_text("dismiss")
    expect(page.get_by_role("table")).to_contain_text("No open hits.")


UPLOAD = """id,name,aliases,birth_date,nationality,sex,document_number,list,reason
R1,Abdelrahman Yousef,عبد الرحمن يوسف,1984,SDN,M,P1234567,regional,smuggling organiser
R2,Tesfaye Gebremedhin,ተስፋዬ ገብረመድህን,1979-05-02,ERI,M,,regional,facilitator
"""


def test_an_analyst_imports_searches_and_deactivates_a_watchlist(
    live: LiveServer, page: Page
) -> None:
    login(page, live.url, "analyst", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Watchlists").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Watchlists")
    page.get_by_label("File", exact=True).set_input_files(
        {"name": "regional.csv", "mimeType": "text/csv", "buffer": UPLOAD.encode()}
    )
    page.get_by_label("Source", exact=True).fill("regional centre")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status")).to_contain_text("regional: 2 added")
    lists = page.get_by_role("table")
    row = lists.get_by_role("row").filter(has_text="regional centre")
    expect(row).to_contain_text("2")
    expect(row).to_contain_text("active")
    row.get_by_role("link", name="regional").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("regional")
    page.get_by_label("Search names, aliases, entry ids and document numbers").fill("ተስፋዬ")
    page.get_by_role("button", name="Search", exact=True).click()
    entries = page.get_by_role("table")
    expect(entries).to_contain_text("Tesfaye Gebremedhin")
    expect(entries).not_to_contain_text("Abdelrahman")
    page.get_by_role("link", name="All watchlists").click()
    page.get_by_role("button", name="Deactivate regional").click()
    expect(page.get_by_role("status")).to_contain_text("regional: deactivated")
    row = page.get_by_role("table").get_by_role("row").filter(has_text="regional centre")
    expect(row).to_contain_text("inactive")
    expect(row.get_by_role("button")).to_have_count(0)
