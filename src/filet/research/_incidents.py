"""Incidents of death and disappearance in the layout of IOM's Missing Migrants Project (MMP):
import of the project's public CSV (CC BY 4.0, attribution kept on every row) and export of
incidents recorded in filet in the same columns, with coordinates coarsened to 0.1 degree.

The MMP file is read with the csv module: its columns are fixed and few, and a bad row must be
reported with its line number.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from filet.errors import InputError, Place
from filet.store.schema import MigrantIncident

MMP_SOURCE = "missing_migrants_project"
MMP_ATTRIBUTION = (
    "Data from IOM's Missing Migrants Project (https://missingmigrants.iom.int), licensed under "
    "CC BY 4.0. Figures are minimum estimates."
)

# Column of the MMP CSV -> accepted spellings (the project has renamed a few over the years).
COLUMNS: dict[str, tuple[str, ...]] = {
    "main_id": ("Main ID",),
    "incident_id": ("Incident ID",),
    "incident_type": ("Incident Type", "Incident type"),
    "region": ("Region of Incident", "Region"),
    "incident_date": ("Incident Date", "Reported Date"),
    "year": ("Incident Year", "Year"),
    "month": ("Reported Month", "Month"),
    "dead": ("Number of Dead",),
    "missing": ("Minimum Estimated Number of Missing",),
    "total": ("Total Number of Dead and Missing", "Total Dead and Missing"),
    "survivors": ("Number of Survivors",),
    "females": ("Number of Females",),
    "males": ("Number of Males",),
    "children": ("Number of Children",),
    "country_of_origin": ("Country of Origin",),
    "region_of_origin": ("Region of Origin",),
    "cause_of_death": ("Cause of Death",),
    "migration_route": ("Migration Route", "Migration route"),
    "location": ("Location of Incident", "Location", "Location Description"),
    "information_source": ("Information Source",),
    "coordinates": ("Coordinates",),
    "unsd_grouping": ("UNSD Geographical Grouping",),
    "source_quality": ("Source Quality",),
    "url": ("URL",),
}
REQUIRED = ("main_id", "incident_date", "dead", "missing")

EXPORT_HEADER = [
    "Main ID",
    "Incident Type",
    "Region of Incident",
    "Incident Date",
    "Incident Year",
    "Reported Month",
    "Number of Dead",
    "Minimum Estimated Number of Missing",
    "Total Number of Dead and Missing",
    "Number of Survivors",
    "Number of Females",
    "Number of Males",
    "Number of Children",
    "Country of Origin",
    "Cause of Death",
    "Migration Route",
    "Location of Incident",
    "Information Source",
    "Coordinates",
    "Source Quality",
    "URL",
    "Attribution",
]


def _date(value: str, place: Place) -> dt.date:
    text = value.strip()
    text = re.sub(r"^[A-Za-z]{3},\s*", "", text)  # "Sat, 01/04/2014"
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%d-%b-%Y", "%Y-%m-%dT%H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise InputError(f"expected a date like 2023-06-14 or 06/14/2023, found {value!r}", place)


def _int(value: str | None, place: Place) -> int | None:
    if value is None or not value.strip():
        return None
    try:
        return int(float(value.replace(",", "").strip()))
    except ValueError:
        raise InputError(f"expected a whole number, found {value!r}", place) from None


def _coordinates(value: str | None, place: Place) -> tuple[float | None, float | None]:
    if not value or not value.strip():
        return None, None
    point = re.match(r"POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)", value.strip())
    if point:
        return float(point.group(2)), float(point.group(1))
    parts = [p.strip() for p in value.split(",")]
    if len(parts) != 2:
        raise InputError(f"expected coordinates 'latitude, longitude', found {value!r}", place)
    try:
        return float(parts[0]), float(parts[1])
    except ValueError:
        raise InputError(
            f"expected coordinates 'latitude, longitude', found {value!r}", place
        ) from None


def _resolve_header(header: list[str], file: str) -> dict[str, str]:
    found: dict[str, str] = {}
    stripped = {h.strip().lstrip("\ufeff"): h for h in header}
    for key, spellings in COLUMNS.items():
        for spelling in spellings:
            if spelling in stripped:
                found[key] = stripped[spelling]
                break
    missing = [COLUMNS[k][0] for k in REQUIRED if k not in found]
    if missing:
        raise InputError(
            f"not a Missing Migrants Project CSV: missing column(s) {', '.join(missing)}",
            Place(file=file, line=1),
        )
    return found


def parse_missing_migrants(stream: TextIO, file: str = "<csv>") -> list[dict[str, Any]]:
    """The incidents of an MMP CSV as column values for :class:`MigrantIncident`."""
    reader = csv.DictReader(stream)
    columns = _resolve_header(list(reader.fieldnames or []), file)
    out = []
    for line, raw in enumerate(reader, start=2):

        def get(key: str, raw: dict[str, str] = raw) -> str | None:
            name = columns.get(key)
            value = raw.get(name) if name else None
            return value.strip() if isinstance(value, str) and value.strip() else None

        def place(key: str, line: int = line) -> Place:
            return Place(file=file, line=line, field=COLUMNS[key][0])

        main_id = get("main_id")
        if main_id is None:
            raise InputError("the Main ID is empty", place("main_id"))
        date_text = get("incident_date")
        if date_text is None:
            raise InputError("the incident date is empty", place("incident_date"))
        latitude, longitude = _coordinates(get("coordinates"), place("coordinates"))
        out.append(
            {
                "source": MMP_SOURCE,
                "source_id": main_id,
                "incident_type": get("incident_type"),
                "region": get("region"),
                "incident_date": _date(date_text, place("incident_date")),
                "dead": _int(get("dead"), place("dead")),
                "missing": _int(get("missing"), place("missing")),
                "survivors": _int(get("survivors"), place("survivors")),
                "females": _int(get("females"), place("females")),
                "males": _int(get("males"), place("males")),
                "children": _int(get("children"), place("children")),
                "country_of_origin": get("country_of_origin"),
                "cause_of_death": get("cause_of_death"),
                "migration_route": get("migration_route"),
                "location": get("location"),
                "latitude": latitude,
                "longitude": longitude,
                "information_source": get("information_source"),
                "source_quality": _int(get("source_quality"), place("source_quality")),
                "url": get("url"),
                "attribution": MMP_ATTRIBUTION,
            }
        )
    return out


def import_missing_migrants(
    session: Session, stream: TextIO, file: str = "<csv>"
) -> tuple[int, int]:
    """Load an MMP CSV; re-loading updates rows by Main ID. Returns (added, updated)."""
    added = updated = 0
    for values in parse_missing_migrants(stream, file):
        existing = session.scalars(
            select(MigrantIncident).where(
                MigrantIncident.source == MMP_SOURCE,
                MigrantIncident.source_id == values["source_id"],
            )
        ).one_or_none()
        if existing is None:
            session.add(MigrantIncident(**values))
            added += 1
        else:
            for key, value in values.items():
                setattr(existing, key, value)
            updated += 1
    session.flush()
    return added, updated


def _coarse(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def export_incidents(incidents: Iterable[MigrantIncident]) -> str:
    """Incidents as CSV in the MMP column layout (coordinates to 0.1 degree, attribution kept)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_HEADER)
    for i in incidents:
        total = (i.dead or 0) + (i.missing or 0)
        coordinates = (
            f"{_coarse(i.latitude)}, {_coarse(i.longitude)}"
            if i.latitude is not None and i.longitude is not None
            else ""
        )
        writer.writerow(
            [
                f"{i.source}:{i.source_id}" if i.source != MMP_SOURCE else i.source_id,
                i.incident_type or "",
                i.region or "",
                i.incident_date.isoformat() if i.incident_date else "",
                i.incident_date.year if i.incident_date else "",
                i.incident_date.strftime("%b") if i.incident_date else "",
                "" if i.dead is None else i.dead,
                "" if i.missing is None else i.missing,
                total,
                "" if i.survivors is None else i.survivors,
                "" if i.females is None else i.females,
                "" if i.males is None else i.males,
                "" if i.children is None else i.children,
                i.country_of_origin or "",
                i.cause_of_death or "",
                i.migration_route or "",
                i.location or "",
                i.information_source or "",
                coordinates,
                "" if i.source_quality is None else i.source_quality,
                i.url or "",
                i.attribution or "",
            ]
        )
    return buffer.getvalue()
