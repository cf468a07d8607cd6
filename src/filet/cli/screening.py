"""`filet screen` (travellers in a CSV against watchlist files, no store needed) and
`filet watchlists import|list` (watchlists in the store, screened by ingestion and the border)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from filet.errors import InputError, Place

if TYPE_CHECKING:
    from filet.screening import Traveller

console = Console()

watchlists_app = typer.Typer(help="Watchlists: import and list.", no_args_is_help=True)

TRAVELLER_COLUMNS = (
    "id",
    "surname",
    "given_names",
    "full_name",
    "birth_date",
    "nationality",
    "sex",
    "document_number",
)
HIT_COLUMNS = ("traveller_id", "entry_id", "list", "score", "band", "explanation")


def _read_travellers(path: Path) -> list[Traveller]:
    from filet.screening import Traveller
    from filet.screening._import import normalise_birth_date

    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    columns = reader.fieldnames or []
    if "id" not in columns:
        raise InputError("missing column 'id'", Place(file=str(path), line=1, field="id"))
    if "full_name" not in columns and not ({"surname", "given_names"} & set(columns)):
        raise InputError(
            "expected the columns surname and given_names, or full_name",
            Place(file=str(path), line=1),
        )
    travellers: list[Traveller] = []
    for line, row in enumerate(reader, start=2):
        values = {c: (row.get(c) or "").strip() or None for c in TRAVELLER_COLUMNS}
        if not values["id"]:
            raise InputError("id is empty", Place(file=str(path), line=line, field="id"))
        if not (values["surname"] or values["given_names"] or values["full_name"]):
            raise InputError(
                "no name: fill surname and given_names, or full_name",
                Place(file=str(path), line=line, field="full_name"),
            )
        values["birth_date"] = normalise_birth_date(
            values["birth_date"], Place(file=str(path), line=line, field="birth_date")
        )
        travellers.append(
            Traveller(
                traveller_id=str(values["id"]),
                surname=values["surname"],
                given_names=values["given_names"],
                full_name=values["full_name"],
                birth_date=values["birth_date"],
                nationality=values["nationality"],
                sex=values["sex"],
                document_number=values["document_number"],
            )
        )
    return travellers


def screen(
    watchlist: list[Path] = typer.Option(..., "--watchlist", help="Watchlist file (repeatable)."),
    input_file: Path = typer.Option(..., "--input", help="Travellers CSV."),
    out: Path = typer.Option(..., "--out", help="Hits CSV to write ('-' for stdout)."),
    threshold: float | None = typer.Option(
        None, "--threshold", min=0, max=1, help="Lowest score kept (default: the review threshold)."
    ),
    list_name: str | None = typer.Option(
        None, "--list", help="List name for watchlist files without one."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Screen the travellers of a CSV file against watchlist files (CSV, FtM, INTERPOL JSON)."""
    from filet.screening import WatchlistIndex, read_watchlist

    entries = []
    for path in watchlist:
        if not path.is_file():
            raise InputError("no such file", Place(file=str(path)))
        entries.extend(
            read_watchlist(path.read_text(encoding="utf-8-sig"), str(path), None, list_name)
        )
    travellers = _read_travellers(input_file)
    index = WatchlistIndex(entries)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HIT_COLUMNS)
    hits = 0
    bands = {"strong": 0, "review": 0, "below": 0}
    for traveller, matches in index.screen_many(travellers, threshold):
        for match in matches:
            hits += 1
            bands[match.band] += 1
            writer.writerow(
                [
                    traveller.traveller_id,
                    match.entry.entry_key,
                    match.entry.list_name,
                    f"{match.score:.4f}",
                    match.band,
                    json.dumps(match.explanation()["evidence"], ensure_ascii=False),
                ]
            )
    if str(out) == "-":
        sys.stdout.write(buffer.getvalue())
    else:
        out.write_text(buffer.getvalue(), encoding="utf-8")
    summary = {"travellers": len(travellers), "entries": len(entries), "hits": hits, "bands": bands}
    if as_json:
        typer.echo(json.dumps(summary))
    elif str(out) != "-":
        console.print(
            f"{len(travellers)} travellers against {len(entries)} entries: {hits} hits "
            f"({bands['strong']} strong, {bands['review']} review) written to {out}"
        )


@watchlists_app.command("import")
def watchlists_import(
    files: list[Path] = typer.Argument(..., help="Watchlist files."),
    list_name: str | None = typer.Option(None, "--list", help="List name (else from the file)."),
    file_format: str | None = typer.Option(
        None, "--format", help="csv, ftm or interpol (default: guessed from the file)."
    ),
    source: str = typer.Option("", "--source", help="Where the list comes from."),
    valid_from: str | None = typer.Option(None, "--valid-from", help="YYYY-MM-DD"),
    valid_to: str | None = typer.Option(None, "--valid-to", help="YYYY-MM-DD"),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Add or update watchlist entries; importing the same file again changes nothing."""
    from filet.cli.system import _current_sessions
    from filet.screening import import_watchlist, read_watchlist
    from filet.security import SYSTEM
    from filet.store import transaction

    if file_format not in (None, "csv", "ftm", "interpol"):
        raise InputError(
            f"format {file_format!r}: expected csv, ftm or interpol", Place(field="--format")
        )
    dates: list[dt.date | None] = []
    for label, text in (("--valid-from", valid_from), ("--valid-to", valid_to)):
        try:
            dates.append(dt.date.fromisoformat(text) if text else None)
        except ValueError:
            raise InputError(f"{text!r}: expected YYYY-MM-DD", Place(field=label)) from None
    entries = []
    for path in files:
        if not path.is_file():
            raise InputError("no such file", Place(file=str(path)))
        entries.extend(
            read_watchlist(path.read_text(encoding="utf-8-sig"), str(path), file_format, list_name)  # type: ignore[arg-type]
        )
    with transaction(_current_sessions()) as session:
        summary = import_watchlist(
            session, entries, SYSTEM, source=source, valid_from=dates[0], valid_to=dates[1]
        )
    if as_json:
        typer.echo(json.dumps(summary.lists))
        return
    table = Table("list", "added", "updated", "unchanged", title="watchlist import")
    for name, counts in summary.lists.items():
        table.add_row(name, str(counts["added"]), str(counts["updated"]), str(counts["unchanged"]))
    console.print(table)


@watchlists_app.command("list")
def watchlists_list(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """The watchlists in the store, their entries and validity."""
    from filet.cli.system import _current_sessions
    from filet.screening import list_watchlists

    with _current_sessions()() as session:
        found = list_watchlists(session)
    rows = [
        {
            "name": w.name,
            "source": w.source,
            "valid_from": w.valid_from.isoformat() if w.valid_from else None,
            "valid_to": w.valid_to.isoformat() if w.valid_to else None,
            "entries": w.entries,
            "active": w.active,
        }
        for w in found
    ]
    if as_json:
        typer.echo(json.dumps(rows))
        return
    table = Table(
        "list", "source", "valid from", "valid to", "entries", "active", title="watchlists"
    )
    for row in rows:
        table.add_row(
            str(row["name"]),
            str(row["source"]),
            str(row["valid_from"] or ""),
            str(row["valid_to"] or ""),
            str(row["entries"]),
            "yes" if row["active"] else "no",
        )
    console.print(table)
