"""Reading the records behind each topic: one SQLAlchemy Core query per source, returning
non-nominal microdata (coarse dimension values, a date and a value per record) as a pandas frame.

Only the columns a statistic needs are selected: no names, document numbers, phones, birth dates or
coordinates of persons ever leave the store through this module. Aggregation happens in DuckDB
(``_cube``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session

from filet.research._catalogue import document_fraud, route_of
from filet.store.schema import (
    BorderCrossing,
    CaseMember,
    CrossingPoint,
    IdentityRecord,
    IntelligenceItem,
    InvestigationCase,
    MigrantIncident,
    ProtectionCase,
    Referral,
    TravelDocument,
)

UNKNOWN = "unknown"


@dataclass(frozen=True)
class Period:
    """An inclusive range of days; either end may be open."""

    start: dt.date | None = None
    end: dt.date | None = None

    def label(self) -> str:
        return f"{self.start or '…'} – {self.end or '…'}"

    def as_dict(self) -> dict[str, str | None]:
        return {
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
        }


def _bounds(period: Period) -> tuple[dt.datetime | None, dt.datetime | None]:
    start = dt.datetime.combine(period.start, dt.time(), dt.UTC) if period.start else None
    end = (
        dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time(), dt.UTC)
        if period.end
        else None
    )
    return start, end


def _between(query: Any, column: Any, period: Period) -> Any:
    start, end = _bounds(period)
    if start is not None:
        query = query.where(column >= start)
    if end is not None:
        query = query.where(column < end)
    return query


def _day(value: dt.datetime | dt.date | None) -> dt.date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, dt.datetime) else value


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=[*columns, "on", "value"])


def _crossing_query() -> Select[Any]:
    return (
        select(
            BorderCrossing.at,
            BorderCrossing.mode,
            BorderCrossing.direction,
            BorderCrossing.decision,
            BorderCrossing.reasons,
            CrossingPoint.code,
            CrossingPoint.country,
            CrossingPoint.kind,
            IdentityRecord.nationality,
            TravelDocument.document_type,
        )
        .join(CrossingPoint, CrossingPoint.id == BorderCrossing.crossing_point_id)
        .outerjoin(IdentityRecord, IdentityRecord.id == BorderCrossing.identity_record_id)
        .outerjoin(TravelDocument, TravelDocument.id == BorderCrossing.document_id)
    )


def _crossing_rows(session: Session, period: Period, refused_only: bool) -> list[Any]:
    query = _between(_crossing_query(), BorderCrossing.at, period)
    if refused_only:
        query = query.where(BorderCrossing.decision == "refused")
    return list(session.execute(query))


CROSSING_COLUMNS = ["route", "crossing_point", "mode", "direction", "decision", "nationality"]


def _crossing_dims(row: Any) -> dict[str, Any]:
    return {
        "route": route_of(row.code, row.country, row.kind),
        "crossing_point": row.code,
        "mode": row.mode,
        "direction": row.direction,
        "decision": row.decision,
        "nationality": row.nationality or UNKNOWN,
        "on": _day(row.at),
        "value": 1,
    }


def crossings(session: Session, period: Period) -> pd.DataFrame:
    rows = [_crossing_dims(r) for r in _crossing_rows(session, period, refused_only=False)]
    return _frame(rows, CROSSING_COLUMNS)


def refusals(session: Session, period: Period) -> pd.DataFrame:
    rows = [_crossing_dims(r) for r in _crossing_rows(session, period, refused_only=True)]
    return _frame(rows, CROSSING_COLUMNS)


def fraudulent_documents(session: Session, period: Period) -> pd.DataFrame:
    fraud_codes, _, _ = document_fraud()
    rows = []
    for row in _crossing_rows(session, period, refused_only=False):
        types = [fraud_codes[r] for r in (row.reasons or []) if r in fraud_codes]
        if not types:
            continue
        rows.append(
            {
                **_crossing_dims(row),
                "fraud_type": types[0],
                "document_type": row.document_type or UNKNOWN,
            }
        )
    return _frame(rows, [*CROSSING_COLUMNS, "fraud_type", "document_type"])


def facilitators(session: Session, period: Period) -> pd.DataFrame:
    _, reasons, roles = document_fraud()
    rows: list[dict[str, Any]] = []
    for row in _crossing_rows(session, period, refused_only=False):
        if reasons.intersection(row.reasons or []):
            rows.append(
                {
                    "detected_by": "border",
                    "role": "suspected_facilitator",
                    "route": route_of(row.code, row.country, row.kind),
                    "on": _day(row.at),
                    "value": 1,
                }
            )
    query = _between(
        select(CaseMember.role, InvestigationCase.created_at).join(
            InvestigationCase, InvestigationCase.id == CaseMember.case_id
        ),
        InvestigationCase.created_at,
        period,
    )
    for member in session.execute(query):
        if member.role in roles:
            rows.append(
                {
                    "detected_by": "investigation",
                    "role": member.role,
                    "route": UNKNOWN,
                    "on": _day(member.created_at),
                    "value": 1,
                }
            )
    return _frame(rows, ["detected_by", "role", "route"])


def _fee(attributes: dict[str, Any]) -> tuple[float, str] | None:
    """The fee of a debriefing: ``price_paid: {amount, currency}`` or ``fee``/``currency``."""
    price = attributes.get("price_paid")
    if isinstance(price, dict) and price.get("amount") is not None:
        return float(price["amount"]), str(price.get("currency") or UNKNOWN)
    if attributes.get("fee") is not None:
        return float(attributes["fee"]), str(attributes.get("currency") or UNKNOWN)
    return None


def _journey(value: Any) -> str:
    if isinstance(value, list):
        return " → ".join(str(v) for v in value) or UNKNOWN
    return str(value) if value else UNKNOWN


def fees(session: Session, period: Period) -> pd.DataFrame:
    query = _between(
        select(
            IntelligenceItem.occurred_at, IntelligenceItem.created_at, IntelligenceItem.attributes
        ).where(IntelligenceItem.kind == "debriefing"),
        IntelligenceItem.occurred_at,
        period,
    )
    rows = []
    for item in session.execute(query):
        attributes = item.attributes or {}
        fee = _fee(attributes)
        if fee is None:
            continue
        rows.append(
            {
                "route": _journey(attributes.get("route")),
                "currency": fee[1],
                "transport": str(attributes.get("transport") or UNKNOWN),
                "on": _day(item.occurred_at or item.created_at),
                "value": 1,
                "amount": fee[0],
            }
        )
    return pd.DataFrame(rows, columns=["route", "currency", "transport", "on", "value", "amount"])


def deaths_missing(session: Session, period: Period) -> pd.DataFrame:
    query = select(MigrantIncident)
    if period.start:
        query = query.where(MigrantIncident.incident_date >= period.start)
    if period.end:
        query = query.where(MigrantIncident.incident_date <= period.end)
    rows = []
    for incident in session.scalars(query):
        common = {
            "route": incident.migration_route or UNKNOWN,
            "cause_of_death": incident.cause_of_death or UNKNOWN,
            "region": incident.region or UNKNOWN,
            "incident_type": incident.incident_type or UNKNOWN,
            "data_source": incident.source,
            "on": incident.incident_date,
        }
        for outcome, number in (("dead", incident.dead), ("missing", incident.missing)):
            if number:
                rows.append({**common, "outcome": outcome, "value": int(number)})
    return _frame(
        rows, ["outcome", "route", "cause_of_death", "region", "incident_type", "data_source"]
    )


def referrals(session: Session, period: Period) -> pd.DataFrame:
    query = _between(
        select(
            Referral.service, Referral.status, Referral.created_at, ProtectionCase.child_track
        ).join(ProtectionCase, ProtectionCase.id == Referral.case_id),
        Referral.created_at,
        period,
    )
    rows = [
        {
            "service": r.service,
            "referral_status": r.status,
            "child_track": "yes" if r.child_track else "no",
            "on": _day(r.created_at),
            "value": 1,
        }
        for r in session.execute(query)
    ]
    return _frame(rows, ["service", "referral_status", "child_track"])


def cases(session: Session, period: Period) -> pd.DataFrame:
    query = _between(
        select(
            InvestigationCase.status,
            InvestigationCase.offence_hypothesis,
            InvestigationCase.created_at,
        ).where(and_(InvestigationCase.offence_hypothesis.is_not(None))),
        InvestigationCase.created_at,
        period,
    )
    rows = [
        {"outcome": r.status, "offence": r.offence_hypothesis, "on": _day(r.created_at), "value": 1}
        for r in session.execute(query)
    ]
    return _frame(rows, ["outcome", "offence"])


SOURCES: dict[str, Callable[[Session, Period], pd.DataFrame]] = {
    "crossings": crossings,
    "refusals": refusals,
    "fraudulent_documents": fraudulent_documents,
    "facilitators": facilitators,
    "fees": fees,
    "deaths_missing": deaths_missing,
    "referrals": referrals,
    "cases": cases,
}
