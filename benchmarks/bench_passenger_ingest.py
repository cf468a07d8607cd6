"""API passenger records per second ingested into a fresh store, with peak memory.

    python benchmarks/bench_passenger_ingest.py --passengers 1000000
    python benchmarks/bench_passenger_ingest.py --passengers 50000 --postgres [--no-sqlite]

PAXLST files are written with filet's own writer (seeded: flights of ``--flight-size``
passengers, lists split into parts of 99 travellers as airlines send them, each traveller with a
passport, birth date, nationality, seat, bags and a PNR locator), one file per flight, into a
temporary folder. Then they are ingested one file per transaction exactly as ``filet ingest``
does (files parsed a few ahead in a worker process by ``parse_ahead``; duplicate check, store,
audit event, screening of the new identity records), into a fresh SQLite store and, with
``--postgres``, into a fresh schema of the PostgreSQL database given by ``--postgres-url`` or
``FILET_TEST_DATABASE_URL``. ``--inline-parse`` parses in the storing process instead (the
earlier way, for comparison).

Files are read one at a time, so memory stays flat; progress (wall and CPU time of the storing
process, passengers/s, resident set size) is printed at each tenth of the run, the parsing
worker's CPU time at the end, and the peak resident set of the storing process (it includes the
writer phase). The database server's work for PostgreSQL is in neither CPU figure; on a shared
machine CPU time is the steadier figure.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, select, text

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
from filet.store import make_engine, schema, session_factory
from filet.store._db import upgrade

SURNAMES = ["HADDAD", "O'LEARY", "NGUYEN", "OKAFOR", "AL-HASSAN", "KOWALSKA", "SILVA", "TESFAYE"]
GIVEN = ["OMAR", "MARY KATE", "THI MAI", "CHIDI", "LINA", "ANNA", "JOAO", "SELAM"]
AIRPORTS = ["IST", "ATH", "FRA", "LOS", "ADD", "DXB", "CDG", "AMS"]
NATIONALITIES = ["SYR", "NGA", "VNM", "ETH", "TUR", "ERI", "AFG"]


def manifests(passengers: int, flight_size: int, seed: int = 7) -> Iterator[FlightManifest]:
    rng = random.Random(seed)
    for index, start in enumerate(range(0, passengers, flight_size)):
        departure = datetime(2026, 1, 1, 6, 0) + timedelta(minutes=index * 17)
        origin, destination = rng.sample(AIRPORTS, 2)
        leg = FlightLeg(
            departure_airport=origin,
            arrival_airport=destination,
            departure_local=departure,
            arrival_local=departure + timedelta(hours=3),
        )
        flight = Flight(carrier="XX", number=str(1 + index % 9999), legs=[leg])
        travellers = [
            ApiTraveller(
                name=TravellerName(surname=rng.choice(SURNAMES), given_names=rng.choice(GIVEN)),
                sex=rng.choice("MF"),
                birth_date=date(1950, 1, 1) + timedelta(days=rng.randrange(25000)),
                nationality=rng.choice(NATIONALITIES),
                embarkation=origin,
                debarkation=destination,
                pnr_locator=f"PN{rng.randrange(10**5):05d}",
                seat=f"{rng.randrange(1, 40):03d}{rng.choice('ABCDEF')}",
                documents=[
                    TravelDocument(
                        doc_type="P",
                        number=f"N{index:06d}{t:03d}",
                        issuing_state=rng.choice(NATIONALITIES),
                        expiry=date(2030, 1, 1),
                    )
                ],
                bags_count=rng.randrange(3),
            )
            for t in range(min(flight_size, passengers - start))
        ]
        yield FlightManifest(flight=flight, travellers=travellers)


def write_files(folder: Path, passengers: int, flight_size: int) -> list[Path]:
    paths = []
    for index, manifest in enumerate(manifests(passengers, flight_size)):
        path = folder / f"api_{index:06d}.edi"
        text_ = write_paxlst(manifest, interchange_ref=str(index), max_travellers_per_part=99)
        path.write_text(text_, encoding="utf-8")
        paths.append(path)
    return paths


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ingest(
    engine: Engine,
    paths: list[Path],
    passengers: int,
    label: str,
    inline_parse: bool,
    per_transaction: int,
) -> None:
    upgrade(engine)
    factory = session_factory(engine)
    marks = {max(1, len(paths) * k // 10) for k in range(1, 11)}
    start = time.perf_counter()
    cpu = time.process_time()
    worker_cpu = children_cpu()
    files = ((p, None) for p in paths) if inline_parse else parse_ahead(paths)
    number = 0
    for batch in ingest_files(factory, files, SYSTEM, files_per_transaction=per_transaction):
        failed = [r.error for r in batch.results if r.summary is None]
        assert not failed, failed
        before, number = number, number + len(batch.results)
        if any(before < mark <= number for mark in marks):
            done = passengers * number // len(paths)
            elapsed = time.perf_counter() - start
            print(
                f"  {label} {number}/{len(paths)} files: {elapsed:.0f} s wall, "
                f"{time.process_time() - cpu:.0f} s CPU, {done / elapsed:,.0f} passengers/s, "
                f"RSS {rss_mb():.0f} MB",
                flush=True,
            )
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    worker_cpu = children_cpu() - worker_cpu
    with factory() as session:
        stored = session.execute(select(func.count()).select_from(schema.ApiTraveller)).scalar_one()
    assert stored == passengers, (stored, passengers)
    print(
        f"{label}: {passengers} API passengers in {len(paths)} files: {seconds:.1f} s wall "
        f"({cpu:.1f} s CPU of this process, {worker_cpu:.1f} s of the parsing worker), "
        f"{passengers / seconds:,.0f} passengers/s; load average {os.getloadavg()[0]:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--passengers", type=int, default=50_000)
    parser.add_argument("--flight-size", type=int, default=200)
    parser.add_argument("--postgres", action="store_true", help="also ingest into PostgreSQL")
    parser.add_argument("--no-sqlite", action="store_true", help="ingest into PostgreSQL only")
    parser.add_argument(
        "--inline-parse", action="store_true", help="parse in the storing process (no worker)"
    )
    parser.add_argument(
        "--files-per-transaction",
        type=int,
        default=50,
        help="files stored per transaction, each in a savepoint (1: one file, one transaction)",
    )
    parser.add_argument(
        "--postgres-url", default=os.environ.get("FILET_TEST_DATABASE_URL", ""), metavar="URL"
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="filet-ingest-"))
    try:
        started = time.perf_counter()
        paths = write_files(folder, args.passengers, args.flight_size)
        size = sum(p.stat().st_size for p in paths)
        print(
            f"wrote {len(paths)} PAXLST files ({size / 1e6:.0f} MB) for {args.passengers} "
            f"passengers in {time.perf_counter() - started:.1f} s; RSS {rss_mb():.0f} MB",
            flush=True,
        )
        if not args.no_sqlite:
            sqlite = make_engine(f"sqlite:///{folder / 'store' / 'filet.db'}")
            ingest(
                sqlite,
                paths,
                args.passengers,
                "SQLite",
                args.inline_parse,
                args.files_per_transaction,
            )
            sqlite.dispose()
        if args.postgres:
            if not args.postgres_url:
                parser.error("--postgres needs --postgres-url or FILET_TEST_DATABASE_URL")
            name = f"bench_{uuid.uuid4().hex[:12]}"
            admin = make_engine(args.postgres_url)
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{name}"'))
            engine = make_engine(
                args.postgres_url, connect_args={"options": f"-csearch_path={name}"}
            )
            try:
                ingest(
                    engine,
                    paths,
                    args.passengers,
                    "PostgreSQL",
                    args.inline_parse,
                    args.files_per_transaction,
                )
            finally:
                engine.dispose()
                with admin.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
                admin.dispose()
        print(f"peak resident set of the process: {peak_rss_mb():.0f} MB")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
