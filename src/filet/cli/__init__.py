"""The ``filet`` command: one Typer app with a sub-command group per capability.

Each capability keeps its commands in ``filet/cli/<capability>.py``; this module only assembles
them and turns :class:`filet.errors.FiletError` into one clear line and a non-zero exit.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from filet import __version__
from filet.errors import FiletError

app = typer.Typer(
    name="filet",
    help="filet: dismantle migrant-smuggling networks, protect the migrants they smuggle.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err_console = Console(stderr=True)


@app.command()
def version() -> None:
    """Print filet's version."""
    typer.echo(__version__)


def _register() -> None:
    """Attach every capability's commands (imported here so `filet --help` lists them all)."""
    from filet.cli import commands

    commands.register(app)


def main() -> None:
    """Entry point of the ``filet`` console script."""
    _register()
    try:
        outcome = app(standalone_mode=False)
    except FiletError as error:
        err_console.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except typer.Exit as stop:
        sys.exit(stop.exit_code)
    except typer.Abort:
        err_console.print("aborted")
        sys.exit(1)
    except SystemExit:
        raise
    except Exception as error:  # click usage errors and the like
        import click

        if isinstance(error, click.ClickException):
            error.show()
            sys.exit(error.exit_code)
        raise
    if isinstance(outcome, int) and outcome:
        sys.exit(outcome)
