"""``filet stats``, ``filet release``, ``filet report`` and ``filet incidents``: disclosure-controlled
statistics, recorded releases, the risk-analysis report and Missing Migrants Project incidents."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from filet.errors import InputError, Place
from filet.settings import get_settings

console = Console()

release_app = typer.Typer(
    help="Build, record, list and export statistics releases.", no_args_is_help=True
)
report_app = typer.Typer(help="Strategic reports.", no_args_is_help=True)
incidents_app = typer.Typer(
    help="Incidents of death and disappearance (IOM Missing Migrants Project).",
    no_args_is_help=True,
)

FROM = typer.Option(None, "--from", help="First day (YYYY-MM-DD).")
TO = typer.Option(None, "--to", help="Last day (YYYY-MM-DD).")


def _sessions() -> Any:
    from filet.store import make_engine, require_current_schema, session_factory

    engine = make_engine(get_settings().effective_database_url)
    require_current_schema(engine)
    return session_factory(engine)


def _day(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(
            f"expected a day like 2025-01-31, found {value!r}", Place(field=option)
        ) from None


def _period(start: str | None, end: str | None) -> Any:
    from filet.research import Period

    return Period(_day(start, "--from"), _day(end, "--to"))


def _dims(by: str) -> list[str]:
    return [d.strip() for d in by.split(",") if d.strip()]


def _print_cells(rows: list[dict[str, Any]], title: str) -> None:
    if not rows:
        console.print("no cells")
        return
    table = Table(title=title)
    for column in rows[0]:
        table.add_column(column)
    for row in rows:
        table.add_row(*("·" if v is None else str(v) for v in row.values()))
    console.print(table)


def _write(data: bytes, out: Path | None) -> None:
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        out.write_bytes(data)


def stats(
    topic: str = typer.Argument(
        ...,
        help="Topic: crossings, refusals, fraudulent_documents, facilitators, fees, deaths_missing, referrals, cases.",
    ),
    by: str = typer.Option(
        "", "--by", help="Dimensions, comma-separated (e.g. nationality,month)."
    ),
    start: str | None = FROM,
    end: str | None = TO,
    fmt: str = typer.Option("table", "--format", help="table, csv, json or parquet."),
    out: Path | None = typer.Option(None, "--out", help="Write to this file (parquet needs it)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (same as --format json)."),
) -> None:
    """Print what would be released: disclosure control applied, suppressed cells marked."""
    from filet.research import compute, export

    settings = get_settings()
    with _sessions()() as session:
        table = compute(session, topic, _dims(by), _period(start, end), settings)
    fmt = "json" if as_json else fmt
    if fmt == "table":
        short = {
            "published": "",
            "suppressed_primary": "primary",
            "suppressed_secondary": "complementary",
        }
        rows = [
            {
                **{k: v for k, v in row.items() if k not in ("status", "reason")},
                "suppressed": short[row["status"]],
            }
            for row in table.rows()
        ]
        _print_cells(rows, f"{table.topic.title} ({table.topic.measure})")
        console.print(
            f"minimum cell {table.parameters['min_cell']}, rounded to {table.parameters['rounding_base']}; "
            f"suppressed: {table.parameters['suppressed_primary']} primary, "
            f"{table.parameters['suppressed_secondary']} complementary"
        )
        return
    if fmt == "parquet" and out is None:
        raise InputError("parquet output needs --out FILE", Place(field="--out"))
    _write(export(table.as_dict(), table.parameters, fmt), out)


@release_app.command("build")
def release_build(
    topic: str = typer.Argument(..., help="Topic to release."),
    by: str = typer.Option("", "--by", help="Dimensions, comma-separated."),
    start: str | None = FROM,
    end: str | None = TO,
    epsilon: float | None = typer.Option(
        None, "--epsilon", help="Add differentially private noise with this epsilon."
    ),
    delta: float = typer.Option(0.0, "--delta", help="Delta (Gaussian mechanism only)."),
    mechanism: str = typer.Option("laplace", "--mechanism", help="laplace or gaussian."),
    min_cell: int | None = typer.Option(None, "--min-cell", help="Raise the minimum cell size."),
    rounding: int | None = typer.Option(None, "--rounding", help="Rounding base."),
    recipient: str | None = typer.Option(
        None, "--recipient", help="State or agency the release is shared with."
    ),
    note: str = typer.Option("", "--note", help="Why the release is made."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Build a release, record it with its parameters (and spend privacy budget), print it."""
    from filet.research import NoiseSpec, release
    from filet.security import SYSTEM
    from filet.store import transaction

    noise = NoiseSpec(epsilon, delta, mechanism) if epsilon is not None else None
    with transaction(_sessions()) as session:
        row = release(
            session,
            topic,
            _dims(by),
            _period(start, end),
            get_settings(),
            SYSTEM,
            noise=noise,
            min_cell=min_cell,
            rounding_base=rounding,
            recipient=recipient,
            note=note,
        )
        summary = {
            "reference": row.reference,
            "topic": row.topic,
            "epsilon": row.epsilon,
            "delta": row.delta,
            "parameters": row.parameters,
        }
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        console.print(f"recorded release [bold]{summary['reference']}[/] ({summary['topic']})")


@release_app.command("list")
def release_list(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Recorded releases, newest first."""
    from filet.research import releases

    with _sessions()() as session:
        rows = [
            {
                "reference": r.reference,
                "created_at": r.created_at.isoformat(timespec="seconds"),
                "topic": r.topic,
                "dimensions": ",".join(r.parameters.get("dimensions", [])),
                "epsilon": r.epsilon,
                "delta": r.delta,
                "recipient": r.parameters.get("recipient"),
            }
            for r in releases(session)
        ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
    else:
        _print_cells(rows, "Releases")


@release_app.command("export")
def release_export(
    reference: str = typer.Argument(..., help="Release reference (REL-...)."),
    fmt: str = typer.Option("csv", "--format", help="csv, json or parquet."),
    out: Path | None = typer.Option(None, "--out", help="Write to this file."),
) -> None:
    """Export a recorded release (non-nominal, with its parameters)."""
    from filet.research import export, find_release

    with _sessions()() as session:
        row = find_release(session, reference)
        data = export(row.output, {"reference": row.reference, **row.parameters}, fmt)
    _write(data, out)


@release_app.command("budgets")
def release_budgets(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Privacy budgets per dataset: total and spent (epsilon, delta)."""
    from sqlalchemy import select

    from filet.store.schema import PrivacyBudget

    with _sessions()() as session:
        rows = [
            {
                "dataset": b.dataset,
                "epsilon_total": b.epsilon_total,
                "epsilon_spent": b.epsilon_spent,
                "delta_total": b.delta_total,
                "delta_spent": b.delta_spent,
            }
            for b in session.scalars(select(PrivacyBudget).order_by(PrivacyBudget.dataset))
        ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
    else:
        _print_cells(rows, "Privacy budgets")


@report_app.command("risk-analysis")
def report_risk_analysis(
    start: str | None = FROM,
    end: str | None = TO,
    out: Path = typer.Option(..., "--out", help="Output file: .pdf or .html."),
) -> None:
    """Strategic risk analysis (CIRAM: threat, vulnerability, impact; routes; modus operandi; outlook)."""
    from filet.research import build_risk_analysis, render_html, render_pdf
    from filet.research._report import record_report
    from filet.security import SYSTEM
    from filet.store import transaction

    with transaction(_sessions()) as session:
        analysis = build_risk_analysis(session, _period(start, end), get_settings())
        if out.suffix.lower() == ".html":
            out.write_text(render_html(analysis), encoding="utf-8")
        else:
            out.write_bytes(render_pdf(analysis))
        row = record_report(session, analysis, SYSTEM, str(out))
        reference = row.reference
    console.print(f"wrote {out} (recorded as {reference})")


@incidents_app.command("import")
def incidents_import(
    path: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="Missing Migrants Project CSV."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Load the Missing Migrants Project's public CSV (CC BY 4.0; attribution kept on each row)."""
    from filet.research import MMP_ATTRIBUTION, import_missing_migrants
    from filet.store import transaction

    with transaction(_sessions()) as session, path.open(encoding="utf-8-sig", newline="") as stream:
        added, updated = import_missing_migrants(session, stream, str(path))
    if as_json:
        typer.echo(json.dumps({"added": added, "updated": updated, "attribution": MMP_ATTRIBUTION}))
    else:
        console.print(f"{added} incidents added, {updated} updated. {MMP_ATTRIBUTION}")


@incidents_app.command("export")
def incidents_export(
    out: Path | None = typer.Option(None, "--out", help="Write to this file (default: stdout)."),
) -> None:
    """Incidents in the Missing Migrants Project's columns (coordinates to 0.1 degree)."""
    from sqlalchemy import select

    from filet.research import export_incidents
    from filet.store.schema import MigrantIncident

    with _sessions()() as session:
        text = export_incidents(
            session.scalars(select(MigrantIncident).order_by(MigrantIncident.id))
        )
    _write(text.encode(), out)
