"""Import graded intelligence items (the synthetic world's ``intelligence.jsonl`` and
``debriefings.jsonl``) into ``intelligence_items``; idempotent on the item's reference."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from filet.errors import InputError, Place
from filet.security import Actor, record
from filet.store.schema import IntelligenceItem

_GRADES = {"4x4": ("ABCX", "1234"), "6x6": ("ABCDEF", "123456")}


def import_intelligence(session: Session, path: Path, actor: Actor) -> int:
    """Store every item of a JSON-lines file; returns how many were new."""
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
            item = _item(data, path, number)
            if item.reference in known:
                continue
            known.add(item.reference)
            session.add(item)
            added.append(item.reference)
    if added:
        record(session, actor, "create", "intelligence_item", added[:1000], {"file": path.name})
    session.flush()
    return len(added)


def _item(data: dict[str, Any], path: Path, line: int) -> IntelligenceItem:
    reference = data.get("id")
    if not isinstance(reference, str) or not reference:
        raise InputError(f"{path}: item without an id", Place(line=line, field="id"))
    if "interviewee" in data:
        # A debriefing: the migrant is a witness, recorded by a trained officer with consent.
        if data.get("consent") is not True:
            raise InputError(
                f"{path}: debriefing {reference} without consent; only voluntary debriefings "
                "with recorded consent can be stored",
                Place(line=line, field="consent"),
            )
        kind, system, reliability, credibility = "debriefing", "4x4", "B", "2"
        attributes = {k: v for k, v in data.items() if k not in {"id", "date", "interviewee"}}
    else:
        kind = str(data.get("kind", ""))
        if kind not in {"call", "payment", "meeting", "report"}:
            raise InputError(
                f"{path}: unknown kind {kind!r}; expected call, payment, meeting or report",
                Place(line=line, field="kind"),
            )
        system = str(data.get("grading_system", "4x4"))
        reliability = str(data.get("source_reliability", ""))
        credibility = str(data.get("information_credibility", ""))
        letters, digits = _GRADES.get(system, ("", ""))
        if not letters:
            raise InputError(
                f"{path}: grading system {system!r}; expected 4x4 or 6x6",
                Place(line=line, field="grading_system"),
            )
        if reliability not in letters or credibility not in digits:
            raise InputError(
                f"{path}: grade {reliability}{credibility} is not a {system} grade "
                f"(source {'/'.join(letters)}, information {'/'.join(digits)})",
                Place(line=line, field="source_reliability"),
            )
        attributes = {
            k: v
            for k, v in data.items()
            if k not in {"id", "date", "kind", "grading_system"}
            and k not in {"source_reliability", "information_credibility"}
        }
    occurred = None
    if data.get("date"):
        try:
            occurred = dt.datetime.fromisoformat(str(data["date"])).replace(tzinfo=dt.UTC)
        except ValueError as error:
            raise InputError(
                f"{path}: date {data['date']!r}; expected YYYY-MM-DD",
                Place(line=line, field="date"),
            ) from error
    subjects = sorted(
        {str(p) for p in attributes.get("people", [])}
        | {
            str(attributes[k])
            for k in ("payer_name", "from_phone", "to_phone")
            if attributes.get(k)
        }
        | {
            str(s.get("name_as_known"))
            for s in attributes.get("smugglers", [])
            if s.get("name_as_known")
        }
    )
    return IntelligenceItem(
        reference=reference,
        kind=kind,
        occurred_at=occurred,
        grading_system=system,
        source_reliability=reliability,
        information_credibility=credibility,
        subjects=subjects,
        content=str(data.get("narrative", "")),
        attributes=attributes,
    )
