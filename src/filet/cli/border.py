"""`filet documents import-alerts` (lost/stolen lists into the store), `filet check` (the border
check on one MRZ) and `filet crossings overstays|escorts` (entry-exit matching, escort pattern)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

console = Console()

documents_app = typer.Typer(
    help="Document alert lists (lost, stolen, revoked).", no_args_is_help=True
)
crossings_app = typer.Typer(
    help="Crossings: entry-exit matching and patterns.", no_args_is_help=True
)


@documents_app.command("import-alerts")
def import_alerts_command(
    path: Path = typer.Argument(
        ...,
        help="CSV: issuing_state, document_number, document_type, "
        "status, reported_date, source[, number_to].",
    ),
    specimen: bool = typer.Option(False, "--specimen", help="Accept the specimen state UTO."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Load a lost/stolen/revoked document list into the store (re-loading changes nothing)."""
    from filet.border import import_alerts
    from filet.cli.system import _current_sessions
    from filet.documents import read_alert_csv
    from filet.security import SYSTEM
    from filet.store import transaction

    with transaction(_current_sessions()) as session:
        summary = import_alerts(
            session, read_alert_csv(path, specimen=specimen), SYSTEM, file=str(path)
        )
    if as_json:
        typer.echo(json.dumps(summary.as_dict()))
        return
    console.print(
        f"document alerts: {summary.read} read, {summary.added} added, "
        f"{summary.already_stored} already stored"
    )


def check(
    lines: list[str] = typer.Argument(..., help="The MRZ lines (or '-' to read standard input)."),
    point: str | None = typer.Option(None, "--point", help="Crossing point code."),
    direction: str | None = typer.Option(None, "--direction", help="entry or exit."),
    specimen: bool = typer.Option(False, "--specimen", help="Accept the specimen state UTO."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Run the border check on one MRZ: alerts, protection flags, screening, risk, status.

    Exit code 0 for green, 1 for amber or red (the result is printed either way), 2 for an MRZ
    that cannot be read.
    """
    from filet.border import BorderChecker
    from filet.cli.system import _current_sessions
    from filet.errors import InputError, Place
    from filet.settings import get_settings

    if direction is not None and direction not in ("entry", "exit"):
        raise InputError(
            f"direction {direction!r}: expected entry or exit", Place(field="direction")
        )
    mrz: str | list[str] = sys.stdin.read() if lines == ["-"] else lines
    factory = _current_sessions()
    with factory() as session:
        result = BorderChecker(get_settings(), specimen=specimen).check(
            session, mrz, point=point, direction=direction
        )
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    else:
        doc = result.document
        console.print(f"[bold]{result.headline}[/]", highlight=False)
        console.print(
            f"{doc.format.value} {doc.issuing_state} {doc.document_number}: "
            f"{doc.primary_identifier}, {doc.secondary_identifier}; born "
            f"{doc.birth_date.iso if doc.birth_date else '?'}; expires "
            f"{doc.expiry_date.iso if doc.expiry_date else '?'}",
            highlight=False,
        )
        table = Table("level", "reason", title=f"border check: {result.status.upper()}")
        for reason in result.reasons:
            table.add_row(reason.level.upper(), reason.message)
        console.print(table)
        for name, section in (
            ("protection", result.protection),
            ("screening", result.screening),
            ("risk", result.risk),
        ):
            items = "; ".join(
                str(i.get("text") or i.get("name") or i.get("rule")) for i in section.items
            )
            console.print(f"{name}: {items or section.note}", highlight=False)
    if result.status != "green":
        raise typer.Exit(1)


@crossings_app.command("overstays")
def overstays(
    as_of: str | None = typer.Option(None, "--as-of", help="YYYY-MM-DD (default: now)."),
    all_stays: bool = typer.Option(False, "--all", help="List every stay, not only overstays."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Match entries with exits and list stays over the allowed days."""
    from filet.border import match_entries_exits
    from filet.cli.system import _current_sessions

    when = dt.datetime.combine(dt.date.fromisoformat(as_of), dt.time(), dt.UTC) if as_of else None
    with _current_sessions()() as session:
        stays = match_entries_exits(session, when, overstays_only=not all_stays)
    if as_json:
        typer.echo(json.dumps([s.as_dict() for s in stays], indent=2))
        return
    table = Table("traveller", "entry", "exit", "days", "allowed", "overstay", "problem")
    for s in stays:
        table.add_row(
            s.traveller,
            s.entry_at.isoformat() if s.entry_at else "",
            s.exit_at.isoformat() if s.exit_at else "",
            f"{s.days:.1f}" if s.days is not None else "",
            str(s.allowed_days),
            "yes" if s.overstay else "no",
            s.problem or "",
        )
    console.print(table)


@crossings_app.command("escorts")
def escorts(
    min_crossings: int = typer.Option(3, help="Groups a person crossed in."),
    min_companions: int = typer.Option(4, help="Different companions in all."),
    window_minutes: int = typer.Option(30, help="Same vehicle/voyage within this many minutes."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """People crossing again and again with different companions (escort indicator #24)."""
    from filet.border import repeat_companions
    from filet.cli.system import _current_sessions

    with _current_sessions()() as session:
        found = repeat_companions(
            session,
            window=dt.timedelta(minutes=window_minutes),
            min_crossings=min_crossings,
            min_companions=min_companions,
        )
    if as_json:
        typer.echo(json.dumps([c.as_dict() for c in found], indent=2, ensure_ascii=False))
        return
    table = Table("traveller", "name", "crossings", "companions")
    for c in found:
        table.add_row(c.traveller, c.label, str(c.crossings), str(c.distinct_companions))
    console.print(table)
