"""Identity resolution over the store: persons, stored links, judgements across re-runs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from filet.identity import IdentityResolver, Verdict, judge, person_view, resolve_store
from filet.identity import _store as identity_store
from filet.identity._store import store_records, travelled_with
from filet.security import Actor
from filet.store import transaction
from filet.store.schema.border import (
    BorderCrossing,
    CrossingPoint,
    IdentityLink,
    IdentityRecord,
    Person,
)
from filet.store.schema.security import User

ROWS = [
    {
        "source_type": "api",
        "source_key": "A1",
        "given_names": "TESFAYE",
        "surname": "GEBREMEDHIN",
        "birth_date": "1992-06-14",
        "sex": "M",
        "nationality": "ERI",
        "document_number": "P0456789",
        "document_country": "ERI",
    },
    {
        "source_type": "intelligence",
        "source_key": "I7",
        "full_name": "ተስፋዬ ገብረመድህን",
        "birth_date": "1992-06-14",
        "nationality": "ERI",
    },
    {
        "source_type": "crossing",
        "source_key": "C3",
        "given_names": "Tesfay",
        "surname": "Gebremedhin",
        "birth_date": "1992-06-14",
        "sex": "M",
        "document_number": "P0456789",
        "document_country": "ERI",
    },
    {
        "source_type": "pnr",
        "source_key": "R1",
        "given_names": "Selam",
        "surname": "Tekle",
        "birth_date": "1996-02-03",
        "sex": "F",
        "phone": "+251 911 234567",
    },
]


def _store(sessions: sessionmaker[Session]) -> tuple[dict[str, int], Actor, int]:
    with transaction(sessions) as session:
        user = User(username="analyst1", role="analyst", password_hash="x")
        session.add(user)
        rows = [IdentityRecord(**row) for row in ROWS]
        session.add_all(rows)
        session.flush()
        ids = {row.source_key: row.id for row in rows}
        point = CrossingPoint(code="ERI-TSE", name="Teseney", country="ERI", kind="land")
        session.add(point)
        session.flush()
        session.add(
            BorderCrossing(
                crossing_key="k1",
                identity_record_id=ids["C3"],
                crossing_point_id=point.id,
                direction="exit",
                at=dt.datetime(2026, 3, 1, 8, 30, tzinfo=dt.UTC),
                mode="land",
                decision="admitted",
            )
        )
        return ids, Actor(user.id, user.username, "analyst"), user.id


def _persons(session: Session) -> dict[str, int | None]:
    return {row.source_key: row.person_id for row in session.scalars(select(IdentityRecord))}


def test_resolve_writes_persons_links_and_explanations(sessions: sessionmaker[Session]) -> None:
    ids, actor, _ = _store(sessions)
    resolver = IdentityResolver(threshold=0.95)
    with transaction(sessions) as session:
        summary = resolve_store(session, resolver, actor=actor)
    assert summary.records == 4
    assert summary.persons == 2
    with sessions() as session:
        persons = _persons(session)
        assert persons["A1"] == persons["I7"] == persons["C3"] != persons["R1"]
        assert session.get(IdentityRecord, ids["I7"]).match_probability > 0.95  # type: ignore[union-attr]
        assert session.get(IdentityRecord, ids["R1"]).match_probability is None  # type: ignore[union-attr]
        link = session.scalars(select(IdentityLink).where(IdentityLink.accepted)).first()
        assert link is not None
        assert link.explanation["evidence"][0]["feature"] == "name"
        view = person_view(session, persons["A1"])  # type: ignore[arg-type]
        assert [record.source_key for record in view.records] == ["A1", "I7", "C3"]
        assert [event.place for event in view.travel] == ["Teseney (ERI-TSE)"]
        assert len(view.links) == 3


def test_links_are_written_in_batches_with_their_explanations(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    _store(sessions)
    monkeypatch.setattr(identity_store, "_LINK_BATCH", 2)  # several insert statements
    resolver = IdentityResolver(threshold=0.95)
    with transaction(sessions) as session:
        summary = resolve_store(session, resolver)
        expected = resolver.resolve(store_records(session), (), travelled_with(session))
    with sessions() as session:
        stored = {
            (link.record_a_id, link.record_b_id): link
            for link in session.scalars(select(IdentityLink))
        }
        assert summary.links == len(stored) == len(expected.links) > 2
        for pair in expected.links:
            first, second = sorted((int(pair.record_a), int(pair.record_b)))
            link = stored[(first, second)]
            assert link.match_weight == pytest.approx(pair.match_weight)
            assert link.explanation == json.loads(json.dumps(pair.explanation.to_json()))
            assert link.accepted == (pair.match_probability >= 0.95)


def test_not_same_judgement_splits_at_once_and_survives_reruns(
    sessions: sessionmaker[Session],
) -> None:
    ids, actor, user_id = _store(sessions)
    resolver = IdentityResolver(threshold=0.95)
    with transaction(sessions) as session:
        resolve_store(session, resolver)
        before = _persons(session)
        judge(
            session,
            ids["I7"],
            ids["A1"],
            Verdict.NOT_SAME,
            "the report concerns the brother",
            user_id=user_id,
            actor=actor,
            threshold=0.95,
        )
        after = _persons(session)
    assert after["I7"] != after["A1"]
    assert after["A1"] == after["C3"] == before["A1"]  # the larger part keeps the person
    for incremental in (False, True, False):
        with transaction(sessions) as session:
            resolve_store(session, resolver, incremental=incremental)
            persons = _persons(session)
        assert persons["I7"] != persons["A1"]
        assert persons["I7"] != persons["C3"]  # transitively: not via C3 either
        assert persons["A1"] == persons["C3"]


def test_same_judgement_merges_persons(sessions: sessionmaker[Session]) -> None:
    ids, actor, user_id = _store(sessions)
    resolver = IdentityResolver(threshold=0.95)
    with transaction(sessions) as session:
        resolve_store(session, resolver)
        judge(
            session,
            ids["R1"],
            ids["A1"],
            Verdict.SAME,
            "same fingerprints",
            user_id=user_id,
            actor=actor,
            threshold=0.95,
        )
        persons = _persons(session)
    assert len(set(persons.values())) == 1
    with transaction(sessions) as session:
        resolve_store(session, resolver)
        assert len(set(_persons(session).values())) == 1


def test_incremental_run_links_only_new_records(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    _ids, _, _ = _store(sessions)
    resolver = IdentityResolver(threshold=0.95, feature_cache=tmp_path / "features.parquet")
    with transaction(sessions) as session:
        resolve_store(session, resolver)
        person = _persons(session)["A1"]
        session.add(
            IdentityRecord(
                source_type="api",
                source_key="A2",
                given_names="TESFAYE",
                surname="GEBREMEDHIN",
                document_number="P0456789",
                document_country="ERI",
            )
        )
    with transaction(sessions) as session:
        summary = resolve_store(session, resolver, incremental=True)
        assert summary.new_records == 1
        assert _persons(session)["A2"] == person
        assert session.scalar(select(Person.id).where(Person.id == person)) == person
