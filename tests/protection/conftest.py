"""Protection fixtures: a store with a few persons (identity records as the border records them),
a protection officer, and service providers."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from filet.protection import save_provider
from filet.security import Actor
from filet.store import make_engine, upgrade
from filet.store.schema import IdentityRecord, Person, User
from tests.conftest import BACKENDS, _drop, _new_engine

T0 = dt.datetime(2026, 3, 14, 6, 30, tzinfo=dt.UTC)


@dataclass
class World:
    session: Session
    officer: Actor
    amina: int  # adult woman, Eritrean, phone in national format
    yonas: int  # boy, age 15
    karim: int  # man of unknown age
    providers: dict[str, int]


def add_person(
    session: Session,
    key: str,
    given: str,
    surname: str,
    birth: str | None,
    sex: str,
    nationality: str,
    phone: str | None = None,
) -> int:
    person = Person(key=key, label=f"{given} {surname}", category="smuggled_migrant")
    session.add(person)
    session.flush()
    session.add(
        IdentityRecord(
            source_type="crossing",
            source_key=f"crossing:{key}",
            given_names=given,
            surname=surname,
            birth_date=birth,
            sex=sex,
            nationality=nationality,
            phone=phone,
            person_id=person.id,
        )
    )
    session.flush()
    return person.id


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for each test (migrating takes seconds on a busy box)."""
    path = tmp_path_factory.mktemp("template") / "filet.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(params=BACKENDS)
def engine(
    request: pytest.FixtureRequest, tmp_path: Path, migrated_template: Path
) -> Iterator[Engine]:
    """As the shared ``engine`` fixture, but SQLite stores are copies of one migrated file."""
    if request.param == "sqlite":
        shutil.copy(migrated_template, tmp_path / "filet.db")
        created = make_engine(f"sqlite:///{tmp_path / 'filet.db'}")
        yield created
        created.dispose()
        return
    created, schema = _new_engine(request.param, tmp_path)
    upgrade(created)
    yield created
    created.dispose()
    if schema:
        _drop(schema)


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> Iterator[World]:
    with sessions() as session:
        # Not a login account (no password hash): service tests need an actor, not a login.
        user = User(username="hiwet", role="protection_officer", password_hash="!")
        session.add(user)
        session.flush()
        officer = Actor(user.id, user.username, user.role, "protection_assistance", "GDPR")
        amina = add_person(
            session, "P-AMINA", "Amina", "Tesfay", "1996-04-02", "F", "ERI", "+291 7 123 456"
        )
        yonas = add_person(session, "P-YONAS", "Yonas", "Gebre", "2011-01-20", "M", "ERI")
        karim = add_person(
            session, "P-KARIM", "Karim", "Haidari", None, "M", "AFG", "0093 70 123 4567"
        )
        providers = {}
        for name, services in (
            ("Croix-Rouge Lampedusa", ["medical", "shelter", "family_tracing"]),
            ("Asylum Legal Clinic", ["asylum", "legal_aid"]),
            ("IOM Return Desk", ["avrr", "consular"]),
            ("Children First", ["child_protection", "family_tracing", "mhpss"]),
        ):
            providers[name] = save_provider(
                session,
                officer,
                name=name,
                services=services,
                area="Agrigento",
                contact="+39 0922 000000",
            ).id
        session.commit()
        yield World(session, officer, amina, yonas, karim, providers)
