"""Scenario YAML: the shipped scenarios load, and every kind of mistake gets a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from filet.errors import ConfigError
from filet.synth import SCENARIO_NAMES, load_scenario, parse_scenario

TINY = Path(__file__).parents[2] / "src/filet/synth/data/scenarios/tiny.yaml"


def _tiny() -> dict[str, object]:
    loaded: dict[str, object] = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    return loaded


def _error(raw: dict[str, object]) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_scenario(yaml.safe_dump(raw, allow_unicode=True), "mine.yaml")
    return str(caught.value)


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_shipped_scenarios_load(name: str) -> None:
    scenario = load_scenario(name)
    assert scenario.name == name
    assert scenario.smuggling.modus_operandi


def test_laptop_is_sized_for_a_laptop() -> None:
    laptop = load_scenario("laptop")
    assert laptop.travellers == 20_000
    assert laptop.months == 3


def test_a_scenario_file_loads_by_path(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(TINY.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_scenario(path).name == "tiny"


def test_unknown_scenario_name_lists_the_shipped_ones() -> None:
    with pytest.raises(ConfigError, match="shipped: laptop, tiny"):
        load_scenario("no-such-scenario")


def test_unknown_route() -> None:
    raw = _tiny()
    raw["air_routes"][0]["route"] = "ADD-XXX-FRA"  # type: ignore[index]
    message = _error(raw)
    assert "unknown route 'ADD-XXX-FRA'" in message
    assert "field air_routes[0].route" in message


def test_route_of_the_wrong_mode() -> None:
    raw = _tiny()
    raw["air_routes"][0]["route"] = "LY-IT"  # type: ignore[index]
    assert "is a sea route, expected air" in _error(raw)


def test_rates_that_do_not_sum_to_one() -> None:
    raw = _tiny()
    raw["population"]["tourist"] = 0.5  # type: ignore[index]
    message = _error(raw)
    assert "field population" in message
    assert "rates must sum to 1, they sum to 1.2" in message


def test_modus_operandi_shares_must_sum_to_one() -> None:
    raw = _tiny()
    raw["smuggling"]["modus_operandi"]["sea_arrival"] = 0.5  # type: ignore[index]
    assert "field smuggling.modus_operandi: rates must sum to 1" in _error(raw)


def test_unknown_nationality_code() -> None:
    raw = _tiny()
    raw["air_routes"][0]["nationalities"] = {"ETH": 0.5, "XYZ": 0.5}  # type: ignore[index]
    message = _error(raw)
    assert "unknown nationality code 'XYZ'" in message
    assert "air_routes[0].nationalities.XYZ" in message


def test_unknown_reporting_airport() -> None:
    raw = _tiny()
    raw["reporting_airports"] = ["FRA", "QQQ"]
    assert "unknown airport 'QQQ'" in _error(raw)


def test_unknown_modus_operandi_is_a_schema_error() -> None:
    raw = _tiny()
    raw["smuggling"]["modus_operandi"]["teleport"] = 0.0  # type: ignore[index]
    assert "field smuggling.modus_operandi.teleport" in _error(raw)


def test_modus_operandi_without_a_route_of_its_mode() -> None:
    raw = _tiny()
    raw["smuggling"]["routes"] = [{"route": "ADD-IST-FRA", "share": 1.0}]  # type: ignore[index]
    message = _error(raw)
    assert "'land_vehicle' needs at least one land route" in message
    assert "'sea_arrival' needs at least one sea route" in message


def test_unknown_field_is_refused() -> None:
    raw = _tiny()
    raw["travelers"] = 10
    assert "field travelers: Extra inputs are not permitted" in _error(raw)


def test_rate_out_of_range() -> None:
    raw = _tiny()
    raw["smuggling"]["child_rate"] = 1.5  # type: ignore[index]
    assert "field smuggling.child_rate" in _error(raw)


def test_bad_yaml_names_the_line() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_scenario("name: x\n  bad: [\n", "broken.yaml")
    assert "broken.yaml, line" in str(caught.value)
    assert "not valid YAML" in str(caught.value)
