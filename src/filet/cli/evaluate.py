"""`filet evaluate`: precision and recall of every detector against a synthetic world's truth."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

console = Console()


def _fmt(value: Any) -> str:
    return "–" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def evaluate(
    truth: Path = typer.Option(..., "--truth", help="The truth/ folder written by filet synth."),
    detector: list[str] = typer.Option(None, "--detector", help="Only these (repeatable)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Compare what filet concluded (in the store) with the synthetic truth."""
    from filet.cli.system import _current_sessions
    from filet.evaluation import evaluate as run

    with _current_sessions()() as session:
        result = run(session, truth, detector or None)
    if as_json:
        typer.echo(json.dumps(result, indent=2, default=str))
        return
    table = Table("detector", "measure", "precision", "recall", "F1", title="filet evaluate")
    if "identity" in result:
        identity = result["identity"]
        for level in ("pairwise", "cluster"):
            s = identity[level]
            table.add_row("identity", level, _fmt(s["precision"]), _fmt(s["recall"]), _fmt(s["f1"]))
        for attribute, groups in identity["breakdowns"].items():
            for group, scores in groups.items():
                s = scores["pairwise"]
                table.add_row(
                    "",
                    f"pairwise · {attribute} {group}",
                    _fmt(s["precision"]),
                    _fmt(s["recall"]),
                    _fmt(s["f1"]),
                )
    if "screening" in result:
        s = result["screening"]
        table.add_row(
            "screening", f"{s['hits']} hits", _fmt(s["precision"]), _fmt(s["recall"]), _fmt(s["f1"])
        )
    for name, s in result.get("risk", {}).items():
        table.add_row(
            "risk", f"flagged {name}", _fmt(s["precision"]), _fmt(s["recall"]), _fmt(s["f1"])
        )
    if "network" in result:
        n = result["network"]
        table.add_row(
            "network",
            f"{n['rings']} rings",
            _fmt(n["ring_precision"]),
            _fmt(n["ring_recall"]),
            _fmt(n["ring_f1"]),
        )
        table.add_row(
            "", f"facilitator precision at {n['k']}", _fmt(n["facilitator_precision_at_k"]), "", ""
        )
        table.add_row(
            "",
            "smuggled migrants among ranked facilitators (target 0)",
            _fmt(n["migrants_ranked_as_facilitators"]),
            "",
            "",
        )
    for group in result.get("protection", {}).get("groups", []):
        if group["suppressed"]:
            continue
        table.add_row(
            "protection",
            f"recall · {group['dimension']} {group['group']}",
            "",
            _fmt(group["recall"]),
            "",
        )
    console.print(table)
    console.print(f"store records mapped to the truth: {result['records_mapped']}")
