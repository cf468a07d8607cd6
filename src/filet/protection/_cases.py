"""Protection cases: opening (by an officer or an automatic trigger), the rules that protect (child
track, asylum wish blocks return, consular notice on detention, offence hypothesis re-examined),
tasks and follow-ups, closure, and the safe flags that may cross to enforcement.

Every write is recorded in the audit log by the function that makes it, so the CLI, the API and
other capabilities calling in are audited alike.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from filet.errors import ConflictError, InputError, NotFoundError, Place
from filet.protection._data import knowledge
from filet.security import SYSTEM, Actor, record
from filet.store.schema import (
    Person,
    ProtectionCase,
    ProtectionEvent,
    ProtectionTask,
    ProtectionTrigger,
    Referral,
    utcnow,
)

OBJECT = "protection_case"
HYPOTHESIS_ORDER = ("none", "smuggling", "aggravated_smuggling", "suspected_trafficking")
OPEN_STATES = ("open", "follow_up")


class BlockedAction(ConflictError):
    """A protective rule forbids this action on this case (the message says which rule)."""


@dataclass(frozen=True)
class PersonFacts:
    """What another capability knows about a person that may call for protection.

    ``source`` names where the facts come from (``border_check:42``, ``network:run-7``) and goes
    into the case history; values are checked against the protection knowledge files.
    """

    person_id: int
    source: str
    observed_at: dt.datetime
    age: int | None = None
    child_indicators: tuple[str, ...] = ()
    aggravating: tuple[str, ...] = ()
    methods_of_control: tuple[str, ...] = ()
    ransom: bool = False
    asylum_wish: bool = False
    medical_emergency: bool = False
    smuggled_migrant: bool = False
    # An investigation case about the person's smuggling changed its offence hypothesis to
    # aggravated smuggling or (suspected) trafficking: the person may be a victim.
    case_hypothesis: str | None = None

    def triggers(self) -> dict[str, dict[str, Any]]:
        """The triggers these facts fire, each with the detail that fired it."""
        known = knowledge().triggers
        for name, values, table in (
            ("child_indicators", self.child_indicators, known.child_indicators),
            ("aggravating", self.aggravating, known.aggravating_circumstances),
            ("methods_of_control", self.methods_of_control, knowledge().htcds.methods_of_control),
        ):
            unknown = sorted(set(values) - set(table))
            if unknown:
                raise InputError(
                    f"unknown values {unknown}; expected some of {sorted(table)}",
                    Place(field=name),
                )
        fired: dict[str, dict[str, Any]] = {}
        if (self.age is not None and self.age < 18) or (self.age is None and self.child_indicators):
            fired["child"] = {"age": self.age, "child_indicators": list(self.child_indicators)}
        if self.aggravating or self.case_hypothesis == "aggravated_smuggling":
            fired["aggravating_circumstance"] = {"aggravating": sorted(self.aggravating)} | (
                {"case_hypothesis": self.case_hypothesis} if self.case_hypothesis else {}
            )
        trafficking = self.case_hypothesis in ("suspected_trafficking", "trafficking")
        if self.methods_of_control or self.ransom or trafficking:
            fired["trafficking_indicator"] = {
                "methods_of_control": sorted(self.methods_of_control),
                "ransom": self.ransom,
            } | ({"case_hypothesis": self.case_hypothesis} if trafficking else {})
        if self.asylum_wish:
            fired["asylum_wish"] = {}
        if self.medical_emergency:
            fired["medical_emergency"] = {}
        if self.smuggled_migrant:
            fired["smuggled_migrant"] = {}
        return fired


@dataclass(frozen=True)
class DetentionGap:
    """A detention with no record of the person being told of consular notification rights."""

    reference: str
    person_id: int | None
    detained_at: dt.datetime
    hours_since: float


@dataclass(frozen=True)
class ActionCheck:
    action: str
    allowed: bool
    reasons: list[str] = field(default_factory=list)


def _now(at: dt.datetime | None) -> dt.datetime:
    if at is None:
        return utcnow()
    if at.tzinfo is None:
        raise InputError("timestamps must carry a time zone", Place(field="at"))
    return at


def _new_reference(at: dt.datetime) -> str:
    return f"PC-{at:%Y%m%d}-{secrets.token_hex(3).upper()}"


def get_case(session: Session, reference: str) -> ProtectionCase:
    found = session.execute(
        select(ProtectionCase).where(ProtectionCase.reference == reference)
    ).scalar_one_or_none()
    if found is None:
        raise NotFoundError(f"no protection case {reference}", Place(field="reference"))
    return found


def open_case_for(session: Session, person_id: int) -> ProtectionCase | None:
    """The person's open case, if any (a person has at most one open case)."""
    return session.execute(
        select(ProtectionCase)
        .where(ProtectionCase.person_id == person_id, ProtectionCase.status.in_(OPEN_STATES))
        .order_by(ProtectionCase.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def add_event(
    session: Session,
    case: ProtectionCase,
    kind: str,
    actor: Actor,
    text: str = "",
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> ProtectionEvent:
    """Append one entry to the case history (numbered per case)."""
    session.flush()
    last = session.execute(
        select(func.max(ProtectionEvent.seq)).where(ProtectionEvent.case_id == case.id)
    ).scalar_one()
    event = ProtectionEvent(
        case_id=case.id,
        seq=(last or 0) + 1,
        kind=kind,
        at=_now(at),
        user_id=actor.user_id,
        text=text,
        data=data or {},
    )
    session.add(event)
    session.flush()
    return event


def case_history(
    session: Session, case: ProtectionCase, kind: str | None = None
) -> list[ProtectionEvent]:
    query = select(ProtectionEvent).where(ProtectionEvent.case_id == case.id)
    if kind:
        query = query.where(ProtectionEvent.kind == kind)
    return list(session.execute(query.order_by(ProtectionEvent.seq)).scalars())


def add_task(
    session: Session,
    case: ProtectionCase,
    kind: str,
    due_at: dt.datetime,
    note: str = "",
) -> ProtectionTask:
    """Add a task, unless an open task of the same kind is already there (then that one)."""
    existing = session.execute(
        select(ProtectionTask).where(
            ProtectionTask.case_id == case.id,
            ProtectionTask.kind == kind,
            ProtectionTask.done_at.is_(None),
        )
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    task = ProtectionTask(case_id=case.id, kind=kind, due_at=due_at, note=note)
    session.add(task)
    session.flush()
    return task


def complete_tasks(
    session: Session, case: ProtectionCase, kind: str, at: dt.datetime, note: str = ""
) -> None:
    for task in session.execute(
        select(ProtectionTask).where(
            ProtectionTask.case_id == case.id,
            ProtectionTask.kind == kind,
            ProtectionTask.done_at.is_(None),
        )
    ).scalars():
        task.done_at = at
        if note:
            task.note = (task.note + "\n" + note).strip()


def complete_task(
    session: Session, task_id: int, actor: Actor, note: str = "", at: dt.datetime | None = None
) -> ProtectionTask:
    task = session.get(ProtectionTask, task_id)
    if task is None:
        raise NotFoundError(f"no protection task {task_id}", Place(field="task_id"))
    if task.done_at is not None:
        raise ConflictError(f"task {task_id} was done on {task.done_at:%Y-%m-%d}")
    task.done_at = _now(at)
    if note:
        task.note = (task.note + "\n" + note).strip()
    case = session.get(ProtectionCase, task.case_id)
    assert case is not None
    add_event(session, case, "task_done", actor, note, {"task": task.kind, "task_id": task.id})
    record(session, actor, "update", OBJECT, [case.reference], {"task_done": task.kind})
    return task


def schedule_follow_up(
    session: Session, case: ProtectionCase, due_at: dt.datetime, actor: Actor, note: str = ""
) -> ProtectionTask:
    """A follow-up visit or call, due at ``due_at`` (overdue ones show on the dashboard)."""
    _require_open(case)
    task = ProtectionTask(case_id=case.id, kind="follow_up", due_at=_now(due_at), note=note)
    session.add(task)
    session.flush()
    record(
        session, actor, "update", OBJECT, [case.reference], {"follow_up_due": due_at.isoformat()}
    )
    if case.status == "open":
        case.status = "follow_up"
    return task


def open_tasks(session: Session) -> list[tuple[ProtectionTask, ProtectionCase]]:
    rows = session.execute(
        select(ProtectionTask, ProtectionCase)
        .join(ProtectionCase, ProtectionCase.id == ProtectionTask.case_id)
        .where(ProtectionTask.done_at.is_(None), ProtectionCase.status.in_(OPEN_STATES))
        .order_by(ProtectionTask.due_at)
    ).all()
    return [(t, c) for t, c in rows]


def overdue_follow_ups(
    session: Session, now: dt.datetime | None = None
) -> list[tuple[ProtectionTask, ProtectionCase]]:
    moment = _now(now)
    return [(t, c) for t, c in open_tasks(session) if t.kind == "follow_up" and t.due_at < moment]


def _require_open(case: ProtectionCase) -> None:
    if case.status not in OPEN_STATES:
        raise ConflictError(f"case {case.reference} is closed", Place(field="reference"))


def open_case(
    session: Session,
    actor: Actor,
    *,
    person_id: int | None = None,
    trigger: str = "officer",
    detail: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> ProtectionCase:
    """Open a case (by a protection officer, or by a trigger through :func:`open_case_from_trigger`)
    with the trigger's first task. A person with an open case keeps that one."""
    spec = knowledge().triggers.triggers.get(trigger)
    if spec is None:
        raise InputError(
            f"unknown trigger {trigger!r}; expected one of {sorted(knowledge().triggers.triggers)}",
            Place(field="trigger"),
        )
    if person_id is not None:
        if session.get(Person, person_id) is None:
            raise NotFoundError(f"no person {person_id}", Place(field="person_id"))
        existing = open_case_for(session, person_id)
        if existing is not None:
            raise ConflictError(
                f"person {person_id} already has an open case {existing.reference}",
                Place(field="person_id"),
            )
    moment = _now(at)
    case = ProtectionCase(
        reference=_new_reference(moment),
        person_id=person_id,
        status="open",
        trigger=trigger,
        trigger_detail=detail or {},
        offence_hypothesis="none",
        indicators={},
        created_at=moment,
        assigned_to=actor.user_id if trigger == "officer" else None,
    )
    session.add(case)
    session.flush()
    add_task(session, case, spec.task, moment + dt.timedelta(hours=spec.due_hours), spec.label)
    add_event(session, case, "opened", actor, spec.label, {"trigger": trigger}, moment)
    record(session, actor, "create", OBJECT, [case.reference], {"trigger": trigger})
    refresh_flags(session, case.person_id)
    return case


def open_case_from_trigger(
    session: Session,
    person_id: int,
    kind: str,
    *,
    source: str,
    observed_at: dt.datetime,
    detail: dict[str, Any] | None = None,
    actor: Actor = SYSTEM,
) -> tuple[ProtectionCase, bool]:
    """Open (or join) the person's case for one trigger; idempotent.

    Returns the case and whether the trigger was new. The same trigger for the same person while
    the case is open changes nothing; a different trigger joins the open case and applies its rule.
    """
    case = open_case_for(session, person_id)
    if case is None:
        case = open_case(
            session, actor, person_id=person_id, trigger=kind, detail=detail, at=observed_at
        )
    else:
        seen = session.execute(
            select(ProtectionTrigger).where(
                ProtectionTrigger.case_id == case.id, ProtectionTrigger.kind == kind
            )
        ).scalar_one_or_none()
        if seen is not None:
            return case, False
        spec = knowledge().triggers.triggers[kind]
        add_task(session, case, spec.task, observed_at + dt.timedelta(hours=spec.due_hours))
        add_event(session, case, "trigger", actor, spec.label, {"trigger": kind, "source": source})
        record(session, actor, "update", OBJECT, [case.reference], {"trigger": kind})
    session.add(
        ProtectionTrigger(
            case_id=case.id,
            person_id=person_id,
            kind=kind,
            source=source,
            observed_at=observed_at,
            detail=detail or {},
        )
    )
    session.flush()
    _apply_trigger_rule(session, case, kind, detail or {}, actor, observed_at, source)
    refresh_flags(session, person_id)
    return case, True


def _apply_trigger_rule(
    session: Session,
    case: ProtectionCase,
    kind: str,
    detail: dict[str, Any],
    actor: Actor,
    at: dt.datetime,
    source: str,
) -> None:
    if kind == "child":
        apply_child_track(session, case, actor, at=at)
    elif kind == "asylum_wish":
        express_asylum_wish(session, case, actor, at=at)
    elif kind == "aggravating_circumstance":
        add_indicators(
            session, case, actor, aggravating=detail.get("aggravating", []), evidence=source
        )
    elif kind == "trafficking_indicator":
        add_indicators(
            session,
            case,
            actor,
            methods_of_control=detail.get("methods_of_control", []),
            ransom=bool(detail.get("ransom")),
            evidence=source,
        )
    elif kind == "smuggled_migrant":
        add_indicators(session, case, actor, smuggled=True, evidence=source)


def evaluate_triggers(
    session: Session, facts: PersonFacts, actor: Actor = SYSTEM
) -> list[ProtectionCase]:
    """The one call other capabilities make: open or join a case for every trigger the facts fire.

    Returns the case once for each new trigger (empty when nothing new fired). Idempotent: calling
    it again with the same facts opens nothing and adds nothing.
    """
    touched: list[ProtectionCase] = []
    for kind, detail in facts.triggers().items():
        case, new = open_case_from_trigger(
            session,
            facts.person_id,
            kind,
            source=facts.source,
            observed_at=_now(facts.observed_at),
            detail=detail,
            actor=actor,
        )
        if new:
            touched.append(case)
    return touched


# --- rules that protect ---------------------------------------------------------------------------


def apply_child_track(
    session: Session, case: ProtectionCase, actor: Actor, at: dt.datetime | None = None
) -> None:
    """Put the case on the child track: best interests, a guardian and a family tracing referral."""
    moment = _now(at)
    if not case.child_track:
        case.child_track = True
        case.best_interests = True
        add_event(session, case, "rule", actor, "child track", {"rule": "child_track"}, moment)
        record(session, actor, "update", OBJECT, [case.reference], {"rule": "child_track"})
    if not case.guardian:
        add_task(session, case, "guardian", moment + dt.timedelta(hours=24), "Appoint a guardian")
    add_task(
        session,
        case,
        "referral:family_tracing",
        moment + dt.timedelta(hours=72),
        "Refer for family tracing",
    )
    add_indicators(session, case, actor, child=True, evidence="child track")
    refresh_flags(session, case.person_id)


def appoint_guardian(session: Session, case: ProtectionCase, guardian: str, actor: Actor) -> None:
    if not guardian.strip():
        raise InputError("the guardian's name is empty", Place(field="guardian"))
    case.guardian = guardian.strip()
    complete_tasks(session, case, "guardian", utcnow(), f"guardian: {case.guardian}")
    add_event(session, case, "guardian", actor, case.guardian)
    record(session, actor, "update", OBJECT, [case.reference], {"guardian": "appointed"})


def express_asylum_wish(
    session: Session, case: ProtectionCase, actor: Actor, at: dt.datetime | None = None
) -> None:
    """Record a wish for international protection: an asylum referral is due, return is blocked."""
    moment = _now(at)
    if case.asylum_wish and case.asylum_resolved_at is None:
        return
    case.asylum_wish = True
    case.asylum_resolved_at = None
    case.asylum_outcome = None
    add_task(session, case, "referral:asylum", moment + dt.timedelta(hours=24), "Asylum referral")
    add_event(
        session, case, "rule", actor, "asylum wish: return blocked", {"rule": "asylum_wish"}, moment
    )
    record(session, actor, "update", OBJECT, [case.reference], {"rule": "asylum_wish"})
    refresh_flags(session, case.person_id)


def resolve_asylum(
    session: Session,
    case: ProtectionCase,
    outcome: str,
    actor: Actor,
    at: dt.datetime | None = None,
) -> None:
    outcomes = knowledge().services.asylum_outcomes
    if outcome not in outcomes:
        raise InputError(
            f"unknown outcome {outcome!r}; expected one of {sorted(outcomes)}",
            Place(field="outcome"),
        )
    if not case.asylum_wish:
        raise ConflictError(f"case {case.reference} records no wish for international protection")
    case.asylum_outcome = outcome
    case.asylum_resolved_at = _now(at)
    add_event(session, case, "asylum", actor, outcomes[outcome], {"outcome": outcome})
    record(session, actor, "update", OBJECT, [case.reference], {"asylum_outcome": outcome})
    refresh_flags(session, case.person_id)


def return_blocked(case: ProtectionCase) -> bool:
    return case.asylum_wish and case.asylum_resolved_at is None


def check_action(case: ProtectionCase, action: str) -> ActionCheck:
    """Whether an action may be taken on this case, and if not which rule forbids it."""
    spec = knowledge().services.actions.get(action)
    if spec is None:
        raise InputError(
            f"unknown action {action!r}; expected one of {sorted(knowledge().services.actions)}",
            Place(field="action"),
        )
    reasons = []
    if spec.adult_only and case.child_track:
        reasons.append("the person is on the child track: adult-only actions are not allowed")
    if spec.is_return and return_blocked(case):
        reasons.append("a wish for international protection is unresolved: return is not allowed")
    return ActionCheck(action, not reasons, reasons)


def check_return_service(case: ProtectionCase, service: str) -> None:
    spec = knowledge().services.services.get(service)
    if spec is not None and spec.is_return and return_blocked(case):
        raise BlockedAction(
            "a wish for international protection is unresolved: no return referral until it is",
            Place(field="service"),
        )


def record_action(
    session: Session, case: ProtectionCase, action: str, actor: Actor, note: str = ""
) -> ProtectionEvent:
    """Record an action taken on the case; refused (BlockedAction) when a rule forbids it."""
    _require_open(case)
    check = check_action(case, action)
    if not check.allowed:
        add_event(
            session, case, "action_refused", actor, "; ".join(check.reasons), {"action": action}
        )
        record(session, actor, "update", OBJECT, [case.reference], {"action_refused": action})
        session.flush()
        raise BlockedAction("; ".join(check.reasons), Place(field="action"))
    event = add_event(session, case, "action", actor, note, {"action": action})
    record(session, actor, "update", OBJECT, [case.reference], {"action": action})
    return event


def record_detention(
    session: Session,
    case: ProtectionCase,
    detained_at: dt.datetime,
    actor: Actor,
    consular_rights_told_at: dt.datetime | None = None,
) -> None:
    """Record a detention and, when known, when the person was told of consular rights (art. 16(5))."""
    case.detained_at = _now(detained_at)
    if consular_rights_told_at is not None:
        told = _now(consular_rights_told_at)
        if told < case.detained_at:
            raise InputError(
                "the person cannot be told of consular rights on detention before being detained",
                Place(field="consular_rights_told_at"),
            )
        case.consular_rights_told_at = told
    add_event(
        session,
        case,
        "detention",
        actor,
        "",
        {
            "detained_at": case.detained_at.isoformat(),
            "consular_rights_told_at": (
                case.consular_rights_told_at.isoformat() if case.consular_rights_told_at else None
            ),
        },
    )
    record(session, actor, "update", OBJECT, [case.reference], {"detention": "recorded"})


def record_consular_notice(
    session: Session, case: ProtectionCase, told_at: dt.datetime, actor: Actor
) -> None:
    if case.detained_at is None:
        raise ConflictError(f"case {case.reference} records no detention")
    record_detention(session, case, case.detained_at, actor, told_at)


def detentions_without_consular_notice(
    session: Session, now: dt.datetime | None = None
) -> list[DetentionGap]:
    """Detentions where no one recorded telling the person of consular notification rights."""
    moment = _now(now)
    rows = session.execute(
        select(ProtectionCase)
        .where(
            ProtectionCase.detained_at.is_not(None),
            ProtectionCase.consular_rights_told_at.is_(None),
        )
        .order_by(ProtectionCase.detained_at)
    ).scalars()
    gaps = []
    for case in rows:
        assert case.detained_at is not None
        hours = (moment - case.detained_at).total_seconds() / 3600
        gaps.append(DetentionGap(case.reference, case.person_id, case.detained_at, round(hours, 1)))
    return gaps


# --- offence hypothesis ---------------------------------------------------------------------------


def _suggested_hypothesis(indicators: dict[str, Any]) -> str:
    if indicators.get("methods_of_control") or indicators.get("ransom"):
        return "suspected_trafficking"
    # For a child no "means" is needed: exploitation of a child points to trafficking.
    if indicators.get("child") and "exploitation" in indicators.get("aggravating", []):
        return "suspected_trafficking"
    if indicators.get("aggravating"):
        return "aggravated_smuggling"
    if indicators.get("smuggled"):
        return "smuggling"
    return "none"


def add_indicators(
    session: Session,
    case: ProtectionCase,
    actor: Actor,
    *,
    aggravating: Iterable[str] = (),
    methods_of_control: Iterable[str] = (),
    ransom: bool = False,
    smuggled: bool = False,
    child: bool = False,
    recruitment: Iterable[str] = (),
    evidence: str = "",
) -> str:
    """Add indicators to the case and re-examine the offence hypothesis; returns the hypothesis."""
    known = knowledge()
    checks = (
        ("aggravating", aggravating, known.triggers.aggravating_circumstances),
        ("methods_of_control", methods_of_control, known.htcds.methods_of_control),
        ("recruitment", recruitment, known.htcds.methods_of_recruitment),
    )
    merged = dict(case.indicators or {})
    for name, values, allowed in checks:
        values = list(values)
        unknown = sorted(set(values) - set(allowed))
        if unknown:
            raise InputError(f"unknown {name} {unknown}", Place(field=name))
        if values:
            merged[name] = sorted(set(merged.get(name, [])) | set(values))
    for name, flag in (("ransom", ransom), ("smuggled", smuggled), ("child", child)):
        if flag:
            merged[name] = True
    if ransom:
        merged["recruitment"] = sorted(set(merged.get("recruitment", [])) | {"Smuggling, ransom"})
    case.indicators = merged
    return reexamine_hypothesis(session, case, actor, evidence)


def reexamine_hypothesis(
    session: Session, case: ProtectionCase, actor: Actor, evidence: str = ""
) -> str:
    """Raise the hypothesis when the indicators now point further; never lower it automatically
    (a person does that, with a reason), never set "trafficking" automatically."""
    current = case.offence_hypothesis or "none"
    suggested = _suggested_hypothesis(case.indicators or {})
    if current in HYPOTHESIS_ORDER and HYPOTHESIS_ORDER.index(suggested) > HYPOTHESIS_ORDER.index(
        current
    ):
        _change_hypothesis(
            session, case, suggested, actor, "re-examined on new indicators", evidence
        )
    return case.offence_hypothesis or "none"


def set_hypothesis(
    session: Session, case: ProtectionCase, hypothesis: str, actor: Actor, reason: str
) -> None:
    allowed = knowledge().services.offence_hypotheses
    if hypothesis not in allowed:
        raise InputError(
            f"unknown offence hypothesis {hypothesis!r}; expected one of {allowed}",
            Place(field="hypothesis"),
        )
    if not reason.strip():
        raise InputError("say why the hypothesis changes", Place(field="reason"))
    _change_hypothesis(session, case, hypothesis, actor, reason.strip(), "")


def _change_hypothesis(
    session: Session,
    case: ProtectionCase,
    hypothesis: str,
    actor: Actor,
    reason: str,
    evidence: str,
) -> None:
    before = case.offence_hypothesis or "none"
    if before == hypothesis:
        return
    case.offence_hypothesis = hypothesis
    add_event(
        session,
        case,
        "hypothesis",
        actor,
        reason,
        {
            "from": before,
            "to": hypothesis,
            "evidence": evidence,
            "indicators": dict(case.indicators or {}),
        },
    )
    record(session, actor, "update", OBJECT, [case.reference], {"hypothesis": hypothesis})


# --- closure and flags ----------------------------------------------------------------------------


def close_case(
    session: Session, case: ProtectionCase, reason: str, actor: Actor, note: str = ""
) -> None:
    """Close the case with a reason from the list (``other`` needs a note)."""
    _require_open(case)
    reasons = knowledge().services.closure_reasons
    if reason not in reasons:
        raise InputError(
            f"unknown closure reason {reason!r}; expected one of {sorted(reasons)}",
            Place(field="reason"),
        )
    if reason == "other" and not note.strip():
        raise InputError("closing for another reason needs an explanation", Place(field="note"))
    if case.child_track and not case.guardian:
        raise BlockedAction(
            "a child's case cannot be closed before a guardian is appointed", Place(field="reason")
        )
    case.status = "closed"
    case.closed_at = utcnow()
    case.closure_reason = reason if not note.strip() else f"{reason}: {note.strip()}"
    for task in session.execute(
        select(ProtectionTask).where(
            ProtectionTask.case_id == case.id, ProtectionTask.done_at.is_(None)
        )
    ).scalars():
        task.done_at = case.closed_at
        task.note = (task.note + "\n(closed with the case)").strip()
    add_event(session, case, "closed", actor, note, {"reason": reason})
    record(session, actor, "update", OBJECT, [case.reference], {"closed": reason})
    refresh_flags(session, case.person_id)


def protection_flags(session: Session, person_id: int) -> list[str]:
    """The only protection facts enforcement may see about a person (see ``safe_flags`` in
    triggers.yaml): never a screening answer, a health detail or an asylum detail."""
    case = open_case_for(session, person_id)
    if case is None:
        return []
    flags = ["protection_case_open"]
    if case.child_track:
        flags.append("child")
    kinds = set(
        session.execute(
            select(ProtectionTrigger.kind).where(ProtectionTrigger.case_id == case.id)
        ).scalars()
    )
    if "medical_emergency" in kinds:
        flags.append("medical_emergency")
    if return_blocked(case):
        flags.append("return_blocked")
    referred = session.execute(
        select(func.count()).select_from(Referral).where(Referral.case_id == case.id)
    ).scalar_one()
    if referred:
        flags.append("referral_made")
    allowed = knowledge().triggers.safe_flags
    assert all(f in allowed for f in flags)
    return flags


def refresh_flags(session: Session, person_id: int | None) -> None:
    """Copy the safe flags onto the person, where the border check reads them."""
    if person_id is None:
        return
    person = session.get(Person, person_id)
    if person is not None:
        session.flush()
        person.protection_flags = protection_flags(session, person_id)


def list_cases(
    session: Session, status: str | None = None, limit: int = 200
) -> Sequence[ProtectionCase]:
    query = select(ProtectionCase).order_by(ProtectionCase.created_at.desc()).limit(limit)
    if status == "open":
        query = query.where(ProtectionCase.status.in_(OPEN_STATES))
    elif status:
        query = query.where(ProtectionCase.status == status)
    return session.execute(query).scalars().all()


# --- the journey as the person told it (HTCDS events and perpetrator context) --------------------


def add_journey_event(
    session: Session,
    case: ProtectionCase,
    actor: Actor,
    *,
    event_type: str,
    date: dt.date | None = None,
    country: str | None = None,
    city: str = "",
    description: str = "",
) -> ProtectionEvent:
    """A recruitment, transit or exploitation event (HTCDS ``hte_``); country as ISO 3166 alpha-2."""
    from filet.model import alpha3

    if event_type not in knowledge().htcds.event_types:
        raise InputError(
            f"event type must be one of {knowledge().htcds.event_types}", Place(field="event_type")
        )
    if country is not None and alpha3(country) is None:
        raise InputError(f"{country!r} is not an ISO 3166 alpha-2 code", Place(field="country"))
    data = {
        "type": event_type,
        "date": date.isoformat() if date else None,
        "country": country.upper() if country else None,
        "city": city,
    }
    event = add_event(session, case, "journey", actor, description, data)
    record(session, actor, "update", OBJECT, [case.reference], {"journey_event": event_type})
    return event


def add_perpetrator(
    session: Session,
    case: ProtectionCase,
    actor: Actor,
    *,
    name_as_known: str,
    roles: list[str],
    details: str = "",
) -> ProtectionEvent:
    """Someone the person describes (HTCDS perpetrator context): a name as known and roles."""
    allowed = knowledge().htcds.roles_in_process
    unknown = sorted(set(roles) - set(allowed))
    if unknown or not roles:
        raise InputError(f"roles must be some of {allowed}", Place(field="roles"))
    event = add_event(
        session,
        case,
        "perpetrator",
        actor,
        details,
        {"name_as_known": name_as_known.strip(), "roles": sorted(set(roles))},
    )
    record(session, actor, "update", OBJECT, [case.reference], {"perpetrator": "described"})
    return event
