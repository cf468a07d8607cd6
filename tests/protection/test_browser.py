"""In a real browser: enforcement users are refused every protection screen; a protection officer
opens a case, screens, is refused a referral without consent, records consent and refers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from filet.protection import save_provider
from filet.security import SYSTEM, access_policy, hash_password
from filet.settings import Settings
from filet.store import make_engine, session_factory, transaction
from filet.store.schema import User
from filet.web import create_app
from tests.browser import LiveServer, login, serve
from tests.protection.conftest import add_person

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, migrated_template: Path) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("protection-browser")
    (folder / "filet.db").write_bytes(migrated_template.read_bytes())
    engine = make_engine(f"sqlite:///{folder / 'filet.db'}")
    hashed = hash_password(PASSWORD)
    with transaction(session_factory(engine)) as session:
        for role in access_policy().roles:
            session.add(User(username=role, role=role, password_hash=hashed, display_name=role))
        add_person(session, "P-MERON", "Meron", "Tesfaye", "1999-02-11", "F", "ERI")
        save_provider(session, SYSTEM, name="Asylum Legal Clinic", services=["asylum", "legal_aid"])
        save_provider(session, SYSTEM, name="Croix-Rouge", services=["medical", "shelter"])
    settings = Settings(data_dir=folder, secret_key="protection-browser-" + "k" * 40)
    yield from serve(create_app(settings, engine))
    engine.dispose()


def test_protection_officer_opens_screens_and_refers_with_consent(
    live: LiveServer, page: Page
) -> None:
    login(page, live.url, "protection_officer", PASSWORD)
    expect(page.get_by_role("heading", name="Protection cases")).to_be_visible()
    page.get_by_label("Person number (if known)").fill("1")
    page.get_by_role("button", name="Open case").click()
    expect(page.get_by_test_id("case-reference")).to_contain_text("PC-")
    reference = page.get_by_test_id("case-reference").inner_text()

    page.locator("#sc-gender").select_option("female")
    page.get_by_label(
        "Does the person wish to seek international protection, or fear return?"
    ).select_option("yes")
    page.get_by_label("Is the person pregnant or breastfeeding?").select_option("yes")
    page.get_by_role("button", name="Save screening").click()
    expect(page.get_by_role("status")).to_contain_text("screening recorded")
    expect(page.get_by_test_id("asylum")).to_contain_text("return blocked")
    expect(page.get_by_test_id("rating")).to_have_text("high")

    page.locator("#re-service").select_option("asylum")
    page.locator("#re-provider").select_option(label="Asylum Legal Clinic")
    page.get_by_role("button", name="Refer", exact=True).click()
    expect(page.get_by_test_id("protection-error")).to_contain_text("no recorded consent")

    page.locator("#co-service").select_option("asylum")
    page.locator("#co-provider").select_option(label="Asylum Legal Clinic")
    page.get_by_role("button", name="Record consent").click()
    expect(page.get_by_role("status")).to_contain_text("consent recorded")
    page.locator("#re-service").select_option("asylum")
    page.locator("#re-provider").select_option(label="Asylum Legal Clinic")
    page.get_by_role("button", name="Refer", exact=True).click()
    referrals = page.get_by_test_id("referrals")
    expect(referrals).to_contain_text("Asylum Legal Clinic")
    expect(referrals).to_contain_text("in_progress")
    referrals.get_by_role("button", name="Update").click()
    expect(page.get_by_test_id("referrals")).to_contain_text("accepted")

    page.locator("#ac-action").select_option("removal")
    page.get_by_role("button", name="Record action").click()
    expect(page.get_by_test_id("protection-error")).to_contain_text("international protection")

    page.goto(f"{live.url}/protection/dashboard")
    expect(page.get_by_test_id("open-cases")).to_have_text("1")
    page.goto(f"{live.url}/protection?q=Meron")
    expect(page.get_by_role("table")).to_contain_text(reference)


@pytest.mark.parametrize("role", ["border_officer", "analyst", "investigator"])
def test_enforcement_users_get_403_on_every_protection_screen(
    live: LiveServer, page: Page, role: str
) -> None:
    login(page, live.url, role, PASSWORD)
    expect(page.get_by_role("navigation", name="Main")).not_to_contain_text("Protection")
    for path in (
        "/protection",
        "/protection/dashboard",
        "/protection/providers",
        "/protection/cases/PC-20260314-000000",
        "/protection?q=Meron",
    ):
        response = page.goto(f"{live.url}{path}")
        assert response is not None and response.status == 403, (role, path)
        expect(page.get_by_test_id("error-status")).to_contain_text("403")
        expect(page.locator("main")).not_to_contain_text("Meron")
