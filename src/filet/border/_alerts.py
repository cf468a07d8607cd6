"""Document alerts in the store and the in-memory index the online check reads.

:func:`import_alerts` writes alert records to ``document_alerts`` idempotently (natural key: source,
issuing state, number) and feeds the new ones to the index. :func:`alert_index` gives the index of
a store: built once per process from the table, then brought up to date by reading only rows with a
higher id than it has seen (one primary-key look-up per check), so an import by another process
(the CLI) reaches a running server at its next check.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from filet.documents import DocumentAlertIndex, DocumentAlertRecord
from filet.security import Actor, record
from filet.store.schema import DocumentAlert

_CHUNK = 10_000
_LOAD_BATCH = 50_000


@dataclass(frozen=True)
class AlertImportSummary:
    """What an import did: records read, new rows stored, rows already there."""

    read: int
    added: int
    already_stored: int

    def as_dict(self) -> dict[str, int]:
        return {"read": self.read, "added": self.added, "already_stored": self.already_stored}


class _Loaded:
    def __init__(self, specimen: bool) -> None:
        self.index = DocumentAlertIndex(specimen=specimen)
        self.last_id = 0
        self.lock = threading.Lock()


_INDEXES: dict[tuple[str, bool], _Loaded] = {}
_GUARD = threading.Lock()


def _store_key(session: Session) -> str:
    bind = session.get_bind()
    return f"{getattr(bind, 'url', '')}#{id(bind)}"


def alert_index(session: Session, *, specimen: bool = True) -> DocumentAlertIndex:
    """The index of the store's alert list, up to date with the table.

    ``specimen`` lets the specimen state ``UTO`` in (tests, demos, training).
    """
    key = (_store_key(session), specimen)
    with _GUARD:
        loaded = _INDEXES.get(key)
        if loaded is None:
            loaded = _INDEXES[key] = _Loaded(specimen)
    highest = session.execute(select(func.max(DocumentAlert.id))).scalar() or 0
    if highest > loaded.last_id:
        with loaded.lock:
            if highest > loaded.last_id:
                _load_since(session, loaded)
    return loaded.index


def warm_alert_index(sessions: sessionmaker[Session]) -> int:
    """Build the index from the store now (the web app does it at start-up, in the background);
    returns the number of records it holds."""
    with sessions() as session:
        return len(alert_index(session))


_SINCE = text(
    "SELECT id, issuing_state, document_number, document_type, status, reported_date, source,"
    " number_to FROM document_alerts WHERE id > :last ORDER BY id LIMIT :batch"
)


def _load_since(session: Session, loaded: _Loaded) -> None:
    # Plain rows on the session's connection (no ORM loading, no per-column result processing),
    # in id order and batches, fed to the index's bulk path: millions of stored alerts load at
    # server start-up. Dates arrive as ISO text (SQLite) or dates (PostgreSQL).
    connection = session.connection()
    while True:
        rows = connection.execute(_SINCE, {"last": loaded.last_id, "batch": _LOAD_BATCH}).all()
        if not rows:
            break
        loaded.index.add_rows((r[1], r[2], r[3], r[4], r[5], r[6], r[7]) for r in rows)
        loaded.last_id = rows[-1][0]
    loaded.index.compact()


def import_alerts(
    session: Session, records: Iterable[DocumentAlertRecord], actor: Actor, file: str = ""
) -> AlertImportSummary:
    """Store alert records (idempotent) and audit the import; the caller commits.

    The index follows at its next use (:func:`alert_index` reads the new rows).
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    read = added = 0
    chunk: list[dict[str, object]] = []

    def flush() -> int:
        if not chunk:
            return 0
        statement = (
            insert(DocumentAlert)
            .on_conflict_do_nothing(index_elements=["source", "issuing_state", "document_number"])
            .returning(DocumentAlert.id)
        )
        # executemany with RETURNING (batched by SQLAlchemy): rowcount is not reliable on every
        # driver, the returned ids of the rows actually inserted are.
        stored = len(session.connection().execute(statement, chunk).all())
        chunk.clear()
        return int(stored)

    for alert in records:
        read += 1
        chunk.append(
            {
                "issuing_state": alert.issuing_state,
                "document_number": alert.document_number,
                "number_to": alert.number_to,
                "document_type": alert.document_type[:4] or None,
                "status": alert.status.value,
                "reported_date": alert.reported_date,
                "source": alert.source,
            }
        )
        if len(chunk) >= _CHUNK:
            added += flush()
    added += flush()
    summary = AlertImportSummary(read, added, read - added)
    record(session, actor, "create", "document_alert", [], {"file": file, **summary.as_dict()})
    return summary
