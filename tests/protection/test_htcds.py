"""HTCDS export: field names and value sets (ISO 3166 alpha-2, E.164), and a round trip: export,
import into an empty store, export again, same document."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from filet.errors import InputError
from filet.protection import (
    FactorInput,
    PersonFacts,
    add_journey_event,
    add_perpetrator,
    close_case,
    e164,
    evaluate_triggers,
    export_htcds,
    import_htcds,
    open_case,
    reassess_factor,
    record_consent,
    refer,
    set_referral_status,
)
from filet.security import SYSTEM
from filet.store import make_engine, session_factory, upgrade
from tests.protection.conftest import T0, World


def _populate(world: World) -> None:
    s, officer = world.session, world.officer
    (case,) = evaluate_triggers(
        s,
        PersonFacts(
            world.amina, "debriefing:DEB7", T0, ransom=True, methods_of_control=("Threats",)
        ),
    )
    record_consent(s, case, officer, scope="personal_data", service="any", given=True)
    reassess_factor(
        s,
        case,
        officer,
        FactorInput("individual", "survivor_of_violence", "risk", "beaten in Kufra"),
        at=T0,
    )
    reassess_factor(
        s, case, officer, FactorInput("household", "supportive_family", "protective"), at=T0
    )
    add_journey_event(
        s,
        case,
        officer,
        event_type="Recruitment",
        date=dt.date(2025, 11, 2),
        country="ER",
        city="Asmara",
    )
    add_journey_event(
        s,
        case,
        officer,
        event_type="Transit",
        date=dt.date(2026, 1, 9),
        country="LY",
        city="Kufra",
        description="held in a warehouse until the family paid",
    )
    add_perpetrator(
        s,
        case,
        officer,
        name_as_known="Walid",
        roles=["Smuggler", "Kidnapper"],
        details="asked family for 3000 USD",
    )
    red_cross = world.providers["Croix-Rouge Lampedusa"]
    record_consent(s, case, officer, scope="service", service="medical", given=True)
    record_consent(
        s, case, officer, scope="disclosure", service="medical", given=True, provider_id=red_cross
    )
    referral = refer(
        s, case, officer, provider_id=red_cross, service="medical", note="wound care", at=T0
    )
    set_referral_status(s, referral, "accepted", officer)
    set_referral_status(s, referral, "done", officer)
    other = open_case(s, officer, person_id=world.karim, at=T0)
    close_case(s, other, "moved_away", officer)
    s.flush()


def test_export_uses_htcds_names_and_value_sets(world: World) -> None:
    _populate(world)
    document = export_htcds(world.session, world.officer)
    amina = document["cases"][0]
    assert amina["person"] == {
        "filet_PersonKey": "P-AMINA",
        "prs_FirstName": "Amina",
        "prs_SecondName": "Tesfay",
        "prs_Birthdate": "1996-04-02",
        "prs_Gender": "Female",
        "prs_Nationality": "ER",
        "prs_Email": None,
        "prs_MobilePhone": "+2917123456",
    }
    assert amina["cas_Status"] == "Active"
    assert amina["victim"]["vic_MethodOfRecruitment"] == ["Smuggling, ransom"]
    assert amina["victim"]["vic_MethodsOfControl"] == ["Threats"]
    assert amina["victim"]["vic_Vulnerabilities"] == ["AbusePhysical"]
    assert amina["victim"]["vic_AgreementToManagePersonalData"] is True
    assert amina["perpetrators"] == [
        {
            "prs_FirstName": "Walid",
            "per_RoleInProcess": ["Kidnapper", "Smuggler"],
            "per_RoleDetails": "asked family for 3000 USD",
        }
    ]
    assert [(e["hte_Type"], e["hte_Country"]) for e in amina["events"]] == [
        ("Recruitment", "ER"),
        ("Transit", "LY"),
    ]
    assert amina["referrals"][0]["cas_ReferredOrganisation"] == "Croix-Rouge Lampedusa"
    assert amina["referrals"][0]["filet_Status"] == "done"
    karim = document["cases"][1]
    assert karim["cas_Status"] == "Closed" and karim["cas_ReasonForCaseClosure"] == "moved_away"
    assert (
        karim["person"]["prs_Nationality"] == "AF"
        and karim["person"]["prs_MobilePhone"] == "+93701234567"
    )


def test_round_trip_export_import_export(world: World, tmp_path: Path) -> None:
    _populate(world)
    first = export_htcds(world.session, world.officer)
    text = json.dumps(first)
    engine = make_engine(f"sqlite:///{tmp_path / 'partner.db'}")
    upgrade(engine)
    with session_factory(engine)() as partner:
        created = import_htcds(partner, json.loads(text), SYSTEM)
        assert len(created) == 2
        assert import_htcds(partner, json.loads(text), SYSTEM) == []
        second = export_htcds(partner, SYSTEM)
    assert second == first


def test_phones_become_e164_or_nothing() -> None:
    assert e164("+39 0922 000000") == "+390922000000"
    assert e164("07911 123456", "GB") == "+447911123456"
    assert e164("call me", "GB") is None


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("person", "prs_Nationality"), "ERI", "ISO 3166"),
        (("person", "prs_MobilePhone"), "0291 7123456", "E.164"),
        (("victim", "vic_MethodsOfControl"), ["Beating"], "value set"),
        (("cas_Status",), "Open", "value set"),
        (("referrals", 0, "filet_Service"), "massage", "unknown service"),
        (("victim", "filet_Factors", 0, "factor"), "tall", "unknown factor"),
    ],
)
def test_import_refuses_values_outside_the_standard(
    world: World, sessions: object, path: tuple[str | int, ...], value: object, message: str
) -> None:
    _populate(world)
    document = export_htcds(world.session, world.officer)
    target = document["cases"][0]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(InputError, match=message):
        import_htcds(Session(bind=world.session.get_bind()), document, SYSTEM)
