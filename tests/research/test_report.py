"""The risk-analysis report end to end: `filet report risk-analysis` on a store with data, a PDF
with the CIRAM sections, rendered to PNG and checked to show something; and the stats/release
commands."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import typer
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from filet.cli import research
from filet.research import Period, build_risk_analysis, render_html
from filet.settings import Settings, get_settings

SECTIONS = ["Threat", "Vulnerability", "Impact", "Routes", "Modus operandi", "Outlook"]

app = typer.Typer()
app.command("stats")(research.stats)
app.add_typer(research.release_app, name="release")
app.add_typer(research.report_app, name="report")
app.add_typer(research.incidents_app, name="incidents")
runner = CliRunner()


@pytest.fixture
def configured(
    engine: Engine, world: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("the CLI reads the configured store; exercised on SQLite")
    monkeypatch.setenv("FILET_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()


def test_report_risk_analysis_writes_a_pdf_with_the_ciram_sections(
    configured: None, tmp_path: Path
) -> None:
    out = tmp_path / "ra.pdf"
    result = runner.invoke(
        app,
        [
            "report",
            "risk-analysis",
            "--from",
            "2025-01-01",
            "--to",
            "2025-08-31",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    pdf = pdfium.PdfDocument(out)
    text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    for section in ["Strategic risk analysis", "Summary", *SECTIONS, "Methodology"]:
        assert section in text
    assert "Central Mediterranean" in text
    image = pdf[0].render(scale=1).to_pil()
    assert image.width > 500 and image.height > 700
    extrema = image.convert("L").getextrema()
    assert extrema[0] < 100 < extrema[1]  # dark text on a light page
    pictures = sum(
        1
        for i in range(len(pdf))
        for obj in pdf[i].get_objects()
        if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE
    )
    assert pictures >= 3  # monthly chart, route map, fraud chart


def test_html_report_has_the_sections_and_embedded_pictures(
    world: sessionmaker[Session], settings: Settings
) -> None:
    with world() as session:
        html = render_html(build_risk_analysis(session, Period(), settings))
    for section in SECTIONS:
        assert f">{section}</h2>" in html
    assert html.count('src="data:image/png;base64,') == 3


def test_stats_and_release_commands(configured: None, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["stats", "crossings", "--by", "nationality,month", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["parameters"]["min_cell"] == 11
    statuses = {row["status"] for row in document["rows"]}
    assert "suppressed_primary" in statuses
    assert all(row["count"] is None for row in document["rows"] if row["status"] != "published")
    result = runner.invoke(app, ["stats", "crossings", "--by", "day"])
    assert result.exit_code != 0
    result = runner.invoke(
        app,
        [
            "release",
            "build",
            "refusals",
            "--by",
            "route",
            "--epsilon",
            "0.5",
            "--recipient",
            "UNODC",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    reference = json.loads(result.stdout)["reference"]
    out = tmp_path / "release.parquet"
    result = runner.invoke(
        app, ["release", "export", reference, "--format", "parquet", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    import pyarrow.parquet as pq

    assert "route" in pq.read_table(io.BytesIO(out.read_bytes())).column_names
    result = runner.invoke(app, ["release", "budgets", "--json"])
    [budget] = json.loads(result.stdout)
    assert budget["dataset"] == "border_crossings" and budget["epsilon_spent"] == 0.5
