"""`filet retention run`: mask and delete passenger data by the retention rules."""

from __future__ import annotations

import datetime as dt
import json

import typer

retention_app = typer.Typer(
    help="Retention of passenger data (masking and deletion).", no_args_is_help=True
)


@retention_app.command("run")
def retention_run(
    now: str = typer.Option(None, "--now", help="Run as of this date (YYYY-MM-DD); default now."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Mask API/PNR data older than FILET_PNR_MASK_AFTER_DAYS, delete what is older than
    FILET_PNR_DELETE_AFTER_DAYS (the server also runs this daily)."""
    from filet.cli.system import _current_sessions
    from filet.errors import InputError, Place
    from filet.passenger import run_retention
    from filet.security import SYSTEM
    from filet.settings import get_settings
    from filet.store import transaction

    when = None
    if now:
        try:
            when = dt.datetime.combine(dt.date.fromisoformat(now), dt.time(), dt.UTC)
        except ValueError:
            raise InputError(
                f"--now must be YYYY-MM-DD, found {now!r}", Place(field="--now")
            ) from None
    with transaction(_current_sessions()) as session:
        report = run_retention(session, get_settings(), SYSTEM, when)
    values = report.as_dict()
    if as_json:
        typer.echo(json.dumps(values, indent=2))
    else:
        typer.echo(
            f"as of {values['now']}: masked {report.masked_bookings} bookings and "
            f"{report.masked_api_travellers} API travellers; deleted {report.deleted_bookings} "
            f"bookings, {report.deleted_api_travellers} API travellers, "
            f"{report.deleted_messages} messages"
        )
