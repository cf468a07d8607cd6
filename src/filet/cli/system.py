"""Commands to run filet itself: configuration, database, users, audit, the web server, the demo."""

from __future__ import annotations

import json
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from filet.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

console = Console()

config_app = typer.Typer(help="Show the effective configuration.", no_args_is_help=True)
db_app = typer.Typer(help="Create and upgrade the operational store.", no_args_is_help=True)
users_app = typer.Typer(help="Manage local users and their roles.", no_args_is_help=True)
audit_app = typer.Typer(help="Check the audit log.", no_args_is_help=True)


def _engine() -> Engine:
    from filet.store import make_engine

    return make_engine(get_settings().effective_database_url)


def _current_sessions() -> sessionmaker[Session]:
    """A session factory on the configured store, refusing an out-of-date schema."""
    from filet.store import require_current_schema, session_factory

    engine = _engine()
    require_current_schema(engine)
    return session_factory(engine)


@config_app.command("show")
def config_show(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Print the effective settings (from FILET_* variables and defaults), secrets hidden."""
    values = get_settings().shown()
    if as_json:
        typer.echo(json.dumps(values, indent=2))
        return
    table = Table("setting", "value", "variable")
    for name, value in values.items():
        table.add_row(name, str(value), f"FILET_{name.upper()}")
    console.print(table)


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Create the store or apply pending migrations."""
    from filet.store import current_revision, upgrade

    engine = _engine()
    before = current_revision(engine)
    upgrade(engine, revision)
    after = current_revision(engine)
    shown = engine.url.render_as_string(hide_password=True)
    typer.echo(f"{shown}: schema {before or '(none)'} -> {after}")


@db_app.command("current")
def db_current() -> None:
    """Print the store's schema revision and the one this code needs."""
    from filet.store import current_revision, head_revision

    typer.echo(f"current {current_revision(_engine()) or '(none)'}, needed {head_revision()}")


@users_app.command("add")
def users_add(
    username: str,
    role: str = typer.Option(..., "--role", help="One of the roles in security/data/roles.yaml."),
    name: str = typer.Option("", "--name", help="Display name."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input."
    ),
) -> None:
    """Create a user. Without --password-stdin a password is generated and printed once."""
    from filet.security import create_user
    from filet.store import transaction

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
        generated = False
    else:
        password = secrets.token_urlsafe(12)
        generated = True
    with transaction(_current_sessions()) as session:
        create_user(session, username, role, password, name)
    typer.echo(f"created {username} ({role})")
    if generated:
        typer.echo(f"password (shown once): {password}")


@users_app.command("list")
def users_list(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List users with their role and state."""
    from sqlalchemy import select

    from filet.store.schema import User

    with _current_sessions()() as session:
        users = session.execute(select(User).order_by(User.username)).scalars().all()
    rows = [
        {
            "username": u.username,
            "role": u.role,
            "active": u.active,
            "locked_until": u.locked_until.isoformat() if u.locked_until else None,
            "last_login_at": u.last_login_at.isoformat() if u.last_login_at else None,
        }
        for u in users
    ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table("username", "role", "active", "locked until", "last login")
    for row in rows:
        table.add_row(
            str(row["username"]),
            str(row["role"]),
            "yes" if row["active"] else "no",
            str(row["locked_until"] or ""),
            str(row["last_login_at"] or ""),
        )
    console.print(table)


@users_app.command("disable")
def users_disable(username: str) -> None:
    """Disable a user and end their sessions and tokens."""
    from filet.security import set_active
    from filet.store import transaction

    with transaction(_current_sessions()) as session:
        set_active(session, username, False)
    typer.echo(f"disabled {username}")


@audit_app.command("verify")
def audit_verify(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Check the audit hash chain; exit 1 and name the events when anything was altered or removed."""
    from filet.security import verify_chain

    with _current_sessions()() as session:
        problems = verify_chain(session)
        from sqlalchemy import func, select

        from filet.store.schema import AuditEvent

        count = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "events": count,
                    "intact": not problems,
                    "problems": [{"seq": p.seq, "problem": p.problem} for p in problems],
                },
                indent=2,
            )
        )
    elif problems:
        for p in problems:
            typer.echo(f"event {p.seq}: {p.problem}", err=True)
        typer.echo(f"audit log BROKEN: {len(problems)} problem(s) in {count} events", err=True)
    else:
        typer.echo(f"audit log intact: {count} events")
    if problems:
        raise typer.Exit(1)


def serve(
    host: str = typer.Option(None, help="Address to listen on (default FILET_HOST)."),
    port: int = typer.Option(None, help="Port (default FILET_PORT)."),
    reload: bool = typer.Option(False, help="Reload on code changes (development)."),
) -> None:
    """Serve the web app and API (OpenAPI at /api/docs)."""
    import uvicorn

    settings = get_settings()
    _current_sessions()
    uvicorn.run(
        "filet.web:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        reload=reload,
    )


DEMO_USERS = {
    "officer": ("border_officer", "Amina Officer"),
    "analyst": ("analyst", "Karim Analyst"),
    "investigator": ("investigator", "Sara Investigator"),
    "supervisor": ("supervisor", "Jean Supervisor"),
    "protection": ("protection_officer", "Hiwet Protection"),
    "researcher": ("researcher", "Lena Researcher"),
    "admin": ("admin", "Omar Admin"),
    "auditor": ("auditor", "Mei Auditor"),
}


def demo(
    credentials: Path = typer.Option(
        None, help="Also write the demo users' passwords to this file (mode 600)."
    ),
    scenario: str = typer.Option("laptop", help="Synthetic world scenario (name or YAML file)."),
    seed: int = typer.Option(2026, help="Seed of the synthetic world."),
    travellers: int = typer.Option(
        20000, help="Travellers in the world (the laptop scenario's full size)."
    ),
    world: Path = typer.Option(
        None, help="Folder of the synthetic world (default DATA_DIR/demo-world)."
    ),
    data: bool = typer.Option(True, help="Generate and load the synthetic world."),
) -> None:
    """Prepare a demo store: schema, one user per role (passwords printed once), and a synthetic
    world loaded through the normal ingestion paths, then analysed."""
    from sqlalchemy import select

    from filet.pipeline import Step, demo_steps, run_steps
    from filet.security import create_user, set_password
    from filet.store import session_factory, transaction, upgrade
    from filet.store.schema import User

    engine = _engine()
    upgrade(engine)
    factory = session_factory(engine)
    table = Table("username", "role", "password", title="demo users (passwords shown once)")
    lines = []
    with transaction(factory) as session:
        for username, (role, name) in DEMO_USERS.items():
            password = secrets.token_urlsafe(9)
            exists = session.execute(
                select(User).where(User.username == username)
            ).scalar_one_or_none()
            if exists is None:
                create_user(session, username, role, password, name)
            else:
                set_password(session, username, password)
            table.add_row(username, role, password)
            lines.append(f"{username}\t{role}\t{password}")
    console.print(table)
    if credentials is not None:
        credentials.parent.mkdir(parents=True, exist_ok=True)
        credentials.write_text("\n".join(lines) + "\n")
        credentials.chmod(0o600)
    if not data:
        return
    folder = world or get_settings().data_dir / "demo-world"
    steps = []
    if not (folder / "manifest.json").exists():
        steps.append(
            Step(
                f"synthetic world ({scenario}, seed {seed})",
                [
                    "synth",
                    "--scenario",
                    scenario,
                    "--seed",
                    str(seed),
                    "--travellers",
                    str(travellers),
                    "--out",
                    str(folder),
                ],
            )
        )
    run_steps(steps, console.print)
    from filet.risk import list_rules

    with factory() as session:
        rule_status = {rule.key: rule.status for rule in list_rules(session)}
    run_steps(
        demo_steps(folder, author="analyst", approver="supervisor", rule_status=rule_status),
        console.print,
    )
    console.print(
        f"demo ready: the world is in {folder}, its truth in {folder / 'truth'} "
        f"(try `filet evaluate --truth {folder / 'truth'}`)"
    )
