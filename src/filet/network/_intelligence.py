"""Graded intelligence items: import from JSON lines (the synthetic world's ``intelligence.jsonl``
and ``debriefings.jsonl``, idempotent on the item's reference), record one item typed by an
investigator, and the grades themselves.

Grading follows the two systems in use: 4x4 (source A-D, information 1-4, with X for a source
that cannot be judged) and the 6x6 Admiralty code (source reliability A-F, information
credibility 1-6). A grade is checked against its system before anything is stored.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from filet.errors import InputError, Place
from filet.security import Actor, record
from filet.store.schema import IntelligenceItem

GRADING_SYSTEMS: dict[str, tuple[str, str]] = {"4x4": ("ABCX", "1234"), "6x6": ("ABCDEF", "123456")}
# The kinds an investigator may record by hand (a debriefing has its own form and rules).
ITEM_KINDS = ("call", "payment", "meeting", "report")
# What each letter and digit means (6x6 Admiralty code), shown beside the grade.
SOURCE_RELIABILITY = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
    "X": "reliability cannot be judged",
}
INFORMATION_CREDIBILITY = {
    "1": "confirmed by other sources",
    "2": "probably true",
    "3": "possibly true",
    "4": "doubtful",
    "5": "improbable",
    "6": "truth cannot be judged",
}


def check_grade(
    system: str, reliability: str, credibility: str, place: Place | None = None
) -> None:
    """Refuse a grade that is not one of ``system``'s (e.g. ``F6`` under 4x4)."""
    letters, digits = GRADING_SYSTEMS.get(system, ("", ""))
    if not letters:
        raise InputError(
            f"grading system {system!r}; expected 4x4 or 6x6",
            place or Place(field="grading_system"),
        )
    if reliability not in letters or len(reliability) != 1:
        raise InputError(
            f"source reliability {reliability!r} is not a {system} grade "
            f"(expected one of {'/'.join(letters)})",
            place or Place(field="source_reliability"),
        )
    if credibility not in digits or len(credibility) != 1:
        raise InputError(
            f"information credibility {credibility!r} is not a {system} grade "
            f"(expected one of {'/'.join(digits)})",
            place or Place(field="information_credibility"),
        )


def new_reference(prefix: str) -> str:
    """A reference for an item recorded in filet (imported items keep their own)."""
    return f"{prefix}-{uuid.uuid4().hex[:12].upper()}"


def record_item(
    session: Session,
    actor: Actor,
    kind: str,
    grading_system: str,
    source_reliability: str,
    information_credibility: str,
    content: str,
    attributes: dict[str, Any] | None = None,
    occurred_at: dt.datetime | None = None,
    subjects: list[str] | None = None,
    handling_code: str | None = None,
) -> IntelligenceItem:
    """Store one graded item typed by an investigator; the attributes use the shapes the network
    build reads (``from_phone``/``to_phone`` for a call, ``payer_name`` and ``beneficiary_*`` for a
    payment, ``people`` for a meeting)."""
    if kind not in ITEM_KINDS:
        raise InputError(
            f"unknown kind {kind!r}; expected " + ", ".join(ITEM_KINDS), Place(field="kind")
        )
    check_grade(grading_system, source_reliability, information_credibility)
    if not content.strip():
        raise InputError("an intelligence item needs its content", Place(field="content"))
    attributes = dict(attributes or {})
    item = IntelligenceItem(
        reference=new_reference("INT"),
        kind=kind,
        occurred_at=occurred_at,
        grading_system=grading_system,
        source_reliability=source_reliability,
        information_credibility=information_credibility,
        handling_code=handling_code or None,
        subjects=subjects if subjects is not None else _subjects(attributes),
        content=content.strip(),
        attributes=attributes,
        recorded_by=actor.user_id,
    )
    session.add(item)
    session.flush()
    record(
        session,
        actor,
        "create",
        "intelligence_item",
        [item.reference],
        {"kind": kind, "grade": f"{source_reliability}{information_credibility}"},
    )
    return item


def item_summary(item: IntelligenceItem) -> dict[str, Any]:
    """An item as the case page, the API and the case file show it, grade explained."""
    return {
        "reference": item.reference,
        "kind": item.kind,
        "occurred_at": item.occurred_at.isoformat() if item.occurred_at else None,
        "grading_system": item.grading_system,
        "grade": f"{item.source_reliability}{item.information_credibility}",
        "source_reliability": item.source_reliability,
        "source_reliability_means": SOURCE_RELIABILITY.get(item.source_reliability, ""),
        "information_credibility": item.information_credibility,
        "information_credibility_means": INFORMATION_CREDIBILITY.get(
            item.information_credibility, ""
        ),
        "handling_code": item.handling_code,
        "subjects": list(item.subjects or []),
        "content": item.content,
        "attributes": dict(item.attributes or {}),
    }


def import_intelligence(session: Session, path: Path, actor: Actor) -> int:
    """Store every item of a JSON-lines file; returns how many were new."""
    from filet.network._debriefing import (
        Debriefing,
        debriefing_from_json,
        debriefing_item,
        link_imported_witness,
    )

    known = set(session.scalars(select(IntelligenceItem.reference)))
    added: list[str] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data: dict[str, Any] = json.loads(line)
            except json.JSONDecodeError as error:
                raise InputError(
                    f"{path}: not JSON ({error.msg}); expected one object per line",
                    Place(line=number, position=error.colno),
                ) from error
            debriefing: Debriefing | None = None
            if "interviewee" in data or data.get("kind") == "debriefing":
                try:
                    debriefing = debriefing_from_json(data)
                    item = debriefing_item(debriefing, actor)
                except InputError as error:
                    raise InputError(
                        f"{path}: {error.message}",
                        Place(line=number, field=error.place.field),
                    ) from error
            else:
                item = _item(data, path, number)
            if item.reference in known:
                continue
            known.add(item.reference)
            session.add(item)
            added.append(item.reference)
            if debriefing is not None and isinstance(data.get("interviewee"), dict):
                link_imported_witness(session, item, debriefing, data["interviewee"], actor)
    if added:
        record(session, actor, "create", "intelligence_item", added[:1000], {"file": path.name})
    session.flush()
    return len(added)


def _item(data: dict[str, Any], path: Path, line: int) -> IntelligenceItem:
    reference = data.get("id")
    if not isinstance(reference, str) or not reference:
        raise InputError(f"{path}: item without an id", Place(line=line, field="id"))
    kind = str(data.get("kind", ""))
    if kind not in ITEM_KINDS:
        raise InputError(
            f"{path}: unknown kind {kind!r}; expected call, payment, meeting or report",
            Place(line=line, field="kind"),
        )
    system = str(data.get("grading_system", "4x4"))
    reliability = str(data.get("source_reliability", ""))
    credibility = str(data.get("information_credibility", ""))
    try:
        check_grade(system, reliability, credibility)
    except InputError as error:
        raise InputError(
            f"{path}: {error.message}", Place(line=line, field=error.place.field)
        ) from error
    attributes = {
        k: v
        for k, v in data.items()
        if k not in {"id", "date", "kind", "grading_system"}
        and k not in {"source_reliability", "information_credibility"}
    }
    return IntelligenceItem(
        reference=reference,
        kind=kind,
        occurred_at=parse_date(data.get("date"), Place(file=str(path), line=line, field="date")),
        grading_system=system,
        source_reliability=reliability,
        information_credibility=credibility,
        subjects=_subjects(attributes),
        content=str(data.get("narrative", "")),
        attributes=attributes,
    )


def parse_date(value: Any, place: Place) -> dt.datetime | None:
    """A date or date-time as written in a file or a form (UTC when no zone is given)."""
    if value is None or value == "":
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError as error:
        raise InputError(f"date {value!r}; expected YYYY-MM-DD", place) from error
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _subjects(attributes: dict[str, Any]) -> list[str]:
    """Who and what an item is about: named people and phones, never a debriefed migrant."""
    return sorted(
        {str(p) for p in attributes.get("people", [])}
        | {
            str(attributes[k])
            for k in ("payer_name", "beneficiary_name", "from_phone", "to_phone")
            if attributes.get(k)
        }
        | {
            str(s.get("name_as_known"))
            for s in attributes.get("smugglers", [])
            if s.get("name_as_known")
        }
    )
