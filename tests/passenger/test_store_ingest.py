"""Ingestion into the store: whole messages or nothing, idempotent, PNR versions, API↔PNR links."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from filet.errors import InputError
from filet.passenger import (
    ApiTraveller,
    Contact,
    Flight,
    FlightLeg,
    FlightManifest,
    ItineraryLeg,
    Payment,
    PnrBooking,
    PnrMessage,
    PnrTraveller,
    Ticket,
    TravelDocument,
    TravellerName,
    write_paxlst,
    write_pnrgov,
)
from filet.passenger._store import ingest_message
from filet.security import SYSTEM
from filet.store import schema as S
from filet.store import transaction
from tests.passenger.ingest_corpus import run as run_ingest_corpus

MESSAGES = Path(__file__).parent / "messages"
SNAPSHOT = Path(__file__).parent / "data" / "ingest_snapshot.json"
TABLES = [
    S.InboundMessage,
    S.Flight,
    S.ApiTraveller,
    S.PnrBooking,
    S.PnrVersion,
    S.PnrTraveller,
    S.PnrLeg,
    S.PnrContact,
    S.PnrPayment,
    S.BorderCrossing,
    S.IdentityRecord,
    S.TravelDocument,
    S.Agency,
    S.CrossingPoint,
]


def _snapshot(session: Session) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every passenger table (without volatile timestamps)."""
    snapshot = {}
    for table in TABLES:
        columns = [c for c in table.__table__.columns if c.name not in ("created_at",)]
        rows = session.execute(select(*columns).order_by(*table.__table__.primary_key)).all()
        snapshot[table.__tablename__] = [tuple(r) for r in rows]
    return snapshot


def _ingest(sessions: sessionmaker[Session], data: bytes, name: str) -> dict[str, Any]:
    with transaction(sessions) as session:
        return ingest_message(session, data, name, SYSTEM).as_dict()


def test_every_fixture_message_goes_in_and_a_second_time_changes_nothing(
    sessions: sessionmaker[Session],
) -> None:
    files = sorted(MESSAGES.iterdir())
    for path in files:
        summary = _ingest(sessions, path.read_bytes(), path.name)
        assert not summary["duplicate"]
    with sessions() as session:
        before = _snapshot(session)
    assert len(before["api_travellers"]) >= 8
    assert len(before["pnr_bookings"]) >= 3
    for path in files:
        assert _ingest(sessions, path.read_bytes(), path.name)["duplicate"] is True
    with sessions() as session:
        assert _snapshot(session) == before


def test_a_broken_message_is_refused_whole_with_its_place(sessions: sessionmaker[Session]) -> None:
    good = (MESSAGES / "pnrgov_13_1_two_bookings.edi").read_text()
    broken = good.replace("UNT+", "UNT+999", 1)
    with pytest.raises(InputError) as caught:
        _ingest(sessions, broken.encode(), "broken.edi")
    assert "broken.edi" in str(caught.value)
    assert caught.value.place.tag == "UNT"
    with sessions() as session:
        for table in TABLES:
            assert session.execute(select(func.count()).select_from(table)).scalar_one() == 0


def _flight() -> Flight:
    return Flight(
        carrier="TK",
        number="1951",
        legs=[
            FlightLeg(
                departure_airport="IST",
                arrival_airport="AMS",
                departure_local=dt.datetime(2026, 5, 4, 9, 40),
                arrival_local=dt.datetime(2026, 5, 4, 12, 5),
            )
        ],
    )


def _booking(phone: str) -> PnrBooking:
    return PnrBooking(
        record_locator="QX7R2M",
        locator_carrier="TK",
        created=dt.datetime(2026, 5, 2, 18, 3),
        travellers=[
            PnrTraveller(
                name=TravellerName(surname="TESFAY", given_names="SAMUEL MR"),
                traveller_ref="1",
                tickets=[
                    Ticket(number="2352401234567", payments=[Payment(form="CA", amount=612.0)])
                ],
            ),
            PnrTraveller(
                name=TravellerName(surname="GEBREMEDHIN", given_names="SABA"), traveller_ref="2"
            ),
        ],
        contacts=[Contact(kind="phone", value=phone)],
        itinerary=[ItineraryLeg(flight=_flight(), status="HK", party_size=2)],
    )


def test_a_changed_pnr_supersedes_the_earlier_version_and_keeps_it(
    sessions: sessionmaker[Session],
) -> None:
    first = write_pnrgov(PnrMessage(flight=_flight(), bookings=[_booking("+251911000111")]))
    second = write_pnrgov(
        PnrMessage(flight=_flight(), bookings=[_booking("+251911999888")]), interchange_ref="2"
    )
    _ingest(sessions, first.encode(), "v1.edi")
    counts = _ingest(sessions, second.encode(), "v2.edi")["counts"]
    assert counts == {**counts, "bookings_superseded": 1}
    again = write_pnrgov(
        PnrMessage(flight=_flight(), bookings=[_booking("+251911999888")]), interchange_ref="3"
    )
    assert _ingest(sessions, again.encode(), "v3.edi")["counts"]["bookings_unchanged"] == 1
    with sessions() as session:
        booking = session.execute(select(S.PnrBooking)).scalar_one()
        versions = session.execute(select(S.PnrVersion.version)).scalars().all()
        phones = session.execute(select(S.PnrContact.value)).scalars().all()
        payments = session.execute(select(S.PnrPayment.method)).scalars().all()
    assert booking.version == 2 and sorted(versions) == [1, 2]
    assert phones == ["+251911999888"]
    assert payments == ["CA"]


def test_api_travellers_link_to_their_pnr_traveller_on_the_same_flight(
    sessions: sessionmaker[Session],
) -> None:
    _ingest(
        sessions,
        write_pnrgov(PnrMessage(flight=_flight(), bookings=[_booking("+2519")])).encode(),
        "pnr.edi",
    )
    manifest = FlightManifest(
        flight=_flight(),
        travellers=[
            ApiTraveller(
                name=TravellerName(surname="TESFAY", given_names="SAMUEL"),
                sex="M",
                birth_date=dt.date(1994, 1, 1),
                nationality="ERI",
                pnr_locator="QX7R2M",
                documents=[
                    TravelDocument(
                        doc_type="P",
                        number="P01234567",
                        issuing_state="ERI",
                        expiry=dt.date(2029, 3, 1),
                    )
                ],
            ),
            ApiTraveller(
                name=TravellerName(surname="OTHER", given_names="PERSON"),
                pnr_locator="ZZZZZZ",
                documents=[TravelDocument(doc_type="P", number="X1", issuing_state="NLD")],
            ),
        ],
    )
    _ingest(sessions, write_paxlst(manifest).encode(), "api.edi")
    with sessions() as session:
        rows = session.execute(
            select(S.ApiTraveller.surname, S.PnrTraveller.given_names)
            .outerjoin(S.PnrTraveller, S.PnrTraveller.id == S.ApiTraveller.pnr_traveller_id)
            .order_by(S.ApiTraveller.surname)
        ).all()
        identity = session.execute(
            select(S.IdentityRecord).where(
                S.IdentityRecord.source_type == "api", S.IdentityRecord.surname == "TESFAY"
            )
        ).scalar_one()
    assert [tuple(r) for r in rows] == [("OTHER", None), ("TESFAY", "SAMUEL")]
    assert (identity.birth_date, identity.document_number, identity.nationality) == (
        "1994-01-01",
        "P01234567",
        "ERI",
    )


def test_cli_ingests_a_folder_twice_identically(engine: Engine, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    if engine.dialect.name != "sqlite":
        pytest.skip("the CLI test uses the SQLite store of FILET_DATA_DIR")
    env = {**os.environ, "FILET_DATA_DIR": str(tmp_path), "FILET_DATABASE_URL": ""}

    def filet(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "filet", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    assert filet("db", "upgrade").returncode == 0
    first = filet("ingest", str(MESSAGES), "--json")
    assert first.returncode == 0, first.stderr
    second = filet("ingest", str(MESSAGES), "--json")
    import json

    one, two = json.loads(first.stdout), json.loads(second.stdout)
    assert one["stored"] == len(list(MESSAGES.iterdir())) and one["failed"] == []
    assert two["stored"] == 0 and two["already_stored"] == one["stored"]
    bad = tmp_path / "bad.edi"
    bad.write_text("UNA:+.? 'UNB+IATA:1+X+Y+260101:0000+1'UNH+1+PAXLST:D:05B:UN:IATA'GARBAGE")
    failed = filet("ingest", str(bad))
    assert failed.returncode == 1 and "bad.edi" in failed.stdout


def test_bulk_ingestion_leaves_what_row_by_row_ingestion_left(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    """The fixed sequence of ``ingest_corpus`` (new, updated, re-sent, linked, broken messages)
    gives the summaries, errors and rows the row-by-row ORM ingestion gave."""
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    got = run_ingest_corpus(sessions)
    assert got["results"] == expected["results"]
    if engine.dialect.name == "sqlite":
        assert got["tables"] == expected["tables"]
    else:  # row contents come back typed per dialect (times, JSON): the snapshot hashes SQLite's
        assert {t: v[0] for t, v in got["tables"].items()} == {
            t: v[0] for t, v in expected["tables"].items()
        }


def test_a_message_failing_after_its_first_manifest_is_stored_leaves_nothing(
    sessions: sessionmaker[Session],
) -> None:
    """Two flight lists in one interchange; the second cannot be stored (no departure time),
    after the first list's travellers went in with executemany: the whole message rolls back."""
    good = FlightManifest(
        flight=_flight(),
        travellers=[
            ApiTraveller(
                name=TravellerName(surname="TESFAY", given_names="SAMUEL"),
                documents=[TravelDocument(doc_type="P", number="P1", issuing_state="ERI")],
            )
        ],
    )
    undated = FlightManifest(
        flight=Flight(
            carrier="TK",
            number="7",
            legs=[FlightLeg(departure_airport="IST", arrival_airport="AMS")],
        ),
        travellers=[ApiTraveller(name=TravellerName(surname="GEBRE", given_names="SABA"))],
    )
    first = write_paxlst(good, interchange_ref="1").splitlines()
    second = write_paxlst(undated, interchange_ref="2").splitlines()
    start = next(i for i, line in enumerate(second) if line.startswith("UNH"))
    end = next(i for i, line in enumerate(second) if line.startswith("UNT"))
    trailer = next(i for i, line in enumerate(first) if line.startswith("UNE"))
    lines = first[:trailer] + second[start : end + 1] + ["UNE+2+1'"] + first[trailer + 1 :]
    with pytest.raises(InputError) as caught:
        _ingest(sessions, "\n".join(lines).encode(), "two-lists.edi")
    assert caught.value.place.tag == "DTM"
    with sessions() as session:
        for table in TABLES:
            assert session.execute(select(func.count()).select_from(table)).scalar_one() == 0


def _manifest_file(folder: Path, name: str, surname: str, number: str) -> Path:
    flight = _flight()
    flight.number = number
    manifest = FlightManifest(
        flight=flight,
        travellers=[
            ApiTraveller(
                name=TravellerName(surname=surname, given_names="SABA"),
                documents=[TravelDocument(doc_type="P", number=f"P{number}", issuing_state="ERI")],
            )
        ],
    )
    path = folder / name
    path.write_text(write_paxlst(manifest, interchange_ref=number), encoding="utf-8")
    return path


def test_cli_names_a_file_the_database_refuses_and_stores_nothing_of_it(
    engine: Engine, tmp_path: Path
) -> None:
    """A database error while storing one file (here a trigger refusing a traveller) is one line
    naming the file, without a traceback; that file leaves nothing, the others go in."""
    import os
    import sqlite3
    import subprocess
    import sys

    if engine.dialect.name != "sqlite":
        pytest.skip("the CLI test uses the SQLite store of FILET_DATA_DIR")
    env = {**os.environ, "FILET_DATA_DIR": str(tmp_path), "FILET_DATABASE_URL": ""}
    folder = tmp_path / "in"
    folder.mkdir()
    _manifest_file(folder, "a.edi", "GEBRE", "1")
    _manifest_file(folder, "b-refused.edi", "REFUSED", "2")
    _manifest_file(folder, "c.edi", "HAILE", "3")
    upgraded = subprocess.run(
        [sys.executable, "-m", "filet", "db", "upgrade"], capture_output=True, env=env, timeout=120
    )
    assert upgraded.returncode == 0
    database = sqlite3.connect(tmp_path / "filet.db")
    database.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON api_travellers WHEN NEW.surname = 'REFUSED' "
        "BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END"
    )
    database.commit()
    ran = subprocess.run(
        [sys.executable, "-m", "filet", "ingest", str(folder), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert ran.returncode == 1
    assert "Traceback" not in ran.stderr + ran.stdout
    result = json.loads(ran.stdout)
    assert result["stored"] == 2
    [failure] = result["failed"]
    assert failure["file"].endswith("b-refused.edi")
    assert "refused by the test trigger" in failure["error"]
    counts = {
        table: database.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("inbound_messages", "flights", "api_travellers", "identity_records")
    }
    refused = database.execute(
        "SELECT count(*) FROM identity_records WHERE surname = 'REFUSED'"
    ).fetchone()[0]
    database.close()
    assert counts == {
        "inbound_messages": 2,
        "flights": 2,
        "api_travellers": 2,
        "identity_records": 2,
    }
    assert refused == 0


def test_parse_ahead_gives_each_file_parsed_in_order(tmp_path: Path) -> None:
    import dataclasses

    from filet.passenger import parse_ahead
    from filet.passenger._store import parse_message, prepare_manifest

    paths = [_manifest_file(tmp_path, f"{n}.edi", "GEBRE", str(n)) for n in range(1, 12)]
    broken = tmp_path / "broken.edi"
    broken.write_text("UNA:+.? 'UNB+IATA:1+X+Y+260101:0000+1'UNH+1+PAXLST:D:05B:UN:IATA'GARBAGE")
    got = list(parse_ahead([*paths, broken], ahead=3))
    assert [path for path, _ in got] == [*paths, broken]
    # the worker sends a PAXLST message's manifests as the rows to store
    expected = []
    for path in paths:
        parsed = parse_message(path.read_bytes())
        prepared = [prepare_manifest(manifest) for manifest in parsed.content]
        expected.append(dataclasses.replace(parsed, content=[], prepared=prepared))
    assert [parsed for _, parsed in got] == [*expected, None]
    assert all(len(p.prepared[0].travellers) == 1 for p in expected if p.prepared)
