"""`filet documents import-alerts`, `filet check` and `filet crossings` as a person runs them
(the real entry point, in this process, on a store in a temporary folder)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from filet.cli import main
from filet.settings import get_settings
from filet.store import make_engine, upgrade
from tests.border.conftest import passport


@pytest.fixture
def filet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FILET_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("FILET_DATABASE_URL", "")
    get_settings.cache_clear()
    engine = make_engine(get_settings().effective_database_url)
    upgrade(engine)
    engine.dispose()

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["filet", *args])
        try:
            main()
            code = 0
        except SystemExit as stop:
            code = int(stop.code or 0)
        out = capsys.readouterr()
        return code, out.out, out.err

    yield run
    get_settings.cache_clear()


def test_import_alerts_then_check(filet, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    alerts = tmp_path / "alerts.csv"
    alerts.write_text(
        "issuing_state,document_number,document_type,status,reported_date,source,number_to\n"
        "D,C4000100,P,stolen_blank,2024-05-01,BKA,C4000999\n"
        "D,C01X00T47,P,stolen,2025-11-02,BKA,\n",
        encoding="utf-8",
    )
    code, out, _ = filet("documents", "import-alerts", str(alerts), "--json")
    assert code == 0 and json.loads(out) == {"read": 2, "added": 2, "already_stored": 0}
    code, out, _ = filet("documents", "import-alerts", str(alerts), "--json")
    assert json.loads(out)["added"] == 0

    code, out, _ = filet("check", *passport("C4000517"), "--json")
    body = json.loads(out)
    assert code == 1 and body["status"] == "red" and "stolen blank" in body["headline"]
    code, out, _ = filet("check", *passport("C9990001"))
    assert code == 0 and "GREEN: no alert on this document" in out
    code, _, err = filet("check", "P<D<<SHORT")
    assert code == 2 and "line" in err

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "issuing_state,document_number,document_type,status,reported_date,source\n"
        "D,C1,P,misplaced,2024-05-01,BKA\n",
        encoding="utf-8",
    )
    code, _, err = filet("documents", "import-alerts", str(bad))
    assert code == 2 and "line 2" in err and "status" in err
    code, out, _ = filet("crossings", "overstays", "--json")
    assert code == 0 and json.loads(out) == []
