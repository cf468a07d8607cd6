"""``filet protection``: HTCDS export and import, case and task lists, the detentions-without-
consular-notice report, and a check of an organisation's own screening questionnaire.

Commands run as the local operator (``cli:<login name>``, purpose protection_assistance); every
export and import is written to the audit log.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from filet.errors import InputError, Place
from filet.security import Actor

protection_app = typer.Typer(
    help="Protection cases: HTCDS export/import, tasks, reports (protection officers only).",
    no_args_is_help=True,
)
console = Console()


def _operator() -> Actor:
    return Actor(
        user_id=None,
        username=f"cli:{getpass.getuser()}",
        role="protection_officer",
        purpose="protection_assistance",
        legal_regime="GDPR",
    )


@protection_app.command("export")
def export(
    out: Path = typer.Option(..., "--out", help="The JSON file to write ('-' for stdout)."),
    export_format: str = typer.Option("htcds", "--format", help="Only htcds for now."),
    case: list[str] = typer.Option(None, "--case", help="Only this case (repeatable)."),
) -> None:
    """Export protection cases with Human Trafficking Case Data Standard field names (JSON)."""
    from filet.cli.system import _current_sessions
    from filet.protection import export_htcds
    from filet.store import transaction

    if export_format != "htcds":
        raise InputError(
            f"unknown format {export_format!r}; expected htcds", Place(field="--format")
        )
    with transaction(_current_sessions()) as session:
        document = export_htcds(session, _operator(), case or None)
    text = json.dumps(document, indent=2, ensure_ascii=False)
    if str(out) == "-":
        typer.echo(text)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n", encoding="utf-8")
    typer.echo(f"{len(document['cases'])} cases written to {out}")


@protection_app.command("import")
def import_(
    source: Path = typer.Argument(
        ..., help="An HTCDS JSON file written by 'filet protection export'."
    ),
) -> None:
    """Import protection cases from an HTCDS export (cases already present are left alone)."""
    from filet.cli.system import _current_sessions
    from filet.protection import import_htcds
    from filet.store import transaction

    try:
        document = json.loads(source.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise InputError(
            f"not JSON: {error.msg}", Place(file=str(source), line=error.lineno)
        ) from None
    with transaction(_current_sessions()) as session:
        created = import_htcds(session, document, _operator())
    typer.echo(f"{len(created)} cases imported from {source}")


@protection_app.command("detentions-without-consular-notice")
def detentions_report(
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Detentions with no record that the person was told of consular notification rights
    (Smuggling Protocol art. 16(5)). Exit code 1 when there are any."""
    import sys

    from filet.cli.system import _current_sessions
    from filet.protection import detentions_without_consular_notice
    from filet.security import record
    from filet.store import transaction

    with transaction(_current_sessions()) as session:
        gaps = detentions_without_consular_notice(session)
        record(
            session,
            _operator(),
            "read",
            "protection_case",
            [g.reference for g in gaps],
            {"report": "detentions-without-consular-notice"},
        )
    rows = [
        {
            "reference": g.reference,
            "person_id": g.person_id,
            "detained_at": g.detained_at.isoformat(),
            "hours_since": g.hours_since,
        }
        for g in gaps
    ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
    else:
        table = Table(
            "case",
            "person",
            "detained at",
            "hours since",
            title="Detentions without consular notice",
        )
        for row in rows:
            table.add_row(
                str(row["reference"]),
                str(row["person_id"] or ""),
                str(row["detained_at"]),
                str(row["hours_since"]),
            )
        console.print(table)
    if rows:
        sys.exit(1)


@protection_app.command("tasks")
def tasks(
    overdue: bool = typer.Option(False, "--overdue", help="Only overdue follow-ups."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Open tasks of open cases, soonest due first (or only the overdue follow-ups)."""
    from filet.cli.system import _current_sessions
    from filet.protection import open_tasks, overdue_follow_ups
    from filet.security import record
    from filet.store import transaction

    now = dt.datetime.now(dt.UTC)
    with transaction(_current_sessions()) as session:
        found = overdue_follow_ups(session, now) if overdue else open_tasks(session)
        rows: list[dict[str, str | int | bool]] = [
            {
                "task_id": t.id,
                "case": c.reference,
                "kind": t.kind,
                "due_at": t.due_at.isoformat(),
                "overdue": t.due_at < now,
            }
            for t, c in found
        ]
        record(
            session,
            _operator(),
            "read",
            "protection_task",
            [t.id for t, _ in found],
            {"overdue_only": overdue},
        )
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table("task", "case", "kind", "due", "overdue", title="Protection tasks")
    for row in rows:
        table.add_row(
            str(row["task_id"]),
            str(row["case"]),
            str(row["kind"]),
            str(row["due_at"]),
            "yes" if row["overdue"] else "",
        )
    console.print(table)


@protection_app.command("check-questionnaire")
def check_questionnaire(
    source: Path = typer.Argument(..., help="A questionnaire YAML file (see docs/protection.md)."),
) -> None:
    """Check an organisation's own screening questionnaire against the schema and the factor,
    fact and HTCDS lists; prints its domains, or one line naming the problem (exit 2)."""
    from filet.protection import load_questionnaire_file

    form = load_questionnaire_file(source)
    typer.echo(f"{form.key} v{form.version}: {form.title}")
    for domain in form.domains:
        typer.echo(f"  {domain.key}: {len(domain.questions)} questions")
