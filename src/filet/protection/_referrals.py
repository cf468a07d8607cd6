"""Referral to services: the provider directory, consent to a service and to disclosure, referrals
tied to one service line with their lifecycle, and the logged consent override.

Lifecycle (as in UNICEF's Primero): ``in_progress`` -> ``accepted`` | ``rejected`` (with a reason);
``accepted`` -> ``done``; ``in_progress`` or ``accepted`` -> ``revoked``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from filet.errors import ConflictError, InputError, NotFoundError, PermissionDenied, Place
from filet.protection._cases import (
    OBJECT,
    _now,
    _require_open,
    add_event,
    check_return_service,
    complete_tasks,
    refresh_flags,
)
from filet.protection._data import knowledge
from filet.security import Actor, record
from filet.store.schema import Consent, ProtectionCase, Referral, ServiceProvider

TRANSITIONS: dict[str, frozenset[str]] = {
    "in_progress": frozenset({"accepted", "rejected", "revoked"}),
    "accepted": frozenset({"done", "revoked"}),
    "rejected": frozenset(),
    "done": frozenset(),
    "revoked": frozenset(),
}
NEEDS_REASON = frozenset({"rejected", "revoked"})
CONSENT_SCOPES = ("service", "disclosure", "personal_data")


class ConsentMissing(PermissionDenied):
    """No recorded consent to the service or to disclosure, and no permitted override."""


@dataclass(frozen=True)
class ConsentState:
    service: bool
    disclosure: bool

    @property
    def complete(self) -> bool:
        return self.service and self.disclosure


def check_service(service: str) -> None:
    services = knowledge().services.services
    if service not in services:
        raise InputError(
            f"unknown service {service!r}; expected one of {sorted(services)}",
            Place(field="service"),
        )


def save_provider(
    session: Session,
    actor: Actor,
    *,
    name: str,
    services: list[str],
    area: str = "",
    contact: str = "",
) -> ServiceProvider:
    """Add a provider to the directory, or update the one with this name."""
    if not name.strip():
        raise InputError("the provider needs a name", Place(field="name"))
    if not services:
        raise InputError("list at least one service the provider offers", Place(field="services"))
    for service in services:
        check_service(service)
    provider = session.execute(
        select(ServiceProvider).where(ServiceProvider.name == name.strip())
    ).scalar_one_or_none()
    action = "update"
    if provider is None:
        provider = ServiceProvider(name=name.strip())
        session.add(provider)
        action = "create"
    provider.services = sorted(set(services))
    provider.area = area
    provider.contact = contact
    session.flush()
    record(session, actor, action, "service_provider", [provider.id], {"name": provider.name})
    return provider


def providers(session: Session, service: str | None = None) -> list[ServiceProvider]:
    rows = session.execute(select(ServiceProvider).order_by(ServiceProvider.name)).scalars()
    return [p for p in rows if service is None or service in p.services]


def get_provider(session: Session, provider_id: int) -> ServiceProvider:
    provider = session.get(ServiceProvider, provider_id)
    if provider is None:
        raise NotFoundError(f"no service provider {provider_id}", Place(field="provider_id"))
    return provider


def record_consent(
    session: Session,
    case: ProtectionCase,
    actor: Actor,
    *,
    scope: str,
    service: str,
    given: bool,
    provider_id: int | None = None,
) -> Consent:
    """Record consent given (or withdrawn) to a service, to disclosure to a provider, or to the
    management of personal data (``service`` is ``any`` for that scope). The latest record counts."""
    if scope not in CONSENT_SCOPES:
        raise InputError(f"scope must be one of {list(CONSENT_SCOPES)}", Place(field="scope"))
    if scope == "personal_data":
        service = "any"
    else:
        check_service(service)
    if scope == "disclosure" and provider_id is None:
        raise InputError(
            "consent to disclosure names the organisation the data go to",
            Place(field="provider_id"),
        )
    if provider_id is not None:
        get_provider(session, provider_id)
    consent = Consent(
        case_id=case.id,
        scope=scope,
        service=service,
        provider_id=provider_id,
        given=given,
        recorded_by=actor.user_id,
    )
    session.add(consent)
    session.flush()
    record(
        session,
        actor,
        "update",
        OBJECT,
        [case.reference],
        {"consent": scope, "service": service, "given": given},
    )
    return consent


def _latest(
    session: Session, case: ProtectionCase, scope: str, service: str, provider_id: int | None
) -> bool:
    query = select(Consent).where(
        Consent.case_id == case.id, Consent.scope == scope, Consent.service == service
    )
    if provider_id is not None:
        query = query.where(Consent.provider_id == provider_id)
    latest = session.execute(query.order_by(Consent.id.desc()).limit(1)).scalar_one_or_none()
    return latest is not None and latest.given


def consent_state(
    session: Session, case: ProtectionCase, service: str, provider_id: int
) -> ConsentState:
    return ConsentState(
        service=_latest(session, case, "service", service, None),
        disclosure=_latest(session, case, "disclosure", service, provider_id),
    )


def personal_data_consent(session: Session, case: ProtectionCase) -> bool:
    return _latest(session, case, "personal_data", "any", None)


def refer(
    session: Session,
    case: ProtectionCase,
    actor: Actor,
    *,
    provider_id: int,
    service: str,
    may_override: bool = False,
    override_reason: str | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Referral:
    """Refer the person to one service of one provider.

    Needs recorded consent to the service and to disclosure to that provider. Without it, only a
    caller holding ``protection:consent-override`` (``may_override``) may refer, with a reason;
    the override is kept on the referral and written to the audit log.
    """
    _require_open(case)
    check_service(service)
    provider = get_provider(session, provider_id)
    if service not in provider.services:
        raise InputError(
            f"{provider.name} does not offer {service} (offers {provider.services})",
            Place(field="service"),
        )
    check_return_service(case, service)
    consent = consent_state(session, case, service, provider_id)
    overridden = False
    if not consent.complete:
        missing = [
            n
            for n, ok in (("service", consent.service), ("disclosure", consent.disclosure))
            if not ok
        ]
        if not override_reason:
            raise ConsentMissing(
                f"no recorded consent to {' and '.join(missing)} for {service} with {provider.name}",
                Place(field="consent"),
            )
        if not may_override:
            raise ConsentMissing(
                "referring without consent needs the protection:consent-override permission",
                Place(field="override_reason"),
            )
        overridden = True
    moment = _now(at)
    referral = Referral(
        case_id=case.id,
        provider_id=provider.id,
        service=service,
        status="in_progress",
        referred_by=actor.user_id,
        consent_override_by=actor.user_id if overridden else None,
        consent_override_reason=override_reason if overridden else None,
        history=[
            {
                "at": moment.isoformat(),
                "status": "in_progress",
                "by": actor.username,
                "note": note,
            }
        ],
        created_at=moment,
    )
    session.add(referral)
    session.flush()
    complete_tasks(session, case, f"referral:{service}", moment, f"referral {referral.id}")
    add_event(
        session,
        case,
        "referral",
        actor,
        note,
        {"referral_id": referral.id, "service": service, "provider": provider.name},
        moment,
    )
    record(
        session,
        actor,
        "disclose",
        "referral",
        [case.reference, referral.id],
        {"service": service, "recipient": provider.name, "consent_override": overridden}
        | ({"override_reason": override_reason} if overridden else {}),
    )
    refresh_flags(session, case.person_id)
    return referral


def get_referral(session: Session, referral_id: int) -> Referral:
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise NotFoundError(f"no referral {referral_id}", Place(field="referral_id"))
    return referral


def set_referral_status(
    session: Session,
    referral: Referral,
    status: str,
    actor: Actor,
    reason: str = "",
    at: dt.datetime | None = None,
) -> Referral:
    """Move a referral along its lifecycle; rejection and revocation need a reason."""
    allowed = TRANSITIONS.get(referral.status, frozenset())
    if status not in TRANSITIONS:
        raise InputError(f"unknown referral state {status!r}", Place(field="status"))
    if status not in allowed:
        raise ConflictError(
            f"a referral {referral.status} cannot become {status}"
            + (f" (it may become {sorted(allowed)})" if allowed else " (it is final)"),
            Place(field="status"),
        )
    if status in NEEDS_REASON and not reason.strip():
        raise InputError(f"say why the referral is {status}", Place(field="reason"))
    moment = _now(at)
    referral.status = status
    referral.status_reason = reason.strip() or referral.status_reason
    referral.history = [
        *referral.history,
        {"at": moment.isoformat(), "status": status, "by": actor.username, "note": reason.strip()},
    ]
    case = session.get(ProtectionCase, referral.case_id)
    assert case is not None
    add_event(
        session, case, "referral", actor, reason, {"referral_id": referral.id, "status": status}
    )
    record(session, actor, "update", "referral", [case.reference, referral.id], {"status": status})
    return referral


def referrals_of(session: Session, case: ProtectionCase) -> Sequence[Referral]:
    return (
        session.execute(select(Referral).where(Referral.case_id == case.id).order_by(Referral.id))
        .scalars()
        .all()
    )
