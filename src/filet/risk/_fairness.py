"""Effectiveness and fairness of the rules: hits, reviews and confirmed rates per rule, and per
group (nationality, sex, age band and their intersections) selection rate, disparate impact ratio,
hit rate, false discovery rate and, from the random control sample, false positive and negative
rates, with Wilson intervals and suppression of small groups.

Definitions (see docs/risk.md): among travellers assessed in the period (latest assessment each),
*flagged* = a ``risk`` alert was raised; *confirmed* = a reviewer confirmed or escalated it;
selection rate = flagged / screened; hit rate = confirmed / reviewed flagged; FDR = 1 - hit rate;
control miss rate = confirmed / reviewed controls. With U unflagged, F flagged, h the hit rate and
m the control miss rate: FNR = U*m / (U*m + F*h) and FPR = F*(1-h) / (F*(1-h) + U*(1-m)).
The reference group of each dimension is its largest unsuppressed group.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from filet.risk._online import age_on
from filet.store.schema import Alert, PnrLeg, PnrTraveller, RiskAssessment

DIMENSIONS: tuple[tuple[str, ...], ...] = (
    ("nationality",),
    ("sex",),
    ("age_band",),
    ("nationality", "sex"),
    ("nationality", "age_band"),
    ("sex", "age_band"),
    ("nationality", "sex", "age_band"),
)
DIR_LOW, DIR_HIGH = 0.8, 1.25
POSITIVE = ("confirmed", "escalated")
Interval = tuple[float, float]


def wilson(successes: int, trials: int, z: float = 1.959963984540054) -> Interval | None:
    """The Wilson score interval of a proportion (None without trials)."""
    if trials == 0:
        return None
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def age_band(age: int | None) -> str:
    if age is None:
        return "unknown"
    for upper, label in ((18, "0-17"), (30, "18-29"), (45, "30-44"), (65, "45-64")):
        if age < upper:
            return label
    return "65+"


@dataclass(frozen=True)
class Screened:
    """One assessed traveller and what happened to their alerts."""

    traveller_id: int
    nationality: str
    sex: str
    age_band: str
    flagged: bool
    flagged_outcome: str | None  # alert status of the risk alert
    control_outcome: str | None  # alert status of the control alert
    fired_rules: tuple[str, ...]


@dataclass
class GroupMetrics:
    dimension: str
    group: str
    suppressed: bool
    screened: int | None = None
    flagged: int | None = None
    reviewed: int | None = None
    confirmed: int | None = None
    selection_rate: float | None = None
    selection_ci: Interval | None = None
    disparate_impact_ratio: float | None = None
    hit_rate: float | None = None
    hit_rate_ci: Interval | None = None
    false_discovery_rate: float | None = None
    control_reviewed: int | None = None
    control_confirmed: int | None = None
    control_miss_rate: float | None = None
    control_miss_ci: Interval | None = None
    false_positive_rate: float | None = None
    false_negative_rate: float | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class RuleMetrics:
    rule: str
    hits: int
    reviewed: int
    confirmed: int
    confirmed_rate: float | None
    confirmed_ci: Interval | None


@dataclass
class AuditReport:
    period: tuple[str | None, str | None]
    screened: int
    min_group: int
    ruleset: RuleMetrics
    rules: list[RuleMetrics]
    groups: list[GroupMetrics]
    warnings: list[str]

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _rate(a: int, b: int) -> float | None:
    return a / b if b else None


def group_metrics(
    people: Sequence[Screened], dimension: tuple[str, ...], min_group: int
) -> list[GroupMetrics]:
    """Metrics for every group of one dimension, with the warnings against its reference group."""
    groups: dict[str, list[Screened]] = defaultdict(list)
    for person in people:
        groups[" × ".join(str(getattr(person, d)) for d in dimension)].append(person)
    name = " × ".join(dimension)
    results: list[GroupMetrics] = []
    for label, members in sorted(groups.items()):
        n = len(members)
        if n < min_group:
            results.append(GroupMetrics(name, label, True))
            continue
        flagged = [m for m in members if m.flagged]
        reviewed = [m for m in flagged if m.flagged_outcome not in (None, "open")]
        confirmed = [m for m in reviewed if m.flagged_outcome in POSITIVE]
        controls = [m for m in members if m.control_outcome not in (None, "open")]
        missed = [m for m in controls if m.control_outcome in POSITIVE]
        hit = _rate(len(confirmed), len(reviewed))
        miss = _rate(len(missed), len(controls))
        unflagged = n - len(flagged)
        fpr = fnr = None
        if hit is not None and miss is not None:
            pos_unflagged = unflagged * miss
            pos_flagged = len(flagged) * hit
            neg_flagged = len(flagged) * (1 - hit)
            neg_unflagged = unflagged * (1 - miss)
            fnr = _rate_f(pos_unflagged, pos_unflagged + pos_flagged)
            fpr = _rate_f(neg_flagged, neg_flagged + neg_unflagged)
        results.append(
            GroupMetrics(
                name,
                label,
                False,
                screened=n,
                flagged=len(flagged),
                reviewed=len(reviewed),
                confirmed=len(confirmed),
                selection_rate=len(flagged) / n,
                selection_ci=wilson(len(flagged), n),
                hit_rate=hit,
                hit_rate_ci=wilson(len(confirmed), len(reviewed)),
                false_discovery_rate=None if hit is None else 1 - hit,
                control_reviewed=len(controls),
                control_confirmed=len(missed),
                control_miss_rate=miss,
                control_miss_ci=wilson(len(missed), len(controls)),
                false_positive_rate=fpr,
                false_negative_rate=fnr,
            )
        )
    shown = [g for g in results if not g.suppressed]
    if not shown:
        return results
    reference = max(shown, key=lambda g: (g.screened or 0, g.group))
    ref_rate = reference.selection_rate or 0.0
    for group in shown:
        rate = group.selection_rate or 0.0
        if ref_rate > 0:
            group.disparate_impact_ratio = rate / ref_rate
            ratio = group.disparate_impact_ratio
            if not DIR_LOW <= ratio <= DIR_HIGH:
                group.warnings.append(
                    f"disparate impact ratio {ratio:.2f} against {reference.group} is outside "
                    f"{DIR_LOW}-{DIR_HIGH}"
                )
        if (
            group is not reference
            and rate > ref_rate
            and group.hit_rate is not None
            and reference.hit_rate is not None
            and group.hit_rate < reference.hit_rate
        ):
            group.warnings.append(
                f"selected more often than {reference.group} ({rate:.1%} vs {ref_rate:.1%}) but "
                f"confirmed less often ({group.hit_rate:.1%} vs {reference.hit_rate:.1%})"
            )
    return results


def _rate_f(a: float, b: float) -> float | None:
    return a / b if b else None


def rule_metrics(people: Iterable[Screened]) -> tuple[RuleMetrics, list[RuleMetrics]]:
    """Hits, reviews and confirmed rates per rule and for the whole ruleset."""
    per_rule: dict[str, list[Screened]] = defaultdict(list)
    everyone: list[Screened] = []
    for person in people:
        if person.fired_rules:
            everyone.append(person)
        for rule in person.fired_rules:
            per_rule[rule].append(person)

    def metrics(name: str, hits: list[Screened]) -> RuleMetrics:
        reviewed = [p for p in hits if p.flagged_outcome not in (None, "open")]
        confirmed = sum(1 for p in reviewed if p.flagged_outcome in POSITIVE)
        return RuleMetrics(
            name,
            len(hits),
            len(reviewed),
            confirmed,
            _rate(confirmed, len(reviewed)),
            wilson(confirmed, len(reviewed)),
        )

    return metrics("(ruleset)", everyone), [metrics(k, v) for k, v in sorted(per_rule.items())]


def screened_travellers(
    session: Session, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> list[Screened]:
    """The travellers assessed in the period (latest assessment of each) with their outcomes."""
    query = select(RiskAssessment).where(RiskAssessment.target_type == "traveller")
    if since is not None:
        query = query.where(RiskAssessment.created_at >= since)
    if until is not None:
        query = query.where(RiskAssessment.created_at < until)
    latest: dict[int, RiskAssessment] = {}
    for row in session.execute(query.order_by(RiskAssessment.id)).scalars():
        latest[row.target_id] = row
    if not latest:
        return []
    alerts: dict[int, dict[str, str]] = defaultdict(dict)
    ids = [a.id for a in latest.values()]
    for start in range(0, len(ids), 500):
        for alert in session.execute(
            select(Alert).where(
                Alert.source_type == "risk_assessment",
                Alert.source_id.in_(ids[start : start + 500]),
            )
        ).scalars():
            alerts[alert.source_id][alert.kind] = alert.status
    travellers: dict[int, PnrTraveller] = {}
    first_day: dict[int, str] = {}
    tids = list(latest)
    for start in range(0, len(tids), 500):
        chunk = tids[start : start + 500]
        for traveller in session.execute(
            select(PnrTraveller).where(PnrTraveller.id.in_(chunk))
        ).scalars():
            travellers[traveller.id] = traveller
    bookings = {t.booking_id for t in travellers.values()}
    for leg in session.execute(
        select(PnrLeg).where(PnrLeg.booking_id.in_(bookings)).order_by(PnrLeg.seq.desc())
    ).scalars():
        if leg.departure_local:
            first_day[leg.booking_id] = leg.departure_local[:10]
    people: list[Screened] = []
    for target_id, row in sorted(latest.items()):
        screened = travellers.get(target_id)
        if screened is None:
            continue
        outcome = alerts.get(row.id, {})
        people.append(
            Screened(
                target_id,
                screened.nationality or "unknown",
                screened.sex or "unknown",
                age_band(age_on(screened.birth_date, first_day.get(screened.booking_id))),
                "risk" in outcome,
                outcome.get("risk"),
                outcome.get("control"),
                tuple(sorted({f["rule"] for f in row.fired})),
            )
        )
    return people


def audit(
    session: Session,
    min_group: int,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    dimensions: Sequence[tuple[str, ...]] = DIMENSIONS,
) -> AuditReport:
    """The effectiveness and fairness report over the travellers assessed in a period."""
    people = screened_travellers(session, since, until)
    ruleset, rules = rule_metrics(people)
    groups = [g for d in dimensions for g in group_metrics(people, d, min_group)]
    warnings = [f"{g.dimension} = {g.group}: {w}" for g in groups for w in g.warnings]
    return AuditReport(
        (since.isoformat() if since else None, until.isoformat() if until else None),
        len(people),
        min_group,
        ruleset,
        rules,
        groups,
        warnings,
    )
