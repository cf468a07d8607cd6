"""Loader of the code tables in ``data/codes.yaml`` (roles, list types, contact codes, titles)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml


@dataclass(frozen=True)
class CodeTables:
    traveller_roles: dict[str, str]
    list_types: dict[str, str]
    sexes: frozenset[str]
    phone_contact_codes: frozenset[str]
    email_contact_codes: frozenset[str]
    name_titles: frozenset[str]
    glued_name_titles: tuple[str, ...]
    icao_country_codes: dict[str, str]


@cache
def codes() -> CodeTables:
    raw: dict[str, Any] = yaml.safe_load(
        files("filet.passenger").joinpath("data/codes.yaml").read_text(encoding="utf-8")
    )
    return CodeTables(
        traveller_roles={str(k): str(v) for k, v in raw["paxlst_traveller_roles"].items()},
        list_types={str(k): str(v) for k, v in raw["paxlst_list_types"].items()},
        sexes=frozenset(raw["sexes"]),
        phone_contact_codes=frozenset(raw["phone_contact_codes"]),
        email_contact_codes=frozenset(raw["email_contact_codes"]),
        name_titles=frozenset(raw["name_titles"]),
        glued_name_titles=tuple(sorted(raw["glued_name_titles"], key=len, reverse=True)),
        icao_country_codes={str(k): str(v) for k, v in raw["icao_country_codes"].items()},
    )
