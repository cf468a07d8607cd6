"""Research and statistics: evidence for policy without exposing anyone.

Topics (crossings, refusals, fraudulent documents, facilitators, fees, deaths and missing,
referrals, cases) are computed from the store, broken down by coarse dimensions, and released with
disclosure control: minimum cell size over every combination, complementary suppression that cannot
be undone by subtraction, rounding, and optionally differentially private noise (OpenDP) charged to
a per-dataset (epsilon, delta) budget. Every release is recorded with its parameters.
"""

from filet.research._catalogue import (
    Dimension,
    Route,
    Topic,
    dimensions,
    goals,
    land_outline,
    route_of,
    routes,
    topic,
    topics,
)
from filet.research._disclosure import TOTAL, Cube, build_cube, protect
from filet.research._incidents import MMP_ATTRIBUTION, export_incidents, import_missing_migrants
from filet.research._privacy import BudgetExhausted, NoiseSpec
from filet.research._release import (
    FORBIDDEN_FIELDS,
    StatisticsTable,
    check_non_nominal,
    compute,
    export,
    extract_rows,
    find_release,
    release,
    releases,
)
from filet.research._report import RiskAnalysis, build_risk_analysis, render_html, render_pdf
from filet.research._sources import Period

__all__ = [
    "FORBIDDEN_FIELDS",
    "MMP_ATTRIBUTION",
    "TOTAL",
    "BudgetExhausted",
    "Cube",
    "Dimension",
    "NoiseSpec",
    "Period",
    "RiskAnalysis",
    "Route",
    "StatisticsTable",
    "Topic",
    "build_cube",
    "build_risk_analysis",
    "check_non_nominal",
    "compute",
    "dimensions",
    "export",
    "export_incidents",
    "extract_rows",
    "find_release",
    "goals",
    "import_missing_migrants",
    "land_outline",
    "protect",
    "release",
    "releases",
    "render_html",
    "render_pdf",
    "route_of",
    "routes",
    "topic",
    "topics",
]
