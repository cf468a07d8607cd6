"""``filet resolve --input RECORDS.csv --out CLUSTERS.csv``: records in, persons out."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from filet.cli.identity import resolve
from filet.errors import InputError
from filet.identity import ModelParameters

app = typer.Typer()
app.command()(resolve)
runner = CliRunner()

RECORDS = """record_id,given_names,surname,full_name,birth_date,sex,nationality,document_number,document_country,phone
r1,Mohammed,Ali,,1990-01-01,M,SYR,,,
r2,Muhammad,Ali,,1990-01-01,M,SYR,,,
r3,,,عبد الرحمن الحسن,1988,,,N009876543,,
r4,ABDULRAHMAN,AL HASSAN,,1988-07-15,M,SYR,N009876543,SYR,
r5,Selam,Tekle,,1996-02-03,F,ERI,,,+251 911 234567
"""


def test_resolve_file_writes_clusters(tmp_path: Path) -> None:
    source = tmp_path / "records.csv"
    source.write_text(RECORDS, encoding="utf-8")
    out = tmp_path / "clusters.csv"
    saved = tmp_path / "parameters.json"
    result = runner.invoke(
        app,
        ["--input", str(source), "--out", str(out), "--json", "--save-parameters", str(saved)],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["persons"] == 4
    with out.open(encoding="utf-8") as handle:
        rows = {row["record_id"]: row for row in csv.DictReader(handle)}
    assert list(rows) == ["r1", "r2", "r3", "r4", "r5"]
    assert rows["r3"]["person_id"] == rows["r4"]["person_id"]
    assert float(rows["r3"]["match_probability"]) > 0.95
    assert rows["r1"]["person_id"] != rows["r2"]["person_id"]
    assert float(rows["r5"]["match_probability"]) == 0.0
    assert ModelParameters.load(saved).levels == ModelParameters.default().levels


def test_unknown_column_is_refused_with_its_place(tmp_path: Path) -> None:
    source = tmp_path / "records.csv"
    source.write_text("record_id,passport\nr1,N1\n", encoding="utf-8")
    result = runner.invoke(app, ["--input", str(source), "--out", str(tmp_path / "o.csv")])
    assert isinstance(result.exception, InputError)
    assert "passport" in str(result.exception)
    assert result.exception.place.field == "passport"


def test_duplicate_record_ids_are_refused(tmp_path: Path) -> None:
    source = tmp_path / "records.csv"
    source.write_text("record_id,full_name\nr1,A B\nr1,C D\n", encoding="utf-8")
    result = runner.invoke(app, ["--input", str(source), "--out", str(tmp_path / "o.csv")])
    assert isinstance(result.exception, InputError)
    assert result.exception.place.line == 3
