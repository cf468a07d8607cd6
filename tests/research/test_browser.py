"""In a real browser: the researcher's dashboard draws its chart and its offline route map, with no
request leaving the server, and the release builder marks suppressed cells."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from filet.security import create_user
from filet.settings import Settings
from filet.store import make_engine, session_factory, transaction, upgrade
from filet.web import create_app
from tests.browser import LiveServer, login, serve
from tests.research.conftest import populate
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder: Path = tmp_path_factory.mktemp("research-browser")
    engine = make_engine(f"sqlite:///{folder / 'filet.db'}")
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        create_user(session, "researcher", "researcher", PASSWORD, "Researcher")
        populate(session, crossings=600)
    settings = Settings(data_dir=folder, secret_key="browser-test-" + "k" * 40)
    yield from serve(create_app(settings, engine))


def test_dashboard_draws_the_chart_and_the_route_map_offline(
    live: LiveServer, page: Page, tmp_path: Path
) -> None:
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(live.url) and not request.url.startswith("data:")
            else None
        ),
    )
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, live.url, "researcher", PASSWORD)
    page.goto(f"{live.url}/research")
    # Land, route lines and crossing points are drawn as vector paths: 1 + 7 routes + 4 points.
    page.wait_for_function("() => document.querySelectorAll('#research-map path').length >= 12")
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('research-monthly'))"
    )
    labels = page.evaluate(
        "() => Chart.getChart(document.getElementById('research-monthly')).data.labels"
    )
    assert labels[:2] == ["2025-01", "2025-02"]
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    assert not errors
    assert not outside


def test_builder_marks_suppressed_cells(live: LiveServer, page: Page) -> None:
    login(page, live.url, "researcher", PASSWORD)
    page.goto(f"{live.url}/research/builder")
    page.get_by_label("Topic").select_option("crossings")
    page.get_by_label("Dimensions (comma-separated)").fill("nationality,route")
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_test_id("preview")
    expect(preview).to_contain_text("suppressed (primary)")
    expect(preview.locator('td[data-status="suppressed_primary"]').first).to_have_text("·")
