"""Export and import of protection cases in the Human Trafficking Case Data Standard (HTCDS).

Field names follow the HTCDS field reference (``prs_`` person, ``vic_`` victim context, ``per_``
perpetrator context, ``hte_`` trafficking events, ``cas_`` case, ``org_`` organisation); countries
are ISO 3166-1 alpha-2, phones E.164. HTCDS defines fields, not a file layout or identifiers: the
nesting and the ``filet_`` fields (reference, service line, referral state, dated factors) are
ours, so that an export read back gives the same data. No library reads or writes HTCDS, hence
this module. ``docs/protection.md`` lists the mapping and where it is uncertain.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

import phonenumbers
from sqlalchemy import select
from sqlalchemy.orm import Session

from filet import __version__
from filet.errors import InputError, Place
from filet.model import alpha2, alpha3
from filet.protection._cases import OBJECT, add_event, case_history
from filet.protection._data import knowledge
from filet.protection._referrals import TRANSITIONS, personal_data_consent, referrals_of
from filet.protection._screening import check_factor
from filet.security import Actor, record
from filet.store.schema import (
    Consent,
    IdentityRecord,
    Person,
    ProtectionCase,
    Referral,
    ServiceProvider,
    VulnerabilityFactor,
)

E164 = re.compile(r"^\+[1-9]\d{1,14}$")
STANDARD = "HTCDS"
STANDARD_VERSION = "1.0"
_SEX_TO_GENDER = {"M": "Male", "F": "Female", "X": "Transgender/NonConforming"}
_GENDER_TO_SEX = {v: k for k, v in _SEX_TO_GENDER.items()}


def e164(phone: str | None, country_alpha2: str | None = None) -> str | None:
    """The number in E.164 (``+4930123456``), or None when it cannot be read as a phone number."""
    if not phone:
        return None
    try:
        parsed = phonenumbers.parse(phone, country_alpha2 or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _identity(session: Session, person_id: int | None) -> IdentityRecord | None:
    if person_id is None:
        return None
    return session.execute(
        select(IdentityRecord)
        .where(IdentityRecord.person_id == person_id)
        .order_by(IdentityRecord.id)
        .limit(1)
    ).scalar_one_or_none()


def _person(session: Session, case: ProtectionCase) -> dict[str, Any]:
    person = session.get(Person, case.person_id) if case.person_id else None
    identity = _identity(session, case.person_id)
    nationality = alpha2(identity.nationality) if identity and identity.nationality else None
    out: dict[str, Any] = {
        "filet_PersonKey": person.key if person else None,
        "prs_FirstName": identity.given_names if identity else None,
        "prs_SecondName": identity.surname if identity else None,
        "prs_Birthdate": identity.birth_date if identity else None,
        "prs_Gender": _SEX_TO_GENDER.get(identity.sex or "", "Unknown") if identity else "Unknown",
        "prs_Nationality": nationality,
        "prs_Email": identity.email if identity else None,
        "prs_MobilePhone": e164(identity.phone, nationality) if identity else None,
    }
    return out


def _latest_factors(rows: Sequence[VulnerabilityFactor]) -> list[VulnerabilityFactor]:
    latest: dict[tuple[str, str], VulnerabilityFactor] = {}
    for row in rows:
        latest[(row.level, row.factor)] = row
    return list(latest.values())


def _victim(session: Session, case: ProtectionCase) -> dict[str, Any]:
    known = knowledge()
    factors = list(
        session.execute(
            select(VulnerabilityFactor)
            .where(VulnerabilityFactor.case_id == case.id)
            .order_by(VulnerabilityFactor.assessed_at, VulnerabilityFactor.id)
        ).scalars()
    )
    current_risks = [f for f in _latest_factors(factors) if f.effect == "risk"]
    vulnerabilities = sorted(
        {
            spec.htcds
            for f in current_risks
            if (spec := known.factor(f.level, f.factor)) is not None and spec.htcds
        }
    )
    details = "; ".join(
        sorted(
            spec.label
            for f in current_risks
            if (spec := known.factor(f.level, f.factor)) is not None
        )
    )
    indicators = case.indicators or {}
    return {
        "vic_AgreementToManagePersonalData": personal_data_consent(session, case),
        "vic_MethodOfRecruitment": list(indicators.get("recruitment", [])),
        "vic_MethodsOfControl": list(indicators.get("methods_of_control", [])),
        "vic_Vulnerabilities": vulnerabilities,
        "vic_DetailsOfVulnerabilities": details,
        "filet_Factors": [
            {
                "level": f.level,
                "factor": f.factor,
                "effect": f.effect,
                "assessed_at": f.assessed_at.isoformat(),
                "note": f.note,
            }
            for f in factors
        ],
    }


def _status(case: ProtectionCase, referrals: Sequence[Referral]) -> str:
    if case.status == "open":
        return "Active"
    if case.status == "follow_up":
        return "FollowUp"
    if any(r.status in ("accepted", "done") for r in referrals):
        return "ClosedReferred"
    return "Closed"


def export_case(session: Session, case: ProtectionCase) -> dict[str, Any]:
    referrals = referrals_of(session, case)
    history = case_history(session, case)
    providers = {p.id: p for p in session.execute(select(ServiceProvider)).scalars()}
    return {
        "filet_CaseReference": case.reference,
        "cas_Status": _status(case, referrals),
        "filet_OpenedAt": case.created_at.isoformat(),
        "filet_ClosedAt": case.closed_at.isoformat() if case.closed_at else None,
        "cas_ReasonForCaseClosure": case.closure_reason,
        "filet_Trigger": case.trigger,
        "filet_OffenceHypothesis": case.offence_hypothesis,
        "filet_Indicators": dict(case.indicators or {}),
        "filet_ChildTrack": case.child_track,
        "person": _person(session, case),
        "victim": _victim(session, case),
        "perpetrators": [
            {
                "prs_FirstName": e.data.get("name_as_known"),
                "per_RoleInProcess": list(e.data.get("roles", [])),
                "per_RoleDetails": e.text,
            }
            for e in history
            if e.kind == "perpetrator"
        ],
        "events": [
            {
                "hte_Type": e.data.get("type"),
                "hte_Date": e.data.get("date"),
                "hte_Country": e.data.get("country"),
                "hte_City": e.data.get("city") or None,
                "hte_Description": e.text or None,
            }
            for e in history
            if e.kind == "journey"
        ],
        "referrals": [
            {
                "cas_ReferredOrganisation": providers[r.provider_id].name,
                "cas_OutgoingReferralDate": r.created_at.date().isoformat(),
                "cas_ReasonForOutgoingReferral": "AdditionalServicesRequired",
                "cas_OutgoingReferralDetails": r.history[0].get("note") if r.history else None,
                "filet_ReferredAt": r.created_at.isoformat(),
                "filet_Service": r.service,
                "filet_Status": r.status,
                "filet_StatusReason": r.status_reason,
                "filet_History": list(r.history),
            }
            for r in referrals
        ],
    }


def export_htcds(
    session: Session, actor: Actor, references: Sequence[str] | None = None
) -> dict[str, Any]:
    """Every case (or the ones named) as one HTCDS document; the export is audited."""
    query = select(ProtectionCase).order_by(ProtectionCase.id)
    if references:
        query = query.where(ProtectionCase.reference.in_(list(references)))
    cases = list(session.execute(query).scalars())
    used = {r.provider_id for c in cases for r in referrals_of(session, c)}
    organisations = [
        {
            "org_Name": p.name,
            "filet_Services": list(p.services),
            "filet_Area": p.area,
            "filet_Contact": p.contact,
        }
        for p in session.execute(select(ServiceProvider).order_by(ServiceProvider.name)).scalars()
        if p.id in used
    ]
    document = {
        "standard": STANDARD,
        "standard_version": STANDARD_VERSION,
        "producer": f"filet {__version__}",
        "organisations": organisations,
        "cases": [export_case(session, c) for c in cases],
    }
    record(
        session,
        actor,
        "export",
        OBJECT,
        [c.reference for c in cases],
        {"format": "htcds", "cases": len(cases)},
    )
    return document


# --- import ---------------------------------------------------------------------------------------


def _expect(value: Any, allowed: Sequence[str], where: str) -> None:
    values = value if isinstance(value, list) else [value]
    unknown = [v for v in values if v is not None and v not in allowed]
    if unknown:
        raise InputError(
            f"{unknown} not in the HTCDS value set {list(allowed)}", Place(field=where)
        )


def _time(value: Any, where: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise InputError(f"expected an ISO 8601 time, got {value!r}", Place(field=where)) from None
    if moment.tzinfo is None:
        raise InputError("the time needs a time zone", Place(field=where))
    return moment


def _check_case(item: dict[str, Any], where: str) -> None:
    known = knowledge().htcds
    _expect(item.get("cas_Status"), known.case_statuses, f"{where}.cas_Status")
    person = item.get("person") or {}
    _expect(
        person.get("prs_Gender"),
        ["Male", "Female", "Transgender/NonConforming", "Unknown"],
        f"{where}.person.prs_Gender",
    )
    nationality = person.get("prs_Nationality")
    if nationality is not None and alpha3(nationality) is None:
        raise InputError(
            f"{nationality!r} is not ISO 3166 alpha-2",
            Place(field=f"{where}.person.prs_Nationality"),
        )
    phone = person.get("prs_MobilePhone")
    if phone is not None and not E164.match(phone):
        raise InputError(f"{phone!r} is not E.164", Place(field=f"{where}.person.prs_MobilePhone"))
    victim = item.get("victim") or {}
    _expect(
        victim.get("vic_MethodsOfControl", []),
        known.methods_of_control,
        f"{where}.victim.vic_MethodsOfControl",
    )
    _expect(
        victim.get("vic_MethodOfRecruitment", []),
        known.methods_of_recruitment,
        f"{where}.victim.vic_MethodOfRecruitment",
    )
    _expect(
        victim.get("vic_Vulnerabilities", []),
        known.vulnerabilities,
        f"{where}.victim.vic_Vulnerabilities",
    )
    for i, per in enumerate(item.get("perpetrators", [])):
        _expect(
            per.get("per_RoleInProcess", []),
            known.roles_in_process,
            f"{where}.perpetrators[{i}].per_RoleInProcess",
        )
    for i, factor in enumerate(victim.get("filet_Factors", [])):
        try:
            check_factor(factor["level"], factor["factor"], factor["effect"])
        except (InputError, KeyError) as error:
            raise InputError(
                f"not a known factor: {error}", Place(field=f"{where}.victim.filet_Factors[{i}]")
            ) from None
    services = knowledge().services.services
    for i, ref in enumerate(item.get("referrals", [])):
        if ref.get("filet_Service") not in services:
            raise InputError(
                f"unknown service {ref.get('filet_Service')!r}; expected one of {sorted(services)}",
                Place(field=f"{where}.referrals[{i}].filet_Service"),
            )
        if ref.get("filet_Status") not in TRANSITIONS:
            raise InputError(
                f"unknown referral state {ref.get('filet_Status')!r}",
                Place(field=f"{where}.referrals[{i}].filet_Status"),
            )
    for i, event in enumerate(item.get("events", [])):
        _expect(event.get("hte_Type"), known.event_types, f"{where}.events[{i}].hte_Type")
        country = event.get("hte_Country")
        if country is not None and alpha3(country) is None:
            raise InputError(
                f"{country!r} is not ISO 3166 alpha-2",
                Place(field=f"{where}.events[{i}].hte_Country"),
            )


def import_htcds(session: Session, document: dict[str, Any], actor: Actor) -> list[str]:
    """Read an HTCDS document written by :func:`export_htcds`; returns the references created.

    Cases already in the store (same reference) are left as they are, so importing twice adds
    nothing. Everything is checked before anything is written.
    """
    if document.get("standard") != STANDARD:
        raise InputError("not an HTCDS document (field 'standard')", Place(field="standard"))
    cases = document.get("cases")
    if not isinstance(cases, list):
        raise InputError("expected a list of cases", Place(field="cases"))
    for i, item in enumerate(cases):
        _check_case(item, f"cases[{i}]")
    providers: dict[str, ServiceProvider] = {}
    for org in document.get("organisations", []):
        name = org["org_Name"]
        found = session.execute(
            select(ServiceProvider).where(ServiceProvider.name == name)
        ).scalar_one_or_none()
        if found is None:
            found = ServiceProvider(
                name=name,
                services=list(org.get("filet_Services", [])),
                area=org.get("filet_Area", ""),
                contact=org.get("filet_Contact", ""),
            )
            session.add(found)
        providers[name] = found
    session.flush()
    created = []
    for i, item in enumerate(cases):
        reference = item["filet_CaseReference"]
        exists = session.execute(
            select(ProtectionCase).where(ProtectionCase.reference == reference)
        ).scalar_one_or_none()
        if exists is not None:
            continue
        created.append(_import_case(session, item, providers, actor, f"cases[{i}]"))
    record(session, actor, "create", OBJECT, created, {"import": "htcds", "cases": len(created)})
    return created


def _import_person(session: Session, person: dict[str, Any]) -> int | None:
    key = person.get("filet_PersonKey")
    if not key:
        return None
    found = session.execute(select(Person).where(Person.key == key)).scalar_one_or_none()
    if found is not None:
        return found.id
    given, surname = person.get("prs_FirstName"), person.get("prs_SecondName")
    created = Person(key=key, label=" ".join(p for p in (given, surname) if p), category="unknown")
    session.add(created)
    session.flush()
    nationality = person.get("prs_Nationality")
    session.add(
        IdentityRecord(
            source_type="htcds",
            source_key=key,
            given_names=given,
            surname=surname,
            birth_date=person.get("prs_Birthdate"),
            sex=_GENDER_TO_SEX.get(person.get("prs_Gender") or ""),
            nationality=alpha3(nationality) if nationality else None,
            email=person.get("prs_Email"),
            phone=person.get("prs_MobilePhone"),
            person_id=created.id,
        )
    )
    return created.id


def _import_case(
    session: Session,
    item: dict[str, Any],
    providers: dict[str, ServiceProvider],
    actor: Actor,
    where: str,
) -> str:
    status = {"Active": "open", "FollowUp": "follow_up"}.get(item["cas_Status"], "closed")
    case = ProtectionCase(
        reference=item["filet_CaseReference"],
        person_id=_import_person(session, item.get("person") or {}),
        status=status,
        trigger=item.get("filet_Trigger") or "officer",
        trigger_detail={"imported": "htcds"},
        child_track=bool(item.get("filet_ChildTrack")),
        best_interests=bool(item.get("filet_ChildTrack")),
        offence_hypothesis=item.get("filet_OffenceHypothesis") or "none",
        indicators=dict(item.get("filet_Indicators") or {}),
        created_at=_time(item["filet_OpenedAt"], f"{where}.filet_OpenedAt"),
        closed_at=(
            _time(item["filet_ClosedAt"], f"{where}.filet_ClosedAt")
            if item.get("filet_ClosedAt")
            else None
        ),
        closure_reason=item.get("cas_ReasonForCaseClosure"),
    )
    session.add(case)
    session.flush()
    victim = item.get("victim") or {}
    if victim.get("vic_AgreementToManagePersonalData"):
        session.add(
            Consent(
                case_id=case.id,
                scope="personal_data",
                service="any",
                given=True,
                recorded_by=actor.user_id,
            )
        )
    for j, factor in enumerate(victim.get("filet_Factors", [])):
        session.add(
            VulnerabilityFactor(
                case_id=case.id,
                level=factor["level"],
                factor=factor["factor"],
                effect=factor["effect"],
                assessed_at=_time(factor["assessed_at"], f"{where}.victim.filet_Factors[{j}]"),
                note=factor.get("note", ""),
            )
        )
    for per in item.get("perpetrators", []):
        add_event(
            session,
            case,
            "perpetrator",
            actor,
            per.get("per_RoleDetails") or "",
            {
                "name_as_known": per.get("prs_FirstName") or "",
                "roles": per.get("per_RoleInProcess", []),
            },
        )
    for event in item.get("events", []):
        add_event(
            session,
            case,
            "journey",
            actor,
            event.get("hte_Description") or "",
            {
                "type": event.get("hte_Type"),
                "date": event.get("hte_Date"),
                "country": event.get("hte_Country"),
                "city": event.get("hte_City") or "",
            },
        )
    for j, ref in enumerate(item.get("referrals", [])):
        provider = providers.get(ref["cas_ReferredOrganisation"])
        if provider is None:
            raise InputError(
                f"organisation {ref['cas_ReferredOrganisation']!r} is not in 'organisations'",
                Place(field=f"{where}.referrals[{j}]"),
            )
        session.add(
            Referral(
                case_id=case.id,
                provider_id=provider.id,
                service=ref["filet_Service"],
                status=ref["filet_Status"],
                status_reason=ref.get("filet_StatusReason"),
                history=list(ref.get("filet_History", [])),
                created_at=_time(ref["filet_ReferredAt"], f"{where}.referrals[{j}]"),
            )
        )
    session.flush()
    return case.reference
