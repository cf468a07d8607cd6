"""ICAO country codes: ISO 3166-1 countries, the ICAO non-country codes and specimen-only Utopia."""

from __future__ import annotations

import pytest

from filet.model import (
    CountryKind,
    all_countries,
    alpha2,
    alpha3,
    country,
    icao_code,
    is_valid_icao_code,
    mrz_country_field,
)


def test_every_iso_3166_country_is_there_with_both_codes() -> None:
    iso = [c for c in all_countries() if c.kind is CountryKind.ISO3166]
    assert len(iso) == 249
    assert len({c.alpha2 for c in iso}) == 249
    for entry in iso:
        assert len(entry.code) == 3 and entry.code.isalpha() and entry.code.isupper()
        assert entry.alpha2 is not None and alpha3(entry.alpha2) == entry.code
        assert entry.name


@pytest.mark.parametrize(
    ("code", "name", "a2"),
    [
        ("DEU", "Germany", "DE"),
        ("D", "Germany", "DE"),
        ("D<<", "Germany", "DE"),
        ("syr", "Syria", "SY"),
        ("AFG", "Afghanistan", "AF"),
        ("GBN", "British National (Overseas)", "GB"),
    ],
)
def test_lookup(code: str, name: str, a2: str) -> None:
    found = country(code)
    assert found is not None
    assert found.name == name
    assert alpha2(code) == a2


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("XXA", CountryKind.STATELESS_OR_REFUGEE),
        ("XXB", CountryKind.STATELESS_OR_REFUGEE),
        ("XXC", CountryKind.STATELESS_OR_REFUGEE),
        ("XXX", CountryKind.UNSPECIFIED),
        ("UNO", CountryKind.ORGANIZATION),
        ("UNA", CountryKind.ORGANIZATION),
        ("UNK", CountryKind.ORGANIZATION),
        ("EUE", CountryKind.ORGANIZATION),
        ("XOM", CountryKind.ORGANIZATION),
        ("XPO", CountryKind.ORGANIZATION),
        ("XCC", CountryKind.ORGANIZATION),
        ("XES", CountryKind.ORGANIZATION),
        ("XMP", CountryKind.ORGANIZATION),
        ("XDC", CountryKind.ORGANIZATION),
        ("GBD", CountryKind.NATIONALITY_CATEGORY),
        ("GBO", CountryKind.NATIONALITY_CATEGORY),
        ("GBP", CountryKind.NATIONALITY_CATEGORY),
        ("GBS", CountryKind.NATIONALITY_CATEGORY),
    ],
)
def test_icao_non_country_codes_are_valid(code: str, kind: CountryKind) -> None:
    found = country(code)
    assert found is not None and found.kind is kind
    assert is_valid_icao_code(code)
    assert alpha2(code) == ("GB" if code.startswith("GB") else None)


def test_utopia_only_in_specimen_mode() -> None:
    utopia = country("UTO")
    assert utopia is not None and utopia.is_specimen
    assert not is_valid_icao_code("UTO")
    assert is_valid_icao_code("UTO", specimen=True)


@pytest.mark.parametrize("code", ["XYZ", "", "DE", "GERMANY", "ZZZ"])
def test_unknown_codes(code: str) -> None:
    assert country(code) is None
    assert not is_valid_icao_code(code, specimen=True)
    assert alpha2(code) is None


def test_germany_is_d_in_an_mrz() -> None:
    assert icao_code("DEU") == "D"
    assert icao_code("D<<") == "D"
    assert icao_code("FRA") == "FRA"
    assert icao_code("XYZ") is None
    assert not is_valid_icao_code("DEU")
    assert is_valid_icao_code("D")
    assert mrz_country_field("DEU") == "D<<"


def test_alpha3_and_mrz_field() -> None:
    assert alpha3("gb") == "GBR"
    assert alpha3("XX") is None
    assert mrz_country_field("D") == "D<<"
    assert mrz_country_field("fra") == "FRA"
