"""Vulnerability screening: answers to a questionnaire (data file), the IOM risk and protective
factors they reveal (dated, re-assessable), the intervention rating, the interviewer's gender, and
the facts that feed the protective rules (a child, an asylum wish, signs of trafficking)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from filet.errors import InputError, NotFoundError, Place
from filet.protection._cases import (
    OBJECT,
    _now,
    _require_open,
    add_event,
    add_indicators,
    add_task,
    apply_child_track,
    complete_tasks,
    express_asylum_wish,
    refresh_flags,
)
from filet.protection._data import RATINGS, Questionnaire, knowledge, questionnaires
from filet.security import Actor, record
from filet.store.schema import (
    ProtectionCase,
    ProtectionTrigger,
    VulnerabilityFactor,
    VulnerabilityScreening,
)

GENDERS = ("female", "male", "none")


@dataclass(frozen=True)
class FactorInput:
    level: str
    factor: str
    effect: str
    note: str = ""


@dataclass
class ScreeningResult:
    screening: VulnerabilityScreening
    suggested_rating: str
    factors: list[VulnerabilityFactor] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)


def questionnaire(key: str) -> Questionnaire:
    found = questionnaires().get(key)
    if found is None:
        raise NotFoundError(
            f"no questionnaire {key!r}; available: {sorted(questionnaires())}",
            Place(field="questionnaire"),
        )
    return found


def _check_answers(form: Questionnaire, answers: dict[str, Any]) -> dict[str, Any]:
    questions = form.questions()
    clean: dict[str, Any] = {}
    for key, value in answers.items():
        question = questions.get(key)
        place = Place(field=key)
        if question is None:
            raise InputError(f"{form.key} has no question {key!r}", place)
        if value is None or value == "":
            continue
        if question.type == "yes_no":
            if isinstance(value, str) and value.lower() in ("yes", "no", "true", "false"):
                value = value.lower() in ("yes", "true")
            if not isinstance(value, bool):
                raise InputError(f"expected yes or no, got {value!r}", place)
        elif question.type == "choice":
            if str(value) not in question.choices:
                raise InputError(f"expected one of {question.choices}, got {value!r}", place)
            value = str(value)
        elif question.type == "number":
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise InputError(f"expected a number, got {value!r}", place) from None
        else:
            value = str(value)
        clean[key] = value
    return clean


def check_factor(level: str, factor: str, effect: str) -> None:
    if knowledge().factor(level, factor) is None:
        raise InputError(
            f"unknown factor {level}.{factor} (see protection/data/factors.yaml)",
            Place(field="factor"),
        )
    if effect not in ("risk", "protective"):
        raise InputError(
            f"effect must be risk or protective, not {effect!r}", Place(field="effect")
        )


def record_screening(
    session: Session,
    case: ProtectionCase,
    actor: Actor,
    *,
    questionnaire_key: str,
    answers: dict[str, Any],
    rating: str | None = None,
    interviewer_gender_preferred: str | None = None,
    interviewer_gender_honoured: bool | None = None,
    extra_factors: list[FactorInput] | None = None,
    at: dt.datetime | None = None,
) -> ScreeningResult:
    """Store one dated screening; derive factors and facts; apply the rules the facts call for.

    The intervention rating is the officer's when given, else the one the answers suggest.
    """
    _require_open(case)
    form = questionnaire(questionnaire_key)
    clean = _check_answers(form, answers)
    if rating is not None and rating not in RATINGS:
        raise InputError(f"rating must be one of {list(RATINGS)}", Place(field="rating"))
    if interviewer_gender_preferred is not None and interviewer_gender_preferred not in GENDERS:
        raise InputError(
            f"preferred interviewer gender must be one of {list(GENDERS)}",
            Place(field="interviewer_gender_preferred"),
        )
    moment = _now(at)
    questions = form.questions()
    suggested = "low"
    derived: list[FactorInput] = []
    facts: list[str] = []
    for key, value in clean.items():
        effect = questions[key].effect_of(value)
        if effect is None:
            continue
        if effect.rating and RATINGS.index(effect.rating) > RATINGS.index(suggested):
            suggested = effect.rating
        if effect.factor:
            derived.append(
                FactorInput(effect.factor.level, effect.factor.key, effect.factor.effect, key)
            )
        if effect.fact:
            facts.append(effect.fact)
    for extra in extra_factors or []:
        check_factor(extra.level, extra.factor, extra.effect)
        derived.append(extra)
    screening = VulnerabilityScreening(
        case_id=case.id,
        questionnaire=f"{form.key}@{form.version}",
        answers=clean,
        intervention_rating=rating or suggested,
        interviewer_gender_preferred=interviewer_gender_preferred,
        interviewer_gender_honoured=interviewer_gender_honoured,
        screened_by=actor.user_id,
        created_at=moment,
    )
    session.add(screening)
    session.flush()
    rows = []
    for item in derived:
        row = VulnerabilityFactor(
            case_id=case.id,
            screening_id=screening.id,
            level=item.level,
            factor=item.factor,
            effect=item.effect,
            assessed_at=moment,
            note=item.note,
        )
        session.add(row)
        rows.append(row)
    session.flush()
    complete_tasks(session, case, "screening", moment, f"screening {screening.id}")
    add_event(
        session,
        case,
        "screening",
        actor,
        "",
        {"screening_id": screening.id, "rating": screening.intervention_rating},
        moment,
    )
    record(
        session,
        actor,
        "create",
        "vulnerability_screening",
        [case.reference, screening.id],
        {"rating": screening.intervention_rating},
    )
    _apply_facts(session, case, facts, actor, moment, f"screening {screening.id}")
    return ScreeningResult(screening, suggested, rows, facts)


def _apply_facts(
    session: Session,
    case: ProtectionCase,
    facts: list[str],
    actor: Actor,
    at: dt.datetime,
    evidence: str,
) -> None:
    aggravating = [f.split(":", 1)[1] for f in facts if f.startswith("aggravating:")]
    control = [f.split(":", 1)[1] for f in facts if f.startswith("control:")]
    if "child" in facts:
        apply_child_track(session, case, actor, at=at)
    if "asylum_wish" in facts:
        express_asylum_wish(session, case, actor, at=at)
    if "medical_emergency" in facts:
        exists = session.execute(
            select(ProtectionTrigger).where(
                ProtectionTrigger.case_id == case.id,
                ProtectionTrigger.kind == "medical_emergency",
            )
        ).scalar_one_or_none()
        if exists is None:
            session.add(
                ProtectionTrigger(
                    case_id=case.id,
                    person_id=case.person_id,
                    kind="medical_emergency",
                    source=evidence,
                    observed_at=at,
                    detail={},
                )
            )
            spec = knowledge().triggers.triggers["medical_emergency"]
            add_task(session, case, spec.task, at + dt.timedelta(hours=spec.due_hours), spec.label)
    if aggravating or control or "ransom" in facts:
        add_indicators(
            session,
            case,
            actor,
            aggravating=aggravating,
            methods_of_control=control,
            ransom="ransom" in facts,
            evidence=evidence,
        )
    refresh_flags(session, case.person_id)


def reassess_factor(
    session: Session,
    case: ProtectionCase,
    actor: Actor,
    item: FactorInput,
    at: dt.datetime | None = None,
) -> VulnerabilityFactor:
    """A new dated assessment of one factor (the earlier ones stay: factors change over time)."""
    _require_open(case)
    check_factor(item.level, item.factor, item.effect)
    row = VulnerabilityFactor(
        case_id=case.id,
        level=item.level,
        factor=item.factor,
        effect=item.effect,
        assessed_at=_now(at),
        note=item.note,
    )
    session.add(row)
    session.flush()
    record(session, actor, "update", OBJECT, [case.reference], {"factor": item.factor})
    return row


def screenings_of(session: Session, case: ProtectionCase) -> list[VulnerabilityScreening]:
    return list(
        session.execute(
            select(VulnerabilityScreening)
            .where(VulnerabilityScreening.case_id == case.id)
            .order_by(VulnerabilityScreening.created_at, VulnerabilityScreening.id)
        ).scalars()
    )


def factor_timeline(
    session: Session, case: ProtectionCase
) -> dict[tuple[str, str], list[VulnerabilityFactor]]:
    """Each factor's assessments in date order, keyed by (level, factor): factors over time."""
    rows = session.execute(
        select(VulnerabilityFactor)
        .where(VulnerabilityFactor.case_id == case.id)
        .order_by(VulnerabilityFactor.assessed_at, VulnerabilityFactor.id)
    ).scalars()
    timeline: dict[tuple[str, str], list[VulnerabilityFactor]] = {}
    for row in rows:
        timeline.setdefault((row.level, row.factor), []).append(row)
    return timeline
