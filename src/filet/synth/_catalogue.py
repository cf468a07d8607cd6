"""The world's fixed knowledge, loaded from the data files under ``filet/synth/data``.

Name lists per culture, nationalities, airports, crossing points, staging places, the route
catalogue and travel agencies are facts a domain expert reviews, so they live as YAML/CSV files;
this module only reads them into typed, immutable objects.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from filet.errors import ConfigError, Place

_DATA = "filet.synth"


@dataclass(frozen=True, slots=True)
class NameEntry:
    """One name in its original script and the romanisations seen on documents and in data."""

    native: str
    latin: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Culture:
    """A naming culture: its script, how full names are built, and its common names."""

    code: str
    script: str
    structure: str
    single_name_rate: float
    male: tuple[NameEntry, ...]
    female: tuple[NameEntry, ...]
    family: tuple[NameEntry, ...]
    family_female: tuple[NameEntry, ...]


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    name: str
    cultures: tuple[tuple[str, float], ...]
    phone_prefix: str
    passport_pattern: str


@dataclass(frozen=True, slots=True)
class Airport:
    iata: str
    name: str
    city: str
    country: str
    latitude: float
    longitude: float
    home_carrier: str


@dataclass(frozen=True, slots=True)
class CrossingPoint:
    code: str
    name: str
    country: str
    mode: str
    latitude: float
    longitude: float
    neighbour: str


@dataclass(frozen=True, slots=True)
class StagingPlace:
    name: str
    country: str
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class Route:
    """A route of the catalogue: an airport path (air) or a staging place and a point (land, sea)."""

    route_id: str
    mode: str
    region: str
    nationalities: tuple[tuple[str, float], ...]
    path: tuple[str, ...]
    staging: str
    point: str

    @property
    def destination(self) -> str:
        return self.path[-1] if self.mode == "air" else self.point


@dataclass(frozen=True, slots=True)
class Agency:
    iata_number: str
    name: str
    city: str
    country: str


@dataclass(frozen=True)
class Catalogue:
    """Everything the generator knows about the world before any scenario is applied."""

    cultures: dict[str, Culture]
    countries: dict[str, Country]
    airports: dict[str, Airport]
    crossing_points: dict[str, CrossingPoint]
    staging_places: dict[str, StagingPlace]
    routes: dict[str, Route]
    agencies: tuple[Agency, ...]

    def distance_km(self, origin: str, destination: str) -> float:
        """Great-circle distance between two airports."""
        a, b = self.airports[origin], self.airports[destination]
        lat1, lon1, lat2, lon2 = map(
            math.radians, (a.latitude, a.longitude, b.latitude, b.longitude)
        )
        h = (
            math.sin((lat2 - lat1) / 2) ** 2
            + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
        )
        return 2 * 6371.0 * math.asin(math.sqrt(h))


def _read_text(*parts: str) -> str:
    return resources.files(_DATA).joinpath("data", *parts).read_text(encoding="utf-8")


def _entries(raw: Any, file: str, key: str) -> tuple[NameEntry, ...]:
    out: list[NameEntry] = []
    for index, item in enumerate(raw or []):
        if not isinstance(item, list) or len(item) < 2 or not all(isinstance(s, str) for s in item):
            raise ConfigError(
                f"each {key} entry must be [original, romanisation, ...], got {item!r}",
                Place(file=file, field=f"{key}[{index}]"),
            )
        out.append(NameEntry(native=item[0], latin=tuple(item[1:])))
    return tuple(out)


def _load_culture(filename: str) -> Culture:
    raw = yaml.safe_load(_read_text("names", filename))
    return Culture(
        code=raw["culture"],
        script=raw["script"],
        structure=raw["structure"],
        single_name_rate=float(raw.get("single_name_rate", 0.0)),
        male=_entries(raw.get("male"), filename, "male"),
        female=_entries(raw.get("female"), filename, "female"),
        family=_entries(raw.get("family"), filename, "family"),
        family_female=_entries(raw.get("family_female"), filename, "family_female"),
    )


def _csv_rows(filename: str) -> list[dict[str, str]]:
    return list(csv.DictReader(_read_text(filename).splitlines()))


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    """Read every data file once per process."""
    names_dir = resources.files(_DATA).joinpath("data", "names")
    cultures = {
        c.code: c
        for c in (
            _load_culture(entry.name)
            for entry in sorted(names_dir.iterdir(), key=lambda e: e.name)
            if entry.name.endswith(".yaml")
        )
    }
    countries: dict[str, Country] = {}
    for code, raw in yaml.safe_load(_read_text("countries.yaml")).items():
        mix = tuple((str(k), float(v)) for k, v in raw["cultures"].items())
        for culture, _ in mix:
            if culture not in cultures:
                raise ConfigError(
                    f"unknown culture {culture!r}", Place(file="countries.yaml", field=code)
                )
        countries[str(code)] = Country(
            code=str(code),
            name=raw["name"],
            cultures=mix,
            phone_prefix=str(raw["phone"]),
            passport_pattern=str(raw["passport"]),
        )
    airports = {
        r["iata"]: Airport(
            iata=r["iata"],
            name=r["name"],
            city=r["city"],
            country=r["country"],
            latitude=float(r["latitude"]),
            longitude=float(r["longitude"]),
            home_carrier=r["home_carrier"],
        )
        for r in _csv_rows("airports.csv")
    }
    points = {
        r["code"]: CrossingPoint(
            code=r["code"],
            name=r["name"],
            country=r["country"],
            mode=r["mode"],
            latitude=float(r["latitude"]),
            longitude=float(r["longitude"]),
            neighbour=r["neighbour"],
        )
        for r in _csv_rows("crossing_points.csv")
    }
    staging = {
        r["name"]: StagingPlace(
            name=r["name"],
            country=r["country"],
            latitude=float(r["latitude"]),
            longitude=float(r["longitude"]),
        )
        for r in _csv_rows("staging_places.csv")
    }
    routes: dict[str, Route] = {}
    for mode, table in yaml.safe_load(_read_text("routes.yaml")).items():
        for route_id, raw in table.items():
            mix = tuple((str(k), float(v)) for k, v in raw["nationalities"].items())
            route = Route(
                route_id=route_id,
                mode=mode,
                region=raw["region"],
                nationalities=mix,
                path=tuple(raw.get("path", ())),
                staging=raw.get("from", ""),
                point=raw.get("point", ""),
            )
            unknown = [a for a in route.path if a not in airports]
            if route.mode != "air" and route.point not in points:
                unknown.append(route.point)
            if route.mode != "air" and route.staging not in staging:
                unknown.append(route.staging)
            if unknown or any(code not in countries for code, _ in mix):
                raise ConfigError(
                    f"route refers to unknown places or nationalities: {unknown}",
                    Place(file="routes.yaml", field=route_id),
                )
            routes[route_id] = route
    agencies = tuple(
        Agency(r["iata_number"], r["name"], r["city"], r["country"])
        for r in _csv_rows("agencies.csv")
    )
    return Catalogue(cultures, countries, airports, points, staging, routes, agencies)
