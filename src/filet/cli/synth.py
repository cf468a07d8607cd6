"""``filet synth``: generate a synthetic world with planted smuggling networks and its truth."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

console = Console(stderr=True)


def synth(
    out: Path = typer.Option(..., "--out", help="New or empty directory to write the world into."),
    scenario: str = typer.Option(
        "laptop", "--scenario", help="A shipped scenario (laptop, tiny) or a scenario YAML file."
    ),
    seed: int = typer.Option(1, "--seed", help="Random seed: the same seed gives the same bytes."),
    travellers: int | None = typer.Option(
        None, "--travellers", min=1, help="Number of travellers (default: the scenario's)."
    ),
    months: int | None = typer.Option(
        None, "--months", min=1, max=60, help="Length of the period (default: the scenario's)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    workers: int | None = typer.Option(
        None,
        "--workers",
        min=0,
        help="Processes writing the API/PNR files (default: one per core, at most four, from"
        " 50,000 travellers). The files are the same whatever the number.",
    ),
) -> None:
    """Generate a synthetic world: API/PNR messages, crossings, MRZs, lists and truth/."""
    # Imported here: the generator pulls in followthemoney and the catalogue, which every other
    # `filet` command (each demo step is one) would otherwise load at start-up.
    from filet.synth import generate, load_scenario

    chosen = load_scenario(scenario)
    with Progress(
        TextColumn(f"[bold]{chosen.name}[/] days"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=as_json,
        transient=False,
    ) as progress:
        task = progress.add_task("generate", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        summary = generate(
            chosen,
            out,
            seed=seed,
            travellers=travellers,
            months=months,
            progress=advance,
            workers=workers,
        )
    data = dataclasses.asdict(summary)
    data["start_date"] = summary.start_date.isoformat()
    data["end_date"] = summary.end_date.isoformat()
    data["out"] = str(out)
    if as_json:
        typer.echo(json.dumps(data, indent=2, sort_keys=True))
        return
    table = Table(title=f"World written to {out}", show_header=False)
    for key in (
        "scenario",
        "seed",
        "start_date",
        "end_date",
        "travellers",
        "smuggled_migrants",
        "networks",
        "operations",
        "flights",
        "bookings",
        "api_records",
        "crossings",
        "watchlist_entries",
        "intelligence_items",
        "debriefings",
        "bytes_written",
    ):
        table.add_row(key.replace("_", " "), str(data[key]))
    Console().print(table)
