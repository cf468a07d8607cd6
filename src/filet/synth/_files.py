"""Writing the per-flight message files, inline or in worker processes.

Each reported flight becomes two files (``api/DAY/FLIGHT.edi`` and ``pnr/DAY/FLIGHT.edi``) that
depend on nothing but the flight's manifest and bookings, which the generator has finished when
it hands them over. Serialising them is most of the time a world takes, so with ``workers`` > 0
the day's flights are sent to a pool of processes that run filet's own writers and write the
files, while the generator goes on with the next days. The bytes of every file are the same
whatever the number of workers (each file is written whole by one call of the writers); the
number of days in flight is bounded, so memory stays flat.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections import deque
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path

from filet.passenger import FlightManifest, PnrMessage, write_paxlst, write_pnrgov

# Days of flights handed to the workers and not yet written: enough to keep every worker busy
# while the generator makes the next day, few enough to keep memory flat.
_DAYS_AHEAD_PER_WORKER = 3


@dataclass(slots=True)
class FlightFiles:
    """One flight's API and PNR messages with their envelopes, ready to be written."""

    stem: str
    """``DAY/FLIGHT-FROMTO``: the files are ``api/{stem}.edi`` and ``pnr/{stem}.edi``."""
    manifest: FlightManifest
    message: PnrMessage
    sender: str
    recipient: str
    interchange_ref: str
    api_prepared: dt.datetime
    pnr_prepared: dt.datetime


def write_flight_files(root: str, flights: list[FlightFiles]) -> int:
    """Write the API and PNR files of ``flights`` under ``root``; return the bytes written."""
    written = 0
    made: set[str] = set()
    for flight in flights:
        day = flight.stem.split("/", 1)[0]
        for kind in ("api", "pnr"):
            folder = f"{root}/{kind}/{day}"
            if folder not in made:
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
        api = write_paxlst(
            flight.manifest,
            sender=flight.sender,
            recipient=flight.recipient,
            interchange_ref=flight.interchange_ref,
            prepared=flight.api_prepared,
            max_travellers_per_part=200,
        ).encode("utf-8")
        pnr = write_pnrgov(
            flight.message,
            sender=flight.sender,
            recipient=flight.recipient,
            interchange_ref=flight.interchange_ref,
            prepared=flight.pnr_prepared,
        ).encode("utf-8")
        with open(f"{root}/api/{flight.stem}.edi", "wb") as handle:
            handle.write(api)
        with open(f"{root}/pnr/{flight.stem}.edi", "wb") as handle:
            handle.write(pnr)
        written += len(api) + len(pnr)
    return written


def default_workers(travellers: int) -> int:
    """Workers worth starting: none for small worlds or a single core, else one per core, at
    most four. Writing the messages takes more CPU than generating them, so on two cores two
    writers next to the generator finish sooner than one."""
    cores = os.cpu_count() or 1
    if travellers < 50_000 or cores < 2:
        return 0
    return min(cores, 4)


class FlightFileWriter:
    """Writes flights' files inline (``workers=0``) or through a pool of worker processes."""

    def __init__(self, root: Path, workers: int) -> None:
        self.root = str(root)
        self.workers = max(0, workers)
        self.bytes_written = 0
        self._batch: list[FlightFiles] = []
        self._pending: deque[AsyncResult[int]] = deque()
        self._pool: Pool | None = None
        if self.workers:
            # Forked before the world grows (the generator makes the writer first): workers
            # start at once with the writers already imported, and a script that calls
            # generate() needs no ``if __name__ == "__main__"`` guard. Where fork is not
            # available the platform's default start method is used.
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else None)
            self._pool = context.Pool(self.workers)

    def add(self, flight: FlightFiles) -> None:
        self._batch.append(flight)

    def end_of_day(self) -> None:
        """Hand the day's flights over (or write them now without workers)."""
        batch, self._batch = self._batch, []
        if not batch:
            return
        if self._pool is None:
            self.bytes_written += write_flight_files(self.root, batch)
            return
        self._pending.append(self._pool.apply_async(write_flight_files, (self.root, batch)))
        while len(self._pending) > self.workers * _DAYS_AHEAD_PER_WORKER:
            self.bytes_written += self._pending.popleft().get()

    def close(self) -> None:
        """Write what is left and wait for every worker (their errors are raised here)."""
        self.end_of_day()
        try:
            while self._pending:
                self.bytes_written += self._pending.popleft().get()
        finally:
            if self._pool is not None:
                self._pool.close()
                self._pool.join()
                self._pool = None

    def abort(self) -> None:
        """Stop the workers without waiting (after an error in the generator)."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
