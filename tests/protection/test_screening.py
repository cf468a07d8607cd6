"""Screening: questionnaires are data checked on load; answers give factors, a rating and facts;
factors are dated and re-assessed over time; the interviewer's gender is recorded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from filet.errors import ConfigError, InputError
from filet.protection import (
    FactorInput,
    factor_timeline,
    load_questionnaire_file,
    open_case,
    open_tasks,
    protection_flags,
    questionnaires,
    reassess_factor,
    record_screening,
)
from tests.protection.conftest import T0, World


def test_shipped_questionnaire_has_the_five_unhcr_idc_domains() -> None:
    form = questionnaires()["unhcr-idc-2016"]
    assert [d.key for d in form.domains] == [
        "child",
        "sex_gender",
        "health_welfare",
        "protection_needs",
        "other",
    ]


def _write(tmp_path: Path, change: object) -> Path:
    source = (
        Path(__file__).parents[2] / "src/filet/protection/data/questionnaires/unhcr_idc_2016.yaml"
    )
    document = yaml.safe_load(source.read_text())
    change(document)  # type: ignore[operator]
    path = tmp_path / "ours.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


def test_an_organisation_adapts_the_questionnaire_without_code(tmp_path: Path) -> None:
    def add(document: dict) -> None:  # type: ignore[type-arg]
        document["key"] = "ngo-local"
        document["domains"][4]["questions"].append(
            {
                "key": "homeless",
                "text": "Sleeping rough?",
                "type": "yes_no",
                "when_yes": {"rating": "medium"},
            }
        )

    assert "homeless" in load_questionnaire_file(_write(tmp_path, add)).questions()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["domains"][0]["questions"][0].update(type="maybe"),
            "domains.0.questions.0.type",
        ),
        (
            lambda d: d["domains"][0]["questions"][0]["when_yes"]["factor"].update(key="tall"),
            "unknown factor individual.tall",
        ),
        (
            lambda d: d["domains"][3]["questions"][4]["when_yes"].update(fact="control:Beating"),
            "unknown fact",
        ),
        (
            lambda d: d["domains"][1]["questions"].append(dict(d["domains"][0]["questions"][0])),
            "used twice",
        ),
    ],
)
def test_a_broken_questionnaire_is_refused_naming_the_place(
    tmp_path: Path, change: object, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        load_questionnaire_file(_write(tmp_path, change))


def test_answers_give_factors_rating_and_apply_the_rules(world: World) -> None:
    s = world.session
    case = open_case(s, world.officer, person_id=world.amina, at=T0)
    result = record_screening(
        s,
        case,
        world.officer,
        questionnaire_key="unhcr-idc-2016",
        answers={
            "pregnant": "yes",
            "asylum_wish": True,
            "documents_withheld": True,
            "good_health": False,
            "literacy": "no",
            "other_needs": "needs glasses",
        },
        interviewer_gender_preferred="female",
        interviewer_gender_honoured=True,
        at=T0,
    )
    assert result.suggested_rating == "high" and result.screening.intervention_rating == "high"
    assert {(f.level, f.factor, f.effect) for f in result.factors} == {
        ("individual", "pregnancy", "risk"),
        ("structural", "access_to_asylum", "protective"),
        ("individual", "low_literacy", "risk"),
    }
    assert result.screening.interviewer_gender_preferred == "female"
    assert result.screening.interviewer_gender_honoured is True
    assert case.asylum_wish and "return_blocked" in protection_flags(s, world.amina)
    assert case.offence_hypothesis == "suspected_trafficking"
    assert case.indicators["methods_of_control"] == ["WithholdsDocuments"]


def test_the_officer_sets_the_rating_and_bad_answers_are_refused(world: World) -> None:
    s = world.session
    case = open_case(s, world.officer, person_id=world.amina)
    result = record_screening(
        s,
        case,
        world.officer,
        questionnaire_key="unhcr-idc-2016",
        answers={"good_health": True},
        rating="medium",
    )
    assert result.suggested_rating == "low" and result.screening.intervention_rating == "medium"
    with pytest.raises(InputError, match="no question 'favourite_colour'"):
        record_screening(
            s,
            case,
            world.officer,
            questionnaire_key="unhcr-idc-2016",
            answers={"favourite_colour": "red"},
        )
    with pytest.raises(InputError, match="expected yes or no"):
        record_screening(
            s,
            case,
            world.officer,
            questionnaire_key="unhcr-idc-2016",
            answers={"pregnant": "perhaps"},
        )
    with pytest.raises(InputError, match="one of"):
        record_screening(
            s,
            case,
            world.officer,
            questionnaire_key="unhcr-idc-2016",
            answers={"literacy": "fluent"},
        )


def test_child_answer_puts_the_case_on_the_child_track(world: World) -> None:
    s = world.session
    case = open_case(s, world.officer, person_id=world.karim)
    record_screening(
        s, case, world.officer, questionnaire_key="unhcr-idc-2016", answers={"under_18": True}
    )
    assert case.child_track and "child" in protection_flags(s, world.karim)


def test_factors_are_dated_and_reassessed_over_time(world: World) -> None:
    s = world.session
    case = open_case(s, world.officer, person_id=world.amina, at=T0)
    record_screening(
        s,
        case,
        world.officer,
        questionnaire_key="unhcr-idc-2016",
        answers={"distress": True},
        at=T0,
    )
    later = T0 + dt.timedelta(days=30)
    reassess_factor(
        s,
        case,
        world.officer,
        FactorInput("individual", "mental_health_distress", "protective", "recovering with MHPSS"),
        at=later,
    )
    timeline = factor_timeline(s, case)
    assert [
        (f.effect, f.assessed_at) for f in timeline[("individual", "mental_health_distress")]
    ] == [("risk", T0), ("protective", later)]
    with pytest.raises(InputError, match="unknown factor"):
        reassess_factor(s, case, world.officer, FactorInput("galactic", "x", "risk"))


def test_medical_emergency_answer_flags_the_person_and_asks_for_a_medical_referral(
    world: World,
) -> None:
    s = world.session
    case = open_case(s, world.officer, person_id=world.karim, at=T0)
    record_screening(
        s,
        case,
        world.officer,
        questionnaire_key="unhcr-idc-2016",
        answers={"medical_emergency": True},
        at=T0,
    )
    assert "medical_emergency" in protection_flags(s, world.karim)
    due = {t.kind: t.due_at for t, c in open_tasks(s) if c.id == case.id}
    assert due["referral:medical"] == T0 + dt.timedelta(hours=4)
