"""Many files, several per transaction (``ingest_files``): each file whole or not at all."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker

from filet.passenger import (
    ApiTraveller,
    Flight,
    FlightLeg,
    FlightManifest,
    TravelDocument,
    TravellerName,
    ingest_files,
    parse_ahead,
    write_paxlst,
)
from filet.security import SYSTEM
from filet.store import schema as S


def _write(folder: Path, number: int, dated: bool = True) -> Path:
    departure = dt.datetime(2026, 5, 4, 9, 40) if dated else None
    flight = Flight(
        carrier="TK",
        number=str(number),
        legs=[FlightLeg(departure_airport="IST", arrival_airport="AMS", departure_local=departure)],
    )
    travellers = [
        ApiTraveller(
            name=TravellerName(surname=f"GEBRE{t}", given_names="SABA"),
            birth_date=dt.date(1990, 1, 1 + t),
            documents=[TravelDocument(doc_type="P", number=f"P{number}X{t}", issuing_state="ERI")],
        )
        for t in range(3)
    ]
    path = folder / f"{number:03d}.edi"
    text = write_paxlst(
        FlightManifest(flight=flight, travellers=travellers), interchange_ref=str(number)
    )
    path.write_text(text, encoding="utf-8")
    return path


def _counts(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions() as session:
        return {
            table.__tablename__: session.execute(
                select(func.count()).select_from(table)
            ).scalar_one()
            for table in (S.InboundMessage, S.Flight, S.ApiTraveller, S.IdentityRecord)
        }


def test_a_failing_file_in_a_batch_is_rolled_back_alone_and_the_others_kept(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    paths = [_write(tmp_path, n) for n in range(1, 8)]
    # no departure time: refused after its message row was written, inside its savepoint
    paths[3] = _write(tmp_path, 4, dated=False)
    broken = tmp_path / "broken.edi"
    broken.write_text("UNA:+.? 'UNB+IATA:1+X+Y+260101:0000+1'UNH+1+PAXLST:D:05B:UN:IATA'GARBAGE")
    paths.insert(5, broken)
    batches = list(ingest_files(sessions, parse_ahead(paths), SYSTEM, files_per_transaction=3))
    assert [len(b.results) for b in batches] == [3, 3, 2]
    results = [r for b in batches for r in b.results]
    assert [r.path for r in results] == paths
    failed = {r.path.name: r.error for r in results if r.summary is None}
    assert set(failed) == {"004.edi", "broken.edi"}
    assert "DTM" in (failed["004.edi"] or "") and "broken.edi" in (failed["broken.edi"] or "")
    assert _counts(sessions) == {
        "inbound_messages": 6,
        "flights": 6,
        "api_travellers": 18,
        "identity_records": 18,
    }
    with sessions() as session:
        numbers = session.execute(select(S.Flight.number).order_by(S.Flight.number)).scalars()
        assert list(numbers) == ["0001", "0002", "0003", "0005", "0006", "0007"]
    # the same files again change nothing
    again = [r for b in ingest_files(sessions, parse_ahead(paths), SYSTEM, 3) for r in b.results]
    assert [r.summary.duplicate for r in again if r.summary] == [True] * 6
    assert _counts(sessions)["api_travellers"] == 18


def test_a_batch_is_one_sqlite_transaction_with_a_savepoint_per_file(
    engine: Engine, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    """The SQLite driver opens no transaction before a SAVEPOINT, and releasing an outermost
    savepoint commits: the batch must open its transaction itself, or each file commits alone."""
    if engine.dialect.name != "sqlite":
        return
    statements: list[str] = []

    @event.listens_for(engine, "connect")
    def _trace(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.set_trace_callback(statements.append)

    engine.dispose()  # new connections, traced
    paths = [_write(tmp_path, n) for n in range(1, 5)]
    [batch] = list(ingest_files(sessions, ((p, None) for p in paths), SYSTEM, 4))
    assert all(r.summary for r in batch.results)
    control = [
        s.split()[0] + (" " + s.split()[1] if s.startswith("BEGIN") else "")
        for s in statements
        if s.split()[0] in ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK")
    ]
    assert control == ["BEGIN IMMEDIATE", *(["SAVEPOINT", "RELEASE"] * 4), "COMMIT"]
