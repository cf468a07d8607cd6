"""Shared fixtures: a migrated store on SQLite, and on PostgreSQL when FILET_TEST_DATABASE_URL is set.

Every test that takes ``engine`` runs once per backend. On PostgreSQL each test gets a schema of
its own, dropped afterwards, so tests never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from filet.settings import Settings
from filet.store import make_engine, session_factory, upgrade

pytest_plugins = ["tests.browser"]

POSTGRES_URL = os.environ.get("FILET_TEST_DATABASE_URL", "")

BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not POSTGRES_URL, reason="FILET_TEST_DATABASE_URL is not set"),
        ],
    ),
]


def _new_engine(backend: str, tmp_path: Path) -> tuple[Engine, str | None]:
    if backend == "sqlite":
        return make_engine(f"sqlite:///{tmp_path / 'filet.db'}"), None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    engine = make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    return engine, schema


def _drop(schema: str) -> None:
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A store migrated to the current schema, on each backend."""
    created, schema = _new_engine(request.param, tmp_path)
    upgrade(created)
    yield created
    created.dispose()
    if schema:
        _drop(schema)


@pytest.fixture
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty SQLite store (no schema), for migration tests."""
    created = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    yield created
    created.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, secret_key="test-secret-key-" + "x" * 32)
