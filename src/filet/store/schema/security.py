"""Users, login sessions and bearer tokens, and the hash-chained audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from filet.store.schema._base import Base, CreatedMixin, IdMixin


class User(IdMixin, CreatedMixin, Base):
    """A person who logs in. The role decides what they may do (see ``security/roles.yaml``)."""

    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None]
    last_login_at: Mapped[dt.datetime | None]
    language: Mapped[str | None] = mapped_column(String(8))


class AuthSession(IdMixin, CreatedMixin, Base):
    """A login session (browser cookie) or a bearer token; only a hash of the secret is kept."""

    __tablename__ = "auth_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # "cookie" | "bearer"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64), default="")
    purpose: Mapped[str | None] = mapped_column(String(64))
    expires_at: Mapped[dt.datetime]
    revoked: Mapped[bool] = mapped_column(default=False)
    client_address: Mapped[str | None] = mapped_column(String(64))


class AuditEvent(Base):
    """One audited action. Append-only: each event carries the hash of the one before it."""

    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime]
    user_id: Mapped[int | None]
    username: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(
        String(32)
    )  # create|read|update|export|disclose|delete|login|...
    object_type: Mapped[str] = mapped_column(String(64))
    object_ids: Mapped[list[Any]] = mapped_column(default=list)
    purpose: Mapped[str | None] = mapped_column(String(64))
    legal_regime: Mapped[str | None] = mapped_column(String(32))
    client_address: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    __table_args__ = (Index("ix_audit_events_object", "object_type", "at"),)


class AuditHead(Base):
    """The single row that serialises writers of the audit chain (locked FOR UPDATE)."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class RetentionAction(IdMixin, Base):
    """A masking, unmasking or deletion done under a retention rule, and any approval it needed."""

    __tablename__ = "retention_actions"

    action: Mapped[str] = mapped_column(String(16))  # mask|delete|unmask_request|unmask_approved
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[int]
    at: Mapped[dt.datetime]
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="done")


class MaskedData(IdMixin, Base):
    """Personal data taken out of a record when it was masked, kept encrypted for approved
    unmasking only, and deleted with the record at the end of retention."""

    __tablename__ = "masked_data"

    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int]
    masked_at: Mapped[dt.datetime]
    payload: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (UniqueConstraint("object_type", "object_id"),)
