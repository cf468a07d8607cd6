"""Recording crossings (declared reasons, audit, protection referral), entry-exit matching with
overstays, and the escort pattern (one person crossing again and again with other companions)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from filet.border import (
    BorderChecker,
    CrossingInput,
    crossing_from_check,
    list_crossings,
    match_entries_exits,
    record_crossing,
    repeat_companions,
)
from filet.errors import InputError, NotFoundError
from filet.security import Actor
from filet.settings import Settings
from filet.store import transaction
from filet.store.schema import AuditEvent, ProtectionCase
from tests.border.conftest import NOW, add_points, passport

OFFICER = Actor(None, "officer.k", "border_officer", "border_control", "GDPR", None)
T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


def _crossing(
    number: str,
    direction: str,
    at: dt.datetime,
    *,
    surname: str = "DOE",
    given: str = "JANE",
    nationality: str = "SYR",
    ref: str | None = None,
    vehicle: str | None = None,
    point: str = "KAP",
    decision: str = "admitted",
    reasons: tuple[str, ...] = (),
) -> CrossingInput:
    return CrossingInput(
        point=point,
        direction=direction,
        at=at,
        decision=decision,
        reasons=reasons,
        surname=surname,
        given_names=given,
        birth_date="1990-01-01",
        sex="F",
        nationality=nationality,
        document_type="P",
        document_country=nationality,
        document_number=number,
        companions_ref=ref,
        vehicle=vehicle,
    )


def test_crossing_from_a_check_is_recorded_listed_and_audited(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    with transaction(sessions) as session:
        add_points(session)
        check = BorderChecker(settings).check(session, passport("C12300014"), point="FRA")
        crossing = record_crossing(
            session,
            crossing_from_check(
                check,
                point="FRA",
                direction="entry",
                decision="second_line",
                reasons=["data_mismatch"],
                voyage="631",
                carrier="LH",
            ),
            OFFICER,
        )
        crossing_id = crossing.id
    with sessions() as session:
        (view,) = list_crossings(session, point="FRA", document="C12300014")
        assert (view.id, view.decision, view.reasons) == (
            crossing_id,
            "second_line",
            ["data_mismatch"],
        )
        assert view.check_status == "green" and view.surname == "MUELLER"
        assert list_crossings(session, direction="exit") == []
        assert list_crossings(session, since=NOW + dt.timedelta(hours=1)) == []
        event = session.execute(
            select(AuditEvent).where(AuditEvent.object_type == "border_crossing")
        ).scalar_one()
        assert event.action == "create" and event.object_ids == [str(crossing_id)]
        assert event.detail["decision"] == "second_line"


def test_decision_and_reasons_must_come_from_the_declared_list(
    sessions: sessionmaker[Session],
) -> None:
    with transaction(sessions) as session:
        add_points(session)
    cases = [
        ("refused", (), "needs at least one reason"),
        ("refused", ("looked_nervous",), "not in the declared list"),
        ("admitted", ("entry_ban",), "does not support the decision"),
        ("deported", (), "expected one of"),
    ]
    for decision, reasons, message in cases:
        with sessions() as session, pytest.raises(InputError, match=message):
            record_crossing(
                session, _crossing("N1", "entry", T0, decision=decision, reasons=reasons), OFFICER
            )
    with sessions() as session, pytest.raises(NotFoundError):
        record_crossing(session, _crossing("N1", "entry", T0, point="XXX"), OFFICER)


def test_protection_referral_opens_a_protection_case(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as session:
        add_points(session)
        data = _crossing(
            "N7", "entry", T0, decision="protection_referral", reasons=("asylum_wish",)
        )
        record_crossing(session, data, OFFICER)
    with sessions() as session:
        case = session.execute(select(ProtectionCase)).scalar_one()
        assert case.trigger == "asylum_wish" and case.person_id is not None


def test_entry_exit_matching_finds_overstays(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as session:
        add_points(session)
        for data in (
            _crossing("S1", "entry", T0),
            _crossing("S1", "exit", T0 + dt.timedelta(days=20)),
            _crossing("S2", "entry", T0),
            _crossing("S2", "exit", T0 + dt.timedelta(days=120)),
            _crossing("S3", "entry", T0),
            _crossing("S4", "exit", T0),
            _crossing("S5", "entry", T0, nationality="UTO"),
            _crossing("S6", "entry", T0, decision="refused", reasons=("entry_ban",)),
        ):
            record_crossing(session, data, OFFICER)
    as_of = T0 + dt.timedelta(days=60)
    with sessions() as session:
        stays = {s.traveller: s for s in match_entries_exits(session, as_of)}
        overstays = {s.traveller for s in match_entries_exits(session, as_of, overstays_only=True)}
    assert stays["SYR:S1"].days == 20 and not stays["SYR:S1"].overstay
    assert stays["SYR:S2"].days == 120 and stays["SYR:S2"].overstay
    assert stays["SYR:S3"].exit_at is None and not stays["SYR:S3"].overstay
    assert stays["SYR:S4"].problem == "exit_without_entry"
    assert stays["UTO:S5"].allowed_days == 30 and stays["UTO:S5"].overstay
    assert "SYR:S6" not in stays
    assert overstays == {"SYR:S2", "UTO:S5"}


def test_escort_crossing_with_different_companions_is_found(
    sessions: sessionmaker[Session],
) -> None:
    with transaction(sessions) as session:
        add_points(session)
        for trip in range(3):
            at = T0 + dt.timedelta(days=7 * trip)
            record_crossing(
                session, _crossing("E1", "entry", at, surname="KARIM", ref=f"G{trip}"), OFFICER
            )
            for mate in range(2):
                record_crossing(
                    session,
                    _crossing(
                        f"M{trip}{mate}", "entry", at, surname=f"MATE{trip}{mate}", ref=f"G{trip}"
                    ),
                    OFFICER,
                )
            # a couple who always travel together by car: never an escort pattern
            for person in ("C1", "C2"):
                record_crossing(
                    session,
                    _crossing(
                        person,
                        "entry",
                        at + dt.timedelta(minutes=5 + int(person[1])),
                        surname=f"COUPLE{person}",
                        vehicle="CB1234AA",
                    ),
                    OFFICER,
                )
    with sessions() as session:
        found = repeat_companions(session)
    assert [c.traveller for c in found] == ["SYR:E1"]
    (escort,) = found
    assert (escort.crossings, escort.distinct_companions) == (3, 6)
    assert escort.evidence[0]["companions"] == ["JANE MATE00", "JANE MATE01"]
    with sessions() as session:
        couples = repeat_companions(session, min_crossings=3, min_companions=1)
    assert "SYR:C1" not in {c.traveller for c in couples}
