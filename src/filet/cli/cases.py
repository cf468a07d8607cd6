"""``filet cases list|show|export`` (investigation cases and their case file) and ``filet
intelligence debrief FILE.json`` (a migrant's debriefing, recorded with consent)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from filet.errors import InputError, Place

console = Console()
cases_app = typer.Typer(help="Investigation cases: list, show, export the case file.")


@cases_app.command("list")
def list_cases(
    status: str = typer.Option("", "--status", help="open or closed (default: all)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Investigation cases, newest first."""
    from filet.cli.system import _current_sessions
    from filet.network import list_cases as cases

    with _current_sessions()() as session:
        rows = [
            {
                "reference": c.reference,
                "title": c.title,
                "status": c.status,
                "offence_hypothesis": c.offence_hypothesis,
                "opened_at": c.created_at.isoformat(timespec="seconds"),
            }
            for c in cases(session, status or None)
        ]
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    table = Table(title="Investigation cases")
    for column in ("reference", "title", "status", "offence_hypothesis", "opened_at"):
        table.add_column(column)
    for row in rows:
        table.add_row(*(str(row[k]) for k in row))
    console.print(table)


@cases_app.command("show")
def show(
    reference: str = typer.Argument(..., help="The case reference (NET-000001)."),
    as_json: bool = typer.Option(False, "--json", help="Print the case file as JSON."),
) -> None:
    """A case: members with roles, hypothesis history, notes, graded items (the read is audited)."""
    from filet.cli.system import _current_sessions
    from filet.network import case_file, get_case
    from filet.security import SYSTEM, record
    from filet.store import transaction

    with transaction(_current_sessions()) as session:
        case = get_case(session, reference)
        bundle = case_file(session, case)
        record(session, SYSTEM, "read", "investigation_case", [reference], {"via": "cli"})
    if as_json:
        print(json.dumps(bundle, indent=2, ensure_ascii=False, default=str))
        return
    summary = bundle["case"]
    console.print(
        f"[bold]{summary['reference']}[/bold] {summary['title']} · {summary['status']} · "
        f"hypothesis {summary['offence_hypothesis']}"
    )
    members = Table(title="Members")
    for column in ("person", "name", "role", "reasons"):
        members.add_column(column)
    for m in bundle["members"]:
        role = m["role"] + (" (smuggled migrant)" if m["smuggled_migrant"] else "")
        members.add_row(str(m["person_id"]), m["label"], role, "; ".join(m["reasons"]))
    console.print(members)
    history = Table(title="Offence hypothesis history")
    for column in ("when", "by", "from", "to", "reason"):
        history.add_column(column)
    for h in bundle["hypothesis_history"]:
        history.add_row(h["at"], h["by"] or "filet", h["from"] or "", h["to"], h["reason"])
    console.print(history)
    items = Table(title="Intelligence items")
    for column in ("reference", "kind", "grade", "content"):
        items.add_column(column)
    for i in bundle["intelligence"]:
        items.add_row(
            i["reference"], i["kind"], f"{i['grade']} ({i['grading_system']})", i["content"]
        )
    console.print(items)
    for note in bundle["notes"]:
        console.print(f"note {note['at']} {note['by'] or ''}: {note['text']}")


@cases_app.command("export")
def export(
    reference: str = typer.Argument(..., help="The case reference (NET-000001)."),
    fmt: str = typer.Option("pdf", "--format", help="pdf or json."),
    out: Path = typer.Option(..., "--out", help="File to write."),
) -> None:
    """Write the case file (PDF or JSON bundle); the export is audited."""
    from filet.cli.system import _current_sessions
    from filet.network import export_case_file, get_case
    from filet.security import SYSTEM
    from filet.store import transaction

    with transaction(_current_sessions()) as session:
        body, _media = export_case_file(session, get_case(session, reference), fmt, SYSTEM)
        out.write_bytes(body)
    console.print(f"wrote {out} ({len(body)} bytes)")


def debrief(
    path: Path = typer.Argument(..., help="One debriefing as a JSON object (see docs/network.md)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Record a migrant's debriefing (consent and a trained officer required) as a graded
    intelligence item; the migrant is a witness, never a suspect."""
    from filet.cli.system import _current_sessions
    from filet.network import debriefing_from_json, item_summary, record_debriefing
    from filet.security import SYSTEM
    from filet.store import transaction

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise InputError(
            f"{path}: not JSON ({error.msg})", Place(file=str(path), line=error.lineno)
        ) from error
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected one JSON object", Place(file=str(path)))
    debriefing = debriefing_from_json(data)
    with transaction(_current_sessions()) as session:
        item = record_debriefing(session, debriefing, SYSTEM)
        summary = item_summary(item)
    if as_json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        console.print(
            f"debriefing {summary['reference']} recorded, grade {summary['grade']}, "
            f"{len(summary['attributes']['smugglers'])} smuggler(s) named"
        )
