"""Reading watchlists: our CSV, FollowTheMoney JSON lines and INTERPOL-notice-like JSON.

Every reader yields :class:`ListedPerson` entries and refuses bad input with an
:class:`InputError` naming the line and the column or property. FollowTheMoney entities are
validated by the ``followthemoney`` library itself (its schema and property types).
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Iterator
from typing import Any, Literal

from filet.errors import InputError, Place
from filet.model import alpha2, alpha3, country
from filet.screening._model import ListedPerson

WatchlistFormat = Literal["csv", "ftm", "interpol"]

CSV_COLUMNS = (
    "id",
    "name",
    "aliases",
    "birth_date",
    "nationality",
    "sex",
    "document_number",
    "list",
    "reason",
)
_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]|XX|00)(-(0[1-9]|[12]\d|3[01]|XX|00))?)?$")


def normalise_birth_date(text: str | None, place: Place) -> str | None:
    """A birth date as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (also from ``YYYY/MM/DD``)."""
    if text is None or not text.strip():
        return None
    value = text.strip().replace("/", "-")
    if "T" in value:
        value = value.split("T", 1)[0]
    if not _DATE.match(value.upper()):
        raise InputError(f"birth date {text!r}: expected YYYY, YYYY-MM or YYYY-MM-DD", place)
    return value.upper()


def normalise_country(text: str | None, place: Place) -> str | None:
    """An ISO 3166 alpha-3 (or ICAO) nationality code from alpha-3, ICAO or alpha-2 input."""
    if text is None or not text.strip():
        return None
    code = text.strip().upper()
    if len(code) == 2:
        found = alpha3(code)
        if found:
            return found
    elif country(code) is not None:
        return code
    raise InputError(f"nationality {text!r}: expected an ISO 3166 country code", place)


def same_country(a: str | None, b: str | None) -> bool | None:
    """Whether two country codes (alpha-3, ICAO or alpha-2) name the same country; None if unknown."""
    if not a or not b:
        return None
    return (alpha2(a) or a.upper()) == (alpha2(b) or b.upper())


def normalise_sex(text: str | None, place: Place) -> str | None:
    if text is None or not text.strip():
        return None
    value = text.strip().upper()
    mapped = {"M": "M", "MALE": "M", "F": "F", "FEMALE": "F", "X": "X", "OTHER": "X", "U": None}
    if value not in mapped:
        raise InputError(f"sex {text!r}: expected M, F or X", place)
    return mapped[value]


def read_csv(text: str, file: str, default_list: str | None) -> Iterator[ListedPerson]:
    """Entries of a watchlist CSV (columns in :data:`CSV_COLUMNS`; ``id`` and ``name`` required)."""
    reader = csv.DictReader(io.StringIO(text))
    columns = reader.fieldnames or []
    for required in ("id", "name"):
        if required not in columns:
            raise InputError(
                f"missing column {required!r}", Place(file=file, line=1, field=required)
            )
    if "list" not in columns and not default_list:
        raise InputError(
            "no 'list' column: give the list name (--list NAME)",
            Place(file=file, line=1, field="list"),
        )
    unknown = [c for c in columns if c not in CSV_COLUMNS]
    if unknown:
        raise InputError(
            f"unknown columns {', '.join(unknown)}: expected {', '.join(CSV_COLUMNS)}",
            Place(file=file, line=1),
        )
    for line, row in enumerate(reader, start=2):
        cell = functools.partial(_cell, row)

        for required in ("id", "name"):
            if not cell(required):
                raise InputError(
                    f"{required} is empty", Place(file=file, line=line, field=required)
                )
        list_name = default_list or cell("list")
        if not list_name:
            raise InputError("list is empty", Place(file=file, line=line, field="list"))
        yield ListedPerson(
            list_name=list_name,
            entry_key=cell("id"),
            name=cell("name"),
            aliases=tuple(a.strip() for a in cell("aliases").split(";") if a.strip()),
            birth_date=normalise_birth_date(
                cell("birth_date"), Place(file=file, line=line, field="birth_date")
            ),
            nationality=normalise_country(
                cell("nationality"), Place(file=file, line=line, field="nationality")
            ),
            sex=normalise_sex(cell("sex"), Place(file=file, line=line, field="sex")),
            document_number=cell("document_number") or None,
            reason=cell("reason"),
        )


def read_ftm(text: str, file: str, default_list: str | None) -> Iterator[ListedPerson]:
    """Person entities of FollowTheMoney JSON lines (other schemata are skipped).

    Names: ``name``, ``alias``, ``previousName``, ``weakAlias`` and ``firstName`` + ``lastName``;
    the first ``birthDate``; ``nationality`` or ``citizenship`` (then ``country``);
    ``passportNumber`` or ``idNumber``; ``gender``; the reason from ``topics``, ``program`` and
    ``notes``; the list from ``--list`` or the entity's first dataset.
    """
    from followthemoney import model
    from followthemoney.exc import FollowTheMoneyException

    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        place = Place(file=file, line=line)
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            raise InputError(
                f"not JSON: {error.msg}", Place(file=file, line=line, position=error.colno)
            ) from None
        if not isinstance(data, dict) or "schema" not in data:
            raise InputError("expected a FollowTheMoney entity object with a schema", place)
        try:
            proxy = model.get_proxy(data, cleaned=False)
        except (FollowTheMoneyException, TypeError, ValueError) as error:
            raise InputError(f"not a valid FollowTheMoney entity: {error}", place) from None
        if not proxy.schema.is_a("Person"):
            continue
        if not proxy.id:
            raise InputError("entity without an id", Place(file=file, line=line, field="id"))
        names = proxy.get("name")
        if not names:
            first, last = proxy.get("firstName"), proxy.get("lastName")
            if first or last:
                names = [" ".join(first[:1] + last[:1])]
        if not names:
            raise InputError("Person without a name", Place(file=file, line=line, field="name"))
        aliases: list[str] = []
        for prop in ("alias", "previousName", "weakAlias"):
            aliases.extend(a for a in proxy.get(prop) if a not in names and a not in aliases)
        aliases = [n for n in names[1:] if n not in aliases] + aliases
        births = sorted(proxy.get("birthDate"))
        nationalities = proxy.get("nationality") or proxy.get("citizenship") or proxy.get("country")
        documents = proxy.get("passportNumber") or proxy.get("idNumber")
        genders = proxy.get("gender")
        datasets = data.get("datasets") or []
        list_name = default_list or (datasets[0] if datasets else "")
        if not list_name:
            raise InputError("no list name: give --list NAME or the entity's datasets", place)
        reason = "; ".join(proxy.get("topics") + proxy.get("program") + proxy.get("notes")[:1])
        yield ListedPerson(
            list_name=list_name,
            entry_key=str(proxy.id),
            name=names[0],
            aliases=tuple(aliases),
            birth_date=normalise_birth_date(
                births[0] if births else None, Place(file=file, line=line, field="birthDate")
            ),
            nationality=normalise_country(
                nationalities[0] if nationalities else None,
                Place(file=file, line=line, field="nationality"),
            ),
            sex=normalise_sex(
                genders[0] if genders else None, Place(file=file, line=line, field="gender")
            ),
            document_number=documents[0] if documents else None,
            reason=reason,
            attributes={
                "schema": proxy.schema.name,
                "documents": documents,
                "nationalities": nationalities,
                "birth_dates": births,
            },
        )


def _notices(data: Any, file: str) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        embedded = data.get("_embedded")
        if isinstance(embedded, dict) and isinstance(embedded.get("notices"), list):
            return list(embedded["notices"])
        if isinstance(data.get("notices"), list):
            return list(data["notices"])
        if "entity_id" in data:
            return [data]
    raise InputError(
        'expected a notice, a list of notices, {"notices": [...]} or {"_embedded": {"notices": [...]}}',
        Place(file=file),
    )


def _cell(row: dict[str, str | None], column: str) -> str:
    return (row.get(column) or "").strip()


def _notice_text(notice: dict[str, Any], file: str, number: int, key: str) -> str:
    value = notice.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(f"{key} must be a string", Place(file=file, position=number, field=key))
    return value.strip()


def read_interpol(text: str, file: str, default_list: str | None) -> Iterator[ListedPerson]:
    """Notices in the shape of INTERPOL's public notices API (see docs/screening.md)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            f"not JSON: {error.msg}", Place(file=file, line=error.lineno, position=error.colno)
        ) from None
    for number, notice in enumerate(_notices(data, file), start=1):
        place = Place(file=file, position=number)
        if not isinstance(notice, dict):
            raise InputError("a notice must be an object", place)

        text_of = functools.partial(_notice_text, notice, file, number)

        entity_id = text_of("entity_id")
        if not entity_id:
            raise InputError(
                "entity_id is missing", Place(file=file, position=number, field="entity_id")
            )
        forename, family = text_of("forename"), text_of("name")
        if not forename and not family:
            raise InputError(
                "notice without name or forename", Place(file=file, position=number, field="name")
            )
        full = " ".join(p for p in (forename, family) if p)
        aliases: list[str] = []
        original = text_of("name_in_original_script")
        if original:
            aliases.append(original)
        for alias in notice.get("aliases") or []:
            if isinstance(alias, dict):
                value = " ".join(str(alias.get(k) or "") for k in ("forename", "name")).strip()
            else:
                value = str(alias).strip()
            if value and value not in aliases:
                aliases.append(value)
        nationalities = notice.get("nationalities") or []
        if not isinstance(nationalities, list):
            raise InputError(
                "nationalities must be a list",
                Place(file=file, position=number, field="nationalities"),
            )
        warrants = notice.get("arrest_warrants") or []
        charges = [str(w.get("charge", "")).strip() for w in warrants if isinstance(w, dict)]
        documents = [str(d) for d in notice.get("document_numbers") or []]
        yield ListedPerson(
            list_name=default_list or text_of("notice_type") or "interpol",
            entry_key=entity_id,
            name=full,
            aliases=tuple(aliases),
            birth_date=normalise_birth_date(
                text_of("date_of_birth"), Place(file=file, position=number, field="date_of_birth")
            ),
            nationality=normalise_country(
                str(nationalities[0]) if nationalities else None,
                Place(file=file, position=number, field="nationalities"),
            ),
            sex=normalise_sex(text_of("sex_id"), Place(file=file, position=number, field="sex_id")),
            document_number=documents[0] if documents else None,
            reason="; ".join(c for c in charges if c),
            attributes={"nationalities": nationalities, "documents": documents},
        )


def read_watchlist(
    text: str, file: str, format: WatchlistFormat | None = None, list_name: str | None = None
) -> list[ListedPerson]:
    """All entries of a watchlist file; ``format`` is guessed from the name and content if None."""
    chosen = format or guess_format(text, file)
    readers = {"csv": read_csv, "ftm": read_ftm, "interpol": read_interpol}
    if chosen not in readers:
        raise InputError(f"format {chosen!r}: expected csv, ftm or interpol", Place(file=file))
    entries = list(readers[chosen](text, file, list_name))
    seen: dict[tuple[str, str], int] = {}
    for number, entry in enumerate(entries, start=1):
        key = (entry.list_name, entry.entry_key)
        if key in seen:
            raise InputError(
                f"entry id {entry.entry_key!r} appears twice in list {entry.list_name!r}"
                f" (entries {seen[key]} and {number})",
                Place(file=file, field="id"),
            )
        seen[key] = number
    return entries


def guess_format(text: str, file: str) -> WatchlistFormat:
    lowered = file.lower()
    if lowered.endswith(".csv"):
        return "csv"
    if lowered.endswith((".jsonl", ".ftm", ".ijson")):
        return "ftm"
    stripped = text.lstrip()
    if stripped.startswith("{") and '"schema"' in stripped.split("\n", 1)[0]:
        return "ftm"
    if stripped.startswith(("{", "[")):
        return "interpol"
    return "csv"
