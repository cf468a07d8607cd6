from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import igraph as ig
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from filet.network import (
    FACILITATOR_ROLES,
    SMUGGLED_MIGRANT,
    Network,
    analyse_network,
    build_network,
    detect_rings,
    evaluate_network,
    facilitators,
    infer_roles,
    key_players,
    route_to_protection,
)
from filet.network._analysis import (
    Edge,
    _described_role,
    _knowledge,
    _series,
    network_graph,
)
from filet.store import transaction
from filet.store.schema import (
    ApiTraveller,
    BorderCrossing,
    Flight,
    IdentityRecord,
    ProtectionCase,
)
from tests.network.conftest import World, chained_stars


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
    assert {"trace_reused_across_trips", "paid_by_non_traveller", "intelligence"} <= indicators
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
    # A driver crossing twice with different passengers is not a ring on that alone (a
    # commuter or a taxi does the same): see test_driver_ring_when_riders_referred_to_protection.
    assert world.driver not in roles
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


def test_driver_ring_when_riders_referred_to_protection(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with transaction(sessions) as session:
        session.execute(
            update(BorderCrossing)
            .where(BorderCrossing.crossing_key.like("c-%-r%"))
            .values(decision="referred_protection", reasons=["concealed_in_vehicle"])
        )
        build_network(session)
    with sessions() as session:
        analysis = analyse_network(session)
    roles = {r.key: r.role for ring in analysis.rings for r in ring.roles}
    assert roles[world.driver] == "driver"
    riders = [k for k, role in roles.items() if role == SMUGGLED_MIGRANT and "record:" in k]
    ring = next(r for r in analysis.rings if world.driver in {x.key for x in r.roles})
    assert {r.indicator for r in ring.reasons} >= {
        "repeat_vehicle_crossings",
        "referred_to_protection",
    }
    ranked = [p.node for p in analysis.facilitators]
    assert world.driver in ranked
    assert not set(ranked) & set(riders)
    assert all(
        r.reasons[0].indicator == "referred_to_protection"
        for x in analysis.rings
        for r in x.roles
        if r.key in riders and r.key not in world.migrants
    )


def test_stranger_in_the_next_seat_is_not_glued_to_a_ring(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with transaction(sessions) as session:
        flight = session.scalars(select(Flight).order_by(Flight.departure_date)).first()
        assert flight is not None
        stranger = IdentityRecord(
            source_type="test", source_key="s", given_names="Anna", surname="Stranger"
        )
        session.add(stranger)
        session.flush()
        session.add(
            ApiTraveller(
                flight_id=flight.id,
                traveller_key="s:1",
                role="passenger",
                seat="12C",
                identity_record_id=stranger.id,
            )
        )
        session.flush()
        build_network(session)
        key = f"record:{stranger.id}"
    with sessions() as session:
        analysis = analyse_network(session)
        seated = {
            analysis.network.nodes[e.source][1]
            for e in analysis.network.edges
            if e.kind == "adjacent_seats"
        } | {
            analysis.network.nodes[e.target][1]
            for e in analysis.network.edges
            if e.kind == "adjacent_seats"
        }
    assert key in seated
    assert key not in {
        analysis.network.nodes[n][1] for ring in analysis.rings for n in ring.persons
    }


def _network(
    nodes: dict[int, tuple[str, str, str, dict[str, object]]],
    edges: list[tuple[str, int, int]],
    day: dt.datetime | None = None,
) -> Network:
    seen = day or dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    return Network(
        nodes,
        [Edge(kind, s, t, seen, seen, 1, 1.0, [f"{kind}:{s}/{t}"]) for kind, s, t in edges],
    )


def _group(
    first: int, travellers: int, facts: Mapping[str, object], phone: int, payer: int
) -> tuple[dict[int, tuple[str, str, str, dict[str, object]]], list[tuple[str, int, int]]]:
    """Bookings of one traveller each, sharing one phone and one payer."""
    nodes: dict[int, tuple[str, str, str, dict[str, object]]] = {}
    edges: list[tuple[str, int, int]] = []
    for i in range(travellers):
        person, booking = first + 2 * i, first + 2 * i + 1
        nodes[person] = ("person", f"record:{person}", f"T{person}", {})
        nodes[booking] = ("booking", f"QR:B{booking}", f"B{booking}", dict(facts))
        edges += [
            ("traveller_on", person, booking),
            ("contact", booking, phone),
            ("paid_by", booking, payer),
        ]
    return nodes, edges


def test_lawful_group_traces_alone_open_no_ring() -> None:
    phone, payer = 1, 2
    base: dict[int, tuple[str, str, str, dict[str, object]]] = {
        phone: ("phone", "+100", "+100", {}),
        payer: ("person", "named:TOUR CO", "x", {}),
    }
    tour = {"cash": True, "one_way": False, "payer_not_travelling": True, "split": True}
    nodes, edges = _group(10, 6, tour, phone, payer)
    assert detect_rings(_network(base | nodes, edges)) == []
    smuggling = {"cash": True, "one_way": True, "payer_not_travelling": True, "lead_days": 1}
    nodes, edges = _group(10, 6, smuggling, phone, payer)
    rings = detect_rings(_network(base | nodes, edges))
    assert len(rings) == 1
    indicators = {r.indicator: r.value for r in rings[0].reasons}
    assert indicators["cash_one_way_paid_by_other"] == 6
    assert indicators["one_way"] == 1.0 and indicators["last_minute_booking"] == 1.0


def test_a_hub_trace_binds_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(_knowledge(), "hub_degree", 4)
    phone = 1
    nodes: dict[int, tuple[str, str, str, dict[str, object]]] = {
        phone: ("phone", "+100", "+100", {})
    }
    edges = []
    for person in range(10, 16):
        nodes[person] = ("person", f"record:{person}", "x", {})
        edges.append(("has_contact", person, phone))
    graph, keep = network_graph(_network(nodes, edges))
    assert phone not in keep
    assert graph.ecount() == 0
    monkeypatch.setitem(_knowledge(), "hub_degree", 10)
    graph, keep = network_graph(_network(nodes, edges))
    assert phone in keep and graph.ecount() == 6


def test_referred_migrant_never_ranked_even_with_a_facilitator_pattern() -> None:
    """A migrant referred to protection who paid for others' one-way tickets (a family
    member, a boat's forced skipper) is routed to protection, never ranked."""
    phone, crossing = 1, 3
    payer = 4
    nodes, edges = _group(
        10,
        4,
        {"cash": True, "one_way": True, "payer_not_travelling": True},
        phone,
        payer,
    )
    nodes |= {
        phone: ("phone", "+100", "+100", {}),
        payer: ("person", "person:4", "Payer", {}),
        crossing: ("crossing", "x1", "x1", {"decision": "referred_protection"}),
    }
    edges.append(("crossed", payer, crossing))
    network = _network(nodes, edges)
    rings = detect_rings(network)
    assert rings
    for ring in rings:
        infer_roles(ring, network)
    roles = {r.key: r.role for ring in rings for r in ring.roles}
    assert roles["person:4"] == SMUGGLED_MIGRANT
    assert "person:4" not in {p.node for p in facilitators(network, rings)}


def test_debriefing_words_and_document_series() -> None:
    cues = _knowledge()["debriefing_roles"]
    assert _described_role("travelled with us and took the passports back", cues) == "escort"
    assert _described_role("the one who collected the money for the boss", cues) == (
        "money_collector"
    )
    assert _described_role("paid for the tickets", cues) == "booker_payer"
    assert _described_role("the boss, we never met him", cues) == "organiser"
    assert _described_role("a friend", cues) is None
    assert _series(["BEL:P:PW500100", "BEL:P:PW500101", "BEL:P:PW500104", "BEL:P:PW900000"]) == 3
    assert _series(["BEL:P:PW500100", "FRA:P:PW500101"]) == 0


def test_large_graph_betweenness_inside_communities() -> None:
    """Above 2,000 nodes betweenness is measured inside each community: 300 star-shaped rings
    chained by their centres are one component, split by Leiden; every ring's broker leads,
    and the centre of the chain does not dwarf the others as a global betweenness would."""
    stars, size = 300, 20
    graph, names = chained_stars(stars, size)
    ranked = key_players(graph, names, top=stars)
    assert {p.node for p in ranked} == {str(s * size) for s in range(stars)}
    between = [p.betweenness for p in ranked]
    assert max(between) < 10 * min(between)


CAVIAR = Path(__file__).parent / "data" / "caviar"


def _caviar(phase: str) -> tuple[ig.Graph, list[str]]:
    with (CAVIAR / f"caviar_{phase}.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    names = sorted({r["from"] for r in rows} | {r["to"] for r in rows})
    index = {n: i for i, n in enumerate(names)}
    graph = ig.Graph(n=len(names), edges=[(index[r["from"]], index[r["to"]]) for r in rows])
    graph.es["weight"] = [float(r["weight"]) for r in rows]
    graph.simplify(combine_edges={"weight": "sum"})
    return graph, names


def test_caviar_key_players_are_the_leaders_morselli_named() -> None:
    """Operation Caviar (Montreal, 1994-96; Morselli 2009, 2010): Daniel Serero (N1) was the
    mastermind, Pierre Perlini (N3) his principal lieutenant and Ernesto Morales (N12) the main
    cocaine supplier once the network turned to cocaine, growing more central as seizures went
    on. Edge lists as shipped by the MIT-licensed ``onadata`` package."""
    start, names = _caviar("start")
    assert key_players(start, names, top=1)[0].node == "X1"
    middle, names = _caviar("middle")
    assert [p.node for p in key_players(middle, names, top=3)] == ["X1", "X12", "X3"]
    end, names = _caviar("end")
    assert {"X1", "X12"} <= {p.node for p in key_players(end, names, top=4)}


def test_evaluation_maps_named_people_by_the_items_that_name_them(
    world: World, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    from filet.evaluation import Truth, named_persons

    def write(name: str, header: str, rows: list[str]) -> None:
        (tmp_path / name).write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")

    write("records.csv", "record_id,physical_person_id,operation_id", [])
    write(
        "persons.csv",
        "person_id,kind,latin_name,native_name",
        ["F1,facilitator,Someone Else,", "F3,facilitator,,", "P9,unrelated,Other Sender,"],
    )
    write(
        "intelligence.csv",
        "item_id,true,network_id,operation_id,about_person_ids",
        ["INT2,1,N1,OP1,F1;F2", "INT4,1,N1,OP1,F1;F3"],
    )
    write("facilitators.csv", "person_id,network_id,role,phone,card_number,detail", [])
    with sessions() as session:
        named = named_persons(session, Truth.load(tmp_path))
    # Payer of INT2 and first party of INT4; second party of INT4; the one bearer of a name.
    assert named["named:AHMAD PAYER"] == "F1"
    assert named["named:BOSS KHAN"] == "F3"
    assert named["named:OTHER SENDER"] == "P9"
