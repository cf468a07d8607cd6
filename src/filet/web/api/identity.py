"""Identity: a person with every linked record, the links and why; analysts' judgements."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from filet.errors import InputError
from filet.identity import PersonView, Verdict, judge, person_view
from filet.store.schema.border import IdentityRecord
from filet.web.deps import Principal, app_context, db_session, require

router = APIRouter(prefix="/api/v1", tags=["identity"])

_RECORD_FIELDS = (
    "id",
    "source_type",
    "source_key",
    "given_names",
    "surname",
    "full_name",
    "name_script",
    "birth_date",
    "sex",
    "nationality",
    "document_number",
    "document_country",
    "phone",
    "email",
    "address",
    "match_probability",
)


def person_json(view: PersonView) -> dict[str, Any]:
    """The person view as JSON (shared with the UI's data for the timeline)."""
    return {
        "person": {"id": view.person.id, "key": view.person.key, "label": view.person.label},
        "records": [{name: getattr(row, name) for name in _RECORD_FIELDS} for row in view.records],
        "links": [
            {
                "record_a_id": link.record_a_id,
                "record_b_id": link.record_b_id,
                "match_weight": link.match_weight,
                "match_probability": link.match_probability,
                "accepted": link.accepted,
                "explanation": link.explanation.to_json(),
            }
            for link in view.links
        ],
        "judgements": [
            {
                "record_a_id": row.record_a_id,
                "record_b_id": row.record_b_id,
                "verdict": row.verdict,
                "reason": row.reason,
                "at": row.created_at.isoformat(),
            }
            for row in view.judgements
        ],
        "travel": [
            {
                "at": event.at.isoformat(),
                "kind": event.kind,
                "record_id": event.record_id,
                "place": event.place,
                "detail": event.detail,
            }
            for event in view.travel
        ],
    }


@router.get(
    "/persons/{person_id}",
    summary="A person: linked records, links with their explanation, judgements, travel",
)
def get_person(
    person_id: int,
    principal: Principal = Depends(require("persons:read")),
    session: Session = Depends(db_session),
) -> dict[str, Any]:
    try:
        view = person_view(session, person_id)
    except InputError as error:
        raise HTTPException(404, str(error)) from None
    return person_json(view)


class JudgementIn(BaseModel):
    """An analyst's verdict on two identity records."""

    record_a_id: int
    record_b_id: int
    verdict: Literal["same", "not_same", "unsure"]
    reason: str = Field(min_length=3, max_length=2000)


class JudgementOut(BaseModel):
    """The judgement and the person each record belongs to afterwards."""

    judgement_id: int
    verdict: str
    person_of: dict[int, int | None]


@router.post(
    "/identity/judgements",
    response_model=JudgementOut,
    summary="Record same / not same / unsure on two records; persons are re-clustered at once",
)
def post_judgement(
    body: JudgementIn,
    request: Request,
    principal: Principal = Depends(require("identity:judge")),
    session: Session = Depends(db_session),
) -> JudgementOut:
    threshold = app_context(request).settings.identity_match_threshold
    try:
        judgement = judge(
            session,
            body.record_a_id,
            body.record_b_id,
            Verdict(body.verdict),
            body.reason,
            user_id=principal.user.id,
            actor=principal.actor,
            threshold=threshold,
        )
    except InputError as error:
        session.rollback()
        raise HTTPException(422, str(error)) from None
    session.commit()
    person_of = {
        record_id: getattr(session.get(IdentityRecord, record_id), "person_id", None)
        for record_id in (body.record_a_id, body.record_b_id)
    }
    return JudgementOut(judgement_id=judgement.id, verdict=judgement.verdict, person_of=person_of)
