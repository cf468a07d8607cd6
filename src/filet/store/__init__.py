"""The operational store: tables (``filet.store.schema``), engines, sessions and migrations."""

from filet.store._db import (
    current_revision,
    head_revision,
    make_engine,
    require_current_schema,
    session_factory,
    transaction,
    upgrade,
)

__all__ = [
    "current_revision",
    "head_revision",
    "make_engine",
    "require_current_schema",
    "session_factory",
    "transaction",
    "upgrade",
]
