"""Stored rings: references that last across analyses, vanished and reappearing rings, members with
roles (a smuggled migrant is never a suspect), and the ring's views (subgraph, timeline, map)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from filet.errors import NotFoundError
from filet.network import (
    EdgeFilter,
    analyse_network,
    build_network,
    jaccard,
    node_neighbourhood,
    ring_map,
    ring_network,
    ring_timeline,
    store_rings,
    stored_ring,
    stored_rings,
)
from filet.store import transaction
from filet.store.schema import NetworkNode, NetworkRing, PnrBooking, PnrTraveller
from tests.network.conftest import World, _record

LATER = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


def _ring_of(session: Session, key: str) -> NetworkRing:
    rows = [
        r
        for r in stored_rings(session)
        if key in {m.node_key for m in stored_ring(session, r.reference)[1]}
    ]
    assert len(rows) == 1, key
    return rows[0]


def test_references_last_across_analyses_and_growth(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with transaction(sessions) as session:
        first = store_rings(session, analyse_network(session))
    assert first.new and not first.kept and not first.vanished
    assert all(ref.startswith("RING-") and len(ref) == 11 for ref in first.new)
    with sessions() as session:
        before = _ring_of(session, world.escort).reference
    with transaction(sessions) as session:
        # One more traveller on one of the ring's bookings: the same ring, one person more.
        newcomer = _record(session, "m9", "Newcomer Karimi")
        booking = session.scalars(select(PnrBooking).where(PnrBooking.locator == "RING00")).one()
        session.add(
            PnrTraveller(booking_id=booking.id, reference="9", identity_record_id=newcomer.id)
        )
        build_network(session)
        second = store_rings(session, analyse_network(session), now=LATER)
    assert before in second.kept and not second.new and not second.vanished
    with sessions() as session:
        ring, members = stored_ring(session, before)
        assert f"record:{newcomer.id}" in {m.node_key for m in members}
        assert ring.analysed_at == LATER and ring.status == "active"
        assert [h["change"] for h in ring.history] == ["new", "kept"]
        assert ring.history[1]["persons"] == ring.history[0]["persons"] + 1


def test_a_ring_not_found_again_vanishes_and_can_reappear(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with transaction(sessions) as session:
        analysis = analyse_network(session)
        store_rings(session, analysis)
        top = analysis.references[analysis.rings[0].ring_id]
        # The same network analysed without the top ring (its evidence withdrawn).
        without = dataclasses.replace(analysis, rings=analysis.rings[1:], references={})
        gone = store_rings(session, without, now=LATER)
    assert gone.vanished == [top] and not gone.new
    with sessions() as session:
        ring, _members = stored_ring(session, top)
        assert ring.status == "vanished" and ring.vanished_at == LATER
        assert top not in {r.reference for r in stored_rings(session)}
        assert top in {r.reference for r in stored_rings(session, include_vanished=True)}
    with transaction(sessions) as session:
        back = store_rings(session, analyse_network(session))
    assert back.reappeared == [top] and not back.new
    with sessions() as session:
        ring, _members = stored_ring(session, top)
        assert ring.status == "active" and ring.vanished_at is None
        assert [h["change"] for h in ring.history] == ["new", "vanished", "reappeared"]


def test_overlap_below_one_half_is_a_new_ring(
    world: World, sessions: sessionmaker[Session]
) -> None:
    assert jaccard({"a", "b"}, {"b", "c"}) == pytest.approx(1 / 3)
    assert jaccard({"a", "b", "c"}, {"a", "b", "c", "d"}) == 0.75
    with transaction(sessions) as session:
        analysis = analyse_network(session)
        store_rings(session, analysis)
        ring = analysis.rings[0]
        old = analysis.references[ring.ring_id]
        # Keep a third of the persons: overlap 1/3 < 0.5, so the ring is not the stored one.
        kept = ring.persons[: max(1, len(ring.persons) // 3)]
        shrunk = dataclasses.replace(ring, persons=kept, node_ids=kept, roles=[])
        update = store_rings(
            session, dataclasses.replace(analysis, rings=[shrunk], references={}), now=LATER
        )
    assert update.new and old in update.vanished


def test_members_keep_roles_and_migrants_are_never_suspects(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with transaction(sessions) as session:
        store_rings(session, analyse_network(session))
    with sessions() as session:
        ring = _ring_of(session, world.escort)
        _ring, members = stored_ring(session, ring.reference)
        roles = {m.node_key: m.role for m in members}
        assert roles[world.escort] == "escort"
        assert {roles[m] for m in world.migrants if m in roles} == {"smuggled_migrant"}
        assert ring.suspects >= 1 and ring.smuggled_migrants >= 2
        assert ring.detail["bookings"] and ring.reasons
        with pytest.raises(NotFoundError):
            stored_ring(session, "RING-999999")


def test_ring_subgraph_timeline_and_map(world: World, sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as session:
        store_rings(session, analyse_network(session))
    with sessions() as session:
        ring = _ring_of(session, world.escort)
        _ring, members = stored_ring(session, ring.reference)
        graph = ring_network(session, members)
        kinds = {kind for kind, *_ in graph.nodes.values()}
        assert {"person", "booking", "trip"} <= kinds
        assert all(e.source in graph.nodes and e.target in graph.nodes for e in graph.edges)
        events = ring_timeline(graph)
        assert {"booking", "trip"} <= {e["kind"] for e in events}
        assert [e["at"] for e in events] == sorted(e["at"] for e in events)
        # The conftest world stores no airports as crossing points: flights cannot be placed.
        assert "KBL" in ring_map(session, graph)["unplaced"]
        escort = session.scalars(select(NetworkNode).where(NetworkNode.key == world.escort)).one()
        around, truncated = node_neighbourhood(session, escort.id)
        assert not truncated and len(around.nodes) > 1
        only = EdgeFilter(kinds=frozenset({"travelled_on"}))
        trips, _ = node_neighbourhood(session, escort.id, only)
        assert {e.kind for e in trips.edges} == {"travelled_on"}
        early = EdgeFilter(until=dt.datetime(2026, 3, 3, tzinfo=dt.UTC))
        assert len(node_neighbourhood(session, escort.id, early)[0].edges) < len(around.edges)
        few, cut = node_neighbourhood(session, escort.id, limit=1)
        assert cut and len(few.edges) == 1
