"""``filet document parse`` and ``filet document make`` through Typer's runner and the console-script
entry point."""

from __future__ import annotations

import json
import sys

import pytest
from typer.testing import CliRunner

from filet.cli import _register, app, main
from filet.errors import InputError
from tests.documents import specimens

_register()
runner = CliRunner()


def test_parse_valid_specimen_prints_json_and_exits_0() -> None:
    result = runner.invoke(
        app, ["document", "parse", *specimens.TD3, "--specimen", "--today", "2026-11-28", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["valid"] is True
    assert data["document"]["document_number"] == "L898902C3"
    assert data["validity"]["status"] == "expired"


def test_parse_invalid_mrz_still_prints_json_and_exits_1() -> None:
    damaged = specimens.TD3[1][:19] + "3" + specimens.TD3[1][20:]
    result = runner.invoke(
        app,
        ["document", "parse", specimens.TD3[0], damaged, "--specimen", "--json", "--no-correct"],
    )
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["valid"] is False
    assert {"line": 2, "position": 20, "field": "birth_date_check"}.items() <= data["problems"][
        0
    ].items()


def test_parse_table_output_shows_corrections_and_problems() -> None:
    damaged = specimens.TD3[1][:15] + "O" + specimens.TD3[1][16:]
    result = runner.invoke(
        app, ["document", "parse", specimens.TD3[0], damaged, "--today", "2026-11-28"]
    )
    assert result.exit_code == 1
    assert "OCR corrections" in result.output
    assert "specimen" in result.output
    assert "birth_date" in result.output


def test_make_prints_the_specimen_mrz() -> None:
    result = runner.invoke(
        app,
        [
            "document",
            "make",
            "--type",
            "TD3",
            "--country",
            "UTO",
            "--surname",
            "Eriksson",
            "--given-names",
            "Anna María",
            "--number",
            "L898902C3",
            "--nationality",
            "UTO",
            "--birth-date",
            "1974-08-12",
            "--sex",
            "F",
            "--expiry-date",
            "2012-04-15",
            "--optional",
            "ZE184226B",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == list(specimens.TD3)


def test_make_td1_with_unknown_birth_date_as_json() -> None:
    result = runner.invoke(
        app,
        [
            "document",
            "make",
            "--type",
            "TD1",
            "--country",
            "XXA",
            "--surname",
            "Haile",
            "--number",
            "X1234567",
            "--nationality",
            "ERI",
            "--birth-date",
            "90XXXX",
            "--expiry-date",
            "2030-01-31",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    lines = json.loads(result.stdout)["lines"]
    assert len(lines) == 3
    assert lines[1].startswith("90XXXX")


def run_main(args: list[str], monkeypatch: pytest.MonkeyPatch) -> int:
    """Run the ``filet`` console-script entry point in-process; returns its exit status."""
    monkeypatch.setattr(sys, "argv", ["filet", *args])
    with pytest.raises(SystemExit) as stopped:
        main()
        raise SystemExit(0)
    return int(stopped.value.code or 0)


def test_console_script_exit_codes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_main(["document", "parse", *specimens.TD1, "--specimen", "--json"], monkeypatch) == 0
    assert json.loads(capsys.readouterr().out)["valid"] is True
    assert run_main(["document", "parse", *specimens.TD1, "--json"], monkeypatch) == 1
    assert json.loads(capsys.readouterr().out)["valid"] is False
    assert run_main(["document", "parse", "P<UTOERIKSSON"], monkeypatch) == 2
    assert "line 1, position 14" in capsys.readouterr().err


def test_make_refuses_an_unknown_country_naming_the_field() -> None:
    result = runner.invoke(
        app,
        [
            "document",
            "make",
            "--type",
            "TD3",
            "--country",
            "XYZ",
            "--surname",
            "A",
            "--number",
            "1",
            "--nationality",
            "DEU",
            "--birth-date",
            "1990-01-01",
            "--expiry-date",
            "2030-01-01",
        ],
    )
    assert isinstance(result.exception, InputError)
    assert result.exception.place.field == "issuing_state"


def test_parse_reads_standard_input() -> None:
    result = runner.invoke(
        app,
        ["document", "parse", "-", "--specimen", "--json"],
        input="\n".join(specimens.MRV_B) + "\n",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["format"] == "MRV-B"
