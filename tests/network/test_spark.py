"""The network build on Spark stores the same nodes and edges as on DuckDB (one SQL, transpiled)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from filet.network import build_network
from filet.spark import spark_available
from filet.store import transaction
from filet.store.schema import NetworkEdge, NetworkNode
from tests.network.conftest import World

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(spark_available() is not None, reason=str(spark_available())),
]


def _stored(session: Session) -> tuple[set[Any], set[Any]]:
    nodes = {
        (n.kind, n.key, n.label, repr(sorted(n.attributes.items())))
        for n in session.scalars(select(NetworkNode))
    }
    keys = {n.id: (n.kind, n.key) for n in session.scalars(select(NetworkNode))}
    edges = {
        (
            e.kind,
            keys[e.source_id],
            keys[e.target_id],
            e.first_seen,
            e.last_seen,
            e.count,
            e.weight,
            tuple(e.provenance),
        )
        for e in session.scalars(select(NetworkEdge))
    }
    return nodes, edges


def test_a_spark_build_stores_what_a_duckdb_build_stores(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with sessions() as session:
        nodes, edges = _stored(session)  # the world fixture built the network on DuckDB
    assert len(edges) > 50
    assert {kind for kind, *_ in edges} >= {
        "contact",
        "paid_by",
        "called",
        "met",
        "drove",
        "travelled_with",
    }
    with transaction(sessions) as session:
        summary = build_network(session, engine="spark")
    with sessions() as session:
        assert _stored(session) == (nodes, edges)
    assert sum(summary.edges.values()) == len(edges)
