"""The store: migrations match the models, natural keys make re-loading idempotent, timestamps
round-trip with their time zone, and an out-of-date schema is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from filet.errors import ConfigError
from filet.store import current_revision, head_revision, require_current_schema, upgrade
from filet.store.schema import Base, BorderCrossing, CrossingPoint, DocumentAlert, Flight


def test_migrations_create_exactly_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
    assert current_revision(engine) == head_revision()


def test_every_table_has_a_natural_key_or_is_a_child(engine: Engine) -> None:
    children = {
        "audit_head",
        "alert_reviews",
        "case_events",
        "pnr_contacts",
        "pnr_payments",
        "vulnerability_screenings",
        "vulnerability_factors",
        "protection_tasks",
        "consents",
        "referrals",
        "retention_actions",
        "auth_sessions",
    }
    for table in Base.metadata.sorted_tables:
        has_unique = any(c.unique for c in table.columns) or any(
            type(c).__name__ == "UniqueConstraint" for c in table.constraints
        )
        keyed_pk = table.name == "audit_events"
        assert has_unique or keyed_pk or table.name in children, table.name


def test_out_of_date_schema_is_refused_with_the_command_to_run(empty_engine: Engine) -> None:
    with pytest.raises(ConfigError, match="filet db upgrade"):
        require_current_schema(empty_engine)
    upgrade(empty_engine)
    require_current_schema(empty_engine)


def _upsert_alert(session: Session, number: str) -> None:
    dialect = session.get_bind().dialect.name
    builder = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = builder(DocumentAlert).values(
        issuing_state="NLD",
        document_number=number,
        status="stolen",
        source="SLTD",
        created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    session.execute(
        statement.on_conflict_do_nothing(
            index_elements=["source", "issuing_state", "document_number"]
        )
    )


def test_reloading_the_same_rows_changes_nothing(sessions: sessionmaker[Session]) -> None:
    for _ in range(2):
        with sessions.begin() as session:
            _upsert_alert(session, "SPECI2014")
            _upsert_alert(session, "SPECI2015")
    with sessions() as session:
        assert session.execute(select(func.count()).select_from(DocumentAlert)).scalar_one() == 2


def test_a_duplicate_natural_key_is_rejected_and_nothing_is_half_written(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        session.add(CrossingPoint(code="TIA", name="Tirana airport", country="ALB", kind="air"))
    with pytest.raises(IntegrityError), sessions.begin() as session:
        session.add(CrossingPoint(code="KAP", name="Kapshtice", country="ALB", kind="land"))
        session.flush()
        session.execute(
            insert(CrossingPoint).values(code="TIA", name="again", country="ALB", kind="air")
        )
    with sessions() as session:
        codes = session.execute(select(CrossingPoint.code)).scalars().all()
    assert codes == ["TIA"]


def test_timestamps_round_trip_in_utc(sessions: sessionmaker[Session]) -> None:
    when = dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    with sessions.begin() as session:
        point = CrossingPoint(code="CAI", name="Cairo", country="EGY", kind="air")
        session.add(point)
        session.flush()
        session.add(
            BorderCrossing(
                crossing_key="k1",
                crossing_point_id=point.id,
                direction="entry",
                at=when,
                mode="air",
                decision="admitted",
            )
        )
    with sessions() as session:
        stored = session.execute(select(BorderCrossing.at)).scalar_one()
    assert stored == when
    assert stored.tzinfo == dt.UTC


def test_naive_timestamps_are_refused(sessions: sessionmaker[Session]) -> None:
    with pytest.raises(Exception, match="timezone-aware"), sessions.begin() as session:
        session.add(
            Flight(
                carrier="XX",
                number="0123",
                departure_airport="IST",
                arrival_airport="AMS",
                departure_date=dt.date(2026, 1, 1),
                created_at=dt.datetime(2026, 1, 1),
            )
        )
