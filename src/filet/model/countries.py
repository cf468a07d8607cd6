"""Country codes as ICAO Doc 9303 uses them: ISO 3166-1 alpha-3 and the ICAO non-country codes.

The tables are data files beside this module (``data/iso3166_countries.csv``: alpha-3, alpha-2 and
English short name of every ISO 3166-1 country; ``data/icao_codes.csv``: ``D`` for Germany, the
British nationality categories, United Nations and other organisations, the stateless/refugee codes
``XXA``/``XXB``/``XXC``, ``XXX`` and the specimen state ``UTO``) so that a domain expert can review
them without reading Python.

We keep our own table rather than use ``pycountry`` because the ICAO additions, the ``D<<`` spelling
and the specimen-only ``UTO`` are not in any ISO library.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources

__all__ = [
    "Country",
    "CountryKind",
    "all_countries",
    "alpha2",
    "alpha3",
    "country",
    "icao_code",
    "is_valid_icao_code",
    "mrz_country_field",
]


class CountryKind(StrEnum):
    """What an ICAO code stands for."""

    ISO3166 = "iso3166"
    COUNTRY = "country"
    NATIONALITY_CATEGORY = "nationality_category"
    ORGANIZATION = "organization"
    STATELESS_OR_REFUGEE = "stateless_or_refugee"
    UNSPECIFIED = "unspecified"
    OTHER = "other"
    SPECIMEN = "specimen"


@dataclass(frozen=True, slots=True)
class Country:
    """One code that may stand in an issuing-state or nationality field of an MRZ."""

    code: str
    """The code as ICAO writes it, without fillers (``DEU``, ``D``, ``XXA``)."""
    name: str
    kind: CountryKind
    alpha2: str | None
    """ISO 3166-1 alpha-2 of the country the code belongs to (``D`` and ``GBN`` have one)."""
    iso_alpha3: str | None
    """ISO 3166-1 alpha-3 of the country the code belongs to, if any."""
    icao_code: str
    """The code an MRZ carries for this entry: the same as :attr:`code` except ``DEU`` -> ``D``."""
    note: str = ""

    @property
    def is_specimen(self) -> bool:
        return self.kind is CountryKind.SPECIMEN


@dataclass(frozen=True, slots=True)
class _Tables:
    by_code: dict[str, Country]
    by_alpha2: dict[str, str]


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("filet.model").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    by_code: dict[str, Country] = {}
    by_alpha2: dict[str, str] = {}
    for row in _read_csv("iso3166_countries.csv"):
        code = row["alpha3"]
        by_code[code] = Country(code, row["name"], CountryKind.ISO3166, row["alpha2"], code, code)
        by_alpha2[row["alpha2"]] = code
    iso_alpha2 = {c.code: c.alpha2 for c in by_code.values()}
    for row in _read_csv("icao_codes.csv"):
        iso = row["iso_alpha3"] or None
        kind = CountryKind(row["kind"])
        by_code[row["code"]] = Country(
            code=row["code"],
            name=row["name"],
            kind=kind,
            alpha2=iso_alpha2.get(iso) if iso else None,
            iso_alpha3=iso,
            icao_code=row["code"],
            note=row["note"],
        )
        if kind is CountryKind.COUNTRY and iso:
            # ICAO writes this country with its own code (D for Germany), not the ISO alpha-3.
            replaced = by_code[iso]
            by_code[iso] = Country(
                replaced.code,
                replaced.name,
                replaced.kind,
                replaced.alpha2,
                replaced.iso_alpha3,
                row["code"],
                f"written {row['code']} in an MRZ",
            )
    return _Tables(by_code, by_alpha2)


def _clean(code: str) -> str:
    return code.strip().upper().rstrip("<")


def country(code: str) -> Country | None:
    """The country or ICAO entity for ``code`` (``"DEU"``, ``"deu"``, ``"D"``, ``"D<<"``), or None.

    The specimen state ``UTO`` is returned too (its :attr:`Country.kind` is ``specimen``); use
    :func:`is_valid_icao_code` to decide whether a code is acceptable on a real document.
    """
    return _tables().by_code.get(_clean(code))


def is_valid_icao_code(code: str, specimen: bool = False) -> bool:
    """Whether ``code`` may stand in an MRZ issuing-state or nationality field.

    ``UTO`` (Utopia, the Doc 9303 specimen state) is accepted only when ``specimen`` is true.
    ``DEU`` is not: an MRZ writes Germany ``D<<`` (use :func:`icao_code` to convert).
    """
    found = country(code)
    if found is None or found.icao_code != _clean(code):
        return False
    return specimen or not found.is_specimen


def icao_code(code: str) -> str | None:
    """The code an MRZ uses for a known code (``DEU`` and ``D<<`` give ``D``), or None."""
    found = country(code)
    return found.icao_code if found else None


def alpha2(code: str) -> str | None:
    """ISO 3166-1 alpha-2 for an ICAO code (``DEU`` and ``D`` give ``DE``), or None."""
    found = country(code)
    return found.alpha2 if found else None


def alpha3(alpha2_code: str) -> str | None:
    """ISO 3166-1 alpha-3 for an alpha-2 code (``DE`` gives ``DEU``), or None."""
    return _tables().by_alpha2.get(alpha2_code.strip().upper())


def mrz_country_field(code: str) -> str:
    """The three characters an MRZ carries for ``code``: ``D`` and ``DEU`` become ``D<<``."""
    return (icao_code(code) or _clean(code)).ljust(3, "<")


def all_countries() -> tuple[Country, ...]:
    """Every known code: ISO 3166-1 countries first, then the ICAO additions."""
    return tuple(_tables().by_code.values())
