"""Extracts shared with other States or agencies are non-nominal: no names, document numbers,
phones, exact birth dates or exact coordinates, whatever the topic and dimensions."""

from __future__ import annotations

import csv
import io
import json
import re

import pyarrow.parquet as pq
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from filet.errors import InputError
from filet.research import (
    FORBIDDEN_FIELDS,
    Period,
    check_non_nominal,
    dimensions,
    export,
    find_release,
    release,
    topics,
)
from filet.security import SYSTEM
from filet.settings import Settings
from filet.store import transaction
from filet.store.schema import IdentityRecord, MigrantIncident

CELL_FIELDS = {"count", "status", "reason", "median", "q1", "q3"}


def test_no_topic_offers_a_dimension_that_identifies_a_person() -> None:
    for topic in topics().values():
        assert not FORBIDDEN_FIELDS & set(topic.dimensions), topic.key
        assert "day" not in topic.dimensions
    assert not FORBIDDEN_FIELDS & set(dimensions())
    assert not CELL_FIELDS & set(dimensions())


def test_an_extract_with_a_personal_column_or_an_exact_date_is_refused() -> None:
    check_non_nominal([{"nationality": "SYR", "month": "2025-01", "count": 15}])
    for bad in (
        {"surname": "HADDAD", "count": 15},
        {"document_number": "X1234567", "count": 15},
        {"phone": "+33612345678", "count": 15},
        {"birth_date": "1990", "count": 15},
        {"latitude": 36.1, "count": 15},
        {"month": "2025-01-14", "count": 15},
    ):
        with pytest.raises(InputError):
            check_non_nominal([bad])


def test_every_topic_exports_non_nominal_files(
    world: sessionmaker[Session], settings: Settings
) -> None:
    with world() as session:
        personal = set()
        for record in session.scalars(select(IdentityRecord)):
            personal |= {record.surname, record.document_number, record.phone, record.birth_date}
        incident = session.scalars(select(MigrantIncident)).first()
        assert incident is not None
        coordinates = {str(incident.latitude), str(incident.longitude)}
    references = []
    with transaction(world) as session:
        for topic in topics().values():
            by = [d for d in topic.dimensions if d not in ("month", "quarter")][:2]
            row = release(session, topic.key, by, Period(), settings, SYSTEM, recipient="UNODC VRS")
            references.append(row.reference)
    with world() as session:
        for reference in references:
            row = find_release(session, reference)
            allowed = set(row.parameters["dimensions"]) | CELL_FIELDS
            data = export(row.output, row.parameters, "csv").decode()
            body = "\n".join(line for line in data.splitlines() if not line.startswith("#"))
            header = next(csv.reader(io.StringIO(body)))
            assert set(header) <= allowed, (row.topic, header)
            text = data + export(row.output, row.parameters, "json").decode()
            for value in personal | coordinates:
                assert value not in text, (row.topic, value)
            assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", body)
            table = pq.read_table(io.BytesIO(export(row.output, row.parameters, "parquet")))
            assert set(table.column_names) <= allowed
            assert json.loads(table.schema.metadata[b"filet_parameters"])["min_cell"] == 11
