"""In a real browser: log in as each role, navigate, and be refused where the role may not go."""

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
from tests.web.conftest import PASSWORD, ROLES

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder: Path = tmp_path_factory.mktemp("browser")
    engine = make_engine(f"sqlite:///{folder / 'filet.db'}")
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        for role in ROLES:
            create_user(session, role, role, PASSWORD, role.replace("_", " ").title())
    settings = Settings(data_dir=folder, secret_key="browser-test-" + "k" * 40)
    yield from serve(create_app(settings, engine))


def test_border_officer_logs_in_and_is_refused_admin_and_protection(
    live: LiveServer, page: Page
) -> None:
    login(page, live.url, "border_officer", PASSWORD)
    expect(page.get_by_role("heading", name="Border check", exact=True)).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).not_to_contain_text("Users")
    expect(page.get_by_role("navigation", name="Main")).not_to_contain_text("Protection")
    for path in ("/admin/users", "/protection", "/audit"):
        response = page.goto(f"{live.url}{path}")
        assert response is not None and response.status == 403, path
        expect(page.get_by_test_id("error-status")).to_contain_text("403")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_its_home(live: LiveServer, page: Page, role: str) -> None:
    login(page, live.url, role, PASSWORD)
    expect(page.get_by_test_id("current-user")).to_have_text(role.replace("_", " ").title())
    nav = page.get_by_role("navigation", name="Main")
    links = nav.get_by_role("link")
    for i in range(links.count()):
        href = links.nth(i).get_attribute("href")
        response = page.goto(f"{live.url}{href}")
        assert response is not None and response.ok, (role, href)


def test_admin_adds_a_user_through_the_form(live: LiveServer, page: Page) -> None:
    login(page, live.url, "admin", PASSWORD)
    page.goto(f"{live.url}/admin/users")
    page.get_by_label("Username", exact=True).fill("new.officer")
    page.get_by_label("Name", exact=True).fill("Nouvel Agent")
    page.get_by_label("Role", exact=True).select_option("border_officer")
    page.get_by_label("Password", exact=True).fill("a long enough passphrase")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("table")).to_contain_text("new.officer")


def test_french_and_arabic_layouts(live: LiveServer, page: Page) -> None:
    page.goto(f"{live.url}/login")
    page.get_by_role("link", name="Français").click()
    expect(page.get_by_role("heading", name="Se connecter")).to_be_visible()
    page.get_by_role("link", name="العربية").click()
    assert page.locator("html").get_attribute("dir") == "rtl"
    expect(page.get_by_role("heading", name="تسجيل الدخول")).to_be_visible()
