"""``filet rules`` (validate, list, import and the approval workflow) and ``filet risk`` (batch
run and the effectiveness and fairness audit)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table

from filet.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from filet.security import Actor
    from filet.store.schema import User

rules_app = typer.Typer(help="Write, check, import and approve risk rules.", no_args_is_help=True)
risk_app = typer.Typer(help="Run risk rules over the store and audit them.", no_args_is_help=True)
console = Console()

USER_OPTION = typer.Option(..., "--user", "-u", help="Your filet username (recorded as the actor).")


def _as_user(session: Session, username: str) -> tuple[User, Actor]:
    from filet.security import Actor, get_user

    user = get_user(session, username)
    return user, Actor(user.id, user.username, user.role, "risk_assessment", None, "cli")


@rules_app.command("validate")
def rules_validate(
    file: Path = typer.Argument(..., help="A rules YAML file.", exists=True, dir_okay=False),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Check every rule of FILE (language, features, guards); exit 1 if any is invalid."""
    from filet.risk import validate_rules

    good, errors = validate_rules(file)
    if as_json:
        payload = {
            "valid": [g.key for g in good],
            "errors": [{"message": e.message, "place": e.place.as_dict()} for e in errors],
        }
        typer.echo(json.dumps(payload, indent=2))
    else:
        for checked in good:
            typer.echo(f"ok       {checked.key}")
        for error in errors:
            typer.echo(f"invalid  {error}")
        typer.echo(f"{len(good)} valid, {len(errors)} invalid")
    raise typer.Exit(1 if errors else 0)


@rules_app.command("list")
def rules_list(
    history: bool = typer.Option(False, "--history", help="Every version, not only the latest."),
    rule: str | None = typer.Option(None, "--rule", help="Only this rule (all its versions)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List the rules in the store with their status, author and approver."""
    from filet.cli.system import _current_sessions
    from filet.risk import list_rules

    with _current_sessions()() as session:
        versions = list_rules(session, history=history, key=rule)
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "rule": v.key,
                        "version": v.version,
                        "title": v.title,
                        "target": v.target,
                        "status": v.status,
                        "author": v.author,
                        "approver": v.approver,
                        "created_at": v.created_at.isoformat(),
                        "definition": v.definition,
                    }
                    for v in versions
                ],
                indent=2,
            )
        )
        return
    table = Table("rule", "version", "status", "target", "title", "author", "approver")
    for v in versions:
        table.add_row(
            v.key, str(v.version), v.status, v.target, v.title, v.author or "", v.approver or ""
        )
    console.print(table)


@rules_app.command("import")
def rules_import(
    file: Path = typer.Argument(..., help="A rules YAML file.", exists=True, dir_okay=False),
    user: str = USER_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Store the rules of FILE as new draft versions (unchanged rules are skipped).

    Nothing is stored if any rule is invalid."""
    from filet.cli.system import _current_sessions
    from filet.risk import import_rules, validate_rules
    from filet.store import transaction

    good, errors = validate_rules(file)
    if errors:
        for error in errors:
            typer.echo(f"invalid  {error}", err=True)
        raise typer.Exit(1)
    with transaction(_current_sessions()) as session:
        author, actor = _as_user(session, user)
        rows = import_rules(session, good, author, actor)
        stored = [(r.rule_key, r.version) for r in rows]
    if as_json:
        typer.echo(json.dumps({"stored": [{"rule": k, "version": v} for k, v in stored]}))
    else:
        for key, version in stored:
            typer.echo(f"draft    {key} v{version}")
        typer.echo(f"{len(stored)} new draft versions, {len(good) - len(stored)} unchanged")


def _transition(name: str, key: str, user: str) -> None:
    from filet.cli.system import _current_sessions
    from filet.risk import activate_rule, approve_rule, retire_rule
    from filet.store import transaction

    action = {"approve": approve_rule, "activate": activate_rule, "retire": retire_rule}[name]
    with transaction(_current_sessions()) as session:
        person, actor = _as_user(session, user)
        row = action(session, key, person, actor)
        typer.echo(f"{row.status:8} {row.rule_key} v{row.version}")


@rules_app.command("approve")
def rules_approve(key: str, user: str = USER_OPTION) -> None:
    """Approve a draft rule (a supervisor other than its author)."""
    _transition("approve", key, user)


@rules_app.command("activate")
def rules_activate(key: str, user: str = USER_OPTION) -> None:
    """Activate an approved rule (needs its DPIA and FRIA references)."""
    _transition("activate", key, user)


@rules_app.command("retire")
def rules_retire(key: str, user: str = USER_OPTION) -> None:
    """Retire a rule (its versions stay for audit)."""
    _transition("retire", key, user)


@risk_app.command("run")
def risk_run(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Assess every booking, traveller and crossing with the active rules (DuckDB) and queue alerts."""
    from filet.cli.system import _engine
    from filet.risk import run_batch
    from filet.security import SYSTEM, record
    from filet.store import require_current_schema, session_factory, transaction

    engine = _engine()
    require_current_schema(engine)
    with transaction(session_factory(engine)) as session:
        summary = run_batch(engine, session, get_settings())
        record(session, SYSTEM, "create", "risk_run", [summary.run_key], summary.__dict__)
    if as_json:
        typer.echo(json.dumps(summary.__dict__, indent=2))
        return
    table = Table("target", "assessed", "rules fired", title=f"run {summary.run_key}")
    for target, count in summary.assessed.items():
        table.add_row(target, str(count), str(summary.flagged[target]))
    console.print(table)
    typer.echo(f"{summary.alerts} risk alerts and {summary.controls} control samples queued")


def _day(value: str | None, option: str) -> dt.datetime | None:
    from filet.errors import InputError, Place

    if value is None:
        return None
    try:
        return dt.datetime.combine(dt.date.fromisoformat(value), dt.time(), dt.UTC)
    except ValueError:
        raise InputError(f"{value!r}: expected a date YYYY-MM-DD", Place(field=option)) from None


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


@risk_app.command("audit")
def risk_audit(
    since: str | None = typer.Option(None, help="First day (YYYY-MM-DD) of assessments."),
    until: str | None = typer.Option(None, help="Day after the last (YYYY-MM-DD)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Effectiveness per rule and fairness per group (selection, DIR, hit rate, FDR, FPR/FNR)."""
    from filet.cli.system import _current_sessions
    from filet.risk import audit

    settings = get_settings()
    with _current_sessions()() as session:
        report = audit(
            session, settings.disclosure_min_cell, _day(since, "since"), _day(until, "until")
        )
    if as_json:
        typer.echo(json.dumps(report.as_json(), indent=2, default=str))
        return
    rules = Table("rule", "hits", "reviewed", "confirmed", "confirmed rate", title="effectiveness")
    for r in [report.ruleset, *report.rules]:
        rules.add_row(
            r.rule, str(r.hits), str(r.reviewed), str(r.confirmed), _fmt(r.confirmed_rate)
        )
    console.print(rules)
    groups = Table(
        "dimension",
        "group",
        "screened",
        "selection",
        "DIR",
        "hit rate",
        "FDR",
        "FPR",
        "FNR",
        title=f"fairness ({report.screened} travellers; groups under {report.min_group} suppressed)",
    )
    for g in report.groups:
        if g.suppressed:
            groups.add_row(g.dimension, g.group, "suppressed", *["" for _ in range(6)])
            continue
        groups.add_row(
            g.dimension,
            g.group,
            str(g.screened),
            _fmt(g.selection_rate),
            _fmt(g.disparate_impact_ratio),
            _fmt(g.hit_rate),
            _fmt(g.false_discovery_rate),
            _fmt(g.false_positive_rate),
            _fmt(g.false_negative_rate),
        )
    console.print(groups)
    for warning in report.warnings:
        typer.echo(f"warning: {warning}")


@risk_app.command("evaluate")
def risk_evaluate(
    truth: Path = typer.Argument(
        ..., help="The truth/ folder of a synthetic world.", exists=True, file_okay=False
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Precision and recall of flagged bookings and travellers against synthetic ground truth."""
    from filet.cli.system import _current_sessions
    from filet.risk import detections_as_json, evaluate_against_truth

    with _current_sessions()() as session:
        found = evaluate_against_truth(session, truth)
    if as_json:
        typer.echo(json.dumps(detections_as_json(found), indent=2))
        return
    table = Table("target", "positives", "flagged", "true positives", "precision", "recall")
    for name, d in found.items():
        table.add_row(
            name,
            str(d.positives),
            str(d.flagged),
            str(d.true_positives),
            _fmt(d.precision),
            _fmt(d.recall),
        )
    console.print(table)
