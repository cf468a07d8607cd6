"""Domain types shared by every capability; for now the ICAO/ISO country codes."""

from filet.model.countries import (
    Country,
    CountryKind,
    all_countries,
    alpha2,
    alpha3,
    country,
    icao_code,
    is_valid_icao_code,
    mrz_country_field,
)

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
