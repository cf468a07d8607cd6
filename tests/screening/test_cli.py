"""``filet screen`` (files in, hits CSV out) and ``filet watchlists import|list``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from filet.cli import screening, system
from filet.settings import get_settings

runner = CliRunner()
app = typer.Typer()
app.command("screen")(screening.screen)
app.add_typer(screening.watchlists_app, name="watchlists")
app.add_typer(system.db_app, name="db")

WATCHLIST = """id,name,aliases,birth_date,nationality,sex,document_number,list,reason
W1,محمد عبد الرحمن,Abu Khalid,1980-03-04,SDN,M,,national,facilitator
W2,ተስፋዬ ገብረመድህን,,1975,ERI,M,P1234567,national,organiser
"""
NOTICES = {
    "notices": [
        {
            "entity_id": "2024/1",
            "forename": "OLENA",
            "name": "SHEVCHENKO",
            "date_of_birth": "1990",
            "sex_id": "F",
        }
    ]
}
TRAVELLERS = """id,surname,given_names,full_name,birth_date,nationality,sex,document_number
T1,ABDELRAHMAN,MOHAMED,,1980-04-03,SDN,M,
T2,,,Tesfay Gebremedhin,1975-01-01,ERI,M,
T3,,,Елена Шевченко,1990-07-01,UKR,F,
T4,NOVAK,PETR,,1980-03-04,CZE,M,
T5,SMITH,JOHN,,,,,p 1234567
"""


def _files(tmp_path: Path) -> tuple[Path, Path, Path]:
    listed = tmp_path / "list.csv"
    listed.write_text(WATCHLIST, encoding="utf-8")
    notices = tmp_path / "notices.json"
    notices.write_text(json.dumps(NOTICES), encoding="utf-8")
    travellers = tmp_path / "travellers.csv"
    travellers.write_text(TRAVELLERS, encoding="utf-8")
    return listed, notices, travellers


def test_screen_writes_hits_with_explanations(tmp_path: Path) -> None:
    listed, notices, travellers = _files(tmp_path)
    out = tmp_path / "hits.csv"
    result = runner.invoke(
        app,
        [
            "screen",
            "--watchlist",
            str(listed),
            "--watchlist",
            str(notices),
            "--input",
            str(travellers),
            "--out",
            str(out),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["hits"] == 4
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert list(rows[0]) == ["traveller_id", "entry_id", "list", "score", "band", "explanation"]
    found = {(r["traveller_id"], r["entry_id"], r["list"]) for r in rows}
    assert found == {
        ("T1", "W1", "national"),
        ("T2", "W2", "national"),
        ("T3", "2024/1", "interpol"),
        ("T5", "W2", "national"),
    }
    t5 = next(r for r in rows if r["traveller_id"] == "T5")
    assert "same document number" in t5["explanation"]
    strict = runner.invoke(
        app,
        [
            "screen",
            "--watchlist",
            str(listed),
            "--input",
            str(travellers),
            "--out",
            str(out),
            "--threshold",
            "0.95",
        ],
    )
    assert strict.exit_code == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1


def test_screen_reports_bad_input_with_its_place(tmp_path: Path) -> None:
    listed, _, travellers = _files(tmp_path)
    travellers.write_text("id,surname,given_names,birth_date\nT1,,,1980\n", encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "screen",
            "--watchlist",
            str(listed),
            "--input",
            str(travellers),
            "--out",
            str(tmp_path / "h.csv"),
        ],
    )
    assert result.exit_code != 0
    assert isinstance(result.exception, Exception) and "line 2" in str(result.exception)


def test_watchlists_import_and_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    listed, notices, _ = _files(tmp_path)
    monkeypatch.setenv("FILET_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("FILET_DATABASE_URL", "")
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    first = runner.invoke(app, ["watchlists", "import", str(listed), str(notices), "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.output) == {
        "national": {"added": 2, "updated": 0, "unchanged": 0},
        "interpol": {"added": 1, "updated": 0, "unchanged": 0},
    }
    again = runner.invoke(app, ["watchlists", "import", str(listed), "--format", "csv", "--json"])
    assert json.loads(again.output) == {"national": {"added": 0, "updated": 0, "unchanged": 2}}
    listing = runner.invoke(app, ["watchlists", "list", "--json"])
    assert {w["name"]: w["entries"] for w in json.loads(listing.output)} == {
        "interpol": 1,
        "national": 2,
    }
    get_settings.cache_clear()
