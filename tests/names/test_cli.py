"""``filet names analyse`` and ``filet names compare``: tables for people, JSON for machines."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from filet.cli.names import names_app

runner = CliRunner()


def test_compare_json() -> None:
    result = runner.invoke(
        names_app, ["compare", "محمد عبد الرحمن", "Mohamed Abdelrahman", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["score"] >= 0.8
    assert [match["rule"] for match in data["matches"]] == ["equivalence", "equivalence"]
    assert data["matches"][0]["query_latin"] == "muhammad"


def test_compare_table() -> None:
    result = runner.invoke(names_app, ["compare", "Tesfaye Gebre Medhin", "ተስፋዬ ገብረመድህን"])
    assert result.exit_code == 0, result.output
    assert "transliteration" in result.output
    assert "ተስፋዬ" in result.output


def test_analyse_json() -> None:
    result = runner.invoke(names_app, ["analyse", "Abd al-Rahman bin Khalid", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["culture"] == "arab"
    assert [part["role"] for part in data["parts"]] == ["given", "particle", "patronymic"]
    assert "g:abdulrahman" in data["blocking_keys"]


def test_analyse_table_with_culture_option() -> None:
    result = runner.invoke(names_app, ["analyse", "Ali Hassan Farah", "--culture", "somali"])
    assert result.exit_code == 0, result.output
    assert "grandfather" in result.output


def test_analyse_with_nationality_hint() -> None:
    result = runner.invoke(
        names_app, ["analyse", "Hussein Ali Farah", "--nationality", "SOM", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["culture"] == "somali"


def test_unknown_culture_is_reported() -> None:
    result = runner.invoke(names_app, ["analyse", "Ali", "--culture", "martian"])
    assert result.exit_code != 0
    assert "unknown name culture" in str(result.exception)
