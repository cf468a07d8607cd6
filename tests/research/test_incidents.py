"""Missing Migrants Project CSV: import with attribution, idempotent re-import, clear errors, and
export in the same columns with coarsened coordinates."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from filet.errors import InputError
from filet.research import (
    MMP_ATTRIBUTION,
    Period,
    compute,
    export_incidents,
    import_missing_migrants,
)
from filet.settings import Settings
from filet.store import transaction
from filet.store.schema import MigrantIncident

SAMPLE = Path(__file__).parent / "data" / "mmp_sample.csv"


def _load(sessions: sessionmaker[Session]) -> tuple[int, int]:
    with transaction(sessions) as session, SAMPLE.open(encoding="utf-8", newline="") as stream:
        return import_missing_migrants(session, stream, SAMPLE.name)


def test_import_keeps_fields_and_attribution_and_is_idempotent(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    assert _load(sessions) == (4, 0)
    assert _load(sessions) == (0, 4)
    with sessions() as session:
        incidents = {i.source_id: i for i in session.scalars(select(MigrantIncident))}
        pylos = incidents["2023.MMP00101"]
        assert pylos.incident_date == dt.date(2023, 6, 14)
        assert (pylos.dead, pylos.missing, pylos.survivors) == (82, 500, 104)
        assert pylos.cause_of_death == "Drowning"
        assert pylos.migration_route == "Central Mediterranean"
        assert (pylos.latitude, pylos.longitude) == (36.9345, 21.1021)
        assert pylos.source_quality == 5
        assert pylos.attribution == MMP_ATTRIBUTION
        assert incidents["2023.MMP00102"].incident_date == dt.date(2023, 2, 25)
        assert incidents["2023.MMP00103"].latitude == 46.1867
        table = compute(session, "deaths_missing", ["outcome"], Period(), settings)
        exported = export_incidents(incidents.values())
    totals = {c["dimensions"]["outcome"]: c["count"] for c in table.cells}
    assert totals["dead"] == 190  # 82 + 94 + 1 + 12 = 189, rounded to base 5
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert rows[0]["Coordinates"] == "36.9, 21.1"
    assert rows[0]["Total Number of Dead and Missing"] == "582"
    assert all(r["Attribution"] == MMP_ATTRIBUTION for r in rows)


def test_a_bad_row_names_its_line_and_column(sessions: sessionmaker[Session]) -> None:
    text = SAMPLE.read_text().replace("2023-11-03", "3rd November")
    with pytest.raises(InputError) as caught, transaction(sessions) as session:
        import_missing_migrants(session, io.StringIO(text), "bad.csv")
    assert caught.value.place.line == 4
    assert caught.value.place.field == "Incident Date"
    with sessions() as session:
        assert session.scalars(select(MigrantIncident)).first() is None
    with pytest.raises(InputError, match="Number of Dead"), transaction(sessions) as session:
        import_missing_migrants(
            session, io.StringIO("Main ID,Incident Date\n1,2023-01-01\n"), "x.csv"
        )
