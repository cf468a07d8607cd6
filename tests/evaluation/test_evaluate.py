"""`filet evaluate` can fail: an empty store scores zero recall, the truth itself scores 1.0."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from filet.evaluation import evaluate
from filet.store import transaction
from filet.store.schema import IdentityRecord, Person

RECORDS = [
    ("pnrgov:LOC001:1", "P1"),
    ("pnrgov:LOC002:1", "P1"),
    ("pnrgov:LOC003:1", "P2"),
    ("pnrgov:LOC004:1", "P2"),
    ("pnrgov:LOC005:1", "P3"),
]


def _truth(folder: Path) -> Path:
    truth = folder / "truth"
    truth.mkdir()
    with (truth / "records.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "record_id",
                "source",
                "file",
                "identity_person_id",
                "physical_person_id",
                "operation_id",
                "group_id",
                "variations",
            ]
        )
        for record_id, person in RECORDS:
            writer.writerow([record_id, "pnrgov", "pnr/x.edi", person, person, "", "", ""])
    with (truth / "persons.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["person_id", "kind", "nationality", "sex", "script"])
        for person, nationality in (("P1", "ERI"), ("P2", "AFG"), ("P3", "SYR")):
            writer.writerow([person, "tourist", nationality, "F", "Latn"])
    return truth


def test_an_empty_store_has_zero_recall(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    truth = _truth(tmp_path)
    with sessions() as session:
        result = evaluate(session, truth, ["identity"])
    assert result["identity"]["pairwise"]["recall"] == 0.0
    assert result["identity"]["records_found"] == 0


def test_the_truth_loaded_as_the_answer_scores_one(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    truth = _truth(tmp_path)
    with transaction(sessions) as session:
        persons = {key: Person(key=key) for key in ("P1", "P2", "P3")}
        session.add_all(persons.values())
        session.flush()
        for record_id, person in RECORDS:
            _source, locator, reference = record_id.split(":")
            session.add(
                IdentityRecord(
                    source_type="pnr",
                    source_key=f"XX:{locator}:{reference}",
                    person_id=persons[person].id,
                )
            )
    with sessions() as session:
        result = evaluate(session, truth, ["identity"])["identity"]
    assert result["pairwise"]["precision"] == 1.0 and result["pairwise"]["recall"] == 1.0
    assert result["cluster"]["f1"] == 1.0


def test_a_wrong_merge_lowers_precision(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    truth = _truth(tmp_path)
    with transaction(sessions) as session:
        everyone = Person(key="all")
        session.add(everyone)
        session.flush()
        for record_id, _person in RECORDS:
            _source, locator, reference = record_id.split(":")
            session.add(
                IdentityRecord(
                    source_type="pnr", source_key=f"XX:{locator}:{reference}", person_id=everyone.id
                )
            )
    with sessions() as session:
        result = evaluate(session, truth, ["identity"])["identity"]
    assert result["pairwise"]["recall"] == 1.0
    assert result["pairwise"]["precision"] == 0.2


def test_screening_recall_counts_only_listed_people_who_travelled(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    # P1 travelled (two bookings) and is listed; P9 is listed and named in a debriefing but never
    # travelled: screening cannot find them, so they are not in the recall's denominator.
    truth = _truth(tmp_path)
    with (truth / "records.csv").open("a", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["watchlist:WL1", "watchlist", "watchlist.csv", "P1", "P1", "", "", ""])
        writer.writerow(["watchlist:WL9", "watchlist", "watchlist.csv", "P9", "P9", "", "", ""])
        writer.writerow(
            ["debriefing:D1", "debriefing", "debriefings.jsonl", "P9", "P9", "", "", ""]
        )
    with (truth / "watchlist.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["entry_id", "person_id", "listed_as", "relation"])
        writer.writerow(["WL1", "P1", "Listed One", "facilitator"])
        writer.writerow(["WL9", "P9", "Listed Nine", "facilitator"])
    with sessions() as session:
        result = evaluate(session, truth, ["screening"])["screening"]
    assert result["listed_travellers"] == 1
    assert result["found"] == 0 and result["recall"] == 0.0
