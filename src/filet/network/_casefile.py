"""The case file of an investigation case, for prosecutors and partner agencies: a JSON bundle
(the case, members with roles and the reasons for them, the offence hypothesis history, notes,
the graded intelligence items, the traces that bind the ring) and the same as a PDF (ReportLab).
Every export is written to the audit log as an ``export`` of the case."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any
from xml.sax.saxutils import escape

from sqlalchemy import select
from sqlalchemy.orm import Session

from filet import __version__
from filet.errors import InputError, Place
from filet.network._cases import case_history, person_relation, smuggled_migrant_reason
from filet.network._intelligence import item_summary
from filet.security import Actor, record
from filet.store.schema import CaseMember, IntelligenceItem, InvestigationCase, Person

CASE_FILE_FORMATS = ("json", "pdf")


def case_file(session: Session, case: InvestigationCase) -> dict[str, Any]:
    """Everything the case holds, as one JSON-ready object."""
    history = case_history(session, case)
    opening = next((e for e in history if e.kind == "hypothesis" and "members" in e.data), None)
    ring_reasons: dict[int, list[str]] = {}
    if opening is not None:
        for member in opening.data.get("members", []):
            key = str(member.get("person", ""))
            pid = member.get("person_id") or (
                int(key.split(":", 1)[1]) if key.startswith("person:") else None
            )
            if pid is not None:
                ring_reasons[int(pid)] = [str(r) for r in member.get("reasons", [])]
    member_events: dict[int, list[str]] = {}
    for entry in history:
        if entry.kind == "member" and entry.data.get("action") != "remove":
            member_events.setdefault(int(entry.data["person_id"]), []).append(entry.text)
    members = []
    for member, label in session.execute(
        select(CaseMember, Person.label)
        .join(Person, Person.id == CaseMember.person_id)
        .where(CaseMember.case_id == case.id)
        .order_by(CaseMember.role, CaseMember.person_id)
    ):
        members.append(
            {
                "person_id": member.person_id,
                "label": label,
                "role": member.role,
                "smuggled_migrant": member.role == "witness"
                and smuggled_migrant_reason(session, member.person_id) is not None,
                "reasons": ring_reasons.get(member.person_id, [])
                + member_events.get(member.person_id, []),
                "relation": None
                if member.role == "witness"
                else person_relation(session, case, member.person_id),
            }
        )
    references = [str(e.data.get("reference")) for e in history if e.kind == "intelligence"]
    items = {
        i.reference: i
        for i in session.scalars(
            select(IntelligenceItem).where(IntelligenceItem.reference.in_(references))
        )
    }
    hypotheses = [
        {
            "at": e.at,
            "by": e.user,
            "from": e.data.get("from"),
            "to": e.data.get("to", e.data.get("hypothesis")),
            "reason": e.data.get("reason", ""),
            "evidence": e.data.get("evidence") if "members" not in e.data else e.text,
            "items": e.data.get("items", []),
        }
        for e in history
        if e.kind == "hypothesis"
    ]
    return {
        "format": "filet-case-file/1",
        "signs_reported": signs_reported([items[r] for r in references if r in items]),
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "generator": f"filet {__version__}",
        "case": {
            "reference": case.reference,
            "title": case.title,
            "status": case.status,
            "offence_hypothesis": case.offence_hypothesis,
            "opened_at": case.created_at.isoformat(timespec="seconds"),
        },
        "ring": (
            {
                "reference": opening.data.get("ring"),
                "score": opening.data.get("ring_score"),
                "evidence": opening.data.get("evidence", []),
                "traces": opening.data.get("traces", {}),
            }
            if opening is not None
            else None
        ),
        "members": members,
        "hypothesis_history": hypotheses,
        "notes": [{"at": e.at, "by": e.user, "text": e.text} for e in history if e.kind == "note"],
        "intelligence": [
            item_summary(items[r]) | {"attached_by": e.user, "attached_at": e.at, "note": e.text}
            for e in history
            if e.kind == "intelligence" and (r := str(e.data.get("reference"))) in items
        ],
        "history": [e.__dict__ for e in history],
    }


def signs_reported(items: list[IntelligenceItem]) -> dict[str, Any]:
    """What attached debriefings report of aggravating circumstances (Smuggling Protocol art.
    6(3)) and of trafficking (methods of control, ransom), with the items, and the hypothesis the
    signs point to. A suggestion for the investigator, who decides and records why."""
    signs: dict[str, list[str]] = {}
    for item in items:
        if item.kind != "debriefing":
            continue
        attributes = item.attributes or {}
        reported = [*attributes.get("aggravating", []), *attributes.get("methods_of_control", [])]
        if attributes.get("ransom"):
            reported.append("ransom")
        for sign in reported:
            signs.setdefault(str(sign), []).append(item.reference)
    trafficking = [s for s in signs if s not in {"danger_to_life", "inhuman_treatment"}]
    suggested = (
        "suspected_trafficking" if trafficking else ("aggravated_smuggling" if signs else None)
    )
    return {"signs": signs, "suggested_hypothesis": suggested}


def export_case_file(
    session: Session, case: InvestigationCase, fmt: str, actor: Actor
) -> tuple[bytes, str]:
    """The case file as bytes with its media type; the export is audited."""
    if fmt not in CASE_FILE_FORMATS:
        raise InputError(
            f"unknown case file format {fmt!r}; expected json or pdf", Place(field="format")
        )
    bundle = case_file(session, case)
    if fmt == "json":
        body = json.dumps(bundle, indent=2, ensure_ascii=False, default=str).encode("utf-8")
        media = "application/json"
    else:
        body = render_case_pdf(bundle)
        media = "application/pdf"
    record(
        session,
        actor,
        "export",
        "investigation_case",
        [case.reference],
        {
            "format": fmt,
            "members": len(bundle["members"]),
            "items": len(bundle["intelligence"]),
            "bytes": len(body),
        },
    )
    session.flush()
    return body, media


def _text(value: Any) -> str:
    return escape("" if value is None else str(value))


def render_case_pdf(bundle: dict[str, Any]) -> bytes:
    """The case file as PDF: summary, ring traces, members, hypothesis history, items, notes."""
    from reportlab.lib import colors  # type: ignore[import-untyped]
    from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
    from reportlab.lib.styles import getSampleStyleSheet  # type: ignore[import-untyped]
    from reportlab.lib.units import cm  # type: ignore[import-untyped]
    from reportlab.platypus import (  # type: ignore[import-untyped]
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    case = bundle["case"]
    story: list[Any] = [
        Paragraph(_text(f"Case file {case['reference']}"), styles["Title"]),
        Paragraph(_text(case["title"]), styles["Heading2"]),
        Paragraph(
            _text(
                f"Status {case['status']} · offence hypothesis {case['offence_hypothesis']} · "
                f"opened {case['opened_at']} · generated {bundle['generated_at']} by "
                f"{bundle['generator']}"
            ),
            styles["Normal"],
        ),
        Paragraph(
            "Smuggled migrants appear only as witnesses: they are not suspects for having been "
            "smuggled (Smuggling Protocol, art. 5).",
            small,
        ),
        Spacer(1, 0.3 * cm),
    ]

    def table(title: str, header: list[str], rows: list[list[Any]], widths: list[float]) -> None:
        story.append(Paragraph(_text(title), styles["Heading3"]))
        if not rows:
            story.append(Paragraph("None recorded.", styles["Normal"]))
            return
        cells = [[Paragraph(_text(h), small) for h in header]] + [
            [Paragraph(_text(c), small) for c in row] for row in rows
        ]
        flow = Table(cells, repeatRows=1, colWidths=[w * cm for w in widths])
        flow.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde6ee")),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(flow)
        story.append(Spacer(1, 0.3 * cm))

    ring = bundle.get("ring")
    if ring:
        traces = ring.get("traces") or {}
        story.append(Paragraph(_text(f"Ring {ring.get('reference')}"), styles["Heading3"]))
        story.append(
            Paragraph(
                _text(
                    f"score {ring.get('score')} · seen {traces.get('first_seen')} to "
                    f"{traces.get('last_seen')} · routes {', '.join(traces.get('routes', []))}"
                    f" · bookings {len(traces.get('bookings', []))} · crossings "
                    f"{len(traces.get('crossings', []))} · paid {traces.get('paid_total')}"
                ),
                styles["Normal"],
            )
        )
        table(
            "Traces that bind the ring",
            ["kind", "trace", "persons or bookings tied"],
            [[t["kind"], t["key"], t["tied"]] for t in traces.get("binding", [])],
            [3, 9, 5],
        )
        table(
            "Why the ring was detected",
            ["indicator", "value", "detail"],
            [[r.get("feature"), r.get("value"), r.get("detail")] for r in ring.get("evidence", [])],
            [4, 2, 11],
        )
    table(
        "Members",
        ["person", "name", "role", "reasons"],
        [
            [
                m["person_id"],
                m["label"],
                m["role"] + (" (smuggled migrant)" if m["smuggled_migrant"] else ""),
                "; ".join(m["reasons"]),
            ]
            for m in bundle["members"]
        ],
        [1.5, 4, 3.5, 8],
    )
    table(
        "Offence hypothesis history",
        ["when", "by", "from", "to", "reason and evidence"],
        [
            [
                h["at"],
                h["by"] or "filet",
                h["from"] or "",
                h["to"],
                " · ".join(
                    str(x)
                    for x in (h["reason"], h["evidence"], ", ".join(h["items"]))
                    if x and not isinstance(x, list)
                ),
            ]
            for h in bundle["hypothesis_history"]
        ],
        [3.2, 2, 3, 3, 5.8],
    )
    table(
        "Intelligence items",
        ["reference", "kind", "grade", "content", "subjects"],
        [
            [
                i["reference"],
                i["kind"],
                f"{i['grade']} ({i['grading_system']}): {i['source_reliability_means']}, "
                f"{i['information_credibility_means']}",
                i["content"],
                ", ".join(i["subjects"]),
            ]
            for i in bundle["intelligence"]
        ],
        [2.8, 2, 4, 5, 3.2],
    )
    reported = bundle.get("signs_reported") or {}
    if reported.get("signs"):
        story.append(Paragraph("Signs reported in debriefings", styles["Heading3"]))
        story.append(
            Paragraph(
                _text(
                    "; ".join(f"{k}: {', '.join(v)}" for k, v in reported["signs"].items())
                    + f" (they point to {reported['suggested_hypothesis']})"
                ),
                styles["Normal"],
            )
        )
    table(
        "Notes",
        ["when", "by", "note"],
        [[n["at"], n["by"] or "", n["text"]] for n in bundle["notes"]],
        [3.2, 2.5, 11.3],
    )
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"Case file {case['reference']}",
        author="filet",
        leftMargin=2 * cm,
        rightMargin=2 * cm,
    ).build(story)
    return buffer.getvalue()
