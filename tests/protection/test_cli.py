"""`filet protection` as a user runs it (through ``filet.cli.main``, in this process: starting a
Python process per command is slow on a shared machine) on a real store."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from filet.cli import main
from filet.protection import PersonFacts, evaluate_triggers, record_detention
from filet.security import SYSTEM
from filet.settings import get_settings
from filet.store import make_engine, session_factory, transaction
from tests.protection.conftest import T0, add_person


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str


Runner = Callable[..., Outcome]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Runner:
    def invoke(data_dir: Path, *args: str) -> Outcome:
        monkeypatch.setenv("FILET_DATA_DIR", str(data_dir))
        monkeypatch.setenv("FILET_DATABASE_URL", "")
        monkeypatch.setattr(sys, "argv", ["filet", *args])
        get_settings.cache_clear()
        capsys.readouterr()
        try:
            main()
            code = 0
        except SystemExit as stop:
            code = int(stop.code or 0)
        finally:
            get_settings.cache_clear()
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    return invoke


def _store(folder: Path, template: Path) -> Path:
    folder.mkdir()
    (folder / "filet.db").write_bytes(template.read_bytes())
    return folder


def test_export_import_and_the_consular_report(
    run: Runner, tmp_path: Path, migrated_template: Path
) -> None:
    ours = _store(tmp_path / "ours", migrated_template)
    engine = make_engine(f"sqlite:///{ours / 'filet.db'}")
    with transaction(session_factory(engine)) as session:
        person = add_person(
            session, "P-ABDI", "Abdi", "Warsame", "2009", "M", "SOM", "+252 61 5123456"
        )
        (case,) = evaluate_triggers(session, PersonFacts(person, "border_check:3", T0, ransom=True))
        record_detention(session, case, T0 + dt.timedelta(hours=1), SYSTEM)
        reference = case.reference
    engine.dispose()

    report = run(ours, "protection", "detentions-without-consular-notice", "--json")
    assert report.returncode == 1, report.stderr
    assert [row["reference"] for row in json.loads(report.stdout)] == [reference]

    out = tmp_path / "export.json"
    exported = run(ours, "protection", "export", "--format", "htcds", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    document = json.loads(out.read_text())
    assert document["cases"][0]["person"]["prs_MobilePhone"] == "+252615123456"
    assert document["cases"][0]["victim"]["vic_MethodOfRecruitment"] == ["Smuggling, ransom"]

    theirs = _store(tmp_path / "theirs", migrated_template)
    imported = run(theirs, "protection", "import", str(out))
    assert imported.returncode == 0 and "1 cases imported" in imported.stdout, imported.stderr
    again = run(theirs, "protection", "export", "--out", "-")
    assert json.loads(again.stdout)["cases"] == document["cases"]

    refused = run(ours, "protection", "export", "--format", "csv", "--out", str(out))
    assert refused.returncode == 2 and "expected htcds" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_check_questionnaire_names_the_broken_entry(run: Runner, tmp_path: Path) -> None:
    broken = tmp_path / "q.yaml"
    broken.write_text(
        "key: x\ntitle: X\nversion: 1\ndomains:\n  - key: d\n    title: D\n    questions:\n"
        '      - {key: a, text: "A", type: yes_no, when_yes: {fact: teleported}}\n'
    )
    result = run(tmp_path, "protection", "check-questionnaire", str(broken))
    assert result.returncode == 2
    assert "field d.a" in result.stderr and "unknown fact 'teleported'" in result.stderr
    shipped = (
        Path(__file__).parents[2] / "src/filet/protection/data/questionnaires/unhcr_idc_2016.yaml"
    )
    ok = run(tmp_path, "protection", "check-questionnaire", str(shipped))
    assert ok.returncode == 0 and "protection_needs: 9 questions" in ok.stdout
