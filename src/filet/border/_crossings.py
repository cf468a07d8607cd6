"""Crossings: recording an officer's decision, listing crossings, entry-exit matching with
overstay detection, and the escort pattern (indicator #24: one person crossing again and again
with different companions).

A crossing is recorded with the person's data as read from the document (an ``identity_records``
row of source type ``border_check``, so identity resolution links it), the document
(``travel_documents``), and the decision with reasons from the declared list
(``data/decisions.yaml``). A protection referral, or a child, opens a protection case through
:func:`filet.protection.evaluate_triggers`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from filet.border._check import BorderCheck
from filet.border._data import border_knowledge
from filet.errors import InputError, NotFoundError, Place
from filet.security import Actor, record
from filet.store.schema import (
    BorderCrossing,
    CrossingPoint,
    IdentityRecord,
    Person,
    TravelDocument,
)

DIRECTIONS = ("entry", "exit")


@dataclass(frozen=True)
class CrossingInput:
    """What an officer records: who, with which document, where, when, and the decision."""

    point: str
    direction: str
    at: dt.datetime
    decision: str
    reasons: tuple[str, ...] = ()
    surname: str | None = None
    given_names: str | None = None
    birth_date: str | None = None
    sex: str | None = None
    nationality: str | None = None
    document_type: str | None = None
    document_country: str | None = None
    document_number: str | None = None
    document_expiry: dt.date | None = None
    mode: str | None = None
    carrier: str | None = None
    voyage: str | None = None
    vehicle: str | None = None
    companions_ref: str | None = None
    mrz: str | None = None
    check_result: dict[str, Any] = field(default_factory=dict)
    age: int | None = None
    protection_facts: tuple[str, ...] = ()
    """What the officer saw that calls for protection: ``asylum_wish``, ``medical_emergency``."""


def record_crossing(session: Session, data: CrossingInput, actor: Actor) -> BorderCrossing:
    """Store one crossing with its decision (audited ``create``); the caller commits."""
    knowledge = border_knowledge()
    knowledge.check_decision(data.decision, list(data.reasons))
    if data.direction not in DIRECTIONS:
        raise InputError(
            f"direction {data.direction!r}: expected entry or exit", Place(field="direction")
        )
    if data.at.tzinfo is None:
        raise InputError("time without a zone offset", Place(field="at"))
    point = session.execute(
        select(CrossingPoint).where(CrossingPoint.code == data.point)
    ).scalar_one_or_none()
    if point is None:
        raise NotFoundError(f"crossing point {data.point!r} is not known", Place(field="point"))
    mode = data.mode or point.kind
    if mode not in ("air", "land", "sea"):
        raise InputError(f"mode {mode!r}: expected air, land or sea", Place(field="mode"))
    who = (
        f"{data.document_country}:{data.document_number}"
        if data.document_number
        else f"{data.surname}:{data.given_names}:{data.birth_date}"
    )
    key = hashlib.sha256(
        f"check|{point.code}|{data.direction}|{data.at.isoformat()}|{who}".encode()
    ).hexdigest()[:40]
    if session.execute(select(BorderCrossing.id).where(BorderCrossing.crossing_key == key)).first():
        raise InputError(
            "this crossing is already recorded (same point, direction, time and document)",
            Place(field="at"),
        )
    identity = IdentityRecord(
        source_type="border_check",
        source_key=key,
        surname=data.surname,
        given_names=data.given_names,
        full_name=" ".join(p for p in (data.given_names, data.surname) if p) or None,
        birth_date=data.birth_date,
        sex=data.sex if data.sex in ("M", "F", "X") else None,
        nationality=data.nationality,
        document_number=data.document_number,
        document_country=data.document_country,
    )
    earlier = None
    if data.document_number and data.document_country:
        earlier = session.execute(
            select(IdentityRecord.person_id)
            .where(
                IdentityRecord.document_country == data.document_country,
                IdentityRecord.document_number == data.document_number,
                IdentityRecord.person_id.is_not(None),
            )
            .limit(1)
        ).scalar()
    identity.person_id = earlier
    session.add(identity)
    session.flush()
    document_id = None
    if data.document_number and data.document_country:
        kind = (data.document_type or "P")[:1]
        document = session.execute(
            select(TravelDocument).where(
                TravelDocument.issuing_state == data.document_country,
                TravelDocument.document_type == kind,
                TravelDocument.number == data.document_number,
            )
        ).scalar_one_or_none()
        if document is None:
            document = TravelDocument(
                document_type=kind,
                issuing_state=data.document_country,
                number=data.document_number,
                expiry_date=data.document_expiry,
                holder_record_id=identity.id,
            )
            session.add(document)
            session.flush()
        document_id = document.id
    crossing = BorderCrossing(
        crossing_key=key,
        identity_record_id=identity.id,
        document_id=document_id,
        crossing_point_id=point.id,
        direction=data.direction,
        at=data.at,
        mode=mode,
        carrier=data.carrier,
        voyage=data.voyage,
        vehicle=data.vehicle,
        officer=actor.username,
        decision=data.decision,
        reasons=list(data.reasons),
        companions_ref=data.companions_ref,
        mrz=data.mrz,
        check_result=data.check_result,
    )
    session.add(crossing)
    session.flush()
    record(
        session,
        actor,
        "create",
        "border_crossing",
        [crossing.id],
        {
            "point": point.code,
            "direction": data.direction,
            "decision": data.decision,
            "reasons": list(data.reasons),
            "check_status": data.check_result.get("status"),
        },
    )
    child = data.age is not None and data.age < 18
    if data.decision == "protection_referral" or child or data.protection_facts:
        _protect(session, crossing, identity, data, actor)
    return crossing


def _protect(
    session: Session,
    crossing: BorderCrossing,
    identity: IdentityRecord,
    data: CrossingInput,
    actor: Actor,
) -> None:
    """Open (or join) a protection case through the protection capability's one entry point."""
    from filet.protection import PersonFacts, evaluate_triggers

    if identity.person_id is None:
        person = Person(
            key=f"border:{identity.source_key}",
            label=identity.full_name or "",
            category="traveller",
        )
        session.add(person)
        session.flush()
        identity.person_id = person.id
    reasons = set(data.reasons) | set(data.protection_facts)
    facts = PersonFacts(
        person_id=identity.person_id,
        source=f"border_check:{crossing.id}",
        observed_at=data.at,
        age=data.age,
        child_indicators=("declared_minor",) if "child" in reasons and data.age is None else (),
        asylum_wish="asylum_wish" in reasons,
        medical_emergency="medical_emergency" in reasons,
    )
    opened = evaluate_triggers(session, facts, actor)
    if not opened and data.decision == "protection_referral" and not facts.triggers():
        from filet.protection import open_case

        open_case(
            session,
            actor,
            person_id=identity.person_id,
            detail={"source": f"border_check:{crossing.id}", "reasons": sorted(reasons)},
            at=data.at,
        )


@dataclass(frozen=True)
class CrossingView:
    """A crossing as listed: with the point code and the traveller's name and document."""

    id: int
    at: dt.datetime
    point: str
    direction: str
    mode: str
    decision: str
    reasons: list[str]
    officer: str | None
    surname: str | None
    given_names: str | None
    nationality: str | None
    document_country: str | None
    document_number: str | None
    carrier: str | None
    voyage: str | None
    vehicle: str | None
    companions_ref: str | None
    check_status: str | None

    def as_dict(self) -> dict[str, Any]:
        out = dict(vars(self))
        out["at"] = self.at.isoformat()
        return out


def list_crossings(
    session: Session,
    *,
    point: str | None = None,
    direction: str | None = None,
    decision: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    document: str | None = None,
    limit: int = 200,
) -> list[CrossingView]:
    """Crossings, newest first, filtered by point, direction, decision, time range and document."""
    query = (
        select(BorderCrossing, CrossingPoint.code, IdentityRecord)
        .join(CrossingPoint, CrossingPoint.id == BorderCrossing.crossing_point_id)
        .outerjoin(IdentityRecord, IdentityRecord.id == BorderCrossing.identity_record_id)
    )
    if point:
        query = query.where(CrossingPoint.code == point)
    if direction:
        query = query.where(BorderCrossing.direction == direction)
    if decision:
        query = query.where(BorderCrossing.decision == decision)
    if since:
        query = query.where(BorderCrossing.at >= since)
    if until:
        query = query.where(BorderCrossing.at < until)
    if document:
        query = query.where(IdentityRecord.document_number == document.strip().upper())
    rows = session.execute(
        query.order_by(BorderCrossing.at.desc(), BorderCrossing.id.desc()).limit(limit)
    ).all()
    return [
        CrossingView(
            id=c.id,
            at=c.at,
            point=code,
            direction=c.direction,
            mode=c.mode,
            decision=c.decision,
            reasons=list(c.reasons or []),
            officer=c.officer,
            surname=r.surname if r else None,
            given_names=r.given_names if r else None,
            nationality=r.nationality if r else None,
            document_country=r.document_country if r else None,
            document_number=r.document_number if r else None,
            carrier=c.carrier,
            voyage=c.voyage,
            vehicle=c.vehicle,
            companions_ref=c.companions_ref,
            check_status=(c.check_result or {}).get("status"),
        )
        for c, code, r in rows
    ]


# --- entry-exit matching -------------------------------------------------------------------------


@dataclass(frozen=True)
class Stay:
    """An entry matched with the next exit of the same traveller (or none yet)."""

    traveller: str
    """Document (``STATE:NUMBER``) or, without one, the person or name key."""
    nationality: str | None
    entry_at: dt.datetime | None
    exit_at: dt.datetime | None
    days: float | None
    allowed_days: int
    overstay: bool
    problem: str | None
    """``exit_without_entry`` or ``entry_without_exit`` (an entry followed by another entry)."""
    entry_id: int | None
    exit_id: int | None

    def as_dict(self) -> dict[str, Any]:
        out = dict(vars(self))
        out["entry_at"] = self.entry_at.isoformat() if self.entry_at else None
        out["exit_at"] = self.exit_at.isoformat() if self.exit_at else None
        return out


def _subject(crossing: BorderCrossing, rec: IdentityRecord | None) -> str | None:
    if rec is None:
        return None
    if rec.person_id is not None:
        return f"person:{rec.person_id}"
    if rec.document_number:
        return f"{rec.document_country or '?'}:{rec.document_number}"
    if rec.surname:
        return f"name:{rec.surname}:{rec.given_names or ''}:{rec.birth_date or '?'}"
    return None


def _admitted_history(
    session: Session,
) -> dict[str, list[tuple[BorderCrossing, IdentityRecord]]]:
    rows = session.execute(
        select(BorderCrossing, IdentityRecord)
        .join(IdentityRecord, IdentityRecord.id == BorderCrossing.identity_record_id)
        .where(BorderCrossing.decision.in_(("admitted", "protection_referral")))
        .order_by(BorderCrossing.at, BorderCrossing.id)
    ).all()
    history: dict[str, list[tuple[BorderCrossing, IdentityRecord]]] = defaultdict(list)
    for crossing, rec in rows:
        key = _subject(crossing, rec)
        if key is not None:
            history[key].append((crossing, rec))
    return history


def match_entries_exits(
    session: Session, as_of: dt.datetime | None = None, *, overstays_only: bool = False
) -> list[Stay]:
    """Pair each admitted entry with the traveller's next exit; flag stays over the allowed days.

    An entry with no exit yet is an overstay once ``as_of`` (default now) is past the allowed
    stay (``data/allowed_stay.yaml``: per nationality or document type, default 90 days).
    Refused crossings are not stays and are left out.
    """
    now = as_of or dt.datetime.now(dt.UTC)
    knowledge = border_knowledge()
    stays: list[Stay] = []
    for traveller, crossings in _admitted_history(session).items():
        open_entry: tuple[BorderCrossing, IdentityRecord] | None = None
        for crossing, rec in crossings:
            allowed = knowledge.allowed_stay_days(rec.nationality, None)
            if crossing.direction == "entry":
                if open_entry is not None:
                    stays.append(
                        _stay(traveller, open_entry, None, allowed, now, "entry_without_exit")
                    )
                open_entry = (crossing, rec)
            elif open_entry is None:
                stays.append(
                    Stay(
                        traveller,
                        rec.nationality,
                        None,
                        crossing.at,
                        None,
                        allowed,
                        False,
                        "exit_without_entry",
                        None,
                        crossing.id,
                    )
                )
            else:
                stays.append(_stay(traveller, open_entry, crossing, allowed, now, None))
                open_entry = None
        if open_entry is not None:
            allowed = knowledge.allowed_stay_days(open_entry[1].nationality, None)
            stays.append(_stay(traveller, open_entry, None, allowed, now, None))
    if overstays_only:
        stays = [s for s in stays if s.overstay]
    return stays


def _stay(
    traveller: str,
    entry: tuple[BorderCrossing, IdentityRecord],
    leaving: BorderCrossing | None,
    allowed: int,
    now: dt.datetime,
    problem: str | None,
) -> Stay:
    crossing, rec = entry
    end = leaving.at if leaving is not None else now
    days = (end - crossing.at).total_seconds() / 86400
    return Stay(
        traveller,
        rec.nationality,
        crossing.at,
        leaving.at if leaving else None,
        round(days, 2),
        allowed,
        days > allowed,
        problem,
        crossing.id,
        leaving.id if leaving else None,
    )


# --- escorts: repeated crossings with different companions ---------------------------------------


@dataclass(frozen=True)
class EscortCandidate:
    """A person who crossed several times, each time with other companions (indicator #24)."""

    traveller: str
    label: str
    crossings: int
    distinct_companions: int
    evidence: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return dict(vars(self))


def repeat_companions(
    session: Session,
    *,
    window: dt.timedelta = dt.timedelta(minutes=30),
    min_crossings: int = 3,
    min_companions: int = 4,
) -> list[EscortCandidate]:
    """People who crossed in at least ``min_crossings`` groups with ``min_companions`` different
    people in all, each group with at least one companion not met in the person's other groups.

    A group is the crossings sharing a ``companions_ref``, or, without one, the crossings at the
    same point, in the same direction, on the same vehicle or voyage within ``window``.
    """
    rows = session.execute(
        select(BorderCrossing, IdentityRecord, CrossingPoint.code)
        .join(IdentityRecord, IdentityRecord.id == BorderCrossing.identity_record_id)
        .join(CrossingPoint, CrossingPoint.id == BorderCrossing.crossing_point_id)
        .order_by(BorderCrossing.at, BorderCrossing.id)
    ).all()
    groups: dict[str, list[tuple[BorderCrossing, IdentityRecord, str]]] = defaultdict(list)
    vehicle_groups: dict[tuple[str, str, str], list[tuple[str, dt.datetime]]] = defaultdict(list)
    for crossing, rec, code in rows:
        if crossing.companions_ref:
            groups[f"ref:{crossing.companions_ref}"].append((crossing, rec, code))
            continue
        conveyance = crossing.vehicle or (
            f"{crossing.carrier or ''}{crossing.voyage}" if crossing.voyage else None
        )
        if not conveyance:
            continue
        slot = (code, crossing.direction, conveyance)
        open_groups = vehicle_groups[slot]
        if open_groups and crossing.at - open_groups[-1][1] <= window:
            name = open_groups[-1][0]
            open_groups[-1] = (name, crossing.at)
        else:
            name = f"vehicle:{code}:{crossing.direction}:{conveyance}:{crossing.at.isoformat()}"
            open_groups.append((name, crossing.at))
        groups[name].append((crossing, rec, code))
    member_groups: dict[str, list[tuple[str, set[str]]]] = defaultdict(list)
    labels: dict[str, str] = {}
    details: dict[str, dict[str, Any]] = {}
    for name, members in groups.items():
        keys = {}
        for crossing, rec, _code in members:
            key = _subject(crossing, rec)
            if key is not None:
                keys[key] = rec
        if len(keys) < 2:
            continue
        first = members[0][0]
        details[name] = {
            "group": name,
            "at": first.at.isoformat(),
            "point": members[0][2],
            "direction": first.direction,
            "vehicle": first.vehicle,
            "voyage": f"{first.carrier or ''}{first.voyage}" if first.voyage else None,
            "companions_ref": first.companions_ref,
        }
        for key, rec in keys.items():
            labels.setdefault(key, " ".join(p for p in (rec.given_names, rec.surname) if p))
            member_groups[key].append((name, set(keys) - {key}))
    found: list[EscortCandidate] = []
    for key, memberships in member_groups.items():
        if len(memberships) < min_crossings:
            continue
        everyone: set[str] = set().union(*(others for _, others in memberships))
        new_each_time = all(
            others - set().union(*(o for n, o in memberships if n != name))
            for name, others in memberships
        )
        if len(everyone) < min_companions or not new_each_time:
            continue
        evidence = [
            {**details[name], "companions": sorted(labels.get(o, o) for o in others)}
            for name, others in memberships
        ]
        found.append(
            EscortCandidate(key, labels.get(key, key), len(memberships), len(everyone), evidence)
        )
    found.sort(key=lambda c: (-c.crossings, -c.distinct_companions, c.traveller))
    return found


def crossing_points(session: Session) -> Sequence[CrossingPoint]:
    """Every crossing point, by code."""
    return session.execute(select(CrossingPoint).order_by(CrossingPoint.code)).scalars().all()


def crossing_from_check(
    check: BorderCheck,
    *,
    point: str,
    direction: str,
    decision: str,
    reasons: Sequence[str] = (),
    at: dt.datetime | None = None,
    carrier: str | None = None,
    voyage: str | None = None,
    vehicle: str | None = None,
    companions_ref: str | None = None,
    protection_facts: Sequence[str] = (),
) -> CrossingInput:
    """The crossing to record from a check: the person and document as the MRZ gives them."""
    doc = check.document
    birth = doc.birth_date.iso if doc.birth_date else None
    if birth is not None and "X" in birth:
        birth = birth.split("-XX")[0] if not birth.startswith("XXXX") else None
    return CrossingInput(
        point=point,
        direction=direction,
        at=at or check.checked_at,
        decision=decision,
        reasons=tuple(reasons),
        surname=doc.primary_identifier or None,
        given_names=doc.secondary_identifier or None,
        birth_date=birth,
        sex=doc.sex if doc.sex in ("M", "F", "X") else None,
        nationality=doc.nationality or None,
        document_type=doc.document_code[:1] or None,
        document_country=doc.issuing_state,
        document_number=doc.document_number,
        document_expiry=doc.expiry_date.date if doc.expiry_date else None,
        carrier=carrier or None,
        voyage=voyage or None,
        vehicle=vehicle or None,
        companions_ref=companions_ref or None,
        mrz="\n".join(doc.lines),
        check_result={
            "status": check.status,
            "headline": check.headline,
            "alerts": [r.as_dict() for r in check.reasons],
            "checked_at": check.checked_at.isoformat(),
        },
        age=check.age,
        protection_facts=tuple(protection_facts),
    )
