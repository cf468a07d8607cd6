"""Risk profiles over HTTP: the feature catalogue and rules (write, approve, activate, retire),
batch runs, the review queue with evidence and decisions, and the fairness audit."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from filet.errors import ConflictError, FiletError, NotFoundError, PermissionDenied
from filet.risk import (
    activate_rule,
    alert_evidence,
    approve_rule,
    audit,
    check_rule,
    feature_catalogue,
    list_rules,
    retire_rule,
    review_alert,
    review_queue,
    run_batch,
    save_rule,
)
from filet.security import record
from filet.web.deps import Principal, app_context, db_session, require

router = APIRouter(prefix="/api/v1/risk", tags=["risk profiles"])


def _http(error: FiletError) -> HTTPException:
    code = 422  # unprocessable content
    if isinstance(error, NotFoundError):
        code = status.HTTP_404_NOT_FOUND
    elif isinstance(error, PermissionDenied):
        code = status.HTTP_403_FORBIDDEN
    elif isinstance(error, ConflictError):
        code = status.HTTP_409_CONFLICT
    return HTTPException(code, str(error))


class RuleOut(BaseModel):
    rule: str
    version: int
    title: str
    target: str
    status: str
    author: str | None
    approver: str | None
    approved_at: dt.datetime | None
    created_at: dt.datetime
    definition: dict[str, Any]


class ReviewIn(BaseModel):
    decision: Literal["confirm", "dismiss", "escalate"]
    reason: str = Field(min_length=1)
    exonerating_considered: bool = Field(
        description="The reviewer looked for facts that speak against the alert (required)."
    )
    case_reference: str | None = Field(
        default=None, description="Escalate into this existing case instead of opening one."
    )


@router.get("/features", summary="The feature catalogue rules may use")
def features(principal: Principal = Depends(require("risk:audit"))) -> list[dict[str, Any]]:
    return [f.model_dump() for f in feature_catalogue().features.values()]


@router.get("/rules", response_model=list[RuleOut], summary="Rules (latest versions or history)")
def rules(
    history: bool = False,
    rule: str | None = None,
    principal: Principal = Depends(require("risk:audit")),
    session: Session = Depends(db_session),
) -> list[RuleOut]:
    return [
        RuleOut(rule=v.key, **{k: getattr(v, k) for k in RuleOut.model_fields if k != "rule"})
        for v in list_rules(session, history=history, key=rule)
    ]


@router.post(
    "/rules",
    response_model=RuleOut | None,
    status_code=status.HTTP_201_CREATED,
    summary="Write a rule: a new draft version (validated, guards applied)",
)
def write_rule(
    body: dict[str, Any],
    principal: Principal = Depends(require("rules:write")),
    session: Session = Depends(db_session),
) -> RuleOut | None:
    try:
        row = save_rule(session, check_rule(body), principal.user, principal.actor)
    except FiletError as error:
        raise _http(error) from None
    session.commit()
    if row is None:
        return None
    version = list_rules(session, key=row.rule_key)[-1]
    return RuleOut(
        rule=version.key, **{k: getattr(version, k) for k in RuleOut.model_fields if k != "rule"}
    )


def _transition(action: Any, key: str, principal: Principal, session: Session) -> RuleOut:
    try:
        action(session, key, principal.user, principal.actor)
    except FiletError as error:
        raise _http(error) from None
    session.commit()
    version = list_rules(session, key=key)[-1]
    return RuleOut(
        rule=version.key, **{k: getattr(version, k) for k in RuleOut.model_fields if k != "rule"}
    )


@router.post("/rules/{key}/approve", response_model=RuleOut, summary="Approve a draft (four eyes)")
def approve(
    key: str,
    principal: Principal = Depends(require("rules:approve")),
    session: Session = Depends(db_session),
) -> RuleOut:
    return _transition(approve_rule, key, principal, session)


@router.post(
    "/rules/{key}/activate", response_model=RuleOut, summary="Activate an approved rule (DPIA/FRIA)"
)
def activate(
    key: str,
    principal: Principal = Depends(require("rules:approve")),
    session: Session = Depends(db_session),
) -> RuleOut:
    return _transition(activate_rule, key, principal, session)


@router.post("/rules/{key}/retire", response_model=RuleOut, summary="Retire a rule")
def retire(
    key: str,
    principal: Principal = Depends(require("rules:approve")),
    session: Session = Depends(db_session),
) -> RuleOut:
    return _transition(retire_rule, key, principal, session)


@router.post("/runs", summary="Run the active rules over the whole store (batch, DuckDB)")
def run(
    request: Request,
    principal: Principal = Depends(require("risk:run")),
    session: Session = Depends(db_session),
) -> dict[str, Any]:
    context = app_context(request)
    summary = run_batch(context.engine, session, context.settings)
    record(session, principal.actor, "create", "risk_run", [summary.run_key], summary.__dict__)
    session.commit()
    return summary.__dict__


@router.get("/alerts", summary="The review queue: open risk and control alerts")
def alerts(
    limit: int = Query(200, ge=1, le=1000),
    principal: Principal = Depends(require("hits:review")),
    session: Session = Depends(db_session),
) -> list[dict[str, Any]]:
    return [dataclasses.asdict(item) for item in review_queue(session, limit)]


@router.get("/alerts/{alert_id}", summary="An alert with the evidence of each fired rule")
def alert(
    alert_id: int,
    principal: Principal = Depends(require("hits:review")),
    session: Session = Depends(db_session),
) -> dict[str, Any]:
    try:
        return dataclasses.asdict(alert_evidence(session, alert_id))
    except FiletError as error:
        raise _http(error) from None


@router.post("/alerts/{alert_id}/review", summary="Confirm, dismiss or escalate an alert")
def review(
    alert_id: int,
    body: ReviewIn,
    principal: Principal = Depends(require("hits:review")),
    session: Session = Depends(db_session),
) -> dict[str, Any]:
    try:
        outcome = review_alert(
            session,
            alert_id,
            principal.user,
            body.decision,
            body.reason,
            body.exonerating_considered,
            principal.actor,
            body.case_reference,
        )
    except FiletError as error:
        session.rollback()
        raise _http(error) from None
    session.commit()
    return dataclasses.asdict(outcome)


@router.get("/audit", summary="Effectiveness per rule and fairness per group")
def fairness(
    request: Request,
    since: dt.date | None = None,
    until: dt.date | None = None,
    principal: Principal = Depends(require("risk:audit")),
    session: Session = Depends(db_session),
) -> dict[str, Any]:
    def moment(day: dt.date | None) -> dt.datetime | None:
        return None if day is None else dt.datetime.combine(day, dt.time(), dt.UTC)

    report = audit(
        session, app_context(request).settings.disclosure_min_cell, moment(since), moment(until)
    )
    return report.as_json()
