from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from filet.errors import InputError
from filet.network import (
    analyse_network,
    build_network,
    open_case_from_ring,
    set_offence_hypothesis,
)
from filet.security import SYSTEM
from filet.store import transaction
from filet.store.schema import CaseEvent, CaseMember, IdentityRecord, Person
from tests.network.conftest import World


def test_ring_becomes_a_case_with_roles_and_hypothesis_history(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with transaction(sessions) as session:
        escort = Person(key="PESC", label="Escort Rahimi")
        session.add(escort)
        session.flush()
        record = session.get(IdentityRecord, int(world.escort.split(":")[1]))
        assert record is not None
        record.person_id = escort.id
        build_network(session)
        analysis = analyse_network(session)
        ring = next(r for r in analysis.rings if f"person:{escort.id}" in {a.key for a in r.roles})
        case = open_case_from_ring(session, ring, SYSTEM, "Kabul-Frankfurt ring")
        with pytest.raises(InputError, match="unknown offence hypothesis"):
            set_offence_hypothesis(session, case, "murder", "x", SYSTEM)
        set_offence_hypothesis(
            session, case, "aggravated_smuggling", "debriefing: overcrowded boat", SYSTEM
        )
        case_id = case.id
    with sessions() as session:
        members = {m.person_id: m.role for m in session.scalars(select(CaseMember))}
        assert members[escort.id] == "escort"
        migrants = [int(k.split(":")[1]) for k in world.migrants if k.startswith("person:")]
        assert all(members[m] == "witness" for m in migrants)
        history = session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
        ).all()
        assert [e.data.get("to", e.data.get("hypothesis")) for e in history] == [
            "smuggling",
            "aggravated_smuggling",
        ]
        assert history[1].data["from"] == "smuggling"
