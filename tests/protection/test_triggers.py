"""Every automatic trigger opens a case with a task and a due date; the same trigger twice opens
nothing; enforcement learns only the safe flags."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from filet.errors import InputError
from filet.protection import PersonFacts, evaluate_triggers, protection_flags
from filet.store.schema import AuditEvent, Person, ProtectionCase, ProtectionTask
from tests.protection.conftest import T0, World

CASES = [
    # (facts beyond person and source, expected trigger, expected task, hours until due)
    ({"age": 15}, "child", "guardian", 24),
    ({"age": None, "child_indicators": ("appears_under_18",)}, "child", "guardian", 24),
    ({"aggravating": ("danger_to_life",)}, "aggravating_circumstance", "screening", 48),
    ({"aggravating": ("inhuman_treatment",)}, "aggravating_circumstance", "screening", 48),
    ({"aggravating": ("exploitation",)}, "aggravating_circumstance", "screening", 48),
    (
        {"methods_of_control": ("WithholdsDocuments",)},
        "trafficking_indicator",
        "trafficking_screening",
        24,
    ),
    ({"ransom": True}, "trafficking_indicator", "trafficking_screening", 24),
    ({"asylum_wish": True}, "asylum_wish", "referral:asylum", 24),
    ({"medical_emergency": True}, "medical_emergency", "referral:medical", 4),
    ({"smuggled_migrant": True}, "smuggled_migrant", "screening", 72),
]


@pytest.mark.parametrize(("facts", "trigger", "task", "hours"), CASES)
def test_each_trigger_opens_a_case_with_a_task_due(
    world: World, facts: dict[str, object], trigger: str, task: str, hours: int
) -> None:
    s = world.session
    opened = evaluate_triggers(
        s,
        PersonFacts(world.karim, "border_check:17", T0, **facts),  # type: ignore[arg-type]
    )
    assert len(opened) == 1
    case = opened[0]
    assert case.trigger == trigger and case.person_id == world.karim and case.status == "open"
    tasks = {
        t.kind: t
        for t in s.execute(
            select(ProtectionTask).where(ProtectionTask.case_id == case.id)
        ).scalars()
    }
    assert tasks[task].due_at == T0 + dt.timedelta(hours=hours)
    assert s.execute(
        select(AuditEvent).where(
            AuditEvent.object_type == "protection_case", AuditEvent.action == "create"
        )
    ).scalars().one().object_ids == [case.reference]


def test_adult_of_known_age_with_child_indicators_is_not_a_child(world: World) -> None:
    opened = evaluate_triggers(
        world.session,
        PersonFacts(
            world.amina, "border_check:1", T0, age=29, child_indicators=("appears_under_18",)
        ),
    )
    assert opened == []


def test_nothing_to_protect_opens_nothing(world: World) -> None:
    assert (
        evaluate_triggers(world.session, PersonFacts(world.amina, "border_check:1", T0, age=29))
        == []
    )


def test_same_trigger_twice_is_idempotent_and_a_new_trigger_joins_the_open_case(
    world: World,
) -> None:
    s = world.session
    facts = PersonFacts(world.karim, "border_check:17", T0, asylum_wish=True)
    first = evaluate_triggers(s, facts)
    again = evaluate_triggers(s, facts)
    assert len(first) == 1 and again == []
    joined = evaluate_triggers(
        s, PersonFacts(world.karim, "network:run-3", T0, smuggled_migrant=True)
    )
    assert joined == first
    assert s.execute(select(func.count()).select_from(ProtectionCase)).scalar_one() == 1


def test_unknown_values_are_refused_naming_the_field(world: World) -> None:
    with pytest.raises(InputError, match="methods_of_control"):
        evaluate_triggers(
            world.session, PersonFacts(world.karim, "x", T0, methods_of_control=("Beating",))
        )


def test_enforcement_sees_only_safe_flags_also_on_the_person(world: World) -> None:
    s = world.session
    assert protection_flags(s, world.yonas) == []
    evaluate_triggers(
        s,
        PersonFacts(
            world.yonas, "border_check:9", T0, age=15, medical_emergency=True, asylum_wish=True
        ),
    )
    flags = protection_flags(s, world.yonas)
    assert flags == ["protection_case_open", "child", "medical_emergency", "return_blocked"]
    person = s.get(Person, world.yonas)
    assert person is not None and person.protection_flags == flags
