"""Investigation cases: a ring becomes a case whose resolved persons are members with their roles
(smuggled migrants as witnesses, never suspects); the investigator then adds and removes members,
writes notes, attaches graded intelligence items, changes the offence hypothesis (who, when, why
and on what evidence, the history kept), and closes or reopens the case.

Every change is a ``case_events`` row, so the case's history is complete and ordered; the ring's
binding traces are kept on the opening event, so the case file shows them even after the network
is rebuilt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from filet.errors import ConflictError, InputError, NotFoundError, Place
from filet.network._analysis import FACILITATOR_ROLES, PROTECTED_CATEGORIES, SMUGGLED_MIGRANT, Ring
from filet.security import Actor, record
from filet.store.schema import (
    CaseEvent,
    CaseMember,
    IdentityRecord,
    IntelligenceItem,
    InvestigationCase,
    Person,
    ProtectionCase,
)

OFFENCE_HYPOTHESES = (
    "smuggling",
    "aggravated_smuggling",
    "suspected_trafficking",
    "trafficking",
    "none",
)
WITNESS = "witness"
# Roles a case may give a suspect; a smuggled migrant may only be a witness.
SUSPECT_ROLES = (*FACILITATOR_ROLES, "corrupt_official")
MEMBER_ROLES = (*SUSPECT_ROLES, WITNESS)
# A suspect role for a family member or humanitarian helper needs this role's override.
RELATIONS = ("family", "humanitarian")
OVERRIDE_ROLE = "supervisor"
# Hypotheses under which the case's smuggled migrants may be victims: protection is told.
PROTECTION_HYPOTHESES = ("aggravated_smuggling", "suspected_trafficking", "trafficking")
CASE_STATUSES = ("open", "closed")


@dataclass(frozen=True)
class CaseEntry:
    """One event of a case's history, for pages and the case file."""

    at: str
    kind: str
    user: str | None
    text: str
    data: dict[str, Any]


@dataclass(frozen=True)
class _RingFacts:
    """What a case keeps of the ring it is opened from, whether analysed now or stored."""

    reference: str
    score: float
    reasons: list[dict[str, Any]]
    members: list[tuple[int, str, str | None, list[str]]]  # person id, label, role, reasons
    traces: dict[str, Any]


def open_case_from_ring(
    session: Session,
    ring: Ring,
    actor: Actor,
    title: str,
    hypothesis: str = "smuggling",
    reference: str | None = None,
) -> InvestigationCase:
    """A new case for an analysed ring; members are its resolved persons with their roles."""
    facts = _RingFacts(
        reference=reference or f"ring {ring.ring_id}",
        score=ring.score,
        reasons=[r.__dict__ for r in ring.reasons],
        members=[
            (int(a.key.split(":", 1)[1]), a.label, a.role, [r.detail for r in a.reasons])
            for a in ring.roles
            if a.key.startswith("person:")
        ],
        traces={
            "binding": [{"kind": k, "key": key, "tied": n} for k, key, n in ring.binding_traces],
            "bookings": list(ring.bookings),
            "crossings": list(ring.crossings),
            "routes": list(ring.routes),
            "first_seen": ring.first_seen.isoformat() if ring.first_seen else None,
            "last_seen": ring.last_seen.isoformat() if ring.last_seen else None,
            "paid_total": ring.paid_total,
        },
    )
    return _open_case(session, facts, actor, title, hypothesis)


def open_case_from_stored_ring(
    session: Session, reference: str, actor: Actor, title: str, hypothesis: str = "smuggling"
) -> InvestigationCase:
    """A new case for a stored ring (``RING-000123``), its members as the last analysis left them."""
    from filet.network._rings import stored_ring

    ring, members = stored_ring(session, reference)
    detail = ring.detail or {}
    facts = _RingFacts(
        reference=ring.reference,
        score=ring.score,
        reasons=list(ring.reasons or []),
        members=[
            (
                int(m.node_key.split(":", 1)[1]),
                m.label,
                m.role,
                [str(r.get("detail", r)) if isinstance(r, dict) else str(r) for r in m.reasons],
            )
            for m in members
            if m.node_kind == "person" and m.node_key.startswith("person:")
        ],
        traces={
            "binding": list(detail.get("binding_traces", [])),
            "bookings": list(detail.get("bookings", [])),
            "crossings": list(detail.get("crossings", [])),
            "routes": list(detail.get("routes", [])),
            "first_seen": ring.first_seen.isoformat() if ring.first_seen else None,
            "last_seen": ring.last_seen.isoformat() if ring.last_seen else None,
            "paid_total": detail.get("paid_total"),
        },
    )
    return _open_case(session, facts, actor, title, hypothesis)


def _open_case(
    session: Session, ring: _RingFacts, actor: Actor, title: str, hypothesis: str
) -> InvestigationCase:
    _check(hypothesis)
    if not title.strip():
        raise InputError("a case needs a title", Place(field="title"))
    number = (session.scalar(select(func.count()).select_from(InvestigationCase)) or 0) + 1
    while session.scalar(
        select(InvestigationCase.id).where(InvestigationCase.reference == f"NET-{number:06d}")
    ):
        number += 1
    case = InvestigationCase(
        reference=f"NET-{number:06d}",
        title=title.strip(),
        offence_hypothesis=hypothesis,
        created_by=actor.user_id,
    )
    session.add(case)
    session.flush()
    protected = _protected_persons(session, [m[0] for m in ring.members])
    migrant_ids = [m[0] for m in ring.members if m[2] == SMUGGLED_MIGRANT or m[0] in protected]
    surnames = _surnames_by_person(session, [m[0] for m in ring.members])
    migrant_names = {name for m in migrant_ids for name in surnames.get(m, set())}
    members = []
    for person_id, label, inferred, reasons in ring.members:
        migrant = person_id in migrant_ids
        # A "suspect" sharing a family name with the ring's migrants may be a relative paying for
        # them: not a suspect until a supervisor overrides (add_member).
        family = sorted(surnames.get(person_id, set()) & migrant_names) if not migrant else []
        role = inferred if inferred in SUSPECT_ROLES and not migrant and not family else WITNESS
        session.add(
            CaseMember(case_id=case.id, person_id=person_id, role=role, added_by=actor.user_id)
        )
        members.append(
            {
                "person": f"person:{person_id}",
                "person_id": person_id,
                "label": label,
                "role": role,
                "smuggled_migrant": migrant,
                "reasons": reasons
                + (
                    [
                        f"inferred {inferred}, but shares the family name {family[0]} with the "
                        "ring's smuggled migrants: not a suspect without a supervisor's override"
                    ]
                    if family
                    else []
                ),
            }
            | ({"inferred": inferred, "family_name": family[0]} if family else {})
        )
    session.add(
        CaseEvent(
            case_id=case.id,
            kind="hypothesis",
            user_id=actor.user_id,
            text=f"opened from {ring.reference} as {hypothesis}",
            data={
                "hypothesis": hypothesis,
                "ring": ring.reference,
                "ring_score": ring.score,
                "evidence": ring.reasons,
                "members": members,
                "traces": ring.traces,
            },
        )
    )
    record(
        session,
        actor,
        "create",
        "investigation_case",
        [case.reference],
        {"ring": ring.reference, "members": len(members)},
    )
    session.flush()
    return case


def list_cases(session: Session, status: str | None = None) -> list[InvestigationCase]:
    """Cases, newest first; ``status`` keeps only open or closed ones."""
    query = select(InvestigationCase).order_by(InvestigationCase.id.desc())
    if status:
        if status not in CASE_STATUSES:
            raise InputError(
                f"unknown status {status!r}; expected open or closed", Place(field="status")
            )
        query = query.where(InvestigationCase.status == status)
    return list(session.scalars(query))


def get_case(session: Session, reference: str) -> InvestigationCase:
    case = session.scalars(
        select(InvestigationCase).where(InvestigationCase.reference == reference)
    ).first()
    if case is None:
        raise NotFoundError(f"no investigation case {reference}", Place(field="reference"))
    return case


def smuggled_migrant_reason(session: Session, person_id: int) -> str | None:
    """Why a person counts as a smuggled migrant (and so may only be a witness), or None."""
    return _protected_persons(session, [person_id]).get(person_id)


def add_member(
    session: Session,
    case: InvestigationCase,
    person_id: int,
    role: str,
    reason: str,
    actor: Actor,
    override: str = "",
) -> CaseMember:
    """Add a person with a role, or change their role; a smuggled migrant may only be a witness.

    A family member of one of the case's migrants, or a humanitarian helper, falls outside the
    smuggling offence unless a material benefit is shown: giving them a suspect role needs a
    supervisor's override with its reason (``override``), logged in the case history and the
    audit log."""
    _open(case)
    if role not in MEMBER_ROLES:
        raise InputError(
            f"unknown role {role!r}; expected one of " + ", ".join(MEMBER_ROLES),
            Place(field="role"),
        )
    if not reason.strip():
        raise InputError("say why the person is in the case", Place(field="reason"))
    if session.get(Person, person_id) is None:
        raise NotFoundError(f"no person {person_id}", Place(field="person_id"))
    if role != WITNESS:
        why = smuggled_migrant_reason(session, person_id)
        if why:
            raise InputError(
                f"person {person_id} is a smuggled migrant ({why}): a smuggled migrant is a "
                "witness, never a suspect for having been smuggled (Smuggling Protocol art. 5)",
                Place(field="role"),
            )
    overridden: dict[str, Any] = {}
    if role in SUSPECT_ROLES:
        relation = person_relation(session, case, person_id)
        if relation:
            if actor.role != OVERRIDE_ROLE or not override.strip():
                raise InputError(
                    f"person {person_id} is {relation}: a family member or humanitarian helper "
                    f"is not a smuggler without a material benefit; making them {role} needs a "
                    "supervisor's override with its reason",
                    Place(field="override"),
                )
            overridden = {"override": {"relation": relation, "reason": override.strip()}}
            record(
                session,
                actor,
                "update",
                "investigation_case",
                [case.reference],
                {"override": {"person_id": person_id, "role": role, "relation": relation}},
            )
    member = session.scalars(
        select(CaseMember).where(CaseMember.case_id == case.id, CaseMember.person_id == person_id)
    ).first()
    previous = member.role if member else None
    if member is None:
        member = CaseMember(case_id=case.id, person_id=person_id, role=role, added_by=actor.user_id)
        session.add(member)
    else:
        member.role = role
    _log(
        session,
        case,
        actor,
        "member",
        reason,
        {"action": "add" if previous is None else "role", "person_id": person_id}
        | {"role": role, "from": previous}
        | overridden,
        {"member": person_id, "role": role},
    )
    return member


def declare_relation(
    session: Session,
    case: InvestigationCase,
    person_id: int,
    relation: str,
    reason: str,
    actor: Actor,
) -> None:
    """Record that a person of the case is a family member of a migrant or a humanitarian helper
    (``relation``: family, humanitarian, or none to withdraw it), with the reason; from then on
    a suspect role for them needs a supervisor's override."""
    _open(case)
    if relation not in (*RELATIONS, "none"):
        raise InputError(
            f"unknown relation {relation!r}; expected one of " + ", ".join((*RELATIONS, "none")),
            Place(field="relation"),
        )
    if not reason.strip():
        raise InputError("say how the relation is known", Place(field="reason"))
    if session.get(Person, person_id) is None:
        raise NotFoundError(f"no person {person_id}", Place(field="person_id"))
    _log(
        session,
        case,
        actor,
        "member",
        reason,
        {"action": "relation", "person_id": person_id, "relation": relation},
        {"member": person_id, "relation": relation},
    )


def person_relation(session: Session, case: InvestigationCase, person_id: int) -> str | None:
    """Why the person may be family or a humanitarian helper rather than a smuggler, or None: a
    relation declared on the case (the latest declaration wins), else a family name shared with
    one of the case's smuggled migrants."""
    declared = None
    for event in session.scalars(
        select(CaseEvent)
        .where(CaseEvent.case_id == case.id, CaseEvent.kind == "member")
        .order_by(CaseEvent.id)
    ):
        data = event.data or {}
        if data.get("action") == "relation" and data.get("person_id") == person_id:
            declared = data.get("relation")
    if declared == "none":
        return None
    if declared:
        return "a declared family member" if declared == "family" else "a humanitarian helper"
    migrants = [m for m in case_migrants(session, case) if m != person_id]
    if not migrants:
        return None
    surnames = _surnames_by_person(session, [person_id])
    for migrant, names in _surnames_by_person(session, migrants).items():
        shared = sorted(surnames.get(person_id, set()) & names)
        if shared:
            return (
                f"possibly family of person {migrant} (same family name {shared[0]}, "
                "a smuggled migrant of the case)"
            )
    return None


def _surnames_by_person(session: Session, person_ids: list[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for person_id, surname in session.execute(
        select(IdentityRecord.person_id, IdentityRecord.surname).where(
            IdentityRecord.person_id.in_(person_ids), IdentityRecord.surname.is_not(None)
        )
    ):
        name = " ".join(str(surname).upper().split())
        if len(name) >= 2 and person_id is not None:
            found.setdefault(int(person_id), set()).add(name)
    return found


def remove_member(
    session: Session, case: InvestigationCase, person_id: int, reason: str, actor: Actor
) -> None:
    _open(case)
    if not reason.strip():
        raise InputError("say why the person leaves the case", Place(field="reason"))
    member = session.scalars(
        select(CaseMember).where(CaseMember.case_id == case.id, CaseMember.person_id == person_id)
    ).first()
    if member is None:
        raise NotFoundError(
            f"person {person_id} is not in case {case.reference}", Place(field="person_id")
        )
    session.delete(member)
    _log(
        session,
        case,
        actor,
        "member",
        reason,
        {"action": "remove", "person_id": person_id, "role": member.role},
        {"removed": person_id},
    )


def add_note(session: Session, case: InvestigationCase, text: str, actor: Actor) -> CaseEvent:
    _open(case)
    if not text.strip():
        raise InputError("an empty note", Place(field="text"))
    return _log(session, case, actor, "note", text, {}, {"note": True})


def set_offence_hypothesis(
    session: Session,
    case: InvestigationCase,
    hypothesis: str,
    evidence: str,
    actor: Actor,
    reason: str = "",
    items: Sequence[str] = (),
) -> None:
    """Change the hypothesis; the history keeps the previous one, who changed it, why (``reason``)
    and on what evidence (text and the references of supporting intelligence items)."""
    _open(case)
    _check(hypothesis)
    if not evidence.strip():
        raise InputError("a hypothesis change needs its evidence", Place(field="evidence"))
    if hypothesis == case.offence_hypothesis:
        raise ConflictError(
            f"case {case.reference} already has the hypothesis {hypothesis}",
            Place(field="offence_hypothesis"),
        )
    known = set(
        session.scalars(
            select(IntelligenceItem.reference).where(IntelligenceItem.reference.in_(list(items)))
        )
    )
    missing = [i for i in items if i not in known]
    if missing:
        raise NotFoundError(f"no intelligence item {missing[0]}", Place(field="items"))
    previous = case.offence_hypothesis
    case.offence_hypothesis = hypothesis
    if hypothesis in PROTECTION_HYPOTHESES:
        _notify_protection(session, case, hypothesis, actor)
    _log(
        session,
        case,
        actor,
        "hypothesis",
        evidence,
        {
            "from": previous,
            "to": hypothesis,
            "reason": reason.strip(),
            "evidence": evidence.strip(),
            "items": list(items),
        },
        {"hypothesis": [previous, hypothesis]},
    )


def case_migrants(session: Session, case: InvestigationCase) -> list[int]:
    """The case's smuggled migrants: its witnesses and the persons the ring it opened from had as
    smuggled migrants (whether or not they are still members)."""
    found = set(
        session.scalars(
            select(CaseMember.person_id).where(
                CaseMember.case_id == case.id, CaseMember.role == WITNESS
            )
        )
    )
    for event in session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == "hypothesis")
    ):
        for member in (event.data or {}).get("members", []):
            if member.get("smuggled_migrant") and member.get("person_id"):
                found.add(int(member["person_id"]))
    return sorted(found)


def _notify_protection(
    session: Session, case: InvestigationCase, hypothesis: str, actor: Actor
) -> None:
    """Aggravated smuggling or (suspected) trafficking: the migrants of the case may be victims.
    Each gets the matching protection trigger (a trafficking screening, or a protection referral
    for aggravating circumstances), sourced to the case; idempotent. What protection then does is
    not written here: the investigator sees the hypothesis change, not the protection cases."""
    from filet.protection import PersonFacts, evaluate_triggers

    now = dt.datetime.now(dt.UTC)
    for person_id in case_migrants(session, case):
        evaluate_triggers(
            session,
            PersonFacts(
                person_id=person_id,
                source=f"investigation_case:{case.reference}",
                observed_at=now,
                smuggled_migrant=True,
                case_hypothesis=hypothesis,
            ),
            actor,
        )


def attach_item(
    session: Session, case: InvestigationCase, reference: str, actor: Actor, note: str = ""
) -> IntelligenceItem:
    """Link a graded intelligence item to the case (once)."""
    _open(case)
    item = session.scalars(
        select(IntelligenceItem).where(IntelligenceItem.reference == reference)
    ).first()
    if item is None:
        raise NotFoundError(f"no intelligence item {reference}", Place(field="reference"))
    if reference in attached_items(session, case):
        raise ConflictError(
            f"item {reference} is already in case {case.reference}", Place(field="reference")
        )
    _log(
        session,
        case,
        actor,
        "intelligence",
        note,
        {
            "reference": reference,
            "kind": item.kind,
            "grade": f"{item.source_reliability}{item.information_credibility}",
        },
        {"item": reference},
    )
    return item


def attached_items(session: Session, case: InvestigationCase) -> list[str]:
    return [
        str(e.data.get("reference"))
        for e in session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case.id, CaseEvent.kind == "intelligence")
            .order_by(CaseEvent.id)
        )
    ]


def close_case(session: Session, case: InvestigationCase, reason: str, actor: Actor) -> None:
    _status(session, case, "closed", reason, actor)


def reopen_case(session: Session, case: InvestigationCase, reason: str, actor: Actor) -> None:
    _status(session, case, "open", reason, actor)


def case_history(session: Session, case: InvestigationCase) -> list[CaseEntry]:
    """The case's events, oldest first, with the user's name."""
    from filet.store.schema import User

    rows = session.execute(
        select(CaseEvent, User.username)
        .outerjoin(User, User.id == CaseEvent.user_id)
        .where(CaseEvent.case_id == case.id)
        .order_by(CaseEvent.id)
    )
    return [
        CaseEntry(
            at=event.created_at.isoformat(timespec="seconds"),
            kind=event.kind,
            user=username,
            text=event.text,
            data=dict(event.data or {}),
        )
        for event, username in rows
    ]


def _status(
    session: Session, case: InvestigationCase, status: str, reason: str, actor: Actor
) -> None:
    if case.status == status:
        raise ConflictError(f"case {case.reference} is already {status}", Place(field="status"))
    if not reason.strip():
        raise InputError(
            "say why the case is " + ("closed" if status == "closed" else "reopened"),
            Place(field="reason"),
        )
    previous = case.status
    case.status = status
    _log(
        session, case, actor, "status", reason, {"from": previous, "to": status}, {"status": status}
    )


def _log(
    session: Session,
    case: InvestigationCase,
    actor: Actor,
    kind: str,
    text: str,
    data: dict[str, Any],
    audit: dict[str, Any],
) -> CaseEvent:
    """One change to a case: its history event, the audit entry, flushed."""
    event = CaseEvent(
        case_id=case.id, kind=kind, user_id=actor.user_id, text=text.strip(), data=data
    )
    session.add(event)
    record(session, actor, "update", "investigation_case", [case.reference], audit)
    session.flush()
    return event


def _protected_persons(session: Session, person_ids: list[int]) -> dict[int, str]:
    """Of these persons, those known as smuggled migrants (or victims, or witnesses who gave a
    debriefing), with the reason; they may never be given a suspect role."""
    from filet.network._debriefing import debriefing_witnesses

    if not person_ids:
        return {}
    found: dict[int, str] = {}
    for person_id, category in session.execute(
        select(Person.id, Person.category).where(Person.id.in_(person_ids))
    ):
        if category in PROTECTED_CATEGORIES:
            found[person_id] = f"recorded as {category}"
    for protected in session.scalars(
        select(ProtectionCase.person_id).where(ProtectionCase.person_id.in_(person_ids))
    ):
        if protected is not None:
            found.setdefault(protected, "has a protection case")
    wanted = set(person_ids)
    for person_id in debriefing_witnesses(session) & wanted:
        found.setdefault(person_id, "gave a debriefing as a migrant")
    witness_cases = list(
        session.execute(
            select(CaseMember.case_id, CaseMember.person_id).where(
                CaseMember.person_id.in_(person_ids), CaseMember.role == WITNESS
            )
        )
    )
    if witness_cases:
        for event in session.scalars(
            select(CaseEvent).where(
                CaseEvent.case_id.in_({c for c, _ in witness_cases}),
                CaseEvent.kind == "hypothesis",
            )
        ):
            for member in (event.data or {}).get("members", []):
                pid = member.get("person_id") or _person_id(str(member.get("person", "")))
                migrant = member.get("smuggled_migrant", member.get("role") == WITNESS)
                if migrant and pid in wanted:
                    found.setdefault(
                        int(pid), "a smuggled migrant in the ring the case opened from"
                    )
    return found


def _person_id(key: str) -> int | None:
    return int(key.split(":", 1)[1]) if key.startswith("person:") else None


def _open(case: InvestigationCase) -> None:
    if case.status != "open":
        raise ConflictError(
            f"case {case.reference} is closed; reopen it first", Place(field="status")
        )


def _check(hypothesis: str) -> None:
    if hypothesis not in OFFENCE_HYPOTHESES:
        raise InputError(
            f"unknown offence hypothesis {hypothesis!r}; expected one of "
            + ", ".join(OFFENCE_HYPOTHESES),
            Place(field="offence_hypothesis"),
        )
