"""The research catalogue as data: statistics topics and their dimensions, the Global Compact
objectives and SDG targets they inform, routes for statistics and maps, and document-fraud codes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from filet.errors import ConfigError, Place

TIME_DIMENSIONS = ("month", "quarter", "year")


def _read(name: str) -> str:
    return resources.files("filet.research").joinpath("data", name).read_text(encoding="utf-8")


@dataclass(frozen=True)
class Dimension:
    name: str
    label: str
    description: str


@dataclass(frozen=True)
class Topic:
    """A statistic filet can release, with what it counts and the goals it informs."""

    key: str
    title: str
    description: str
    source: str
    dataset: str
    unit: str
    measure: str
    dimensions: tuple[str, ...]
    gcm_objectives: tuple[int, ...]
    sdg_targets: tuple[str, ...]
    kind: str = "count"  # count | distribution
    contribution_bound: int = 1
    rows_per_record: int = 1

    def goals(self) -> dict[str, list[str]]:
        catalogue = goals()
        return {
            "gcm_objectives": [
                f"Objective {n}: {catalogue['gcm_objectives'][n]}" for n in self.gcm_objectives
            ],
            "sdg_targets": [f"Target {t}: {catalogue['sdg_targets'][t]}" for t in self.sdg_targets],
        }


@dataclass(frozen=True)
class Route:
    key: str
    label: str
    points: tuple[str, ...] = ()
    borders: dict[str, tuple[str, ...]] = field(default_factory=dict)
    kinds: tuple[str, ...] = ()
    line: tuple[tuple[float, float], ...] = ()


@lru_cache(maxsize=1)
def dimensions() -> dict[str, Dimension]:
    raw = yaml.safe_load(_read("topics.yaml"))["dimensions"]
    return {
        name: Dimension(name, str(value["label"]), str(value["description"]))
        for name, value in raw.items()
    }


@lru_cache(maxsize=1)
def topics() -> dict[str, Topic]:
    """The topics of ``data/topics.yaml``, checked against the dimension and goal catalogues."""
    raw = yaml.safe_load(_read("topics.yaml"))["topics"]
    known = dimensions()
    catalogue = goals()
    found: dict[str, Topic] = {}
    for key, value in raw.items():
        topic = Topic(
            key=key,
            title=str(value["title"]),
            description=str(value["description"]),
            source=str(value["source"]),
            dataset=str(value["dataset"]),
            unit=str(value["unit"]),
            measure=str(value["measure"]),
            dimensions=tuple(value["dimensions"]),
            gcm_objectives=tuple(int(n) for n in value["gcm_objectives"]),
            sdg_targets=tuple(str(t) for t in value["sdg_targets"]),
            kind=str(value.get("kind", "count")),
            contribution_bound=int(value.get("contribution_bound", 1)),
            rows_per_record=int(value.get("rows_per_record", 1)),
        )
        unknown = [d for d in topic.dimensions if d not in known]
        unknown += [str(n) for n in topic.gcm_objectives if n not in catalogue["gcm_objectives"]]
        unknown += [t for t in topic.sdg_targets if t not in catalogue["sdg_targets"]]
        if unknown:
            raise ConfigError(
                f"topic refers to unknown dimensions or goals: {unknown}",
                Place(file="topics.yaml", field=key),
            )
        found[key] = topic
    return found


def topic(key: str) -> Topic:
    """The topic named ``key``; a ConfigError names the topics there are."""
    try:
        return topics()[key]
    except KeyError:
        raise ConfigError(
            f"unknown topic {key!r}; topics: {', '.join(sorted(topics()))}",
            Place(field="topic"),
        ) from None


@lru_cache(maxsize=1)
def goals() -> dict[str, dict[Any, str]]:
    raw = yaml.safe_load(_read("goals.yaml"))
    return {
        "gcm_objectives": {int(k): str(v) for k, v in raw["gcm_objectives"].items()},
        "sdg_targets": {str(k): str(v) for k, v in raw["sdg_targets"].items()},
    }


@lru_cache(maxsize=1)
def routes() -> dict[str, Route]:
    raw = yaml.safe_load(_read("routes.yaml"))["routes"]
    return {
        key: Route(
            key=key,
            label=str(value["label"]),
            points=tuple(value.get("points", ())),
            borders={c: tuple(k) for c, k in value.get("borders", {}).items()},
            kinds=tuple(value.get("kinds", ())),
            line=tuple((float(a), float(b)) for a, b in value.get("line", ())),
        )
        for key, value in raw.items()
    }


def route_of(point_code: str, country: str, kind: str) -> str:
    """The route a crossing point belongs to (see routes.yaml), or ``other``."""
    table = routes()
    for route in table.values():
        if point_code in route.points:
            return route.key
    for route in table.values():
        if kind in route.borders.get(country, ()) or kind in route.kinds:
            return route.key
    return "other"


@lru_cache(maxsize=1)
def document_fraud() -> tuple[dict[str, str], frozenset[str], frozenset[str]]:
    """(reason code -> fraud type, facilitator reason codes, facilitator roles)."""
    raw = yaml.safe_load(_read("document_fraud.yaml"))
    return (
        {str(k): str(v) for k, v in raw["reasons"].items()},
        frozenset(raw["facilitator_reasons"]),
        frozenset(raw["facilitator_roles"]),
    )


@lru_cache(maxsize=1)
def land_outline() -> dict[str, Any]:
    """A low-resolution world land outline (Natural Earth 1:110m) as GeoJSON, for offline maps."""
    outline: dict[str, Any] = json.loads(_read("land-110m.geojson"))
    return outline
