"""The `filet` command as a user runs it: a real process, a real store, one-line errors."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

FILET = [sys.executable, "-m", "filet"]


def run(data_dir: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FILET_DATA_DIR": str(data_dir), "FILET_DATABASE_URL": ""}
    return subprocess.run(
        [*FILET, *args], capture_output=True, text=True, env=env, input=stdin, timeout=120
    )


def test_help_lists_every_command_group(tmp_path: Path) -> None:
    result = run(tmp_path, "--help")
    assert result.returncode == 0
    for group in ("config", "db", "users", "audit", "serve", "demo", "version"):
        assert group in result.stdout


def test_a_store_without_schema_gets_one_clear_line(tmp_path: Path) -> None:
    result = run(tmp_path, "users", "list")
    assert result.returncode == 2
    assert "filet db upgrade" in result.stderr
    assert "Traceback" not in result.stderr


def test_users_lifecycle_and_tampering_detected_by_audit_verify(tmp_path: Path) -> None:
    assert run(tmp_path, "db", "upgrade").returncode == 0
    added = run(
        tmp_path,
        "users",
        "add",
        "amina",
        "--role",
        "border_officer",
        "--password-stdin",
        stdin="a long passphrase\n",
    )
    assert added.returncode == 0, added.stderr
    generated = run(tmp_path, "users", "add", "karim", "--role", "analyst")
    assert "password (shown once):" in generated.stdout
    bad_role = run(tmp_path, "users", "add", "x", "--role", "king")
    assert bad_role.returncode == 2 and "unknown role 'king'" in bad_role.stderr
    assert run(tmp_path, "users", "disable", "karim").returncode == 0
    listed = json.loads(run(tmp_path, "users", "list", "--json").stdout)
    assert {(u["username"], u["role"], u["active"]) for u in listed} == {
        ("amina", "border_officer", True),
        ("karim", "analyst", False),
    }
    intact = run(tmp_path, "audit", "verify")
    assert intact.returncode == 0 and "intact: 3 events" in intact.stdout

    with sqlite3.connect(tmp_path / "filet.db") as db:
        db.execute("UPDATE audit_events SET role = 'admin' WHERE seq = 2")
    broken = run(tmp_path, "audit", "verify")
    assert broken.returncode == 1
    assert "event 2: content was altered" in broken.stderr


def test_config_show_hides_secrets(tmp_path: Path) -> None:
    env_secret = {"FILET_SECRET_KEY": "super-secret-value"}
    result = subprocess.run(
        [*FILET, "config", "show", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env_secret, "FILET_DATA_DIR": str(tmp_path)},
    )
    values = json.loads(result.stdout)
    assert values["secret_key"] == "********"
    assert "super-secret-value" not in result.stdout
