"""``filet names``: analyse a personal name, or compare two, across scripts."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from filet.names import AnalysedName, analyse, compare

names_app = typer.Typer(
    help="Analyse and compare personal names across scripts and romanisations.",
    no_args_is_help=True,
)
console = Console()


def _analysis_dict(name: AnalysedName) -> dict[str, Any]:
    return {
        "text": name.text,
        "script": name.script,
        "culture": name.culture,
        "latin": name.latin,
        "parts": [
            {
                "text": part.text,
                "latin": part.latin,
                "form": part.form,
                "role": part.role.value,
                "script": part.script,
                "symbols": sorted(part.symbols),
                "keys": sorted(part.keys),
                "weight": round(part.weight, 4),
                "variants": list(part.variants()) if part.is_name else [],
            }
            for part in name.parts
        ],
        "blocking_keys": sorted(name.keys()),
    }


@names_app.command("analyse")
def analyse_command(
    name: str = typer.Argument(..., help="The name, in any script, or an MRZ name field."),
    culture: str | None = typer.Option(
        None, "--culture", help="Naming culture to apply (see data/cultures.yaml)."
    ),
    nationality: str | None = typer.Option(
        None, "--nationality", help="Nationality (ISO 3166 alpha-3), a hint to the culture."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show a name's parts, roles, Latin readings, equivalence groups, keys and weights."""
    analysed = analyse(name, culture=culture, nationality=nationality)
    if as_json:
        typer.echo(json.dumps(_analysis_dict(analysed), ensure_ascii=False, indent=2))
        return
    console.print(
        f"[bold]{analysed.text}[/]  script {analysed.script}, culture {analysed.culture}, "
        f"Latin: {analysed.latin}",
        highlight=False,
    )
    table = Table("part", "latin", "role", "groups", "keys", "weight", "variants")
    for part in analysed.parts:
        variants = ", ".join(part.variants()[:5]) if part.is_name else ""
        table.add_row(
            part.text,
            part.latin,
            part.role.value,
            ", ".join(sorted(part.symbols)),
            ", ".join(sorted(part.keys)),
            f"{part.weight:.2f}",
            variants,
        )
    console.print(table)
    console.print("blocking keys: " + ", ".join(sorted(analysed.keys())), highlight=False)


@names_app.command("compare")
def compare_command(
    query: str = typer.Argument(..., help="The searched name (e.g. the traveller)."),
    candidate: str = typer.Argument(..., help="The name it is compared with (e.g. a listed name)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Score how likely two names are the same person's name, and explain the score."""
    result = compare(query, candidate)
    if as_json:
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    console.print(
        f"[bold]{result.score:.2f}[/]  {result.query}  ~  {result.candidate}   "
        f"(match {result.quality:.2f} x evidence {result.evidence:.2f})",
        highlight=False,
    )
    table = Table("query", "candidate", "rule", "score", "weight")
    for match in result.matches:
        detail = match.as_dict()
        table.add_row(
            f"{match.query} ({detail['query_latin']})",
            f"{match.candidate} ({detail['candidate_latin']})",
            match.rule.value,
            f"{match.score:.2f}",
            f"{match.weight:.2f}",
        )
    for part in result.unmatched:
        row = (f"{part.part.text}", "-") if part.side == "query" else ("-", f"{part.part.text}")
        table.add_row(*row, "unmatched", "0.00", f"-{part.penalty:.2f}")
    console.print(table)
