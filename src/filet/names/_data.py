"""Loaders for the reviewable data files under ``filet/names/data``.

Every table the name toolkit uses (script letter tables, particles and titles, culture rules,
equivalence groups, token frequencies) lives in a YAML or CSV file that a domain expert can read
and correct without reading Python. This module parses them once, checks their shape and hands
out plain frozen dataclasses. A malformed file raises :class:`filet.errors.ConfigError` naming the
file and the line or entry.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from filet.errors import ConfigError, Place

_PACKAGE = "filet.names"


def _read_text(name: str) -> str:
    return resources.files(_PACKAGE).joinpath("data").joinpath(name).read_text(encoding="utf-8")


def _read_csv(name: str) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV data file with their line numbers; lines starting with ``#`` are comments."""
    text = _read_text(name)
    numbered = [
        (number, line)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not numbered:
        raise ConfigError("the file has no header row", Place(file=name))
    reader = csv.DictReader(io.StringIO("\n".join(line for _, line in numbered)))
    rows: list[tuple[int, dict[str, str]]] = []
    for (number, _), row in zip(numbered[1:], reader, strict=True):
        if None in row or any(value is None for value in row.values()):
            raise ConfigError(
                f"expected {len(reader.fieldnames or [])} columns", Place(file=name, line=number)
            )
        rows.append((number, {key: value.strip() for key, value in row.items()}))
    return rows


def _read_yaml(name: str) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(_read_text(name))
    except yaml.YAMLError as error:
        raise ConfigError(f"not valid YAML: {error}", Place(file=name)) from error
    if not isinstance(loaded, dict):
        raise ConfigError("expected a mapping at the top level", Place(file=name))
    return loaded


def _string_list(value: object, name: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: expected a list of strings", Place(file=name))
    return tuple(value)


@dataclass(frozen=True, slots=True)
class LetterRule:
    """How one letter of an abjad (Arabic-script or Hebrew) is written in Latin."""

    initial: str
    medial: str
    final: str
    alternative: str


@cache
def letter_table(name: str) -> dict[str, LetterRule]:
    """The letter table ``arabic_script.csv`` or ``hebrew_script.csv``."""
    table: dict[str, LetterRule] = {}
    for number, row in _read_csv(name):
        letter = row["letter"]
        if len(letter) != 1:
            raise ConfigError("expected one letter in column letter", Place(file=name, line=number))
        table[letter] = LetterRule(row["initial"], row["medial"], row["final"], row["alternative"])
    return table


@dataclass(frozen=True, slots=True)
class SyllableRow:
    """One consonant row of the Ge'ez syllabary."""

    start: int
    consonant: str
    first_vowel: str
    labialised: bool


@cache
def ethiopic_rows() -> tuple[SyllableRow, ...]:
    """The rows of ``ethiopic.csv``."""
    rows: list[SyllableRow] = []
    for number, row in _read_csv("ethiopic.csv"):
        try:
            start = int(row["start"], 16)
        except ValueError as error:
            raise ConfigError(
                "expected a hexadecimal code point in column start",
                Place(file="ethiopic.csv", line=number),
            ) from error
        if row["labialised"] not in ("yes", "no"):
            raise ConfigError(
                "expected yes or no in column labialised", Place(file="ethiopic.csv", line=number)
            )
        rows.append(SyllableRow(start, row["consonant"], row["first"], row["labialised"] == "yes"))
    return tuple(rows)


@dataclass(frozen=True, slots=True)
class Particles:
    """Particles (with what they mark), titles and compound prefixes and suffixes."""

    marks: dict[str, str]
    titles: frozenset[str]
    title_or_name: frozenset[str]
    prefixes: dict[str, str]
    suffixes: dict[str, str]
    standalone_suffixes: frozenset[str]
    ocr_digits: dict[str, str]


@cache
def particles() -> Particles:
    """The contents of ``particles.yaml``."""
    name = "particles.yaml"
    data = _read_yaml(name)
    marks: dict[str, str] = {}
    for index, entry in enumerate(data.get("particles") or []):
        if not isinstance(entry, dict) or not isinstance(entry.get("marks"), str):
            raise ConfigError(
                f"particles entry {index + 1}: expected forms and marks", Place(file=name)
            )
        for form in _string_list(entry.get("forms"), name, f"particles entry {index + 1}"):
            marks[form] = entry["marks"]
    titles = frozenset(_string_list(data.get("titles"), name, "titles"))
    title_or_name = frozenset(_string_list(data.get("title_or_name"), name, "title_or_name"))

    def affixes(key: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for index, entry in enumerate(data.get(key) or []):
            if not isinstance(entry, dict) or not isinstance(entry.get("canonical"), str):
                raise ConfigError(
                    f"{key} entry {index + 1}: expected canonical and forms", Place(file=name)
                )
            for form in _string_list(entry.get("forms"), name, f"{key} entry {index + 1}"):
                found[form] = entry["canonical"]
        return found

    digits = data.get("ocr_digits") or {}
    if not isinstance(digits, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in digits.items()
    ):
        raise ConfigError("ocr_digits: expected a mapping of digit to letter", Place(file=name))
    return Particles(
        marks,
        titles,
        title_or_name,
        affixes("compound_prefixes"),
        affixes("compound_suffixes"),
        frozenset(_string_list(data.get("standalone_suffixes"), name, "standalone_suffixes")),
        dict(digits),
    )


@dataclass(frozen=True, slots=True)
class Culture:
    """Name structure of one naming culture."""

    key: str
    description: str
    family_names: bool
    family_first: bool
    order: tuple[str, ...]
    scripts: tuple[str, ...]
    countries: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CultureRules:
    """All cultures, the default one and the cue lists of ``cultures.yaml``."""

    cultures: dict[str, Culture]
    default: str
    patronymic_suffixes: tuple[str, ...]
    family_first_names: frozenset[str]
    by_country: dict[str, str]


_ROLES_IN_ORDER = {"given", "father", "grandfather", "family"}


@cache
def culture_rules() -> CultureRules:
    """The contents of ``cultures.yaml``."""
    name = "cultures.yaml"
    data = _read_yaml(name)
    cultures: dict[str, Culture] = {}
    for key, entry in (data.get("cultures") or {}).items():
        if not isinstance(entry, dict):
            raise ConfigError(f"culture {key}: expected a mapping", Place(file=name))
        order = _string_list(entry.get("order"), name, f"culture {key} order")
        if not order or not set(order) <= _ROLES_IN_ORDER:
            raise ConfigError(
                f"culture {key}: order must list roles among {sorted(_ROLES_IN_ORDER)}",
                Place(file=name),
            )
        cultures[key] = Culture(
            key=str(key),
            description=str(entry.get("description", "")),
            family_names=bool(entry.get("family_names")),
            family_first=bool(entry.get("family_first")),
            order=order,
            scripts=_string_list(entry.get("scripts"), name, f"culture {key} scripts"),
            countries=_string_list(entry.get("countries"), name, f"culture {key} countries"),
        )
    default = str(data.get("default", ""))
    if default not in cultures:
        raise ConfigError(f"default culture {default!r} is not defined", Place(file=name))
    by_country: dict[str, str] = {}
    for culture in cultures.values():
        for country in culture.countries:
            if country in by_country:
                raise ConfigError(
                    f"country {country} is listed under {by_country[country]} and {culture.key}",
                    Place(file=name),
                )
            by_country[country] = culture.key
    return CultureRules(
        cultures=cultures,
        default=default,
        patronymic_suffixes=_string_list(
            data.get("patronymic_suffixes"), name, "patronymic_suffixes"
        ),
        family_first_names=frozenset(
            _string_list(data.get("family_first_names"), name, "family_first_names")
        ),
        by_country=by_country,
    )


@dataclass(frozen=True, slots=True)
class EquivalenceGroup:
    """One known-equivalence group: spellings of one name in Latin and other scripts."""

    id: str
    cultures: tuple[str, ...]
    latin: tuple[str, ...]
    native: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Equivalences:
    """All groups and the cognate links between them."""

    groups: tuple[EquivalenceGroup, ...]
    cognates: tuple[tuple[str, str], ...]
    ambiguous: frozenset[str] = frozenset()


@cache
def equivalences() -> Equivalences:
    """The contents of ``equivalences.yaml``."""
    name = "equivalences.yaml"
    data = _read_yaml(name)
    groups: list[EquivalenceGroup] = []
    seen: set[str] = set()
    for index, entry in enumerate(data.get("groups") or []):
        where = f"group {index + 1}"
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise ConfigError(f"{where}: expected a mapping with an id", Place(file=name))
        if entry["id"] in seen:
            raise ConfigError(f"{where}: id {entry['id']!r} is used twice", Place(file=name))
        seen.add(entry["id"])
        groups.append(
            EquivalenceGroup(
                id=entry["id"],
                cultures=_string_list(entry.get("cultures"), name, f"{where} cultures"),
                latin=_string_list(entry.get("latin"), name, f"{where} latin"),
                native=_string_list(entry.get("native"), name, f"{where} native"),
            )
        )
    cognates: list[tuple[str, str]] = []
    for index, pair in enumerate(data.get("cognates") or []):
        items = _string_list(pair, name, f"cognates entry {index + 1}")
        if len(items) != 2 or not set(items) <= seen:
            raise ConfigError(
                f"cognates entry {index + 1}: expected two known group ids", Place(file=name)
            )
        cognates.append((items[0], items[1]))
    ambiguous = frozenset(_string_list(data.get("ambiguous"), name, "ambiguous"))
    return Equivalences(tuple(groups), tuple(cognates), ambiguous)


@cache
def frequencies() -> dict[str, float]:
    """People per million carrying each listed token (``frequencies.csv``)."""
    name = "frequencies.csv"
    found: dict[str, float] = {}
    for number, row in _read_csv(name):
        try:
            value = float(row["per_million"])
        except ValueError as error:
            raise ConfigError(
                "expected a number in column per_million", Place(file=name, line=number)
            ) from error
        if not 0 < value <= 1_000_000:
            raise ConfigError("per_million must be in (0, 1000000]", Place(file=name, line=number))
        found[row["name"]] = value
    return found


@cache
def hypocoristics() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The contents of ``hypocoristics.yaml``: (full name or group id, short forms) each."""
    name = "hypocoristics.yaml"
    data = _read_yaml(name)
    found: list[tuple[str, tuple[str, ...]]] = []
    for index, entry in enumerate(data.get("hypocoristics") or []):
        where = f"hypocoristics entry {index + 1}"
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise ConfigError(f"{where}: expected a mapping with a name", Place(file=name))
        short = _string_list(entry.get("short"), name, f"{where} short")
        if not short:
            raise ConfigError(f"{where}: expected at least one short form", Place(file=name))
        found.append((entry["name"], short))
    return tuple(found)


@cache
def chinese_romanisation() -> dict[str, str]:
    """Pinyin syllable → Wade-Giles spelling (``chinese_romanisation.csv``)."""
    name = "chinese_romanisation.csv"
    found: dict[str, str] = {}
    for number, row in _read_csv(name):
        pinyin, wade_giles = row["pinyin"], row["wade_giles"]
        if not (pinyin.isalpha() and pinyin.isascii() and wade_giles.isalpha()):
            raise ConfigError(
                "expected ASCII letters in both columns", Place(file=name, line=number)
            )
        found[pinyin] = wade_giles
    return found
