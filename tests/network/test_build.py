from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from filet.errors import InputError
from filet.network import build_network, import_intelligence
from filet.security import SYSTEM
from filet.store import transaction
from filet.store.schema import (
    BorderCrossing,
    IntelligenceItem,
    NetworkEdge,
    NetworkNode,
    PnrBooking,
    PnrContact,
    PnrPayment,
)
from tests.network.conftest import CARD, RECRUITER_PHONE, World


def _edges(session: Session, kind: str) -> list[tuple[NetworkEdge, NetworkNode, NetworkNode]]:
    nodes = {n.id: n for n in session.scalars(select(NetworkNode))}
    return [
        (e, nodes[e.source_id], nodes[e.target_id])
        for e in session.scalars(select(NetworkEdge).where(NetworkEdge.kind == kind))
    ]


def test_each_edge_type_names_its_source_rows(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with sessions() as session:
        contact_ids = {
            f"pnr_contact:{c.id}"
            for c in session.scalars(select(PnrContact).where(PnrContact.value == RECRUITER_PHONE))
        }
        phone_edges = [
            (e, s, t) for e, s, t in _edges(session, "contact") if t.key == RECRUITER_PHONE
        ]
        assert len(phone_edges) == 3
        assert {p for e, _s, _t in phone_edges for p in e.provenance} == contact_ids
        payments = {
            f"pnr_payment:{p.id}"
            for p in session.scalars(select(PnrPayment).where(PnrPayment.card_fingerprint == CARD))
        }
        card = [e for e, _s, t in _edges(session, "paid_with") if t.key == CARD]
        assert {p for e in card for p in e.provenance} == payments
        paid_by = _edges(session, "paid_by")
        assert {t.key for _e, _s, t in paid_by} == {"named:AHMAD PAYER"}
        assert len(paid_by) == 3
        called = _edges(session, "called")
        assert [e.provenance for e, _s, _t in called] == [["intelligence:INT1 A2"]]
        met = _edges(session, "met")
        assert {(s.key, t.key) for _e, s, t in met} == {("named:AHMAD PAYER", "named:BOSS KHAN")}
        paid = _edges(session, "paid")
        assert {s.key for _e, s, _t in paid} == {"named:AHMAD PAYER", "named:OTHER SENDER"}
        # Travelling together: co-booked, adjacent seats, same flight with linked bookings.
        assert all(
            e.provenance[0].startswith("pnr_booking:") for e, *_ in _edges(session, "co_booked")
        )
        seats = _edges(session, "adjacent_seats")
        assert seats and all(" seats " in e.provenance[0] for e, *_ in seats)
        together = _edges(session, "travelled_with")
        assert {world.escort} <= {n.key for _e, s, t in together for n in (s, t)}
        assert not set(world.family) & {n.key for _e, s, t in together for n in (s, t)}
        drove = _edges(session, "drove")
        assert {s.key for _e, s, _t in drove} == {world.driver}
        assert all(e.count == 2 for e, *_ in drove)
        assert all(p.startswith("border_crossing:") for e, *_ in drove for p in e.provenance)
        same = _edges(session, "same_crossing")
        assert len(same) == 2
        assert all(e.first_seen is not None and e.first_seen.tzinfo for e, *_ in same)


def test_build_is_idempotent(world: World, sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        before_nodes = sorted(session.execute(select(NetworkNode.id, NetworkNode.key)).all())
        before_edges = session.scalar(select(func.count()).select_from(NetworkEdge))
    with transaction(sessions) as session:
        build_network(session)
    with sessions() as session:
        assert (
            sorted(session.execute(select(NetworkNode.id, NetworkNode.key)).all()) == before_nodes
        )
        assert session.scalar(select(func.count()).select_from(NetworkEdge)) == before_edges


def test_intelligence_import_is_idempotent_and_checks_grades(
    sessions: sessionmaker[Session], intelligence_file: Path, tmp_path: Path
) -> None:
    with transaction(sessions) as session:
        assert import_intelligence(session, intelligence_file, SYSTEM) == 4
        assert import_intelligence(session, intelligence_file, SYSTEM) == 0
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        json.dumps(
            {
                "id": "X1",
                "kind": "call",
                "grading_system": "4x4",
                "source_reliability": "F",
                "information_credibility": "2",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    with (
        pytest.raises(InputError, match="not a 4x4 grade") as caught,
        transaction(sessions) as session,
    ):
        import_intelligence(session, bad, SYSTEM)
    assert caught.value.place.line == 1
    unconsented = tmp_path / "deb.jsonl"
    unconsented.write_text(
        json.dumps({"id": "DEB1", "consent": False, "interviewee": {}, "smugglers": []}) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="consent"), transaction(sessions) as session:
        import_intelligence(session, unconsented, SYSTEM)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(IntelligenceItem)) == 4


def test_nodes_carry_the_facts_rings_are_scored_on(
    world: World, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    debriefing = {
        "id": "DEB1",
        "date": "2026-03-06",
        "consent": True,
        "interviewee": {"surname": "Karimi", "given_names": "Migrant0"},
        "smugglers": [
            {"name_as_known": "Escort Rahimi", "phone": None, "role_as_described": "escort"},
            {"name_as_known": "Boss", "phone": "+93700000009", "role_as_described": "the boss"},
        ],
    }
    path = tmp_path / "debriefings.jsonl"
    path.write_text(json.dumps(debriefing) + "\n", encoding="utf-8")
    with transaction(sessions) as session:
        import_intelligence(session, path, SYSTEM)
        session.execute(
            update(PnrBooking).where(PnrBooking.locator == "ESC00").values(one_way=False)
        )
        session.execute(
            update(BorderCrossing)
            .where(BorderCrossing.crossing_key == "c-3-r0")
            .values(decision="referred_protection", reasons=["undocumented"])
        )
        build_network(session)
    with sessions() as session:
        nodes = {(n.kind, n.key): n.attributes for n in session.scalars(select(NetworkNode))}
        ring = nodes[("booking", "QR:RING00")]
        assert ring["one_way"] is True and ring["cash"] is False
        assert ring["payer_not_travelling"] is True and ring["travellers"] == 2
        assert nodes[("booking", "QR:FAMILY")]["payer_not_travelling"] is False
        assert nodes[("booking", "QR:ESC00")]["one_way"] is False
        assert nodes[("crossing", "c-3-r0")]["decision"] == "referred_protection"
        assert nodes[("crossing", "c-3-r0")]["reasons"] == ["undocumented"]
        assert nodes[("person", "named:BOSS (DEB1)")]["described"] == ["the boss"]
        # The escort's return ticket on the flight of the card-linked one-way booking.
        escorted = _edges(session, "escorted")
        assert {s.key for _e, s, _t in escorted} == {world.escort}
        assert {t.key for _e, _s, t in escorted} == set(world.migrants[:2])
        assert all(e.provenance[0].startswith("flight:") for e, *_ in escorted)
        # Named together by one witness (never the witness); a named person whose full name is
        # that of exactly one traveller is linked to him as a hypothesis.
        together = _edges(session, "named_together")
        assert {(s.key, t.key) for _e, s, t in together} == {
            ("named:BOSS (DEB1)", "named:ESCORT RAHIMI")
        }
        assert together[0][0].provenance == ["intelligence:DEB1 B2"]
        named_as = _edges(session, "named_as")
        assert {(s.key, t.key) for _e, s, t in named_as} == {("named:ESCORT RAHIMI", world.escort)}
        assert named_as[0][0].weight == 0.5
