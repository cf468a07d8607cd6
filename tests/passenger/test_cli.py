"""`filet passenger parse`: files in, JSON or tables out, nothing stored."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from filet.cli.passenger import passenger_app

MESSAGES = Path(__file__).parent / "messages"
runner = CliRunner()


def test_parse_paxlst_as_json() -> None:
    result = runner.invoke(
        passenger_app, ["parse", str(MESSAGES / "paxlst_d05b_two_parts.edi"), "--json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["format"] == "paxlst"
    [manifest] = document["manifests"]
    assert manifest["flight"]["carrier"] == "LH"
    assert manifest["flight"]["number"] == "0400"
    assert manifest["part_numbers"] == [1, 2]
    assert [t["name"]["surname"] for t in manifest["travellers"]] == ["HADDAD"] * 2 + ["NGUYEN"]
    assert document["pnr_messages"] == []


def test_parse_pnrgov_and_crossings_tables() -> None:
    result = runner.invoke(passenger_app, ["parse", str(MESSAGES / "pnrgov_13_1_two_bookings.edi")])
    assert result.exit_code == 0, result.output
    assert "MFN4TI" in result.stdout
    assert "B6E593" in result.stdout
    result = runner.invoke(passenger_app, ["parse", str(MESSAGES / "crossings.csv")])
    assert result.exit_code == 0, result.output
    assert "MKD-TAB" in result.stdout


def test_detect() -> None:
    result = runner.invoke(passenger_app, ["detect", str(MESSAGES / "crossings.csv")])
    assert result.stdout.strip() == "crossing-csv"


def test_broken_message_gives_one_line_naming_file_and_segment(tmp_path: Path) -> None:
    broken = tmp_path / "broken.edi"
    text = (MESSAGES / "pnrgov_13_1_two_bookings.edi").read_text()
    broken.write_text(text.replace("UNT+68+1'", "UNT+67+1'"))
    env = {**os.environ, "FILET_DATA_DIR": str(tmp_path), "FILET_DATABASE_URL": ""}
    result = subprocess.run(
        [sys.executable, "-m", "filet", "passenger", "parse", str(broken), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "broken.edi, segment 70, UNT" in result.stderr
    assert result.stdout == ""
    assert [p.name for p in tmp_path.iterdir()] == ["broken.edi"]  # nothing stored
