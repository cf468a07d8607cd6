"""Investigation cases API: list and read cases, open one from a ring, add and remove members
with roles (a smuggled migrant only as a witness), notes, offence hypothesis changes, graded
intelligence items, close and reopen, and the case file (JSON bundle or PDF, audited as an
export). Debriefings of migrants are recorded here too, with consent, as graded intelligence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from filet import network
from filet.errors import ConflictError, FiletError, NotFoundError, PermissionDenied
from filet.store.schema import IntelligenceItem, InvestigationCase
from filet.web.deps import Principal, db_session, require

router = APIRouter(prefix="/api/v1", tags=["cases"])

MANAGE = "cases:manage"
INTELLIGENCE = "intelligence:write"


def refusal(error: FiletError) -> HTTPException:
    if isinstance(error, NotFoundError):
        code = status.HTTP_404_NOT_FOUND
    elif isinstance(error, PermissionDenied):
        code = status.HTTP_403_FORBIDDEN
    elif isinstance(error, ConflictError):
        code = status.HTTP_409_CONFLICT
    else:
        code = status.HTTP_422_UNPROCESSABLE_ENTITY
    return HTTPException(code, {"message": error.message, "place": error.place.as_dict()})


def summary(case: InvestigationCase) -> dict[str, Any]:
    return {
        "reference": case.reference,
        "title": case.title,
        "status": case.status,
        "offence_hypothesis": case.offence_hypothesis,
        "opened_at": case.created_at.isoformat(timespec="seconds"),
    }


def _case(session: Session, reference: str) -> InvestigationCase:
    try:
        return network.get_case(session, reference)
    except FiletError as error:
        raise refusal(error) from None


def _done(session: Session, case: InvestigationCase) -> dict[str, Any]:
    session.commit()
    return network.case_file(session, case)


def _apply(
    session: Session, reference: str, work: Callable[[InvestigationCase], object]
) -> dict[str, Any]:
    """Run ``work`` on the case, then answer with the case file; a refusal changes nothing."""
    case = _case(session, reference)
    try:
        work(case)
    except FiletError as error:
        session.rollback()
        raise refusal(error) from None
    return _done(session, case)


class OpenCase(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    hypothesis: str = "smuggling"


class MemberIn(BaseModel):
    person_id: int
    role: str
    reason: str
    override: str = ""


class RelationIn(BaseModel):
    person_id: int
    relation: str
    reason: str


class Reason(BaseModel):
    reason: str


class NoteIn(BaseModel):
    text: str


class HypothesisIn(BaseModel):
    hypothesis: str
    reason: str = ""
    evidence: str
    items: list[str] = Field(default_factory=list)


class AttachIn(BaseModel):
    reference: str
    note: str = ""


class ItemIn(BaseModel):
    kind: str
    grading_system: str = "6x6"
    source_reliability: str
    information_credibility: str
    content: str
    occurred_at: dt.datetime | None = None
    handling_code: str | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)


@router.get("/cases")
def list_cases(
    status: str | None = None,
    principal: Principal = Depends(require(MANAGE)),
    session: Session = Depends(db_session),
) -> list[dict[str, Any]]:
    """Investigation cases, newest first (``status``: open or closed)."""
    try:
        return [summary(c) for c in network.list_cases(session, status)]
    except FiletError as error:
        raise refusal(error) from None


@router.get("/cases/{reference}")
def read_case(
    reference: str,
    principal: Principal = Depends(require(MANAGE)),
    session: Session = Depends(db_session),
) -> dict[str, Any]:
    """The case: members with roles and reasons, hypothesis history, notes, graded items, the
    ring's traces and the full history."""
    return network.case_file(session, _case(session, reference))


@router.post("/network/rings/{reference}/case", status_code=201)
def open_from_ring(
    reference: str,
    body: OpenCase,
    principal: Principal = Depends(require(MANAGE)),
    session: Session = Depends(db_session),
) -> dict[str, Any]:
    """Open an investigation case from a ring (``RING-000123``)."""
    try:
        case = network.open_case_from_stored_ring(
            session, reference, principal.actor, body.title, body.hypothesis
        )
    except FiletError as error:
        raise refusal(error) from None
    return _done(session, case)


@router.post("/cases/{reference}/members")
def add_member(
    reference: str,
    body: MemberIn,
    principal: Principal = Depends(require(MANAGE)),
    session: Session = Depends(db_session),
) -> dict[str, Any]:
    """Add a person with a role (or change their role); a smuggled migrant only as a witness."""
    return _apply(
        session,
        reference,
        lambda c: network.add_member(
            session, c, body.person_id, body.role, body.reason, principal.actor, body.override
        ),
    )


@router.post("/cases/{reference}/relations")
def declare_relation(
    reference: str,
    body: RelationIn,
    principal: Principal = Depends(require(MANAGE)),
    session: Session = Depends(db_session),
) -> dict[str, Any]:
    """Record that a person is a family member of a migrant or a humanitarian helper (or
    withdraw it with ``none``): a suspect role for them then needs a supervisor's override."""
    return _apply(
        session,
        reference,
        lambda c: network.declare_relation(
            session, c, body.person_id, body.relation, body.reason, principal.actor
        ),
    )


@router.post("/cases/{reference}/members/{person_id}/remove")
def remove_member(
    reference: str,
    person_id: int,
    body: Reason,
    principal: Principal = Depends(require(MANAGE)),
    session: Session = Depends(db_session),
) -> dict[str, Any]:
    return _apply(
        session,
        reference,
        lambda c: network.remove_member(session, c, person_id, body.reason, principal.actor),
    )


@router.post("/cases/{reference}/notes")
def add_note(
    reference: str,
    body: NoteIn,
    principal: Principal = Depends(require(MANAGE)),
    session: Session = Depends(db_session),
) -> dict[str, Any]:
    return _apply(
        session,
        reference,
        lambda c: network.add_note(session, c, body.text, principal.actor),
    )


@router.post("/cases/{reference}/hypothesis")
def change_hypothesis(
    reference: str,
    body: HypothesisIn,
    principal: Principal = Depends(require(MANAGE)),
    session: Session = Depends(db_session),
) -> dict[str, Any]:
    """Change the offence hypothesis with the reason and the evidence (history kept)."""
    return _apply(
        session,
        reference,
        lambda c: network.set_offence_hypothesis(
            session,
            c,
            body.hypothesis,
            body.evidence,
            principal.actor,
            reason=body.reason,
            items=body.items,
        ),
    )


@router.post("/cases/{reference}/intelligence")
def attach_item(
    reference: str,
    body: AttachIn,
    principal: Principal = Depends(require(MANAGE)),
    session: Session = Depends(db_session),
) -> dict[str, Any]:
    """Attach a stored graded intelligence item to the case."""
    return _apply(
        session,
        reference,
        lambda c: network.attach_item(session, c, body.reference, principal.actor, body.note),
    )


@router.post("/cases/{reference}/close")
def close_case(
    reference: str,
    body: Reason,
    principal: Principal = Depends(require(MANAGE)),
    session: Session = Depends(db_session),
) -> dict[str, Any]:
    return _apply(
        session,
        reference,
        lambda c: network.close_case(session, c, body.reason, principal.actor),
    )


@router.post("/cases/{reference}/reopen")
def reopen_case(
    reference: str,
    body: Reason,
    principal: Principal = Depends(require(MANAGE)),
    session: Session = Depends(db_session),
) -> dict[str, Any]:
    return _apply(
        session,
        reference,
        lambda c: network.reopen_case(session, c, body.reason, principal.actor),
    )


@router.get("/cases/{reference}/file")
def case_file(
    reference: str,
    format: str = "json",
    principal: Principal = Depends(require(MANAGE)),
    session: Session = Depends(db_session),
) -> Response:
    """The case file as a JSON bundle or a PDF; the export is written to the audit log."""
    return export_response(session, _case(session, reference), format, principal)


def export_response(
    session: Session, case: InvestigationCase, fmt: str, principal: Principal
) -> Response:
    try:
        body, media = network.export_case_file(session, case, fmt, principal.actor)
    except FiletError as error:
        raise refusal(error) from None
    session.commit()
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{case.reference}.{fmt}"'},
    )


@router.post("/intelligence", status_code=201)
def record_item(
    body: ItemIn,
    principal: Principal = Depends(require(INTELLIGENCE)),
    session: Session = Depends(db_session),
) -> dict[str, Any]:
    """Record a graded intelligence item (call, payment, meeting, report)."""
    try:
        item = network.record_item(
            session,
            principal.actor,
            body.kind,
            body.grading_system,
            body.source_reliability,
            body.information_credibility,
            body.content,
            body.attributes,
            body.occurred_at,
            handling_code=body.handling_code,
        )
    except FiletError as error:
        raise refusal(error) from None
    session.commit()
    return network.item_summary(item)


@router.post("/intelligence/debriefings", status_code=201)
def record_debriefing(
    body: dict[str, Any],
    principal: Principal = Depends(require(INTELLIGENCE)),
    session: Session = Depends(db_session),
) -> dict[str, Any]:
    """Record a migrant's debriefing (consent required) as a graded intelligence item; the
    migrant is its source and a witness, never a subject."""
    body.setdefault("officer", principal.user.username)
    try:
        debriefing = network.debriefing_from_json(body)
        if debriefing.reference and session.scalar(
            select(IntelligenceItem.id).where(IntelligenceItem.reference == debriefing.reference)
        ):
            raise ConflictError(f"intelligence item {debriefing.reference} exists already")
        item = network.record_debriefing(session, debriefing, principal.actor)
    except FiletError as error:
        raise refusal(error) from None
    session.commit()
    return network.item_summary(item)
