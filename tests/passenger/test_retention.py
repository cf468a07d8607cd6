"""Retention: a booking is masked on day 183 and not before, deleted at the limit, and unmasked
only for the requester after a different supervisor approved (frozen clock: `now` is given)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from filet.errors import PermissionDenied
from filet.passenger._retention import approve_unmask, read_unmasked, request_unmask, run_retention
from filet.passenger._store import ingest_message
from filet.security import SYSTEM, Actor, create_user
from filet.settings import Settings
from filet.store import schema as S
from filet.store import transaction

MESSAGES = Path(__file__).parent / "messages"
DAY0 = dt.datetime(2026, 1, 10, 8, 0, tzinfo=dt.UTC)


def _load(sessions: sessionmaker[Session]) -> None:
    for name in ("pnrgov_13_1_two_bookings.edi", "paxlst_d05b_passengers.edi"):
        with transaction(sessions) as session:
            ingest_message(session, (MESSAGES / name).read_bytes(), name, SYSTEM, received_at=DAY0)


def _run(sessions: sessionmaker[Session], settings: Settings, days: int) -> dict[str, object]:
    with transaction(sessions) as session:
        return run_retention(session, settings, SYSTEM, DAY0 + dt.timedelta(days=days)).as_dict()


def test_masked_on_day_183_and_not_before(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    _load(sessions)
    assert _run(sessions, settings, 182)["masked_bookings"] == 0
    with sessions() as session:
        assert session.execute(select(S.PnrBooking.masked_at)).scalars().all() == [None, None]
    report = _run(sessions, settings, 183)
    assert report["masked_bookings"] == 2 and report["masked_api_travellers"] == 2
    with sessions() as session:
        names = session.execute(select(S.PnrTraveller.surname, S.PnrTraveller.given_names)).all()
        assert {tuple(n) for n in names} == {("MASKED", None)}
        assert session.execute(select(func.count()).select_from(S.PnrContact)).scalar_one() == 0
        payers = session.execute(select(S.PnrPayment.payer_name, S.PnrPayment.card_masked)).all()
        assert {tuple(p) for p in payers} == {(None, None)}
        api = session.execute(select(S.ApiTraveller.surname, S.ApiTraveller.document_number)).all()
        assert {tuple(a) for a in api} == {("MASKED", None)}
        versions = session.execute(select(S.PnrVersion.content)).scalars().all()
        assert all(v == {"masked": True} for v in versions)
        pnr_identities = (
            session.execute(
                select(S.IdentityRecord.surname).where(
                    S.IdentityRecord.source_type.in_(("pnr", "api"))
                )
            )
            .scalars()
            .all()
        )
        assert set(pnr_identities) == {None}
    assert _run(sessions, settings, 184)["masked_bookings"] == 0


def test_deleted_at_the_limit(sessions: sessionmaker[Session], settings: Settings) -> None:
    _load(sessions)
    _run(sessions, settings, 183)
    report = _run(sessions, settings, settings.pnr_delete_after_days + 1)
    assert report["deleted_bookings"] == 2 and report["deleted_messages"] == 2
    with sessions() as session:
        for table in (S.PnrBooking, S.PnrTraveller, S.ApiTraveller, S.MaskedData, S.InboundMessage):
            assert session.execute(select(func.count()).select_from(table)).scalar_one() == 0


def _actor(session: Session, name: str, role: str) -> Actor:
    user = create_user(session, name, role, "a long passphrase")
    return Actor(user.id, name, role, "risk_assessment", "PNR")


def test_unmasking_needs_another_supervisor_and_is_logged(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    _load(sessions)
    _run(sessions, settings, 200)
    with transaction(sessions) as session:
        analyst = _actor(session, "karim", "analyst")
        boss = _actor(session, "jean", "supervisor")
        other_boss = _actor(session, "sara", "supervisor")
        booking_id = (
            session.execute(select(S.PnrBooking.id).order_by(S.PnrBooking.id)).scalars().first()
        )
        assert booking_id is not None
        pending = request_unmask(
            session, analyst, "pnr_booking", booking_id, "case SMG-2026-014: payer link"
        )
        own = request_unmask(
            session, boss, "pnr_booking", booking_id, "case SMG-2026-015: check contact"
        )
    with transaction(sessions) as session:
        with pytest.raises(PermissionDenied, match=r"not approved|pending"):
            read_unmasked(session, settings, analyst, pending.id)
        with pytest.raises(PermissionDenied, match="own"):
            approve_unmask(session, boss, own.id, True)
        with pytest.raises(PermissionDenied, match="supervisor"):
            approve_unmask(session, analyst, pending.id, True)
        approve_unmask(session, other_boss, pending.id, True)
    with transaction(sessions) as session:
        with pytest.raises(PermissionDenied, match="requester"):
            read_unmasked(session, settings, boss, pending.id)
        data = read_unmasked(session, settings, analyst, pending.id)
    surnames = {t["surname"] for t in data["travellers"]}
    assert "OLEARY" in surnames
    assert data["contacts"], "the contacts come back for the approved requester"
    with sessions() as session:
        unmasked = (
            session.execute(select(S.AuditEvent).where(S.AuditEvent.action == "unmask"))
            .scalars()
            .all()
        )
    assert [(e.username, e.object_ids) for e in unmasked] == [("karim", [str(booking_id)])]
