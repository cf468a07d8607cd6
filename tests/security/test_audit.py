"""The audit log is hash-chained: any altered, inserted or removed event is found and named."""

from __future__ import annotations

import itertools

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from filet.security import Actor, record, verify_chain
from filet.store.schema import AuditEvent, AuditHead

ACTOR = Actor(7, "karim", "analyst", "risk_assessment", "PNR", "10.0.0.5")


def _write(sessions: sessionmaker[Session], n: int) -> None:
    with sessions.begin() as session:
        for i in range(n):
            record(session, ACTOR, "read", "pnr_booking", [i], {"query": f"locator {i}"})


def test_a_written_chain_verifies(sessions: sessionmaker[Session]) -> None:
    _write(sessions, 5)
    with sessions() as session:
        assert verify_chain(session) == []
        events = session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars().all()
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert all(e.prev_hash == p.hash for p, e in itertools.pairwise(events))
    assert events[0].purpose == "risk_assessment" and events[0].legal_regime == "PNR"


def test_an_altered_event_is_named(sessions: sessionmaker[Session]) -> None:
    _write(sessions, 5)
    with sessions.begin() as session:
        session.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(username="someone"))
    with sessions() as session:
        problems = verify_chain(session)
    assert [(p.seq, p.problem) for p in problems] == [
        (3, "content was altered after it was written")
    ]


def test_a_removed_event_is_named(sessions: sessionmaker[Session]) -> None:
    _write(sessions, 5)
    with sessions.begin() as session:
        session.execute(delete(AuditEvent).where(AuditEvent.seq == 2))
    with sessions() as session:
        problems = verify_chain(session)
    assert problems[0].seq == 2 and "missing" in problems[0].problem


def test_removing_the_newest_events_is_found(sessions: sessionmaker[Session]) -> None:
    _write(sessions, 5)
    with sessions.begin() as session:
        session.execute(delete(AuditEvent).where(AuditEvent.seq >= 4))
    with sessions() as session:
        problems = verify_chain(session)
    assert problems and "removed" in problems[-1].problem


def test_a_rewritten_tail_is_found_through_the_head(sessions: sessionmaker[Session]) -> None:
    _write(sessions, 3)
    with sessions.begin() as session:
        session.execute(delete(AuditEvent).where(AuditEvent.seq == 3))
        session.execute(update(AuditHead).values(last_seq=2))
    with sessions() as session:
        assert verify_chain(session) != []


def test_events_roll_back_with_the_work(sessions: sessionmaker[Session]) -> None:
    try:
        with sessions.begin() as session:
            record(session, ACTOR, "create", "crossing", [1])
            raise RuntimeError("the work failed")
    except RuntimeError:
        pass
    with sessions() as session:
        assert session.execute(select(AuditEvent)).first() is None
        assert verify_chain(session) == []
