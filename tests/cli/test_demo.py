"""`filet demo` end to end on a small world: users, synthetic world, every loading step through the
normal commands, the analyses, and `filet evaluate` on the result."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_demo_loads_a_small_world_and_evaluate_measures_it(tmp_path: Path) -> None:
    env = {**os.environ, "FILET_DATA_DIR": str(tmp_path), "FILET_DATABASE_URL": ""}
    credentials = tmp_path / "users.txt"
    demo = subprocess.run(
        [
            sys.executable,
            "-m",
            "filet",
            "demo",
            "--scenario",
            "tiny",
            "--travellers",
            "150",
            "--credentials",
            str(credentials),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=1200,
    )
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    assert "demo ready" in demo.stdout
    users = [line.split("\t") for line in credentials.read_text().splitlines()]
    assert {role for _name, role, _password in users} == {
        "border_officer",
        "analyst",
        "investigator",
        "supervisor",
        "protection_officer",
        "researcher",
        "admin",
        "auditor",
    }
    evaluated = subprocess.run(
        [
            sys.executable,
            "-m",
            "filet",
            "evaluate",
            "--truth",
            str(tmp_path / "demo-world" / "truth"),
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert evaluated.returncode == 0, evaluated.stderr
    result = json.loads(evaluated.stdout)
    assert result["records_mapped"] > 100
    assert result["identity"]["records_found"] == result["identity"]["records_in_truth"]
    report = tmp_path / "risk-analysis.pdf"
    made = subprocess.run(
        [sys.executable, "-m", "filet", "report", "risk-analysis", "--out", str(report)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert made.returncode == 0, made.stderr
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(report))
    text = " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    for section in ("Threat", "Vulnerability", "Impact", "Outlook"):
        assert section in text
    image = pdf[0].render(scale=1).to_pil().convert("L")
    assert image.getextrema()[0] < 128, "the first page shows something"
    again = subprocess.run(
        [sys.executable, "-m", "filet", "demo", "--scenario", "tiny", "--travellers", "150"],
        capture_output=True,
        text=True,
        env=env,
        timeout=1200,
    )
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    verified = subprocess.run(
        [sys.executable, "-m", "filet", "audit", "verify"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert verified.returncode == 0, verified.stderr
