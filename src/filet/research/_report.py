"""The strategic risk-analysis report, in the shape of Frontex's Common Integrated Risk Analysis
Model (CIRAM): risk as threat (magnitude and likelihood), vulnerability (capacity to mitigate) and
impact; then routes, modus operandi and outlook. Every figure comes from a disclosure-controlled
table (``compute``), so the report can be shared like any release.

HTML is rendered with Jinja2 (charts embedded as PNG), PDF with ReportLab; charts and the route map
are drawn with matplotlib over a bundled Natural Earth land outline, so nothing is fetched.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from jinja2 import Environment, select_autoescape
from matplotlib.figure import Figure
from sqlalchemy import select
from sqlalchemy.orm import Session

from filet.research._catalogue import land_outline, routes
from filet.research._disclosure import TOTAL
from filet.research._release import StatisticsTable, compute
from filet.research._sources import Period
from filet.security import Actor, record
from filet.settings import Settings
from filet.store.schema import CrossingPoint, StatisticsRelease

SECTIONS = (
    ("summary", "Summary"),
    ("threat", "Threat"),
    ("vulnerability", "Vulnerability"),
    ("impact", "Impact"),
    ("routes", "Routes"),
    ("modus_operandi", "Modus operandi"),
    ("outlook", "Outlook"),
    ("methodology", "Methodology and disclosure control"),
)

# (key, topic, dimensions) of every table the report draws on.
TABLES: tuple[tuple[str, str, list[str]], ...] = (
    ("crossings_month", "crossings", ["month", "decision"]),
    ("crossings_route", "crossings", ["route"]),
    ("refusals_route", "refusals", ["route"]),
    ("refusals_nationality", "refusals", ["nationality"]),
    ("points", "crossings", ["crossing_point"]),
    ("fraud_type", "fraudulent_documents", ["fraud_type", "document_type"]),
    ("fraud_route", "fraudulent_documents", ["route"]),
    ("facilitators", "facilitators", ["detected_by", "role"]),
    ("fees", "fees", ["route", "currency"]),
    ("deaths", "deaths_missing", ["route", "outcome"]),
    ("referrals", "referrals", ["service"]),
    ("cases", "cases", ["outcome"]),
)


@dataclass
class RiskAnalysis:
    """The figures, texts and pictures of one risk-analysis report."""

    period: Period
    generated_at: dt.datetime
    tables: dict[str, StatisticsTable]
    findings: dict[str, list[str]]
    route_matrix: list[dict[str, Any]]
    charts: dict[str, bytes] = field(default_factory=dict)

    def table_rows(self, key: str) -> tuple[list[str], list[list[str]]]:
        """Header and rows of a table for people: the margins of its last dimension as columns is
        overkill for a report, so each cell is a row; suppressed cells show as a dot."""
        table = self.tables[key]
        header = [*(d.replace("_", " ").capitalize() for d in table.dimensions), "Count"]
        extra = table.topic.kind == "distribution"
        if extra:
            header += ["Median", "Q1", "Q3"]
        rows = []
        for cell in table.cells:
            labels = [cell["dimensions"][d] for d in table.dimensions]
            if cell["count"] == 0:
                continue
            shown = "·" if cell["count"] is None else str(cell["count"])
            row = [*labels, shown]
            if extra:
                row += [str(cell.get(k, "")) for k in ("median", "q1", "q3")]
            rows.append(row)
        return header, rows


def _published(table: StatisticsTable) -> dict[tuple[str, ...], int]:
    return {
        tuple(c["dimensions"][d] for d in table.dimensions): c["count"]
        for c in table.cells
        if c["count"] is not None
    }


def _level(value: float, top: float) -> str:
    if top <= 0 or value <= 0:
        return "low"
    share = value / top
    return "high" if share >= 0.66 else "medium" if share >= 0.33 else "low"


def _route_matrix(tables: dict[str, StatisticsTable]) -> list[dict[str, Any]]:
    crossings = _published(tables["crossings_route"])
    refusals = _published(tables["refusals_route"])
    fraud = _published(tables["fraud_route"])
    deaths: dict[str, int] = {}
    for cell, value in _published(tables["deaths"]).items():
        if cell[1] == TOTAL:
            deaths[cell[0]] = value
    labels = {k: r.label for k, r in routes().items()}
    keys = sorted({k[0] for k in crossings if k[0] != TOTAL} | {k for k in deaths if k != TOTAL})
    threat_top = max([refusals.get((k,), 0) + fraud.get((k,), 0) for k in keys] or [0])
    impact_top = max([deaths.get(k, 0) for k in keys] or [0])
    out = []
    for key in keys:
        passed = crossings.get((key,), 0)
        detected = fraud.get((key,), 0)
        threat = refusals.get((key,), 0) + detected
        detection_rate = detected / passed * 1000 if passed else 0.0
        out.append(
            {
                "route": labels.get(key, key),
                "crossings": passed,
                "refusals": refusals.get((key,), 0),
                "fraud": detected,
                "dead_missing": deaths.get(key, 0),
                "threat": _level(threat, threat_top),
                # Few detections per crossing on a busy route: weaker capacity to mitigate.
                "vulnerability": "high"
                if passed and detection_rate < 1
                else "medium"
                if detection_rate < 10
                else "low",
                "impact": _level(deaths.get(key, 0), impact_top),
            }
        )
    return out


def _monthly(table: StatisticsTable) -> dict[str, dict[str, int | None]]:
    series: dict[str, dict[str, int | None]] = {}
    for cell in table.cells:
        month, decision = cell["dimensions"]["month"], cell["dimensions"]["decision"]
        if month == TOTAL or month == "unknown":
            continue
        series.setdefault(decision, {})[month] = cell["count"]
    return series


def _trend(values: list[int]) -> tuple[str, float | None]:
    """Last three months against the three before: up, down or stable (±10 %)."""
    if len(values) < 6:
        return "not enough months to compare", None
    recent, before = sum(values[-3:]), sum(values[-6:-3])
    if before == 0:
        return ("up" if recent else "stable"), None
    change = (recent - before) / before * 100
    return ("up" if change > 10 else "down" if change < -10 else "stable"), change


def _findings(
    tables: dict[str, StatisticsTable], matrix: list[dict[str, Any]]
) -> dict[str, list[str]]:
    monthly = _monthly(tables["crossings_month"])
    total = monthly.get(TOTAL, {})
    refused = monthly.get("refused", {})
    months = sorted(total)
    crossings_series = [total.get(m) or 0 for m in months]
    refusals_series = [refused.get(m) or 0 for m in months]
    grand = _published(tables["crossings_route"]).get((TOTAL,), 0)
    refusals_total = _published(tables["refusals_route"]).get((TOTAL,), 0)
    fraud_total = _published(tables["fraud_route"]).get((TOTAL,), 0)
    facilitators_total = _published(tables["facilitators"]).get((TOTAL, TOTAL), 0)
    deaths = _published(tables["deaths"])
    dead = deaths.get((TOTAL, "dead"), 0)
    missing = deaths.get((TOTAL, "missing"), 0)
    referrals_total = _published(tables["referrals"]).get((TOTAL,), 0)
    top_threat = [r["route"] for r in matrix if r["threat"] == "high"]
    top_impact = [r["route"] for r in matrix if r["impact"] == "high" and r["dead_missing"]]
    weak = [r["route"] for r in matrix if r["vulnerability"] == "high"]
    trend_c, change_c = _trend(crossings_series)
    trend_r, change_r = _trend(refusals_series)

    def pct(change: float | None) -> str:
        return f" ({change:+.0f} %)" if change is not None else ""

    fraud_types = sorted(
        (
            (c["count"], c["dimensions"]["fraud_type"])
            for c in tables["fraud_type"].cells
            if c["dimensions"]["document_type"] == TOTAL
            and c["dimensions"]["fraud_type"] != TOTAL
            and c["count"]
        ),
        reverse=True,
    )
    return {
        "summary": [
            f"{grand} crossings recorded, {refusals_total} refusals of entry, {fraud_total} "
            f"fraudulent documents detected and {facilitators_total} facilitators detected "
            f"in the period.",
            f"{dead} dead and {missing} missing recorded on the routes (minimum estimates); "
            f"{referrals_total} referrals to assistance services.",
            "Highest threat: " + (", ".join(top_threat) or "no route stands out") + ".",
        ],
        "threat": [
            "Threat combines magnitude (refusals and fraudulent documents detected on a route) "
            "and likelihood (the trend of the last months).",
            f"Crossings are {trend_c}{pct(change_c)}; refusals are {trend_r}{pct(change_r)} "
            "over the last three months against the three before.",
        ],
        "vulnerability": [
            "Vulnerability is the capacity to mitigate: few fraudulent documents detected per "
            "thousand crossings on a busy route suggests that fraud goes undetected there.",
            "Routes with the weakest detection: " + (", ".join(weak) or "none") + ".",
        ],
        "impact": [
            f"{dead} dead and {missing} missing persons recorded; {referrals_total} referrals to "
            "assistance services for smuggled migrants.",
            "Routes with the highest loss of life: "
            + (", ".join(top_impact) or "none recorded")
            + ".",
        ],
        "routes": [
            "Crossings, refusals and detections per route; the map shows each route and the "
            "crossing points, sized by recorded crossings.",
        ],
        "modus_operandi": [
            "Fraudulent documents by type of fraud: "
            + (", ".join(f"{name} ({count})" for count, name in fraud_types) or "none published")
            + ".",
            "Fees reported in debriefings, by route and currency (median and quartiles).",
        ],
        "outlook": [
            f"If the recent trend holds, crossings will keep going {trend_c} and refusals "
            f"{trend_r} in the coming quarter.",
            "Watch the routes rated high for threat or impact above; an outlook is a judgement "
            "on published trends, not a forecast from a model.",
        ],
        "methodology": [
            "Figures are counts of records (crossings, detections, referrals, cases) or of "
            "persons (dead and missing), from the operational store for the period.",
            "Disclosure control: cells below the minimum cell size are suppressed in every "
            "combination of the dimensions, with complementary suppression so that no suppressed "
            "cell can be recovered from the published totals, and counts are rounded. A dot (·) "
            "marks a suppressed cell.",
            "Incidents from IOM's Missing Migrants Project are used under CC BY 4.0.",
        ],
    }


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return buffer.getvalue()


def _monthly_chart(table: StatisticsTable) -> bytes:
    monthly = _monthly(table)
    months = sorted(monthly.get(TOTAL, {}))
    figure = Figure(figsize=(7, 3))
    axes = figure.subplots()
    for name, series in sorted(monthly.items()):
        if name not in (TOTAL, "refused"):
            continue
        axes.plot(
            months,
            [series.get(m) or 0 for m in months],
            marker="o",
            label="all crossings" if name == TOTAL else "refusals",
        )
    axes.set_title("Crossings and refusals by month")
    axes.set_ylabel("count (rounded)")
    axes.tick_params(axis="x", rotation=45)
    axes.legend()
    return _png(figure)


def _bar_chart(labels: list[str], values: list[int], title: str) -> bytes:
    figure = Figure(figsize=(7, 3))
    axes = figure.subplots()
    axes.barh(labels or ["(none published)"], values or [0], color="#2a6f97")
    axes.set_title(title)
    axes.invert_yaxis()
    return _png(figure)


def _route_map(session: Session, points_table: StatisticsTable) -> bytes:
    figure = Figure(figsize=(7, 4.5))
    axes = figure.subplots()
    for feature in land_outline()["features"]:
        for polygon in feature["geometry"]["coordinates"]:
            ring = polygon[0]
            axes.fill(
                [p[0] for p in ring],
                [p[1] for p in ring],
                color="#e8e8e0",
                edgecolor="#999999",
                linewidth=0.4,
            )
    for route in routes().values():
        if len(route.line) >= 2:
            axes.plot(
                [p[1] for p in route.line],
                [p[0] for p in route.line],
                color="#c0392b",
                linewidth=2,
            )
            end = route.line[-1]
            axes.annotate(route.label, (end[1], end[0]), fontsize=6, color="#7b241c")
    counts = _published(points_table)
    located = session.execute(
        select(CrossingPoint.code, CrossingPoint.latitude, CrossingPoint.longitude).where(
            CrossingPoint.latitude.is_not(None)
        )
    ).all()
    for code, latitude, longitude in located:
        if longitude is None or latitude is None:
            continue
        count = counts.get((code,))
        size = 10 + (count or 0) ** 0.5 * 3
        axes.scatter(longitude, latitude, s=size, color="#1f4e79", zorder=3)
    axes.set_xlim(-25, 60)
    axes.set_ylim(5, 62)
    axes.set_title("Routes and crossing points (size: crossings recorded)")
    axes.set_xlabel("longitude")
    axes.set_ylabel("latitude")
    return _png(figure)


def build_risk_analysis(session: Session, period: Period, settings: Settings) -> RiskAnalysis:
    """Compute every table of the report (disclosure-controlled), the findings and the charts."""
    tables = {key: compute(session, t, dims, period, settings) for key, t, dims in TABLES}
    matrix = _route_matrix(tables)
    analysis = RiskAnalysis(
        period=period,
        generated_at=dt.datetime.now(dt.UTC),
        tables=tables,
        findings=_findings(tables, matrix),
        route_matrix=matrix,
    )
    fraud = [
        (c["dimensions"]["fraud_type"], c["count"])
        for c in tables["fraud_type"].cells
        if c["dimensions"]["document_type"] == TOTAL
        and c["dimensions"]["fraud_type"] != TOTAL
        and c["count"]
    ]
    analysis.charts = {
        "monthly": _monthly_chart(tables["crossings_month"]),
        "fraud": _bar_chart(
            [f for f, _ in fraud], [int(v) for _, v in fraud], "Fraudulent documents by type"
        ),
        "map": _route_map(session, tables["points"]),
    }
    return analysis


def render_html(analysis: RiskAnalysis) -> str:
    """The report as one self-contained HTML page (charts embedded)."""
    environment = Environment(autoescape=select_autoescape(["html"]))
    template = environment.from_string(
        resources.files("filet.research")
        .joinpath("templates", "risk_analysis.html")
        .read_text(encoding="utf-8")
    )
    images = {k: base64.b64encode(v).decode() for k, v in analysis.charts.items()}
    return template.render(
        analysis=analysis,
        sections=SECTIONS,
        images=images,
        tables={key: analysis.table_rows(key) for key in analysis.tables},
    )


def render_pdf(analysis: RiskAnalysis) -> bytes:
    """The report as PDF (ReportLab), with the same sections, tables and pictures as the HTML."""
    from reportlab.lib import colors  # type: ignore[import-untyped]
    from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
    from reportlab.lib.styles import getSampleStyleSheet  # type: ignore[import-untyped]
    from reportlab.lib.units import cm  # type: ignore[import-untyped]
    from reportlab.platypus import (  # type: ignore[import-untyped]
        Image,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    styles = getSampleStyleSheet()
    story: list[Any] = [
        Paragraph("Strategic risk analysis", styles["Title"]),
        Paragraph(
            f"Period {analysis.period.label()} · generated "
            f"{analysis.generated_at:%Y-%m-%d %H:%M} UTC · disclosure-controlled figures",
            styles["Normal"],
        ),
    ]

    def table(key: str, title: str) -> None:
        header, rows = analysis.table_rows(key)
        story.append(Paragraph(title, styles["Heading4"]))
        if not rows:
            story.append(Paragraph("No figure to publish.", styles["Normal"]))
            return
        flow = Table([header, *rows[:40]], repeatRows=1)
        flow.setStyle(
            TableStyle(
                [
                    ("FONTSIZE", (0, 0), (-1, -1), 7),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde6ee")),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ]
            )
        )
        story.append(flow)

    def image(key: str, width: float) -> None:
        picture = Image(io.BytesIO(analysis.charts[key]))
        ratio = picture.imageHeight / picture.imageWidth
        picture.drawWidth, picture.drawHeight = width, width * ratio
        story.append(picture)

    section_tables: dict[str, list[tuple[str, str]]] = {
        "threat": [
            ("refusals_route", "Refusals by route"),
            ("facilitators", "Facilitators detected"),
        ],
        "vulnerability": [("fraud_route", "Fraudulent documents detected by route")],
        "impact": [("deaths", "Dead and missing by route"), ("referrals", "Referrals by service")],
        "routes": [("crossings_route", "Crossings by route")],
        "modus_operandi": [
            ("fraud_type", "Fraudulent documents by type"),
            ("fees", "Fees by route"),
        ],
        "outlook": [("cases", "Cases against facilitators by outcome")],
    }
    for key, title in SECTIONS:
        story.append(Paragraph(title, styles["Heading2"]))
        for text in analysis.findings[key]:
            story.append(Paragraph(text, styles["Normal"]))
        if key == "summary":
            matrix = [["Route", "Threat", "Vulnerability", "Impact"]] + [
                [r["route"], r["threat"], r["vulnerability"], r["impact"]]
                for r in analysis.route_matrix
            ]
            flow = Table(matrix, repeatRows=1)
            flow.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                        ("FONTSIZE", (0, 0), (-1, -1), 8),
                    ]
                )
            )
            story.append(Spacer(1, 0.3 * cm))
            story.append(flow)
        if key == "threat":
            image("monthly", 16 * cm)
        if key == "routes":
            image("map", 16 * cm)
        if key == "modus_operandi":
            image("fraud", 15 * cm)
        for table_key, table_title in section_tables.get(key, []):
            table(table_key, table_title)
        story.append(Spacer(1, 0.4 * cm))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title="Strategic risk analysis", author="filet").build(
        story
    )
    return buffer.getvalue()


def record_report(
    session: Session, analysis: RiskAnalysis, actor: Actor, out: str
) -> StatisticsRelease:
    """Record the report as a release: its period, the parameters and output of every table."""
    from secrets import token_hex

    row = StatisticsRelease(
        reference=f"RA-{analysis.generated_at:%Y%m%d}-{token_hex(3).upper()}",
        topic="report:risk_analysis",
        parameters={
            "period": analysis.period.as_dict(),
            "tables": {k: t.parameters for k, t in analysis.tables.items()},
            "file": out,
        },
        dataset=None,
        output={k: t.as_dict() for k, t in analysis.tables.items()},
        created_by=actor.user_id,
    )
    session.add(row)
    session.flush()
    record(session, actor, "export", "statistics_release", [row.id], {"reference": row.reference})
    return row
