"""The list of command groups: one line per capability."""

from __future__ import annotations

import typer

from filet.cli import (
    border,
    documents,
    evaluate,
    identity,
    ingest,
    names,
    passenger,
    research,
    retention,
    risk,
    screening,
    synth,
    system,
)
from filet.cli.cases import cases_app, debrief
from filet.cli.network import intelligence_app, network_app
from filet.cli.protection import protection_app


def register(app: typer.Typer) -> None:
    """Add each capability's commands to the main app."""
    app.add_typer(system.config_app, name="config")
    app.add_typer(system.db_app, name="db")
    app.add_typer(system.users_app, name="users")
    app.add_typer(system.audit_app, name="audit")
    app.command("serve")(system.serve)
    app.command("demo")(system.demo)
    app.add_typer(passenger.passenger_app, name="passenger")
    app.add_typer(documents.document_app, name="document")
    app.command("synth")(synth.synth)
    app.add_typer(names.names_app, name="names")
    app.add_typer(risk.rules_app, name="rules")
    app.add_typer(risk.risk_app, name="risk")
    app.command("ingest")(ingest.ingest)
    app.add_typer(ingest.points_app, name="crossing-points")
    app.add_typer(retention.retention_app, name="retention")
    app.command("resolve")(identity.resolve)
    app.command("stats")(research.stats)
    app.add_typer(research.release_app, name="release")
    app.add_typer(research.report_app, name="report")
    app.add_typer(research.incidents_app, name="incidents")
    app.add_typer(protection_app, name="protection")
    app.command("screen")(screening.screen)
    app.add_typer(screening.watchlists_app, name="watchlists")
    app.add_typer(border.documents_app, name="documents")
    app.command("check")(border.check)
    app.add_typer(border.crossings_app, name="crossings")
    app.add_typer(network_app, name="network")
    intelligence_app.command("debrief")(debrief)
    app.add_typer(intelligence_app, name="intelligence")
    app.add_typer(cases_app, name="cases")
    app.command("evaluate")(evaluate.evaluate)
