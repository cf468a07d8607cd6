"""Precision and recall of the risk alerts against the ground truth of a synthetic world
(``filet synth`` writes ``truth/bookings.csv`` and ``truth/records.csv``; see docs/synth.md).

A booking is *flagged* when a ``risk`` alert was raised on it or on one of its travellers; a
traveller when a ``risk`` alert was raised on them. A booking is *positive* when the truth gives it
an operation (a smuggling operation moved people on it); a traveller when their PNR record belongs
to an operation (smuggled migrants and the facilitators travelling with them).
"""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from filet.errors import InputError, Place
from filet.store.schema import Alert, PnrBooking, PnrTraveller


@dataclass(frozen=True)
class Detection:
    """Counts and rates of one kind of target."""

    positives: int
    flagged: int
    true_positives: int
    precision: float | None
    recall: float | None

    @classmethod
    def of(cls, flagged: set[Any], positive: set[Any]) -> Detection:
        hits = len(flagged & positive)
        return cls(
            len(positive),
            len(flagged),
            hits,
            hits / len(flagged) if flagged else None,
            hits / len(positive) if positive else None,
        )


def _rows(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    if not path.exists():
        raise InputError("missing truth file", Place(file=str(path)))
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"expected column {missing[0]!r}", Place(file=str(path), line=1))
        return list(reader)


def evaluate_against_truth(session: Session, truth: Path) -> dict[str, Detection]:
    """Precision and recall of flagged bookings and travellers in the store against ``truth/``."""
    bookings = _rows(truth / "bookings.csv", ("record_locator", "operation_id"))
    records = _rows(truth / "records.csv", ("record_id", "source", "operation_id"))
    positive_bookings = {r["record_locator"] for r in bookings if r["operation_id"]}
    known_bookings = {r["record_locator"] for r in bookings}
    positive_travellers: set[tuple[str, str]] = set()
    for record in records:
        if record["source"] == "pnrgov" and record["operation_id"]:
            _, locator, reference = record["record_id"].split(":", 2)
            positive_travellers.add((locator, reference))
    locators = dict(session.execute(select(PnrBooking.id, PnrBooking.locator)).all())
    travellers = {
        t_id: (locators[b_id], ref)
        for t_id, b_id, ref in session.execute(
            select(PnrTraveller.id, PnrTraveller.booking_id, PnrTraveller.reference)
        ).all()
    }
    flagged_bookings: set[str] = set()
    flagged_travellers: set[tuple[str, str]] = set()
    for subject_type, subject_id in session.execute(
        select(Alert.subject_type, Alert.subject_id).where(Alert.kind == "risk")
    ).all():
        if subject_type == "pnr_booking" and subject_id in locators:
            flagged_bookings.add(locators[subject_id])
        elif subject_type == "pnr_traveller" and subject_id in travellers:
            flagged_travellers.add(travellers[subject_id])
            flagged_bookings.add(travellers[subject_id][0])
    stored = set(locators.values()) & known_bookings
    return {
        "bookings": Detection.of(flagged_bookings & stored, positive_bookings & stored),
        "travellers": Detection.of(
            {t for t in flagged_travellers if t[0] in stored},
            {t for t in positive_travellers if t[0] in stored},
        ),
    }


def detections_as_json(found: dict[str, Detection]) -> dict[str, Any]:
    return {name: asdict(value) for name, value in found.items()}
