from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from filet.errors import ConflictError, InputError
from filet.network import (
    add_member,
    add_note,
    analyse_network,
    attach_item,
    build_network,
    case_file,
    close_case,
    declare_relation,
    get_case,
    list_cases,
    open_case_from_ring,
    open_case_from_stored_ring,
    record_item,
    remove_member,
    reopen_case,
    set_offence_hypothesis,
    store_rings,
)
from filet.security import SYSTEM, Actor
from filet.store import session_factory, transaction
from filet.store.schema import (
    AuditEvent,
    CaseEvent,
    CaseMember,
    IdentityRecord,
    IntelligenceItem,
    InvestigationCase,
    Person,
    ProtectionTrigger,
)
from tests.network.conftest import World
from tests.web.conftest import Site, site  # noqa: F401 (the fixture)


def _escort_case(world: World, session: Session) -> tuple[InvestigationCase, Person]:
    escort = Person(key="PESC", label="Escort Rahimi")
    session.add(escort)
    session.flush()
    record = session.get(IdentityRecord, int(world.escort.split(":")[1]))
    assert record is not None
    record.person_id = escort.id
    build_network(session)
    analysis = analyse_network(session)
    ring = next(r for r in analysis.rings if f"person:{escort.id}" in {a.key for a in r.roles})
    return open_case_from_ring(session, ring, SYSTEM, "Kabul-Frankfurt ring"), escort


def _migrant_ids(world: World) -> list[int]:
    return [int(k.split(":")[1]) for k in world.migrants if k.startswith("person:")]


def test_ring_becomes_a_case_with_roles_and_hypothesis_history(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with transaction(sessions) as session:
        case, escort = _escort_case(world, session)
        with pytest.raises(InputError, match="unknown offence hypothesis"):
            set_offence_hypothesis(session, case, "murder", "x", SYSTEM)
        with pytest.raises(InputError, match="evidence"):
            set_offence_hypothesis(session, case, "aggravated_smuggling", " ", SYSTEM)
        set_offence_hypothesis(
            session,
            case,
            "aggravated_smuggling",
            "debriefing: overcrowded boat",
            SYSTEM,
            reason="danger to life",
        )
        with pytest.raises(ConflictError, match="already has"):
            set_offence_hypothesis(session, case, "aggravated_smuggling", "again", SYSTEM)
        case_id = case.id
    with sessions() as session:
        members = {m.person_id: m.role for m in session.scalars(select(CaseMember))}
        assert members[escort.id] == "escort"
        assert all(members[m] == "witness" for m in _migrant_ids(world))
        history = session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
        ).all()
        assert [e.data.get("to", e.data.get("hypothesis")) for e in history] == [
            "smuggling",
            "aggravated_smuggling",
        ]
        assert history[1].data["from"] == "smuggling"
        assert history[1].data["reason"] == "danger to life"
        assert history[0].data["traces"]["binding"], "the ring's traces are kept on the case"


def test_a_trafficking_hypothesis_tells_protection_about_the_cases_migrants(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with transaction(sessions) as session:
        case, escort = _escort_case(world, session)
        reference = case.reference
        set_offence_hypothesis(session, case, "none", "no benefit shown yet", SYSTEM)
    with sessions() as session:
        # Smuggling (and none): no protection trigger from the case.
        assert not session.scalars(
            select(ProtectionTrigger).where(ProtectionTrigger.source.like("investigation_case:%"))
        ).all()
    with transaction(sessions) as session:
        case = get_case(session, reference)
        set_offence_hypothesis(
            session, case, "suspected_trafficking", "debriefing: debt bondage in Libya", SYSTEM
        )
    with transaction(sessions) as session:
        # Back and forth: the same trigger is not raised twice for the same person.
        case = get_case(session, reference)
        set_offence_hypothesis(session, case, "smuggling", "the debt was a loan", SYSTEM)
        set_offence_hypothesis(session, case, "trafficking", "confirmed by a second source", SYSTEM)
    with sessions() as session:
        triggers = session.scalars(
            select(ProtectionTrigger).where(
                ProtectionTrigger.source == f"investigation_case:{reference}",
                ProtectionTrigger.kind == "trafficking_indicator",
            )
        ).all()
        assert sorted(t.person_id for t in triggers) == sorted(_migrant_ids(world))
        assert escort.id not in {t.person_id for t in triggers}
        assert {t.detail["case_hypothesis"] for t in triggers} == {"suspected_trafficking"}
        # The case's own history says nothing of the protection cases.
        history = session.scalars(select(CaseEvent).where(CaseEvent.kind == "hypothesis")).all()
        assert "protection" not in str([e.data for e in history]).lower()


SUPERVISOR = Actor(user_id=None, username="chief", role="supervisor", purpose="investigation")
INVESTIGATOR = Actor(user_id=None, username="inv", role="investigator", purpose="investigation")


def test_a_relative_or_helper_is_a_suspect_only_by_a_supervisors_override(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with transaction(sessions) as session:
        case, escort = _escort_case(world, session)
        # A man with the migrants' family name who paid for their tickets.
        father = Person(key="PFATHER", label="Hamid Karimi")
        session.add(father)
        session.flush()
        session.add(
            IdentityRecord(
                source_type="test",
                source_key="father",
                given_names="Hamid",
                surname="KARIMI",
                full_name="Hamid Karimi",
                person_id=father.id,
            )
        )
        session.flush()
        for actor, override in ((SYSTEM, "x"), (INVESTIGATOR, "paid 9,000 EUR"), (SUPERVISOR, " ")):
            with pytest.raises(InputError, match="supervisor's override") as refused:
                add_member(
                    session, case, father.id, "booker_payer", "paid the tickets", actor, override
                )
            assert "same family name KARIMI" in str(refused.value)
        add_member(
            session,
            case,
            father.id,
            "booker_payer",
            "paid the tickets",
            SUPERVISOR,
            "wire transfers show he was paid 9,000 EUR per crossing",
        )
        # The escort is said to be a volunteer of a rescue NGO: no suspect role without override.
        with pytest.raises(InputError, match="unknown relation"):
            declare_relation(session, case, escort.id, "friend", "x", INVESTIGATOR)
        declare_relation(session, case, escort.id, "humanitarian", "NGO card", INVESTIGATOR)
        with pytest.raises(InputError, match="humanitarian helper"):
            add_member(session, case, escort.id, "organiser", "calls", INVESTIGATOR)
        declare_relation(session, case, escort.id, "none", "NGO denies it", INVESTIGATOR)
        add_member(session, case, escort.id, "organiser", "calls", INVESTIGATOR)
        case_id, father_id = case.id, father.id
    with sessions() as session:
        roles = {
            m.person_id: m.role
            for m in session.scalars(select(CaseMember).where(CaseMember.case_id == case_id))
        }
        assert roles[father_id] == "booker_payer" and roles[escort.id] == "organiser"
        overridden = [
            e.data
            for e in session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id))
            if "override" in e.data
        ]
        assert len(overridden) == 1 and "9,000 EUR" in overridden[0]["override"]["reason"]
        audited = [e for e in session.scalars(select(AuditEvent)) if "override" in e.detail]
        assert len(audited) == 1 and audited[0].username == "chief"
        assert audited[0].detail["override"]["person_id"] == father_id


def test_a_ring_suspect_sharing_the_migrants_family_name_opens_as_a_witness(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with transaction(sessions) as session:
        record = session.get(IdentityRecord, int(world.escort.split(":")[1]))
        assert record is not None
        record.surname = "Karimi"
        case, escort = _escort_case(world, session)
        opening = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)).one()
        entry = next(m for m in opening.data["members"] if m["person_id"] == escort.id)
        member = session.scalars(
            select(CaseMember).where(
                CaseMember.case_id == case.id, CaseMember.person_id == escort.id
            )
        ).one()
    assert member.role == "witness" and not entry["smuggled_migrant"]
    assert entry["inferred"] == "escort" and entry["family_name"] == "KARIMI"
    assert "supervisor's override" in entry["reasons"][-1]


def test_a_smuggled_migrant_is_never_given_a_suspect_role(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with transaction(sessions) as session:
        case, escort = _escort_case(world, session)
        migrant = _migrant_ids(world)[0]
        for role in ("organiser", "escort", "driver", "money_collector", "corrupt_official"):
            with pytest.raises(InputError, match="smuggled migrant"):
                add_member(session, case, migrant, role, "seen with the escort", SYSTEM)
        # a person recorded as a smuggled migrant, in no ring at all
        other = Person(key="PX", label="Rescued person", category="smuggled_migrant")
        session.add(other)
        session.flush()
        with pytest.raises(InputError, match="recorded as smuggled_migrant"):
            add_member(session, case, other.id, "recruiter", "named by a source", SYSTEM)
        add_member(session, case, other.id, "witness", "saw the boat leave", SYSTEM)
        with pytest.raises(InputError, match="unknown role"):
            add_member(session, case, escort.id, "smuggled_migrant", "x", SYSTEM)
        with pytest.raises(InputError, match="why"):
            add_member(session, case, escort.id, "organiser", " ", SYSTEM)
        add_member(session, case, escort.id, "organiser", "calls from the boss's phone", SYSTEM)
        case_id = case.id
    with sessions() as session:
        roles = {
            m.person_id: m.role
            for m in session.scalars(select(CaseMember).where(CaseMember.case_id == case_id))
        }
        assert roles[migrant] == "witness" and roles[other.id] == "witness"
        assert roles[escort.id] == "organiser"


def test_notes_items_members_close_and_reopen(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with transaction(sessions) as session:
        case, escort = _escort_case(world, session)
        add_note(session, case, "the escort keeps the passports on the plane", SYSTEM)
        with pytest.raises(InputError, match="empty note"):
            add_note(session, case, "  ", SYSTEM)
        with pytest.raises(InputError, match="source reliability"):
            record_item(session, SYSTEM, "report", "6x6", "G", "2", "x")
        with pytest.raises(InputError, match="information credibility"):
            record_item(session, SYSTEM, "report", "4x4", "A", "6", "x")
        item = record_item(
            session,
            SYSTEM,
            "call",
            "6x6",
            "B",
            "3",
            "recruiter calls the organiser every morning",
            {"from_phone": "+93700000001", "to_phone": "+93700000009"},
        )
        attach_item(session, case, item.reference, SYSTEM, "wiretap summary")
        with pytest.raises(ConflictError, match="already"):
            attach_item(session, case, item.reference, SYSTEM)
        attach_item(session, case, "INT1", SYSTEM)
        remove_member(session, case, escort.id, "mistaken identity", SYSTEM)
        close_case(session, case, "handed to the prosecutor", SYSTEM)
        with pytest.raises(ConflictError, match="closed"):
            add_note(session, case, "too late", SYSTEM)
        reopen_case(session, case, "new debriefing", SYSTEM)
        add_note(session, case, "after reopening", SYSTEM)
        reference = case.reference
    with sessions() as session:
        case = get_case(session, reference)
        assert [c.reference for c in list_cases(session, "open")] == [reference]
        assert list_cases(session, "closed") == []
        bundle = case_file(session, case)
        assert [n["text"] for n in bundle["notes"]] == [
            "the escort keeps the passports on the plane",
            "after reopening",
        ]
        grades = {i["reference"]: i["grade"] for i in bundle["intelligence"]}
        assert grades["INT1"] == "A2" and grades[item.reference] == "B3"
        assert escort.id not in {m["person_id"] for m in bundle["members"]}
        assert [e["kind"] for e in bundle["history"]].count("status") == 2
        stored = session.scalars(
            select(IntelligenceItem).where(IntelligenceItem.reference == item.reference)
        ).one()
        assert stored.subjects == ["+93700000001", "+93700000009"]
        actions = {
            (e.action, e.object_type)
            for e in session.scalars(select(AuditEvent))
            if reference in (e.object_ids or []) or item.reference in (e.object_ids or [])
        }
        assert ("create", "intelligence_item") in actions
        assert ("update", "investigation_case") in actions


def test_a_case_from_a_stored_ring_keeps_the_rings_reference(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with transaction(sessions) as session:
        analysis = analyse_network(session)
        update = store_rings(session, analysis)
        reference = update.new[0]
        case = open_case_from_stored_ring(session, reference, SYSTEM, "stored ring")
        migrants = set(_migrant_ids(world))
        bundle = case_file(session, case)
    assert bundle["ring"]["reference"] == reference
    assert bundle["ring"]["traces"]["binding"]
    roles = {m["person_id"]: m["role"] for m in bundle["members"]}
    assert migrants <= set(roles) and all(roles[m] == "witness" for m in migrants)


def test_cases_and_debriefings_over_http(world: World, site: Site) -> None:  # noqa: F811
    with transaction(session_factory(site.engine)) as session:
        ring = store_rings(session, analyse_network(session)).new[0]
    migrant = _migrant_ids(world)[0]
    headers = site.headers("investigator")
    client = site.client
    for role in ("analyst", "protection_officer", "border_officer"):
        assert client.get("/api/v1/cases", headers=site.headers(role)).status_code == 403
    opened = client.post(
        f"/api/v1/network/rings/{ring}/case", json={"title": "HTTP case"}, headers=headers
    )
    assert opened.status_code == 201, opened.text
    reference = opened.json()["case"]["reference"]
    assert opened.json()["ring"]["reference"] == ring
    assert (
        client.post(
            "/api/v1/network/rings/RING-999999/case", json={"title": "x"}, headers=headers
        ).status_code
        == 404
    )
    suspect = client.post(
        f"/api/v1/cases/{reference}/members",
        json={"person_id": migrant, "role": "organiser", "reason": "x"},
        headers=headers,
    )
    assert suspect.status_code == 422 and "never a suspect" in suspect.text
    # A relative of the migrants: the investigator cannot make him a suspect, a supervisor can,
    # with the override's reason; the case page shows the warning.
    with transaction(session_factory(site.engine)) as session:
        father = Person(key="PFATHER", label="Hamid Karimi")
        session.add(father)
        session.flush()
        session.add(
            IdentityRecord(
                source_type="test", source_key="father", surname="Karimi", person_id=father.id
            )
        )
        father_id = father.id
    member = {"person_id": father_id, "role": "booker_payer", "reason": "paid the tickets"}
    refused_member = client.post(
        f"/api/v1/cases/{reference}/members", json=member | {"override": "x"}, headers=headers
    )
    assert refused_member.status_code == 422 and "override" in refused_member.text
    relation = client.post(
        f"/api/v1/cases/{reference}/relations",
        json={"person_id": father_id, "relation": "family", "reason": "his son said so"},
        headers=headers,
    )
    assert relation.status_code == 200, relation.text
    chief = site.headers("supervisor")
    overridden = client.post(
        f"/api/v1/cases/{reference}/members",
        json=member | {"override": "paid per head by the organiser"},
        headers=chief,
    )
    assert overridden.status_code == 200, overridden.text
    page = client.get(f"/cases/{reference}", headers=chief)
    assert f'data-testid="relation-{father_id}"' in page.text and "mem-override" in page.text
    assert "mem-override" not in client.get(f"/cases/{reference}", headers=headers).text
    refused = client.post(
        "/api/v1/intelligence/debriefings",
        json={"consent": False, "officer_trained": True, "smugglers": []},
        headers=headers,
    )
    assert refused.status_code == 422 and "consent" in refused.text
    debriefed = client.post(
        "/api/v1/intelligence/debriefings",
        json={
            "consent": True,
            "officer_trained": True,
            "smugglers": [{"name_as_known": "Jamal", "phone": "+93700000001"}],
            "source_reliability": "B",
            "information_credibility": "2",
        },
        headers=headers,
    )
    assert debriefed.status_code == 201, debriefed.text
    item = debriefed.json()
    assert item["attributes"]["consent"]["recorded_by"] == "investigator"
    attached = client.post(
        f"/api/v1/cases/{reference}/intelligence",
        json={"reference": item["reference"]},
        headers=headers,
    )
    assert attached.json()["intelligence"][0]["grade"] == "B2"
    bad_grade = client.post(
        "/api/v1/intelligence",
        json={
            "kind": "report",
            "source_reliability": "A",
            "information_credibility": "9",
            "content": "x",
        },
        headers=headers,
    )
    assert bad_grade.status_code == 422
    noted = client.post(
        f"/api/v1/cases/{reference}/notes", json={"text": "over HTTP"}, headers=headers
    )
    assert noted.json()["notes"][0]["text"] == "over HTTP"
    closed = client.post(
        f"/api/v1/cases/{reference}/close", json={"reason": "done"}, headers=headers
    )
    assert closed.json()["case"]["status"] == "closed"
    again = client.post(f"/api/v1/cases/{reference}/notes", json={"text": "x"}, headers=headers)
    assert again.status_code == 409
    pdf = client.get(f"/api/v1/cases/{reference}/file?format=pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    listed = client.get("/api/v1/cases?status=closed", headers=headers).json()
    assert [c["reference"] for c in listed] == [reference]
    with session_factory(site.engine)() as session:
        events = [
            (e.action, e.object_type)
            for e in session.scalars(select(AuditEvent))
            if e.username == "investigator"
        ]
    assert ("export", "investigation_case") in events
    assert ("read", "list_cases") in events
