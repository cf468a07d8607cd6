"""Referral needs consent to the service and to disclosure; an override needs the permission, a
reason, and is logged; referrals follow their lifecycle."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from filet.errors import ConflictError, InputError
from filet.protection import (
    ConsentMissing,
    open_case,
    protection_flags,
    record_consent,
    refer,
    save_provider,
    set_referral_status,
)
from filet.store.schema import AuditEvent, Referral
from tests.protection.conftest import World


def test_no_referral_without_consent_to_service_and_disclosure(world: World) -> None:
    s = world.session
    case = open_case(s, world.officer, person_id=world.amina)
    red_cross = world.providers["Croix-Rouge Lampedusa"]
    with pytest.raises(ConsentMissing, match="service and disclosure"):
        refer(s, case, world.officer, provider_id=red_cross, service="shelter")
    record_consent(s, case, world.officer, scope="service", service="shelter", given=True)
    with pytest.raises(ConsentMissing, match="disclosure"):
        refer(s, case, world.officer, provider_id=red_cross, service="shelter")
    # Consent to disclose to one organisation is not consent to disclose to another.
    other = world.providers["Children First"]
    record_consent(
        s, case, world.officer, scope="disclosure", service="shelter", given=True, provider_id=other
    )
    with pytest.raises(ConsentMissing):
        refer(s, case, world.officer, provider_id=red_cross, service="shelter")
    record_consent(
        s,
        case,
        world.officer,
        scope="disclosure",
        service="shelter",
        given=True,
        provider_id=red_cross,
    )
    referral = refer(
        s, case, world.officer, provider_id=red_cross, service="shelter", note="two nights"
    )
    assert referral.status == "in_progress" and referral.consent_override_by is None
    assert "referral_made" in protection_flags(s, world.amina)
    # Withdrawn consent counts: the latest record wins.
    record_consent(s, case, world.officer, scope="service", service="shelter", given=False)
    with pytest.raises(ConsentMissing):
        refer(s, case, world.officer, provider_id=red_cross, service="shelter")
    assert s.execute(select(Referral)).scalars().all() == [referral]


def test_override_needs_the_permission_and_a_reason_and_is_logged(world: World) -> None:
    s = world.session
    case = open_case(s, world.officer, person_id=world.karim)
    red_cross = world.providers["Croix-Rouge Lampedusa"]
    with pytest.raises(ConsentMissing, match="consent-override"):
        refer(
            s,
            case,
            world.officer,
            provider_id=red_cross,
            service="medical",
            override_reason="unconscious",
        )
    with pytest.raises(ConsentMissing, match="no recorded consent"):
        refer(s, case, world.officer, provider_id=red_cross, service="medical", may_override=True)
    referral = refer(
        s,
        case,
        world.officer,
        provider_id=red_cross,
        service="medical",
        may_override=True,
        override_reason="unconscious on arrival",
    )
    assert referral.consent_override_by == world.officer.user_id
    assert referral.consent_override_reason == "unconscious on arrival"
    event = s.execute(select(AuditEvent).where(AuditEvent.action == "disclose")).scalar_one()
    assert event.object_type == "referral" and event.username == "hiwet"
    assert event.detail == {
        "service": "medical",
        "recipient": "Croix-Rouge Lampedusa",
        "consent_override": True,
        "override_reason": "unconscious on arrival",
    }


def _consented_referral(world: World, service: str = "legal_aid") -> Referral:
    s = world.session
    case = open_case(s, world.officer, person_id=world.amina)
    clinic = world.providers["Asylum Legal Clinic"]
    record_consent(s, case, world.officer, scope="service", service=service, given=True)
    record_consent(
        s, case, world.officer, scope="disclosure", service=service, given=True, provider_id=clinic
    )
    return refer(s, case, world.officer, provider_id=clinic, service=service)


def test_lifecycle_accepted_then_done_with_history(world: World) -> None:
    s = world.session
    referral = _consented_referral(world)
    set_referral_status(s, referral, "accepted", world.officer)
    with pytest.raises(ConflictError, match="cannot become in_progress"):
        set_referral_status(s, referral, "in_progress", world.officer)
    set_referral_status(s, referral, "done", world.officer)
    assert [h["status"] for h in referral.history] == ["in_progress", "accepted", "done"]
    with pytest.raises(ConflictError, match="final"):
        set_referral_status(s, referral, "revoked", world.officer, "too late")


def test_rejection_and_revocation_need_a_reason(world: World) -> None:
    s = world.session
    referral = _consented_referral(world)
    with pytest.raises(InputError, match="why"):
        set_referral_status(s, referral, "rejected", world.officer)
    set_referral_status(s, referral, "rejected", world.officer, "no capacity this month")
    assert referral.status_reason == "no capacity this month"
    with pytest.raises(ConflictError):
        set_referral_status(s, referral, "done", world.officer)


def test_a_provider_offers_named_services_only(world: World) -> None:
    s = world.session
    with pytest.raises(InputError, match="unknown service"):
        save_provider(s, world.officer, name="X", services=["massage"])
    case = open_case(s, world.officer, person_id=world.amina)
    with pytest.raises(InputError, match="does not offer"):
        refer(
            s,
            case,
            world.officer,
            provider_id=world.providers["IOM Return Desk"],
            service="shelter",
        )
