"""The audit log: append-only and hash-chained.

Each event's hash covers its content and the previous event's hash, so altering or removing any
event breaks the chain from that point on; :func:`verify_chain` names the first broken event.
Writers serialise on the single ``audit_head`` row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite
allows one writer at a time anyway).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from filet.store.schema import AuditEvent, AuditHead, utcnow

GENESIS = "0" * 64
ACTIONS = frozenset(
    {
        "create",
        "read",
        "update",
        "export",
        "disclose",
        "delete",
        "login",
        "logout",
        "login_failed",
        "mask",
        "unmask",
        "search",
    }
)


@dataclass(frozen=True)
class Actor:
    """Who acts, for what purpose, from where."""

    user_id: int | None
    username: str
    role: str
    purpose: str | None = None
    legal_regime: str | None = None
    client_address: str | None = None


SYSTEM = Actor(
    user_id=None, username="filet", role="system", purpose="administration", legal_regime="GDPR"
)


def _canonical(event: AuditEvent) -> bytes:
    body = {
        "seq": event.seq,
        "at": event.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "user_id": event.user_id,
        "username": event.username,
        "role": event.role,
        "action": event.action,
        "object_type": event.object_type,
        "object_ids": [str(i) for i in event.object_ids],
        "purpose": event.purpose,
        "legal_regime": event.legal_regime,
        "client_address": event.client_address,
        "detail": event.detail,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def record(
    session: Session,
    actor: Actor,
    action: str,
    object_type: str,
    object_ids: Iterable[int | str] = (),
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction (it commits or rolls back with the work)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    head = session.execute(select(AuditHead).with_for_update()).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, last_seq=0, last_hash=GENESIS)
        session.add(head)
        session.flush()
    event = AuditEvent(
        seq=head.last_seq + 1,
        at=utcnow(),
        user_id=actor.user_id,
        username=actor.username,
        role=actor.role,
        action=action,
        object_type=object_type,
        object_ids=[str(i) for i in object_ids],
        purpose=actor.purpose,
        legal_regime=actor.legal_regime,
        client_address=actor.client_address,
        detail=detail or {},
        prev_hash=head.last_hash,
    )
    event.hash = event_hash(event)
    session.add(event)
    head.last_seq = event.seq
    head.last_hash = event.hash
    session.flush()
    return event


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    problem: str


def verify_chain(session: Session, batch: int = 5000) -> list[ChainProblem]:
    """Walk the whole chain; return every break found (empty when the log is intact)."""
    problems: list[ChainProblem] = []
    expected_prev = GENESIS
    expected_seq = 1
    last_seq = 0
    while True:
        rows: Sequence[AuditEvent] = (
            session.execute(
                select(AuditEvent)
                .where(AuditEvent.seq > last_seq)
                .order_by(AuditEvent.seq)
                .limit(batch)
            )
            .scalars()
            .all()
        )
        if not rows:
            break
        for event in rows:
            if event.seq != expected_seq:
                problems.append(
                    ChainProblem(
                        expected_seq, f"events {expected_seq}..{event.seq - 1} are missing"
                    )
                )
            if event.prev_hash != expected_prev:
                problems.append(ChainProblem(event.seq, "does not follow the event before it"))
            if event_hash(event) != event.hash:
                problems.append(ChainProblem(event.seq, "content was altered after it was written"))
            expected_prev = event.hash
            expected_seq = event.seq + 1
            last_seq = event.seq
        session.expunge_all()
    head = session.execute(select(AuditHead)).scalar_one_or_none()
    if head is not None and (head.last_seq != last_seq or head.last_hash != expected_prev):
        problems.append(
            ChainProblem(head.last_seq, f"the last events after {last_seq} were removed")
        )
    return problems
