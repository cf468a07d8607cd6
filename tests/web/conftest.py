"""A running app (FastAPI TestClient) on each backend, with one user per role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from filet.security import access_policy, create_user
from filet.settings import Settings
from filet.store import session_factory, transaction
from filet.web import create_app

PASSWORD = "correct horse battery"
ROLES = sorted(access_policy().roles)


@dataclass
class Site:
    client: TestClient
    engine: Engine
    settings: Settings

    def token(self, username: str, password: str = PASSWORD) -> str:
        response = self.client.post(
            "/api/v1/auth/token", data={"username": username, "password": password}
        )
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    def headers(self, role: str, purpose: str | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token(role)}"}
        chosen = purpose or access_policy().roles[role].purpose
        headers["X-Filet-Purpose"] = chosen
        return headers


@pytest.fixture
def site(engine: Engine, settings: Settings) -> Iterator[Site]:
    """The app with users named after their roles (``analyst``, ``admin`` ...)."""
    with transaction(session_factory(engine)) as session:
        for role in ROLES:
            create_user(session, role, role, PASSWORD, role.replace("_", " ").title())
    app = create_app(settings, engine)
    with TestClient(app) as client:
        yield Site(client, engine, settings)
