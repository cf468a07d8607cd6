"""Many files into the store, as ``filet ingest`` loads them: several files per transaction.

A commit costs more than storing a small file (SQLite writes its log, PostgreSQL waits for the
server), so files go in batches of ``files_per_transaction``, each file inside its own
``SAVEPOINT``: a file that cannot be stored (broken, refused by the database) is rolled back
alone and reported, and the other files of the batch are kept. The promises of one file, one
transaction still hold: a file is stored whole or not at all, and re-sending one changes nothing.
Should the batch itself fail (its commit, or the screening of its new identity records), every
file of it is stored again alone, one transaction each, so that each failure names its file.

The new identity records of a batch are screened once, at the end of the batch, in its
transaction. On PostgreSQL the tables an ingestion grows are analysed as they double, so the
planner keeps using their indexes (see :func:`_analyse`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from filet.errors import FiletError
from filet.passenger._store import IngestSummary, ParsedMessage, ingest_message
from filet.security import Actor

#: tables a passenger ingestion grows, analysed on PostgreSQL as they double
GROWING_TABLES = (
    "inbound_messages",
    "flights",
    "api_travellers",
    "identity_records",
    "travel_documents",
    "border_crossings",
    "pnr_bookings",
    "pnr_versions",
    "pnr_travellers",
    "pnr_legs",
    "pnr_contacts",
    "pnr_payments",
    "audit_events",
)


@dataclass
class FileResult:
    """One file of a batch: its summary when it went in (or was already stored), or the error."""

    path: Path
    summary: IngestSummary | None = None
    error: str | None = None


@dataclass
class IngestBatch:
    """The files of one transaction and the screening hits their new identity records raised."""

    results: list[FileResult] = field(default_factory=list)
    screening_hits: int = 0


def ingest_files(
    factory: sessionmaker[Session],
    files: Iterable[tuple[Path, ParsedMessage | None]],
    actor: Actor,
    files_per_transaction: int = 50,
) -> Iterator[IngestBatch]:
    """Store ``files`` (paths with their parsed message or None, as :func:`parse_ahead` gives
    them), ``files_per_transaction`` per transaction, each file in a savepoint; one
    :class:`IngestBatch` per transaction, in order."""
    batch: list[tuple[Path, ParsedMessage | None]] = []
    analysed = _Analyser(factory)
    for item in files:
        batch.append(item)
        if len(batch) >= files_per_transaction:
            yield _store_batch(factory, batch, actor)
            analysed.after(len(batch))
            batch = []
    if batch:
        yield _store_batch(factory, batch, actor)
        analysed.after(len(batch))
    analysed.finish()


def _store_batch(
    factory: sessionmaker[Session], batch: list[tuple[Path, ParsedMessage | None]], actor: Actor
) -> IngestBatch:
    from filet.screening import last_record_id, screen_new_records

    done = IngestBatch()
    try:
        with factory() as session, session.begin():
            _begin_writing(session)
            since = last_record_id(session)
            for path, parsed in batch:
                done.results.append(_store_file(session, path, parsed, actor))
            done.screening_hits = len(screen_new_records(session, since, actor))
        return done
    except SQLAlchemyError as error:
        if len(batch) == 1:
            # the file's own failure, or the transaction failed after its savepoint
            if done.results and done.results[0].error:
                return IngestBatch(done.results)
            return IngestBatch([_refused(batch[0][0], error)])
    # the batch as a whole failed: each file again alone, so that a failure names its file
    alone = IngestBatch()
    for item in batch:
        one = _store_batch(factory, [item], actor)
        alone.results.extend(one.results)
        alone.screening_hits += one.screening_hits
    return alone


def _store_file(
    session: Session, path: Path, parsed: ParsedMessage | None, actor: Actor
) -> FileResult:
    try:
        data = path.read_bytes()
    except OSError as error:
        return FileResult(path, error=f"{path}: {error.strerror}")
    try:
        with session.begin_nested():
            summary = ingest_message(session, data, str(path), actor, parsed=parsed)
    except FiletError as error:
        return FileResult(path, error=str(error))
    except SQLAlchemyError as error:
        # the savepoint rolled back: nothing of the file is stored
        return _refused(path, error)
    return FileResult(path, summary)


def _refused(path: Path, error: SQLAlchemyError) -> FileResult:
    reason = str(getattr(error, "orig", None) or error).splitlines()[0]
    return FileResult(path, error=f"{path}: the database refused the file: {reason}")


def _begin_writing(session: Session) -> None:
    """Open the batch's transaction for writing now.

    The SQLite driver opens a transaction only before a data-changing statement; a ``SAVEPOINT``
    issued first would open one itself, and releasing it would commit: each file would be its
    own transaction. ``BEGIN IMMEDIATE`` also takes the write lock at the start (waiting for
    another writer up to the busy timeout) rather than failing when a read snapshot cannot be
    upgraded."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        dbapi = connection.connection.dbapi_connection
        if dbapi is not None and not getattr(dbapi, "in_transaction", True):
            connection.exec_driver_sql("BEGIN IMMEDIATE")


class _Analyser:
    """PostgreSQL plans from table statistics, which only ``ANALYZE`` (or autovacuum, off on
    some servers) gathers: a store that grew from empty within one run has none, and the planner
    then reads whole tables for the indexed look-ups of each file. The growing tables are
    analysed after 1, 2, 4, 8, ... times the first batch's files, and at the end of the run."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory
        self.files = 0
        self.next = 0
        self.postgres: bool | None = None

    def after(self, files: int) -> None:
        self.files += files
        if self.next == 0:
            self.next = self.files
        if self.files >= self.next:
            self.next *= 2
            self.run()

    def finish(self) -> None:
        if self.files:
            self.run()

    def run(self) -> None:
        with self.factory() as session, session.begin():
            if session.connection().dialect.name == "postgresql":
                session.execute(text(f"ANALYZE {', '.join(GROWING_TABLES)}"))
