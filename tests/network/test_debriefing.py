"""Debriefings: consent required, recorded by a trained officer, the migrant a witness and never a
subject, the named smugglers and phones in the network, protection data left out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from filet.errors import InputError
from filet.network import (
    Network,
    add_member,
    analyse_network,
    build_network,
    debriefing_from_json,
    import_intelligence,
    open_case_from_ring,
    record_debriefing,
)
from filet.network._build import mention
from filet.security import SYSTEM
from filet.store import transaction
from filet.store.schema import IntelligenceItem, Person, ProtectionCase
from tests.network.conftest import RECRUITER_PHONE, World

BOSS_PHONE = "+93700000077"


def _form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "consent": True,
        "officer": "officer.dupont",
        "officer_trained": True,
        "date": "2026-03-12",
        "place": "Lampedusa",
        "circumstance": "rescued",
        "route": ["Kabul", "Tehran", "Istanbul", ""],
        "transport": "rubber boat",
        "price_amount": 4500,
        "price_currency": "usd",
        "paid_to": "Jamal",
        "smugglers": [
            {"name_as_known": "Jamal", "phone": RECRUITER_PHONE, "role_as_described": "found us"},
            {
                "name_as_known": "Boss Khan",
                "phone": "0093 700 000 077",
                "role_as_described": "boss",
            },
            {"name_as_known": "the captain", "phone": None, "role_as_described": "steered"},
        ],
        "aggravating": ["danger_to_life"],
        "methods_of_control": ["WithholdsDocuments"],
        "narrative": "We were sixty on the boat.",
        "source_reliability": "C",
        "information_credibility": "3",
    }
    return data | changes


def test_no_debriefing_without_consent_or_a_trained_officer(
    sessions: sessionmaker[Session],
) -> None:
    with pytest.raises(InputError, match="without consent"):
        debriefing_from_json(_form(consent=False))
    with pytest.raises(InputError, match="without consent"):
        debriefing_from_json({k: v for k, v in _form().items() if k != "consent"})
    debriefing = debriefing_from_json(_form())
    with transaction(sessions) as session:
        with pytest.raises(InputError, match="consent is required"):
            record_debriefing(session, debriefing.model_copy(update={"consent": False}), SYSTEM)
        with pytest.raises(InputError, match="trained"):
            record_debriefing(
                session, debriefing.model_copy(update={"officer_trained": False}), SYSTEM
            )
        with pytest.raises(InputError, match="source reliability"):
            record_debriefing(
                session, debriefing.model_copy(update={"source_reliability": "G"}), SYSTEM
            )
    with sessions() as session:
        assert session.scalars(select(IntelligenceItem)).all() == []


def test_a_debriefing_feeds_the_network_and_the_migrant_stays_a_witness(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with transaction(sessions) as session:
        migrant = Person(key="PMIG", label="Rescued Migrant", category="unknown")
        session.add(migrant)
        session.flush()
        item = record_debriefing(
            session, debriefing_from_json(_form(witness_person_id=migrant.id)), SYSTEM
        )
        reference, migrant_id = item.reference, migrant.id
        build_network(session)
    with sessions() as session:
        stored = session.scalars(
            select(IntelligenceItem).where(IntelligenceItem.reference == reference)
        ).one()
        assert stored.kind == "debriefing"
        assert (stored.source_reliability, stored.information_credibility) == ("C", "3")
        assert stored.attributes["route"] == ["Kabul", "Tehran", "Istanbul"]
        assert stored.attributes["price_paid"] == {"amount": 4500.0, "currency": "USD"}
        assert stored.attributes["consent"] == {"given": True, "recorded_by": "officer.dupont"}
        assert stored.attributes["witness"] == {"person_id": migrant_id}
        # the migrant is the source, not a subject
        assert "Rescued Migrant" not in json.dumps(stored.subjects)
        assert stored.subjects == sorted(
            {"Jamal", "Boss Khan", "the captain", RECRUITER_PHONE, BOSS_PHONE}
        )
        network = Network.load(session)
        by_key = {(kind, key): node for node, (kind, key, _l, _a) in network.nodes.items()}
        edges = {
            (network.nodes[e.source][1], network.nodes[e.target][1]): e
            for e in network.edges
            if e.kind == "uses_phone"
        }
        # a single word names nobody across reports: "Jamal" stays this debriefing's mention
        jamal_key = mention("Jamal", reference)
        assert jamal_key == f"named:JAMAL ({reference})"
        jamal = edges[(jamal_key, RECRUITER_PHONE)]
        assert any(reference in p for p in jamal.provenance)
        assert (mention("Boss Khan", reference), BOSS_PHONE) in edges
        assert mention("Boss Khan", reference) == "named:BOSS KHAN"
        assert ("person", jamal_key) in by_key and ("phone", BOSS_PHONE) in by_key
        person = session.get(Person, migrant_id)
        assert person is not None and person.category == "smuggled_migrant"
        cases = session.scalars(
            select(ProtectionCase).where(ProtectionCase.person_id == migrant_id)
        ).all()
        assert cases, "danger to life reported in a debriefing opens a protection case"


def test_a_debriefed_migrant_cannot_be_made_a_suspect(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with transaction(sessions) as session:
        ring = analyse_network(session).rings[0]
        case = open_case_from_ring(session, ring, SYSTEM, "case")
        migrant = Person(key="PMIG2", label="Intercepted Migrant", category="traveller")
        session.add(migrant)
        session.flush()
        record_debriefing(
            session,
            debriefing_from_json(
                _form(witness_person_id=migrant.id, aggravating=[], methods_of_control=[])
            ),
            SYSTEM,
        )
        # protection opened a case for the debriefed migrant; even with the category reset and
        # no protection case the debriefing alone keeps them a witness
        session.query(ProtectionCase).filter(ProtectionCase.person_id == migrant.id).delete()
        migrant.category = "traveller"
        with pytest.raises(InputError, match="gave a debriefing"):
            add_member(session, case, migrant.id, "escort", "travelled with the group", SYSTEM)
        add_member(session, case, migrant.id, "witness", "debriefed on arrival", SYSTEM)
        suspect = Person(key="PSUS", label="Known Suspect", category="suspect")
        session.add(suspect)
        session.flush()
        with pytest.raises(InputError, match="suspect"):
            record_debriefing(
                session, debriefing_from_json(_form(witness_person_id=suspect.id)), SYSTEM
            )


def test_imported_debriefings_keep_no_protection_data(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    world_row = {
        "id": "DEB0000001",
        "date": "2026-03-02",
        "place": "Bajakovo",
        "consent": True,
        "interviewee": {"surname": "KARIMI", "given_names": "ZAHRA", "sex": "F"},
        "route": ["Kabul", "Bajakovo"],
        "transport": "van",
        "price_paid": {"amount": 3000, "currency": "USD"},
        "paid_to": None,
        "smugglers": [{"name_as_known": "Ali", "phone": "+93700000055", "role_as_described": None}],
        "screening": {
            "child": False,
            "asylum_wish": True,
            "danger_to_life": True,
            "abuse_reported": False,
            "ransom_reported": True,
            "preferred_interviewer_gender": "female",
        },
        "narrative": "Ali drove us.",
    }
    path = tmp_path / "debriefings.jsonl"
    path.write_text(
        json.dumps(world_row) + "\n" + json.dumps(world_row | {"id": "DEB2", "consent": False}),
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"line 2.*consent"), transaction(sessions) as session:
        import_intelligence(session, path, SYSTEM)
    path.write_text(json.dumps(world_row) + "\n", encoding="utf-8")
    with transaction(sessions) as session:
        assert import_intelligence(session, path, SYSTEM) == 1
        assert import_intelligence(session, path, SYSTEM) == 0
    with sessions() as session:
        item = session.scalars(select(IntelligenceItem)).one()
        text = json.dumps(item.attributes) + json.dumps(item.subjects) + item.content
        for leaked in ("asylum", "KARIMI", "ZAHRA", "interviewer", "screening"):
            assert leaked not in text
        assert item.attributes["aggravating"] == ["danger_to_life"]
        assert item.attributes["ransom"] is True
        assert (item.grading_system, item.source_reliability, item.information_credibility) == (
            "4x4",
            "B",
            "2",
        )


def _world_debriefing(reference: str, date: str, interviewee: dict[str, str]) -> dict[str, Any]:
    """A debriefing as another service's file gives it: the migrant named, no person number."""
    return {
        "id": reference,
        "date": date,
        "place": "HR-BAJ",
        "consent": True,
        "interviewee": interviewee,
        "route": ["Kabul", "Bajakovo"],
        "transport": "land_vehicle",
        "paid_to": "Jamal",
        "smugglers": [
            {"name_as_known": "Jamal", "phone": RECRUITER_PHONE, "role_as_described": "found us"},
            {"name_as_known": "Driver", "phone": None, "role_as_described": "drove the van"},
        ],
        "narrative": "We hid in the van.",
    }


def test_an_imported_debriefing_finds_its_migrant_among_the_entries_and_links_the_ring(
    world: World, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    # Rider0 Nazari entered at HR-BAJ on 4 March, Rider1 Nazari on 9 March (conftest).
    path = tmp_path / "debriefings.jsonl"
    rows = [
        _world_debriefing("DEB1", "2026-03-06", {"given_names": "RIDER0", "surname": "NAZARI"}),
        # "Nazari" alone fits both riders: no witness rather than the wrong one
        _world_debriefing("DEB2", "2026-03-12", {"surname": "NAZARI"}),
        # nobody of that name entered there
        _world_debriefing("DEB3", "2026-03-06", {"given_names": "ZAHRA", "surname": "KARIMI"}),
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with transaction(sessions) as session:
        assert import_intelligence(session, path, SYSTEM) == 3
        build_network(session)
    with sessions() as session:
        items = {i.reference: i for i in session.scalars(select(IntelligenceItem)).all()}
        assert "witness" not in items["DEB2"].attributes
        assert "witness" not in items["DEB3"].attributes
        witness_id = items["DEB1"].attributes["witness"]["person_id"]
        # the name the migrant gave is not kept on the item
        assert "NAZARI" not in json.dumps(items["DEB1"].attributes).upper()
        witness = session.get(Person, witness_id)
        assert witness is not None and witness.category == "smuggled_migrant"
        network = Network.load(session)
        keys = {node: key for node, (_k, key, _l, _a) in network.nodes.items()}
        edges = [e for e in network.edges if e.kind == "witness_of"]
        assert {(keys[e.source], keys[e.target]) for e in edges} == {
            (f"person:{witness_id}", mention("Jamal", "DEB1")),
            (f"person:{witness_id}", mention("Driver", "DEB1")),
        }
        assert all(p.startswith("intelligence:DEB1 ") for e in edges for p in e.provenance)
    with transaction(sessions) as session:
        analysis = analyse_network(session)
        ring = next(
            r
            for r in analysis.rings
            if any(analysis.network.nodes[n][1] == f"person:{witness_id}" for n in r.persons)
        )
        # the witness sits in the recruiter's ring, as a smuggled migrant, never a suspect
        assert any(analysis.network.nodes[n][1] == RECRUITER_PHONE for n in ring.node_ids)
        roles = {r.key: r.role for r in ring.roles}
        assert roles[f"person:{witness_id}"] == "smuggled_migrant"
        assert f"person:{witness_id}" not in {p.node for p in analysis.facilitators}
