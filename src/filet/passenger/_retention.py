"""Retention of API and PNR data (EU PNR Directive 2016/681 art. 12, as read by the Court in
C-817/19): masking after a period, deletion at the limit, unmasking only with a second person's
approval.

Masking takes every personal value out of the record — names of travellers and co-travellers and
the number travelling together, addresses and contacts, payment and payer data, frequent-flyer
numbers, remarks, API data, the stored message versions — and keeps them encrypted (Fernet, key
derived from the installation's secret key) in ``masked_data``. Masked values are then invisible to
every screen, search, export and analysis. A user may ask to see one masked booking with a reason;
a supervisor other than the requester approves; only then can the requester read it, and every step
is in the audit log. At the deletion limit the record, its masked data and its message go.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from filet.errors import ConflictError, NotFoundError, PermissionDenied
from filet.security import Actor, record
from filet.settings import Settings
from filet.store.schema import (
    ApiTraveller,
    IdentityJudgement,
    IdentityRecord,
    InboundMessage,
    MaskedData,
    PnrBooking,
    PnrContact,
    PnrPayment,
    PnrTraveller,
    PnrVersion,
    RetentionAction,
    TravelDocument,
    User,
    utcnow,
)

MASK = "MASKED"


def _fernet(settings: Settings) -> Fernet:
    digest = hashlib.sha256(
        b"filet masked data|" + settings.effective_secret_key().encode()
    ).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


@dataclass
class RetentionReport:
    now: dt.datetime
    masked_bookings: int = 0
    masked_api_travellers: int = 0
    deleted_bookings: int = 0
    deleted_api_travellers: int = 0
    deleted_messages: int = 0
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "now": self.now.isoformat(),
            "masked_bookings": self.masked_bookings,
            "masked_api_travellers": self.masked_api_travellers,
            "deleted_bookings": self.deleted_bookings,
            "deleted_api_travellers": self.deleted_api_travellers,
            "deleted_messages": self.deleted_messages,
        }


def _age_limit(now: dt.datetime, days: int) -> dt.datetime:
    """Records received on or before this moment are older than ``days`` whole days."""
    return now - dt.timedelta(days=days + 1)


def run_retention(
    session: Session, settings: Settings, actor: Actor, now: dt.datetime | None = None
) -> RetentionReport:
    """Mask what is older than ``pnr_mask_after_days`` and delete what is older than
    ``pnr_delete_after_days``, in the caller's transaction."""
    now = now or utcnow()
    report = RetentionReport(now=now)
    fernet = _fernet(settings)
    delete_before = _age_limit(now, settings.pnr_delete_after_days)
    mask_before = _age_limit(now, settings.pnr_mask_after_days)
    _delete(session, delete_before, report)
    for booking in session.execute(
        select(PnrBooking).where(
            PnrBooking.masked_at.is_(None), PnrBooking.received_at <= mask_before
        )
    ).scalars():
        _mask_booking(session, fernet, booking, now)
        report.masked_bookings += 1
    for traveller in session.execute(
        select(ApiTraveller)
        .join(InboundMessage, InboundMessage.id == ApiTraveller.message_id)
        .where(ApiTraveller.masked_at.is_(None), InboundMessage.received_at <= mask_before)
    ).scalars():
        _mask_api_traveller(session, fernet, traveller, now)
        report.masked_api_travellers += 1
    if any(report.as_dict()[k] for k in report.as_dict() if k != "now"):
        record(session, actor, "mask", "passenger_data", [], report.as_dict())
    return report


def _store_masked(
    session: Session,
    fernet: Fernet,
    object_type: str,
    object_id: int,
    payload: dict[str, Any],
    now: dt.datetime,
) -> None:
    token = fernet.encrypt(json.dumps(payload, default=str, ensure_ascii=False).encode())
    session.add(
        MaskedData(object_type=object_type, object_id=object_id, masked_at=now, payload=token)
    )


def _identity_payload(session: Session, record_id: int | None) -> dict[str, Any] | None:
    if record_id is None:
        return None
    identity = session.get(IdentityRecord, record_id)
    if identity is None:
        return None
    fields = (
        "given_names",
        "surname",
        "full_name",
        "birth_date",
        "sex",
        "nationality",
        "document_number",
        "document_country",
        "phone",
        "email",
        "address",
    )
    payload = {name: getattr(identity, name) for name in fields}
    for name in fields:
        setattr(identity, name, None)
    identity.full_name = MASK
    return payload


def _mask_booking(session: Session, fernet: Fernet, booking: PnrBooking, now: dt.datetime) -> None:
    travellers = (
        session.execute(select(PnrTraveller).where(PnrTraveller.booking_id == booking.id))
        .scalars()
        .all()
    )
    contacts = (
        session.execute(select(PnrContact).where(PnrContact.booking_id == booking.id))
        .scalars()
        .all()
    )
    payments = (
        session.execute(select(PnrPayment).where(PnrPayment.booking_id == booking.id))
        .scalars()
        .all()
    )
    versions = (
        session.execute(select(PnrVersion).where(PnrVersion.booking_id == booking.id))
        .scalars()
        .all()
    )
    payload: dict[str, Any] = {
        "booking": {
            "remarks": booking.remarks,
            "party_size": booking.party_size,
            "split_from": booking.split_from,
        },
        "travellers": [
            {
                "reference": t.reference,
                "surname": t.surname,
                "given_names": t.given_names,
                "name_as_sent": t.name_as_sent,
                "birth_date": t.birth_date,
                "sex": t.sex,
                "nationality": t.nationality,
                "document_type": t.document_type,
                "document_number": t.document_number,
                "document_country": t.document_country,
                "frequent_flyer": t.frequent_flyer,
                "identity": _identity_payload(session, t.identity_record_id),
            }
            for t in travellers
        ],
        "contacts": [{"kind": c.kind, "value": c.value, "as_sent": c.as_sent} for c in contacts],
        "payments": [
            {
                "method": p.method,
                "card_masked": p.card_masked,
                "card_fingerprint": p.card_fingerprint,
                "amount": p.amount,
                "currency": p.currency,
                "payer_name": p.payer_name,
                "payer_phone": p.payer_phone,
                "payer_address": p.payer_address,
            }
            for p in payments
        ],
        "versions": [{"version": v.version, "content": v.content} for v in versions],
    }
    _store_masked(session, fernet, "pnr_booking", booking.id, payload, now)
    booking.remarks = []
    booking.party_size = None
    booking.split_from = None
    booking.masked_at = now
    for traveller in travellers:
        traveller.surname = MASK
        for name in (
            "given_names",
            "name_as_sent",
            "birth_date",
            "sex",
            "nationality",
            "document_type",
            "document_number",
            "document_country",
            "frequent_flyer",
        ):
            setattr(traveller, name, None)
    for contact in contacts:
        session.delete(contact)
    for payment in payments:
        for name in (
            "card_masked",
            "card_fingerprint",
            "amount",
            "currency",
            "payer_name",
            "payer_phone",
            "payer_address",
        ):
            setattr(payment, name, None)
    for version in versions:
        version.content = {"masked": True}


API_FIELDS = (
    "surname",
    "given_names",
    "name_as_sent",
    "sex",
    "birth_date",
    "nationality",
    "residence_country",
    "document_type",
    "document_number",
    "document_country",
    "document_expiry",
    "seat",
    "bags",
    "passenger_ref",
)


def _mask_api_traveller(
    session: Session, fernet: Fernet, traveller: ApiTraveller, now: dt.datetime
) -> None:
    payload = {name: getattr(traveller, name) for name in API_FIELDS}
    payload["traveller_key"] = traveller.traveller_key
    payload["identity"] = _identity_payload(session, traveller.identity_record_id)
    _store_masked(session, fernet, "api_traveller", traveller.id, payload, now)
    for name in API_FIELDS:
        setattr(traveller, name, None)
    traveller.surname = MASK
    traveller.traveller_key = f"masked:{traveller.id}"
    traveller.masked_at = now


def _delete(session: Session, before: dt.datetime, report: RetentionReport) -> None:
    old = (
        session.execute(select(PnrBooking).where(PnrBooking.received_at <= before)).scalars().all()
    )
    identities: list[int] = []
    for booking in old:
        for traveller in session.execute(
            select(PnrTraveller).where(PnrTraveller.booking_id == booking.id)
        ).scalars():
            for api in session.execute(
                select(ApiTraveller).where(ApiTraveller.pnr_traveller_id == traveller.id)
            ).scalars():
                api.pnr_traveller_id = None
            if traveller.identity_record_id:
                session.execute(
                    delete(IdentityRecord)
                    .where(IdentityRecord.id == traveller.identity_record_id)
                    .execution_options(synchronize_session=False)
                ) if False else None
        session.execute(
            delete(MaskedData).where(
                MaskedData.object_type == "pnr_booking", MaskedData.object_id == booking.id
            )
        )
        session.delete(booking)
        report.deleted_bookings += 1
    messages = (
        session.execute(
            select(InboundMessage).where(
                InboundMessage.received_at <= before,
                InboundMessage.format.in_(("paxlst", "pnrgov", "pnr-json")),
            )
        )
        .scalars()
        .all()
    )
    for message in messages:
        for api in session.execute(
            select(ApiTraveller).where(ApiTraveller.message_id == message.id)
        ).scalars():
            session.execute(
                delete(MaskedData).where(
                    MaskedData.object_type == "api_traveller", MaskedData.object_id == api.id
                )
            )
            if api.identity_record_id:
                identities.append(api.identity_record_id)
            session.delete(api)
            report.deleted_api_travellers += 1
        for version in session.execute(
            select(PnrVersion).where(PnrVersion.message_id == message.id)
        ).scalars():
            version.message_id = None
        session.delete(message)
        report.deleted_messages += 1
    session.flush()
    _delete_identities(session, identities)


def _delete_identities(session: Session, ids: list[int]) -> None:
    """Identity records of deleted passenger data go too, with what points at them."""
    if not ids:
        return
    session.execute(
        delete(IdentityJudgement).where(
            IdentityJudgement.record_a_id.in_(ids) | IdentityJudgement.record_b_id.in_(ids)
        )
    )
    session.execute(
        update(TravelDocument)
        .where(TravelDocument.holder_record_id.in_(ids))
        .values(holder_record_id=None)
    )
    session.execute(delete(IdentityRecord).where(IdentityRecord.id.in_(ids)))


# --- unmasking --------------------------------------------------------------------------------


def request_unmask(
    session: Session, actor: Actor, object_type: str, object_id: int, reason: str
) -> RetentionAction:
    """Ask to see one masked record; a supervisor other than the requester must approve."""
    if object_type not in ("pnr_booking", "api_traveller"):
        raise NotFoundError(f"nothing of type {object_type!r} is masked")
    if len(reason.strip()) < 10:
        raise ConflictError("give the reason for unmasking (case reference and why it is needed)")
    if (
        session.execute(
            select(MaskedData.id).where(
                MaskedData.object_type == object_type, MaskedData.object_id == object_id
            )
        ).first()
        is None
    ):
        raise NotFoundError(f"{object_type} {object_id} is not masked")
    action = RetentionAction(
        action="unmask_request",
        object_type=object_type,
        object_id=object_id,
        at=utcnow(),
        requested_by=actor.user_id,
        reason=reason.strip(),
        status="pending",
    )
    session.add(action)
    session.flush()
    record(
        session,
        actor,
        "create",
        "unmask_request",
        [action.id],
        {"object_type": object_type, "object_id": object_id, "reason": reason},
    )
    return action


def approve_unmask(
    session: Session, actor: Actor, request_id: int, approve: bool
) -> RetentionAction:
    """A supervisor, never the requester, approves or refuses an unmasking request."""
    action = session.get(RetentionAction, request_id)
    if action is None or action.action != "unmask_request":
        raise NotFoundError(f"no unmasking request {request_id}")
    if action.status != "pending":
        raise ConflictError(f"request {request_id} is already {action.status}")
    approver = session.get(User, actor.user_id) if actor.user_id else None
    if approver is None or approver.role != "supervisor":
        raise PermissionDenied("only a supervisor may approve unmasking")
    if approver.id == action.requested_by:
        raise PermissionDenied("the requester cannot approve their own unmasking request")
    action.approved_by = approver.id
    action.status = "approved" if approve else "refused"
    record(session, actor, "update", "unmask_request", [action.id], {"status": action.status})
    return action


def read_unmasked(
    session: Session, settings: Settings, actor: Actor, request_id: int
) -> dict[str, Any]:
    """The masked values, for the requester of an approved request only (audited as unmask)."""
    action = session.get(RetentionAction, request_id)
    if action is None or action.action != "unmask_request":
        raise NotFoundError(f"no unmasking request {request_id}")
    if action.requested_by != actor.user_id:
        raise PermissionDenied("only the requester may read what was unmasked for them")
    if action.status != "approved":
        raise PermissionDenied(f"request {request_id} is {action.status}, not approved")
    stored = session.execute(
        select(MaskedData).where(
            MaskedData.object_type == action.object_type, MaskedData.object_id == action.object_id
        )
    ).scalar_one_or_none()
    if stored is None:
        raise NotFoundError("the masked data were deleted at the end of retention")
    data: dict[str, Any] = json.loads(_fernet(settings).decrypt(stored.payload))
    record(
        session,
        actor,
        "unmask",
        action.object_type,
        [action.object_id],
        {"request": action.id, "reason": action.reason},
    )
    return data
