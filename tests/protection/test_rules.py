"""The rules that protect: child track, asylum wish blocks return, consular notice on detention,
offence hypothesis re-examined with history, closure."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from filet.errors import ConflictError, InputError
from filet.protection import (
    BlockedAction,
    PersonFacts,
    appoint_guardian,
    case_history,
    check_action,
    close_case,
    detentions_without_consular_notice,
    evaluate_triggers,
    open_case,
    protection_flags,
    record_action,
    record_consent,
    record_consular_notice,
    record_detention,
    refer,
    resolve_asylum,
    set_hypothesis,
)
from filet.store.schema import ProtectionTask
from tests.protection.conftest import T0, World


def _open_tasks(world: World, case_id: int) -> set[str]:
    return set(
        world.session.execute(
            select(ProtectionTask.kind).where(
                ProtectionTask.case_id == case_id, ProtectionTask.done_at.is_(None)
            )
        ).scalars()
    )


def test_child_case_forces_the_child_track_and_blocks_adult_only_actions(world: World) -> None:
    (case,) = evaluate_triggers(
        world.session, PersonFacts(world.yonas, "border_check:9", T0, age=15)
    )
    assert case.child_track and case.best_interests
    assert {"guardian", "referral:family_tracing"} <= _open_tasks(world, case.id)
    for action in (
        "adult_shelter_placement",
        "adult_detention_facility",
        "interview_without_guardian",
    ):
        assert not check_action(case, action).allowed
        with pytest.raises(BlockedAction, match="child track"):
            record_action(world.session, case, action, world.officer)
    record_action(world.session, case, "child_friendly_shelter_placement", world.officer)
    refused = [e for e in case_history(world.session, case) if e.kind == "action_refused"]
    assert len(refused) == 3


def test_child_case_cannot_close_without_a_guardian(world: World) -> None:
    (case,) = evaluate_triggers(world.session, PersonFacts(world.yonas, "b:9", T0, age=15))
    with pytest.raises(BlockedAction, match="guardian"):
        close_case(world.session, case, "services_completed", world.officer)
    appoint_guardian(world.session, case, "Avv. Maria Russo", world.officer)
    assert "guardian" not in _open_tasks(world, case.id)
    close_case(world.session, case, "services_completed", world.officer)
    assert case.status == "closed" and _open_tasks(world, case.id) == set()
    assert protection_flags(world.session, world.yonas) == []


def test_an_adult_may_be_placed_in_an_adult_shelter(world: World) -> None:
    case = open_case(world.session, world.officer, person_id=world.amina)
    assert check_action(case, "adult_shelter_placement").allowed


def test_asylum_wish_creates_the_asylum_referral_task_and_blocks_return_until_resolved(
    world: World,
) -> None:
    s = world.session
    (case,) = evaluate_triggers(
        s, PersonFacts(world.karim, "border_check:17", T0, asylum_wish=True)
    )
    assert "referral:asylum" in _open_tasks(world, case.id)
    with pytest.raises(BlockedAction, match="international protection"):
        record_action(s, case, "assisted_voluntary_return", world.officer)
    iom = world.providers["IOM Return Desk"]
    record_consent(s, case, world.officer, scope="service", service="avrr", given=True)
    record_consent(
        s, case, world.officer, scope="disclosure", service="avrr", given=True, provider_id=iom
    )
    with pytest.raises(BlockedAction, match="return"):
        refer(s, case, world.officer, provider_id=iom, service="avrr")
    clinic = world.providers["Asylum Legal Clinic"]
    record_consent(s, case, world.officer, scope="service", service="asylum", given=True)
    record_consent(
        s, case, world.officer, scope="disclosure", service="asylum", given=True, provider_id=clinic
    )
    refer(s, case, world.officer, provider_id=clinic, service="asylum")
    assert "referral:asylum" not in _open_tasks(world, case.id)
    assert "return_blocked" in protection_flags(s, world.karim)
    resolve_asylum(s, case, "rejected_final", world.officer)
    assert "return_blocked" not in protection_flags(s, world.karim)
    record_action(s, case, "assisted_voluntary_return", world.officer)
    refer(s, case, world.officer, provider_id=iom, service="avrr")


def test_detention_without_consular_notice_is_reported_until_recorded(world: World) -> None:
    s = world.session
    held = open_case(s, world.officer, person_id=world.karim)
    told = open_case(s, world.officer, person_id=world.amina)
    record_detention(s, held, T0, world.officer)
    record_detention(
        s, told, T0, world.officer, consular_rights_told_at=T0 + dt.timedelta(minutes=40)
    )
    gaps = detentions_without_consular_notice(s, now=T0 + dt.timedelta(hours=6))
    assert [(g.reference, g.hours_since) for g in gaps] == [(held.reference, 6.0)]
    record_consular_notice(s, held, T0 + dt.timedelta(hours=7), world.officer)
    assert detentions_without_consular_notice(s) == []
    with pytest.raises(InputError, match="before being detained"):
        record_detention(
            s, told, T0, world.officer, consular_rights_told_at=T0 - dt.timedelta(hours=1)
        )


def test_offence_hypothesis_is_re_examined_on_new_indicators_with_history(world: World) -> None:
    s = world.session
    (case,) = evaluate_triggers(
        s, PersonFacts(world.karim, "network:run-1", T0, smuggled_migrant=True)
    )
    assert case.offence_hypothesis == "smuggling"
    evaluate_triggers(
        s, PersonFacts(world.karim, "debriefing:DEB1", T0, aggravating=("danger_to_life",))
    )
    assert case.offence_hypothesis == "aggravated_smuggling"
    evaluate_triggers(
        s, PersonFacts(world.karim, "debriefing:DEB2", T0, methods_of_control=("DebtBondage",))
    )
    assert case.offence_hypothesis == "suspected_trafficking"
    # An older, weaker indicator never lowers it.
    evaluate_triggers(s, PersonFacts(world.karim, "x", T0, asylum_wish=True))
    assert case.offence_hypothesis == "suspected_trafficking"
    set_hypothesis(s, case, "trafficking", world.officer, "confirmed by the specialised unit")
    history = [
        (e.data["from"], e.data["to"], e.data["evidence"])
        for e in case_history(s, case, "hypothesis")
    ]
    assert history == [
        ("none", "smuggling", "network:run-1"),
        ("smuggling", "aggravated_smuggling", "debriefing:DEB1"),
        ("aggravated_smuggling", "suspected_trafficking", "debriefing:DEB2"),
        ("suspected_trafficking", "trafficking", ""),
    ]
    with pytest.raises(InputError, match="why"):
        set_hypothesis(s, case, "smuggling", world.officer, " ")


def test_exploitation_of_a_child_points_to_trafficking(world: World) -> None:
    s = world.session
    (case,) = evaluate_triggers(s, PersonFacts(world.yonas, "d", T0, age=15))
    evaluate_triggers(s, PersonFacts(world.yonas, "d2", T0, aggravating=("exploitation",)))
    assert case.offence_hypothesis == "suspected_trafficking"


def test_one_open_case_per_person_and_closure_needs_a_known_reason(world: World) -> None:
    s = world.session
    case = open_case(s, world.officer, person_id=world.amina)
    with pytest.raises(ConflictError, match="already has an open case"):
        open_case(s, world.officer, person_id=world.amina)
    with pytest.raises(InputError, match="unknown closure reason"):
        close_case(s, case, "bored", world.officer)
    with pytest.raises(InputError, match="explanation"):
        close_case(s, case, "other", world.officer)
    close_case(s, case, "moved_away", world.officer)
    with pytest.raises(ConflictError, match="closed"):
        record_action(s, case, "medical_transfer", world.officer)
    assert open_case(s, world.officer, person_id=world.amina).reference != case.reference
