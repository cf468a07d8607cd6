"""Acceptance in a real browser: an analyst opens the ring list, opens a ring's link chart, expands
a flight to see who else was on it (the chart grows), reads why a link exists, and filters an edge
type out (the chart shrinks) and exports the chart as shown; the ring's flights are on the map. The ring's smuggled migrants are
never listed as suspects."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from filet.network import analyse_network, build_network, import_intelligence, store_rings
from filet.security import SYSTEM, create_user
from filet.settings import Settings
from filet.store import make_engine, session_factory, transaction, upgrade
from filet.store.schema import CrossingPoint
from filet.web import create_app
from tests.browser import LiveServer, login, serve
from tests.network.conftest import INTELLIGENCE, make_world
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser
SCREENSHOTS = os.environ.get("FILET_TEST_SCREENSHOT", "")


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder: Path = tmp_path_factory.mktemp("network-browser")
    engine = make_engine(f"sqlite:///{folder / 'filet.db'}")
    upgrade(engine)
    items = folder / "intelligence.jsonl"
    items.write_text("".join(json.dumps(i) + "\n" for i in INTELLIGENCE), encoding="utf-8")
    with transaction(session_factory(engine)) as session:
        create_user(session, "analyst", "analyst", PASSWORD, "Analyst")
        make_world(session)
        for code, country, latitude, longitude in (
            ("KBL", "AFG", 34.5659, 69.2123),
            ("FRA", "DEU", 50.0379, 8.5622),
        ):
            session.add(
                CrossingPoint(
                    code=code,
                    name=code,
                    country=country,
                    kind="air",
                    latitude=latitude,
                    longitude=longitude,
                )
            )
        import_intelligence(session, items, SYSTEM)
        build_network(session)
        store_rings(session, analyse_network(session))
    settings = Settings(data_dir=folder, secret_key="browser-test-" + "n" * 40)
    yield from serve(create_app(settings, engine))


def _counts(page: Page) -> tuple[int, int]:
    status = page.get_by_test_id("chart-status")
    return int(status.get_attribute("data-nodes") or 0), int(
        status.get_attribute("data-edges") or 0
    )


def _click_element(page: Page, group: str, kind: str, key_end: str = "") -> None:
    """Click, with the mouse, the first chart node or edge of ``kind`` (node key ending so)."""
    chart = page.get_by_test_id("link-chart")
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box is not None
    where = page.evaluate(
        """([group, kind, keyEnd]) => {
            const cy = document.getElementById("link-chart")._cyreg.cy;
            const all = group === "node" ? cy.nodes() : cy.edges();
            const chosen = all.filter((e) => e.data("kind") === kind
                && String(e.data("key") || "").endsWith(keyEnd));
            if (group === "node") {
                const p = chosen[0].renderedPosition();
                return [p.x, p.y];
            }
            // The edge whose midpoint lies farthest from every node and every other edge,
            // inside the visible chart, so the click can only hit that edge.
            const w = cy.width(), h = cy.height();
            function toSegment(m, a, b) {
                const dx = b.x - a.x, dy = b.y - a.y;
                const len = dx * dx + dy * dy;
                const t = len ? Math.max(0, Math.min(1, ((m.x - a.x) * dx + (m.y - a.y) * dy) / len)) : 0;
                return Math.hypot(m.x - (a.x + t * dx), m.y - (a.y + t * dy));
            }
            let best = null, room = -1;
            chosen.forEach((edge) => {
                const m = edge.renderedMidpoint();
                if (m.x < 10 || m.y < 10 || m.x > w - 10 || m.y > h - 10) { return; }
                // Distance to each node's drawn body (not its centre: a large node covers
                // a midpoint that is far from its centre).
                const nodeRoom = Math.min(...cy.nodes().map((n) => {
                    const b = n.renderedBoundingBox({ includeLabels: false, includeOverlays: false });
                    const dx = Math.max(b.x1 - m.x, 0, m.x - b.x2);
                    const dy = Math.max(b.y1 - m.y, 0, m.y - b.y2);
                    return Math.hypot(dx, dy);
                }));
                const others = cy.edges().filter((o) => o.id() !== edge.id());
                const edgeRoom = others.length ? Math.min(...others.map((o) =>
                    toSegment(m, o.source().renderedPosition(), o.target().renderedPosition()))) : 1e9;
                const near = Math.min(nodeRoom, edgeRoom);
                if (near > room) { room = near; best = m; }
            });
            return [best.x, best.y];
        }""",
        [group, kind, key_end],
    )
    page.mouse.click(box["x"] + where[0], box["y"] + where[1])


def test_analyst_expands_and_filters_a_ring_chart(live: LiveServer, page: Page) -> None:
    login(page, live.url, "analyst", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Rings").click()
    rings = page.get_by_test_id("rings")
    expect(rings).to_contain_text("RING-000001")
    rings.get_by_role("link", name="RING-000001").click()
    expect(page.get_by_role("heading", name="Ring RING-000001")).to_be_visible()
    expect(page.get_by_test_id("suspects")).to_contain_text("escort")
    expect(page.get_by_test_id("suspects")).not_to_contain_text("Migrant")
    expect(page.get_by_test_id("link-chart")).to_have_attribute("data-ready", "true")
    nodes, edges = _counts(page)
    assert nodes > 5 and edges > 5

    # The flight of 6 March also carried a family on its own booking: expanding it adds them.
    _click_element(page, "node", "trip", "2026-03-06")
    expect(page.get_by_test_id("chart-detail")).to_contain_text("QR1285")
    page.wait_for_function(
        f"() => Number(document.getElementById('chart-status').dataset.nodes) > {nodes}"
    )
    grown, grown_edges = _counts(page)
    assert grown >= nodes + 3 and grown_edges > edges

    # Why does a link exist: its kind, dates and the records it comes from. The officer
    # first fits the grown chart to the view (the new nodes may lie outside it).
    page.get_by_role("button", name="Fit to screen").click()
    _click_element(page, "edge", "paid_with")
    detail = page.get_by_test_id("chart-detail")
    expect(detail).to_contain_text("paid with card")
    expect(detail).to_contain_text("pnr_payment:")

    # Filter out one edge type: its links leave the chart, and so do nodes only they tied.
    page.get_by_label("travelled on flight").uncheck()
    page.wait_for_function(
        f"() => Number(document.getElementById('chart-status').dataset.edges) < {grown_edges}"
    )
    filtered_nodes, filtered_edges = _counts(page)
    assert filtered_edges < grown_edges and filtered_nodes < grown
    # Exporting the chart as shown gives exactly what is on screen, not the whole ring.
    with page.expect_download() as download:
        page.get_by_test_id("chart-export").get_by_role("button", name="GRAPHML").click()
    graphml = Path(download.value.path()).read_text(encoding="utf-8")
    assert graphml.count("<node ") == filtered_nodes
    assert graphml.count("<edge ") == filtered_edges
    assert ">travelled_on<" not in graphml
    assert download.value.suggested_filename == "RING-000001.graphml"
    page.get_by_label("travelled on flight").check()
    page.wait_for_function(
        f"() => Number(document.getElementById('chart-status').dataset.edges) == {grown_edges}"
    )

    expect(page.get_by_role("button", name="Export PNG")).to_be_visible()
    # The ring's flights drawn from Kabul to Frankfurt, on the land outline.
    ring_map = page.get_by_test_id("ring-map")
    ring_map.scroll_into_view_if_needed()
    expect(ring_map.locator("path.leaflet-interactive").first).to_be_visible()
    expect(ring_map).not_to_contain_text("Places without coordinates")
    if SCREENSHOTS:
        page.screenshot(path=SCREENSHOTS, full_page=True)
