from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from filet.network import (
    FACILITATOR_ROLES,
    SMUGGLED_MIGRANT,
    analyse_network,
    evaluate_network,
    route_to_protection,
)
from filet.store import transaction
from filet.store.schema import ProtectionCase
from tests.network.conftest import World


def test_ring_found_around_shared_traces_and_family_left_out(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with sessions() as session:
        analysis = analyse_network(session)
    keys = [{analysis.network.nodes[n][1] for n in ring.persons} for ring in analysis.rings]
    ring = next(r for r, k in zip(analysis.rings, keys, strict=True) if set(world.migrants) & k)
    members = {analysis.network.nodes[n][1] for n in ring.persons}
    assert set(world.migrants) <= members
    assert world.escort in members
    assert not set(world.family) & set().union(*keys)
    indicators = {r.indicator for r in ring.reasons}
    assert {"shared_contact_or_card", "paid_by_non_traveller", "intelligence"} <= indicators
    assert {("phone", "+93700000001")} <= {(k, key) for k, key, _n in ring.binding_traces}
    assert len(ring.bookings) >= 3
    assert ring.first_seen is not None and ring.last_seen is not None
    assert ring.routes == ["KBL-FRA"]


def test_roles_and_smuggled_migrants_never_suspects(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with sessions() as session:
        analysis = analyse_network(session)
    roles = {r.key: r.role for ring in analysis.rings for r in ring.roles}
    for migrant in world.migrants:
        assert roles[migrant] == SMUGGLED_MIGRANT
    assert roles[world.escort] == "escort"
    assert roles["named:AHMAD PAYER"] == "booker_payer"
    assert roles.get(world.driver) == "driver"
    suspects = {r.key for ring in analysis.rings for r in ring.suspects()}
    assert not suspects & set(world.migrants)
    assert all(r.role in FACILITATOR_ROLES for ring in analysis.rings for r in ring.suspects())
    ranked = [p.node for p in analysis.facilitators]
    assert ranked, "facilitators ranked"
    assert not set(ranked) & set(world.migrants)
    assert world.escort in ranked[:5]
    money = analysis.money["by_payer"]["named:AHMAD PAYER"]
    assert money["totals"] == {"EUR": 4500.0, "USD": 9000.0}
    assert money["to"] == ["HW-1"]
    assert len(money["for"]) == 6


def test_smuggled_migrants_routed_to_protection(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with transaction(sessions) as session:
        analysis = analyse_network(session)
        assert route_to_protection(session, analysis, "network:test", min_score=1000) == []
        routed = route_to_protection(session, analysis, "network:test")
    resolved = [k for k in world.migrants if k.startswith("person:")]
    assert sorted(routed) == sorted(resolved)
    with sessions() as session:
        cases = session.scalars(select(ProtectionCase)).all()
        assert sorted(f"person:{c.person_id}" for c in cases) == sorted(resolved)
    with transaction(sessions) as session:
        route_to_protection(session, analyse_network(session), "network:test")
    with sessions() as session:
        assert len(session.scalars(select(ProtectionCase)).all()) == len(resolved)


def test_quality_measures() -> None:
    quality = evaluate_network(
        rings=[{"a", "b", "c"}, {"x", "y"}],
        truth_networks={"N1": {"a", "b", "c", "d"}, "N2": {"p", "q"}},
        ranked=["a", "m", "b"],
        true_facilitators={"a", "b"},
        smuggled_migrants={"m"},
        k=2,
    )
    assert quality.ring_precision == 0.5
    assert quality.ring_recall == 0.5
    assert quality.ring_f1 == 0.5
    assert quality.facilitator_precision_at_k == 0.5
    assert abs(quality.migrants_ranked_as_facilitators - 1 / 3) < 1e-9
