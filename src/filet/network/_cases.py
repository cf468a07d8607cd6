"""Turn a ring into an investigation case: resolved persons become members with their inferred
roles (smuggled migrants as witnesses, never suspects), the offence hypothesis and its evidence go
into the case history, and hypothesis changes are recorded with who, when and why."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from filet.errors import InputError, Place
from filet.network._analysis import SMUGGLED_MIGRANT, Ring
from filet.security import Actor, record
from filet.store.schema import CaseEvent, CaseMember, InvestigationCase

OFFENCE_HYPOTHESES = (
    "smuggling",
    "aggravated_smuggling",
    "suspected_trafficking",
    "trafficking",
    "none",
)


def open_case_from_ring(
    session: Session, ring: Ring, actor: Actor, title: str, hypothesis: str = "smuggling"
) -> InvestigationCase:
    """A new case for the ring; members are the ring's resolved persons with their roles."""
    _check(hypothesis)
    number = (session.scalar(select(func.count()).select_from(InvestigationCase)) or 0) + 1
    case = InvestigationCase(
        reference=f"NET-{number:06d}",
        title=title,
        offence_hypothesis=hypothesis,
        created_by=actor.user_id,
    )
    session.add(case)
    session.flush()
    members = []
    for assessment in ring.roles:
        if not assessment.key.startswith("person:"):
            continue
        role = "witness" if assessment.role == SMUGGLED_MIGRANT else assessment.role
        session.add(
            CaseMember(
                case_id=case.id,
                person_id=int(assessment.key.split(":", 1)[1]),
                role=role,
                added_by=actor.user_id,
            )
        )
        members.append(
            {
                "person": assessment.key,
                "role": role,
                "reasons": [r.detail for r in assessment.reasons],
            }
        )
    session.add(
        CaseEvent(
            case_id=case.id,
            kind="hypothesis",
            user_id=actor.user_id,
            text=f"opened from ring {ring.ring_id} as {hypothesis}",
            data={
                "hypothesis": hypothesis,
                "ring_score": ring.score,
                "evidence": [r.__dict__ for r in ring.reasons],
                "members": members,
            },
        )
    )
    record(
        session,
        actor,
        "create",
        "investigation_case",
        [case.reference],
        {"ring": ring.ring_id, "members": len(members)},
    )
    session.flush()
    return case


def set_offence_hypothesis(
    session: Session, case: InvestigationCase, hypothesis: str, evidence: str, actor: Actor
) -> None:
    """Change the hypothesis; the history keeps the previous one, who changed it and why."""
    _check(hypothesis)
    if not evidence.strip():
        raise InputError("a hypothesis change needs its evidence", Place(field="evidence"))
    previous = case.offence_hypothesis
    case.offence_hypothesis = hypothesis
    session.add(
        CaseEvent(
            case_id=case.id,
            kind="hypothesis",
            user_id=actor.user_id,
            text=evidence,
            data={"from": previous, "to": hypothesis},
        )
    )
    record(
        session,
        actor,
        "update",
        "investigation_case",
        [case.reference],
        {"hypothesis": [previous, hypothesis]},
    )
    session.flush()


def _check(hypothesis: str) -> None:
    if hypothesis not in OFFENCE_HYPOTHESES:
        raise InputError(
            f"unknown offence hypothesis {hypothesis!r}; expected one of "
            + ", ".join(OFFENCE_HYPOTHESES),
            Place(field="offence_hypothesis"),
        )
