"""`filet ingest`: load API, PNR and crossing files into the store, and crossing points."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from filet.errors import InputError, Place

console = Console()


def _files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
            )
        elif path.is_file():
            found.append(path)
        else:
            raise InputError("no such file or folder", Place(file=str(path)))
    return found


def ingest(
    paths: list[Path] = typer.Argument(..., help="Files or folders (searched recursively)."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Load PAXLST, PNRGOV, PNR JSON and crossing CSV files (format detected per file).

    Each file is stored whole or not at all: a broken file, or one the database refuses (locked,
    a constraint), is reported with its name and nothing of it is stored; the others go on.
    Re-ingesting the same files changes nothing. Files are parsed in a worker process a few
    files ahead of the ones being stored, and stored several per transaction, each in its own
    savepoint.
    """
    from filet.cli.system import _current_sessions
    from filet.passenger import ingest_files, parse_ahead
    from filet.security import SYSTEM

    factory = _current_sessions()
    files = _files(paths)
    totals: Counter[str] = Counter()
    flags: Counter[str] = Counter()
    failures: list[dict[str, str]] = []
    notes: list[str] = []
    duplicates = 0
    with Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=Console(stderr=True),
        disable=as_json,
    ) as progress:
        task = progress.add_task("", total=len(files))
        for batch in ingest_files(factory, parse_ahead(files), SYSTEM):
            totals["screening_hits"] += batch.screening_hits
            for done in batch.results:
                if done.summary is None:
                    failures.append({"file": str(done.path), "error": done.error or ""})
                else:
                    summary = done.summary
                    duplicates += summary.duplicate
                    totals.update(summary.counts)
                    flags.update(summary.quality_flags)
                    notes.extend(n for n in summary.notes if n not in notes)
            progress.update(task, description=batch.results[-1].path.name)
            progress.advance(task, len(batch.results))
    result = {
        "files": len(files),
        "stored": len(files) - len(failures) - duplicates,
        "already_stored": duplicates,
        "failed": failures,
        "counts": dict(sorted(totals.items())),
        "quality_flags": dict(sorted(flags.items())),
        "notes": notes,
    }
    if as_json:
        typer.echo(json.dumps(result, indent=2))
    else:
        table = Table("what", "count", title="ingest summary")
        table.add_row("files", str(len(files)))
        table.add_row("stored", str(result["stored"]))
        table.add_row("already stored (unchanged)", str(duplicates))
        table.add_row("failed", str(len(failures)))
        for name, count in sorted(totals.items()):
            table.add_row(name.replace("_", " "), str(count))
        for name, count in sorted(flags.items()):
            table.add_row(f"quality flag: {name}", str(count))
        console.print(table)
        for note in notes:
            console.print(f"note: {note}")
        for failure in failures:
            console.print(f"[red]failed[/] {failure['error']}", highlight=False)
    if failures:
        raise typer.Exit(1)


points_app = typer.Typer(
    help="Border crossing points (airports, land posts, seaports).", no_args_is_help=True
)

POINT_COLUMNS = ("code", "name", "country", "kind")


@points_app.command("import")
def points_import(
    file: Path = typer.Argument(..., help="CSV: code,name,country,kind[,latitude,longitude]"),
) -> None:
    """Add or update crossing points from a CSV file (kind: air, land or sea)."""
    from sqlalchemy import select

    from filet.cli.system import _current_sessions
    from filet.security import SYSTEM, record
    from filet.store import transaction
    from filet.store.schema import CrossingPoint

    reader = csv.DictReader(io.StringIO(file.read_text(encoding="utf-8")))
    kind_column = "mode" if "mode" in (reader.fieldnames or []) else "kind"
    missing = [
        c
        for c in POINT_COLUMNS
        if (kind_column if c == "kind" else c) not in (reader.fieldnames or [])
    ]
    if missing:
        raise InputError(f"missing columns {', '.join(missing)}", Place(file=str(file), line=1))
    added = updated = 0
    with transaction(_current_sessions()) as session:
        for line, row in enumerate(reader, start=2):
            kind = (row[kind_column] or "").strip().lower()
            if kind not in ("air", "land", "sea"):
                raise InputError(
                    f"kind must be air, land or sea, found {kind!r}",
                    Place(file=str(file), line=line, field="kind"),
                )
            values: dict[str, object] = {
                "name": row["name"].strip(),
                "country": row["country"].strip().upper(),
                "kind": kind,
            }
            for axis in ("latitude", "longitude"):
                text = (row.get(axis) or "").strip()
                try:
                    values[axis] = float(text) if text else None
                except ValueError:
                    raise InputError(
                        f"{axis} must be a number, found {text!r}",
                        Place(file=str(file), line=line, field=axis),
                    ) from None
            code = row["code"].strip().upper()
            point = session.execute(
                select(CrossingPoint).where(CrossingPoint.code == code)
            ).scalar_one_or_none()
            if point is None:
                session.add(CrossingPoint(code=code, **values))
                added += 1
            else:
                for name, value in values.items():
                    setattr(point, name, value)
                updated += 1
        record(
            session,
            SYSTEM,
            "create",
            "crossing_point",
            [],
            {"file": str(file), "added": added, "updated": updated},
        )
    typer.echo(f"crossing points: {added} added, {updated} updated")
