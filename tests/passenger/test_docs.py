"""docs/formats.md tells the truth: its examples read, its schemas are whole."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from filet.passenger import json_schema, read_crossings_csv, read_pnr_json

FORMATS = Path(__file__).parents[2] / "docs" / "formats.md"


def _block(after: str, language: str) -> str:
    text = FORMATS.read_text(encoding="utf-8")
    start = text.index(after)
    match = re.compile(rf"```{language}\n(.*?)```", re.DOTALL).search(text, start)
    assert match is not None
    return match.group(1)


def test_pnr_json_example_reads() -> None:
    [message] = read_pnr_json(_block("PNR JSON example", "json"))
    [booking] = message.bookings
    adult, infant = booking.travellers
    assert adult.with_infant
    assert infant.is_infant
    assert booking.payments[0].form == "CA"
    assert booking.payments[0].payer_name == "MEHMET KARA"
    assert booking.contacts[0].normalised == "+905325551234"
    assert booking.itinerary[0].seats[0].seat == "12C"


def test_crossing_csv_example_reads() -> None:
    records = read_crossings_csv(_block("Crossing CSV example", "csv"))
    assert [r.quality_flags for r in records] == [[], []]


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if "$ref" in node else []
        return found + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


@pytest.mark.parametrize("kind", ["pnr-json", "parse"])
def test_schemas_resolve_every_reference(kind: str) -> None:
    schema = json_schema(kind)
    json.dumps(schema)
    references = _refs(schema)
    assert references
    for reference in references:
        assert reference.startswith("#/$defs/")
        assert reference.removeprefix("#/$defs/") in schema["$defs"]
