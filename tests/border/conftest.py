"""Real MRZs written by filet.documents for documents of real issuing states, and crossing points."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from filet.documents import DocumentData, MRZFormat, write_mrz
from filet.store.schema import CrossingPoint
from tests.web.conftest import site  # noqa: F401 (the web fixture, for test_web.py)

TODAY = dt.date.today()
NOW = dt.datetime.now(dt.UTC)


def passport(
    number: str,
    surname: str = "Müller",
    given: str = "Jürgen",
    birth: dt.date = dt.date(1985, 3, 1),
    sex: str = "M",
    expiry: dt.date | None = None,
    state: str = "D",
    nationality: str | None = None,
) -> list[str]:
    """A TD3 passport MRZ (check digits computed by the writer)."""
    return write_mrz(
        DocumentData(
            MRZFormat.TD3,
            state,
            surname,
            given,
            number,
            nationality or state,
            birth,
            sex,
            expiry or TODAY.replace(year=TODAY.year + 5),
        )
    )


def add_points(session: Session) -> None:
    session.add_all(
        [
            CrossingPoint(
                code="FRA",
                name="Frankfurt Airport",
                country="D",
                kind="air",
                latitude=50.03,
                longitude=8.57,
            ),
            CrossingPoint(
                code="KAP",
                name="Kapitan Andreevo",
                country="BGR",
                kind="land",
                latitude=41.72,
                longitude=26.32,
            ),
        ]
    )
    session.flush()
