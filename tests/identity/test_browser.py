"""In a real browser: an analyst opens a person, reads why the records are linked, sees the
travel timeline drawn, and splits the person with a "not the same" judgement."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from filet.identity import IdentityResolver, resolve_store
from filet.security import create_user
from filet.settings import Settings
from filet.store import make_engine, session_factory, transaction, upgrade
from filet.store.schema.border import BorderCrossing, CrossingPoint, IdentityRecord
from filet.web import create_app
from tests.browser import LiveServer, login, serve
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, int]]:
    folder: Path = tmp_path_factory.mktemp("identity-browser")
    engine = make_engine(f"sqlite:///{folder / 'filet.db'}")
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        create_user(session, "analyst", "analyst", PASSWORD, "Analyst")
        rows = [
            IdentityRecord(
                source_type="api",
                source_key="A1",
                given_names="TESFAYE",
                surname="GEBREMEDHIN",
                birth_date="1992-06-14",
                sex="M",
                nationality="ERI",
                document_number="P0456789",
                document_country="ERI",
            ),
            IdentityRecord(
                source_type="intelligence",
                source_key="I7",
                full_name="ተስፋዬ ገብረመድህን",
                birth_date="1992-06-14",
                nationality="ERI",
            ),
        ]
        session.add_all(rows)
        point = CrossingPoint(code="ERI-TSE", name="Teseney", country="ERI", kind="land")
        session.add(point)
        session.flush()
        for day, direction in ((1, "exit"), (20, "entry")):
            session.add(
                BorderCrossing(
                    crossing_key=f"k{day}",
                    identity_record_id=rows[0].id,
                    crossing_point_id=point.id,
                    direction=direction,
                    at=dt.datetime(2026, 3, day, 8, 0, tzinfo=dt.UTC),
                    mode="land",
                    decision="admitted",
                )
            )
        resolve_store(session, IdentityResolver(threshold=0.95))
        person = session.scalars(select(IdentityRecord.person_id)).first()
        assert person is not None
    settings = Settings(data_dir=folder, secret_key="browser-test-" + "k" * 40)
    for server in serve(create_app(settings, engine)):
        yield server, person


def test_analyst_reads_the_waterfall_and_splits_the_person(
    live: tuple[LiveServer, int], page: Page, tmp_path: Path
) -> None:
    server, person = live
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, server.url, "analyst", PASSWORD)
    page.goto(f"{server.url}/persons/{person}")
    expect(page.get_by_role("table", name="Linked records", exact=True)).to_contain_text(
        "ተስፋዬ ገብረመድህን"
    )
    expect(page.locator("details.identity-link").first).to_contain_text("same name (rare)")
    canvas = page.locator("#identity-timeline")
    expect(canvas).to_be_visible()
    assert canvas.evaluate("c => c.width > 0 && c.getContext('2d') !== null")
    page.screenshot(path=str(tmp_path / "person.png"), full_page=True)
    form = page.locator("form.identity-judge").first
    form.get_by_label("Not the same person (split)").check()
    form.get_by_label("Reason").fill("the intelligence report is about his cousin")
    form.get_by_role("button", name="Record judgement").click()
    page.wait_for_load_state()
    expect(page.get_by_role("table", name="Linked records", exact=True)).not_to_contain_text("ተስፋዬ")
    expect(page.get_by_role("table", name="Analysts' judgements")).to_contain_text("not_same")
    assert errors == []
