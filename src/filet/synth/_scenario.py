"""The scenario: a YAML file that says what world to generate, validated with clear errors.

The schema (pydantic) checks shapes and ranges; :func:`load_scenario` then checks the scenario
against the catalogue (routes, nationalities) and that every mix sums to 1, and reports each
problem with the field it sits in.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from filet.errors import ConfigError, Place
from filet.synth._catalogue import Catalogue, load_catalogue

Rate = Annotated[float, Field(ge=0.0, le=1.0)]
_SUM_TOLERANCE = 1e-6


class ModusOperandi(StrEnum):
    """The smuggling methods the generator plants (see docs/synth.md and risk-indicators.md)."""

    AIR_IMPOSTOR = "air_impostor"
    AIR_BOARDING_PASS_SWAP = "air_boarding_pass_swap"  # noqa: S105 (a method, not a password)
    AIR_FORGED_VISA_SPLIT_PNR = "air_forged_visa_split_pnr"
    AIR_TRANSIT_NO_SHOW = "air_transit_no_show"
    LAND_VEHICLE = "land_vehicle"
    SEA_ARRIVAL = "sea_arrival"

    @property
    def mode(self) -> str:
        return self.value.split("_", 1)[0]


class TravellerKind(StrEnum):
    """Kinds of lawful travel; several are hard negatives for the detectors."""

    TOURIST = "tourist"
    BUSINESS = "business"
    FAMILY = "family"
    STUDENT = "student"
    MIGRANT_WORKER = "migrant_worker"
    TOUR_GROUP = "tour_group"
    SPORTS_TEAM = "sports_team"
    WORKER_GROUP = "worker_group"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RouteShare(_Strict):
    route: str = Field(description="A route id of the catalogue (data/routes.yaml).")
    share: Rate = Field(description="Share of the travellers (or operations) on this route.")
    nationalities: dict[str, Rate] | None = Field(
        default=None, description="Overrides the route's nationality mix; must sum to 1."
    )


class SmugglingSettings(_Strict):
    share_of_travellers: Rate = Field(
        0.03, description="Smuggled migrants as a share of all travellers."
    )
    networks: int = Field(6, ge=1, le=10_000, description="Number of smuggling networks.")
    group_size: tuple[int, int] = Field((2, 8), description="Migrants per operation (min, max).")
    modus_operandi: dict[ModusOperandi, Rate] = Field(
        description="Share of operations per modus operandi; must sum to 1."
    )
    routes: list[RouteShare] = Field(
        description="Routes the networks use; each modus operandi uses the routes of its mode."
    )
    child_rate: Rate = Field(0.08, description="Share of migrants who are children.")
    aggravation_rate: Rate = Field(
        0.1, description="Share of operations with danger to life, abuse or ransom."
    )
    interception_rate: dict[str, Rate] = Field(
        default_factory=lambda: {"air": 0.15, "land": 0.35, "sea": 1.0},
        description="Share of operations detected at the border, per mode (air, land, sea).",
    )
    escort_rate: Rate = Field(0.5, description="Share of air operations with an escort on board.")


class WatchlistSettings(_Strict):
    facilitator_listed_rate: Rate = Field(
        0.5, description="Share of facilitators who are on the watchlist."
    )
    unrelated_entries: int = Field(
        200, ge=0, description="Listed people who never appear in the travel data."
    )


class LostStolenSettings(_Strict):
    lost_rate: Rate = Field(0.002, description="Share of genuine documents reported lost/stolen.")
    stolen_blank_series: int = Field(3, ge=0, description="Series of stolen blank passports.")


class IntelligenceSettings(_Strict):
    items_per_operation: float = Field(1.5, ge=0.0, description="Mean items per operation.")
    false_rate: Rate = Field(0.15, description="Share of items that are wrong (noise).")


class Scenario(_Strict):
    """A documented description of the world to generate (see docs/synth.md)."""

    name: str
    description: str = ""
    start_date: dt.date
    travellers: int = Field(ge=1, description="Default number of travellers.")
    months: int = Field(ge=1, le=60, description="Default length of the period in months.")
    population: dict[TravellerKind, Rate] = Field(
        description="Share of lawful travellers per kind; must sum to 1."
    )
    reporting_airports: list[str] = Field(
        min_length=1,
        description="Airports whose border authority receives API and PNR data and records"
        " crossings; flights arriving at or leaving them are written.",
    )
    air_routes: list[RouteShare] = Field(
        description="Routes of lawful air travel; shares must sum to 1."
    )
    land_routes: list[RouteShare] = Field(
        default_factory=list,
        description="Routes of lawful land travel (drivers, cross-border traffic).",
    )
    land_share: Rate = Field(0.05, description="Share of lawful travellers who cross by land.")
    smuggling: SmugglingSettings
    watchlist: WatchlistSettings = WatchlistSettings()
    lost_stolen: LostStolenSettings = LostStolenSettings()
    intelligence: IntelligenceSettings = IntelligenceSettings()


SCENARIO_NAMES = ("laptop", "tiny")


def _sum_check(mix: dict[str, float], field: str, source: str, problems: list[ConfigError]) -> None:
    total = sum(mix.values())
    if abs(total - 1.0) > _SUM_TOLERANCE:
        problems.append(
            ConfigError(
                f"rates must sum to 1, they sum to {total:.6g}", Place(file=source, field=field)
            )
        )


def _check_routes(
    routes: list[RouteShare],
    field: str,
    modes: set[str],
    catalogue: Catalogue,
    source: str,
    problems: list[ConfigError],
) -> None:
    for index, share in enumerate(routes):
        where = f"{field}[{index}]"
        route = catalogue.routes.get(share.route)
        if route is None:
            known = ", ".join(sorted(catalogue.routes))
            problems.append(
                ConfigError(
                    f"unknown route {share.route!r}; known routes: {known}",
                    Place(file=source, field=f"{where}.route"),
                )
            )
        elif route.mode not in modes:
            problems.append(
                ConfigError(
                    f"route {share.route!r} is a {route.mode} route, expected {'/'.join(sorted(modes))}",
                    Place(file=source, field=f"{where}.route"),
                )
            )
        if share.nationalities is not None:
            for code in share.nationalities:
                if code not in catalogue.countries:
                    problems.append(
                        ConfigError(
                            f"unknown nationality code {code!r} (ICAO 3-letter code, or D for"
                            " Germany, that the world has names for)",
                            Place(file=source, field=f"{where}.nationalities.{code}"),
                        )
                    )
            _sum_check(share.nationalities, f"{where}.nationalities", source, problems)


def validate_scenario(scenario: Scenario, source: str, catalogue: Catalogue | None = None) -> None:
    """Check the scenario against the catalogue; raise one ConfigError listing every problem."""
    catalogue = catalogue or load_catalogue()
    problems: list[ConfigError] = []
    _sum_check({k.value: v for k, v in scenario.population.items()}, "population", source, problems)
    _sum_check({r.route: r.share for r in scenario.air_routes}, "air_routes", source, problems)
    if scenario.land_routes:
        _sum_check(
            {r.route: r.share for r in scenario.land_routes}, "land_routes", source, problems
        )
    for index, airport in enumerate(scenario.reporting_airports):
        if airport not in catalogue.airports:
            problems.append(
                ConfigError(
                    f"unknown airport {airport!r} (IATA code from data/airports.csv)",
                    Place(file=source, field=f"reporting_airports[{index}]"),
                )
            )
    _check_routes(scenario.air_routes, "air_routes", {"air"}, catalogue, source, problems)
    _check_routes(scenario.land_routes, "land_routes", {"land"}, catalogue, source, problems)
    smuggling = scenario.smuggling
    _sum_check(
        {k.value: v for k, v in smuggling.modus_operandi.items()},
        "smuggling.modus_operandi",
        source,
        problems,
    )
    _sum_check({r.route: r.share for r in smuggling.routes}, "smuggling.routes", source, problems)
    _check_routes(
        smuggling.routes, "smuggling.routes", {"air", "land", "sea"}, catalogue, source, problems
    )
    low, high = smuggling.group_size
    if not 1 <= low <= high <= 60:
        problems.append(
            ConfigError(
                f"group_size must be (min, max) with 1 <= min <= max <= 60, got {low, high}",
                Place(file=source, field="smuggling.group_size"),
            )
        )
    for mode in smuggling.interception_rate:
        if mode not in {"air", "land", "sea"}:
            problems.append(
                ConfigError(
                    f"unknown mode {mode!r}, expected air, land or sea",
                    Place(file=source, field="smuggling.interception_rate"),
                )
            )
    route_modes = {
        catalogue.routes[r.route].mode for r in smuggling.routes if r.route in catalogue.routes
    }
    for mo, share in smuggling.modus_operandi.items():
        if share > 0 and mo.mode not in route_modes:
            problems.append(
                ConfigError(
                    f"modus operandi {mo.value!r} needs at least one {mo.mode} route in"
                    " smuggling.routes",
                    Place(file=source, field=f"smuggling.modus_operandi.{mo.value}"),
                )
            )
    if scenario.land_share > 0 and not scenario.land_routes:
        problems.append(
            ConfigError(
                "land_share is above 0 but no land_routes are given",
                Place(file=source, field="land_share"),
            )
        )
    if problems:
        if len(problems) == 1:
            raise problems[0]
        raise ConfigError(
            f"{len(problems)} problems: " + "; ".join(str(p) for p in problems), Place(file=source)
        )


def parse_scenario(text: str, source: str) -> Scenario:
    """Parse and validate scenario YAML text; ``source`` names it in errors."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ConfigError(
            f"not valid YAML: {getattr(error, 'problem', error)}",
            Place(
                file=source,
                line=mark.line + 1 if mark else None,
                position=mark.column + 1 if mark else None,
            ),
        ) from error
    if not isinstance(raw, dict):
        raise ConfigError("a scenario must be a YAML mapping", Place(file=source))
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
        raise ConfigError(f"{first['msg']}{more}", Place(file=source, field=field)) from error
    validate_scenario(scenario, source)
    return scenario


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load a shipped scenario by name (``laptop``, ``tiny``) or a YAML file by path."""
    name = str(name_or_path)
    if name in SCENARIO_NAMES:
        text = (
            resources.files("filet.synth")
            .joinpath("data", "scenarios", f"{name}.yaml")
            .read_text(encoding="utf-8")
        )
        return parse_scenario(text, f"{name}.yaml")
    path = Path(name)
    if not path.is_file():
        raise ConfigError(
            f"no scenario named {name!r} and no such file; shipped: {', '.join(SCENARIO_NAMES)}",
            Place(file=name),
        )
    return parse_scenario(path.read_text(encoding="utf-8"), str(path))
