"""Assessments: the active rules applied to features, the score, the evidence, and the alerts.

Online (one traveller at the border) the rules run as Python closures over the features of
``_online.py``; in batch they run as SQL over the feature tables of ``_batch.py``. Both give the
same fired rules and score (tests prove it). Rules are fixed text approved by people: nothing here
learns or changes a weight at run time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, cast

import duckdb
from sqlalchemy import Engine, Table, insert, select
from sqlalchemy.orm import Session

from filet.risk._batch import (
    DUCKDB,
    FEATURE_VIEWS,
    ID_COLUMNS,
    Dialect,
    create_feature_views,
    load_store,
)
from filet.risk._catalogue import TARGETS, Target
from filet.risk._library import active_rules, rule_versions
from filet.risk._online import booking_features, crossing_features, traveller_features
from filet.risk._rules import CheckedRule
from filet.settings import Settings, duckdb_config
from filet.store.schema import Alert, RiskAssessment

SUBJECT_TYPES: dict[Target, str] = {
    "booking": "pnr_booking",
    "traveller": "pnr_traveller",
    "crossing": "border_crossing",
}
CONTROL_TARGETS: tuple[Target, ...] = ("traveller", "crossing")


@dataclass(frozen=True)
class FiredRule:
    """Evidence for one rule that fired: which version, its weight and the values it read."""

    rule: str
    version: int
    title: str
    weight: float
    values: dict[str, Any]
    purpose: str = "enforcement"

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "version": self.version,
            "title": self.title,
            "weight": self.weight,
            "values": self.values,
            "purpose": self.purpose,
        }


@dataclass(frozen=True)
class Assessment:
    """The result of a set of rule versions on one target."""

    target: Target
    target_id: int
    score: float
    rule_versions: dict[str, int]
    fired: list[FiredRule] = field(default_factory=list)

    @property
    def subject_type(self) -> str:
        return SUBJECT_TYPES[self.target]


class RuleSet:
    """Rule versions compiled once, evaluated many times (online) or compiled to SQL (batch)."""

    def __init__(self, rules: Sequence[CheckedRule]) -> None:
        self.rules = sorted(rules, key=lambda r: r.key)
        self.by_target: dict[Target, list[CheckedRule]] = {t: [] for t in TARGETS}
        for rule in self.rules:
            self.by_target[rule.document.target].append(rule)

    @classmethod
    def active(cls, session: Session, on: dt.date | None = None) -> RuleSet:
        return cls(active_rules(session, on=on))

    def versions(self, target: Target) -> dict[str, int]:
        return {r.key: r.version for r in self.by_target[target]}

    def assess(self, target: Target, target_id: int, features: Mapping[str, Any]) -> Assessment:
        """Evaluate every rule for the target on one feature mapping (fires only when true)."""
        fired: list[FiredRule] = []
        for rule in self.by_target[target]:
            if rule.evaluate(features) is True:
                fired.append(
                    FiredRule(
                        rule.key,
                        rule.version,
                        rule.document.title,
                        rule.document.weight,
                        {n: features.get(n) for n in sorted(rule.condition.features)},
                        rule.document.purpose,
                    )
                )
        score = sum(f.weight for f in fired)
        return Assessment(target, target_id, score, self.versions(target), fired)

    def select_sql(self, target: Target, dialect: Dialect = DUCKDB) -> str:
        """SQL giving the target id and one 0/1 column ``r<i>`` per rule, for every target."""
        del dialect  # the rule SQL is the same on every engine
        columns = [ID_COLUMNS[target]]
        for index, rule in enumerate(self.by_target[target]):
            columns.append(f"COALESCE({rule.condition.sql()}, FALSE) AS r{index}")
        return f"SELECT {', '.join(columns)} FROM {FEATURE_VIEWS[target]}"

    def score_sql(self, target: Target) -> str:
        """SQL giving id and score of the targets on which at least one rule fired.

        The rows are chosen by "some condition is true" (weights are positive, so that is
        "score > 0"): the score, a sum of one term per rule, is computed only for those rows
        (filtering on the score made DuckDB compute the whole sum for every row, then again
        for the rows kept)."""
        rules = self.by_target[target]
        if not rules:
            return f"SELECT {ID_COLUMNS[target]}, 0.0 AS score FROM {FEATURE_VIEWS[target]} WHERE FALSE"
        terms = " + ".join(
            f"CASE WHEN {r.condition.sql()} THEN {r.document.weight!r} ELSE 0.0 END" for r in rules
        )
        fired = " OR ".join(f"({r.condition.sql()})" for r in rules)
        return (
            f"SELECT {ID_COLUMNS[target]}, {terms} AS score FROM {FEATURE_VIEWS[target]} "
            f"WHERE {fired}"
        )


def online_features(session: Session, target: Target, target_id: int) -> dict[str, Any]:
    if target == "booking":
        return booking_features(session, target_id)
    if target == "traveller":
        return traveller_features(session, target_id)
    return crossing_features(session, target_id)


def in_control_sample(run_key: str, target: Target, target_id: int, rate: float) -> bool:
    """A reproducible random draw: the same run, target and rate always give the same answer."""
    digest = hashlib.sha256(f"{run_key}:{target}:{target_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < rate


def alert_values(assessment: Assessment, run_key: str, settings: Settings) -> dict[str, Any] | None:
    """The alert an assessment raises, as column values (all but ``source_id``, the assessment's
    id): ``risk`` above the threshold, ``control`` for a sampled unflagged traveller or crossing,
    otherwise none."""
    if assessment.fired and assessment.score >= settings.risk_alert_threshold:
        kind, summary = "risk", "; ".join(f.title for f in assessment.fired)
    elif assessment.target in CONTROL_TARGETS and in_control_sample(
        run_key, assessment.target, assessment.target_id, settings.control_sample_rate
    ):
        kind, summary = "control", "random control sample"
    else:
        return None
    return {
        "kind": kind,
        "subject_type": assessment.subject_type,
        "subject_id": assessment.target_id,
        "source_type": "risk_assessment",
        "score": assessment.score,
        "summary": summary,
    }


def assessment_values(
    assessment: Assessment, run_key: str, settings_version: str
) -> dict[str, Any]:
    """The ``risk_assessments`` row of an assessment, as column values."""
    return {
        "target_type": assessment.target,
        "target_id": assessment.target_id,
        "run_key": run_key,
        "score": assessment.score,
        "rule_versions": assessment.rule_versions,
        "fired": [f.as_json() for f in assessment.fired],
        "settings_version": settings_version,
    }


def store_assessment(
    session: Session, assessment: Assessment, run_key: str, settings: Settings
) -> tuple[RiskAssessment, Alert | None]:
    """Write one assessment and the alert it raises (see :func:`alert_values`)."""
    row = RiskAssessment(**assessment_values(assessment, run_key, settings.version))
    session.add(row)
    session.flush()
    values = alert_values(assessment, run_key, settings)
    alert = None if values is None else Alert(source_id=row.id, **values)
    if alert is not None:
        session.add(alert)
        session.flush()
    return row, alert


STORE_CHUNK = 5_000


def store_assessments(
    session: Session,
    assessments: Iterable[Assessment],
    run_key: str,
    settings: Settings,
    chunk_size: int = STORE_CHUNK,
) -> Counter[str]:
    """Write many assessments and their alerts in chunks, as :func:`store_assessment` would one by
    one: per chunk, one ``executemany`` INSERT of the assessments, then the ids of the few that
    raise an alert, looked up by their unique key (target, id, run), and one ``executemany`` of
    those alerts (SQLAlchemy Core). No ``RETURNING``: with it SQLAlchemy sends SQLite one
    statement per row when the ids must come back in the rows' order.

    Returns counts: ``assessed``, ``fired`` and the alerts by kind (``risk``, ``control``)."""
    assessment_table = cast(Table, RiskAssessment.__table__)
    alert_table = cast(Table, Alert.__table__)
    settings_version = settings.version
    connection = session.connection()
    counts: Counter[str] = Counter()
    iterator = iter(assessments)
    while chunk := list(islice(iterator, chunk_size)):
        connection.execute(
            insert(assessment_table),
            [assessment_values(a, run_key, settings_version) for a in chunk],
        )
        alerts: dict[tuple[str, int], dict[str, Any]] = {}
        for assessment in chunk:
            counts["assessed"] += 1
            counts["fired"] += 1 if assessment.fired else 0
            values = alert_values(assessment, run_key, settings)
            if values is not None:
                counts[values["kind"]] += 1
                alerts[(assessment.target, assessment.target_id)] = values
        if not alerts:
            continue
        found = connection.execute(
            select(
                assessment_table.c.target_type,
                assessment_table.c.target_id,
                assessment_table.c.id,
            ).where(
                assessment_table.c.run_key == run_key,
                assessment_table.c.target_id.in_(sorted({i for _, i in alerts})),
            )
        )
        ids = {(target, target_id): row_id for target, target_id, row_id in found}
        connection.execute(
            insert(alert_table),
            [{**values, "source_id": ids[key]} for key, values in alerts.items()],
        )
    return counts


def new_run_key(prefix: str) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    return f"{prefix}-{now}-{uuid.uuid4().hex[:8]}"


def assess_traveller(
    session: Session,
    traveller_id: int,
    settings: Settings,
    rules: RuleSet | None = None,
    run_key: str | None = None,
    store: bool = True,
) -> Assessment:
    """Assess one PNR traveller through all active rules (the border check's call).

    Pass a :class:`RuleSet` built once (``RuleSet.active(session)``) to skip loading the rules.
    With ``store`` the assessment is written and an alert raised as in batch (the caller commits).
    """
    ruleset = rules or RuleSet.active(session)
    assessment = ruleset.assess(
        "traveller", traveller_id, traveller_features(session, traveller_id)
    )
    if store:
        store_assessment(session, assessment, run_key or new_run_key("online"), settings)
    return assessment


def assess_target(
    session: Session,
    target: Target,
    target_id: int,
    settings: Settings,
    rules: RuleSet | None = None,
    run_key: str | None = None,
    store: bool = True,
) -> Assessment:
    """Assess one booking, traveller or crossing online."""
    ruleset = rules or RuleSet.active(session)
    assessment = ruleset.assess(target, target_id, online_features(session, target, target_id))
    if store:
        store_assessment(session, assessment, run_key or new_run_key("online"), settings)
    return assessment


@dataclass(frozen=True)
class RunSummary:
    run_key: str
    assessed: dict[str, int]
    flagged: dict[str, int]
    alerts: int
    controls: int


def batch_assessments(
    connection: duckdb.DuckDBPyConnection, ruleset: RuleSet, target: Target
) -> Iterable[Assessment]:
    """Evaluate the rule SQL on a DuckDB connection holding the feature views."""
    rules = ruleset.by_target[target]
    versions = ruleset.versions(target)
    needed = sorted({n for r in rules for n in r.condition.features})
    id_column = ID_COLUMNS[target]
    flags = ruleset.select_sql(target)
    values = ", ".join(f"f.{n}" for n in needed)
    query = (
        f"SELECT s.*{', ' + values if values else ''} FROM ({flags}) s "
        f"JOIN {FEATURE_VIEWS[target]} f ON f.{id_column} = s.{id_column} ORDER BY s.{id_column}"
    )
    result = connection.execute(query)
    while batch := result.fetchmany(10_000):
        for row in batch:
            target_id = int(row[0])
            fired_flags = row[1 : 1 + len(rules)]
            feature_values = dict(zip(needed, row[1 + len(rules) :], strict=True))
            fired = [
                FiredRule(
                    rule.key,
                    rule.version,
                    rule.document.title,
                    rule.document.weight,
                    {n: feature_values[n] for n in sorted(rule.condition.features)},
                    rule.document.purpose,
                )
                for rule, flag in zip(rules, fired_flags, strict=True)
                if flag
            ]
            yield Assessment(target, target_id, sum(f.weight for f in fired), versions, fired)


def run_batch(
    engine: Engine,
    session: Session,
    settings: Settings,
    rules: RuleSet | None = None,
    targets: Sequence[Target] = TARGETS,
    run_key: str | None = None,
) -> RunSummary:
    """Assess every booking, traveller and crossing in the store with the active rules (DuckDB)
    and write the assessments and alerts in ``session``, in bulk (the caller commits)."""
    ruleset = rules or RuleSet.active(session)
    key = run_key or new_run_key("batch")
    connection = duckdb.connect(config=duckdb_config())
    assessed: dict[str, int] = {}
    flagged: dict[str, int] = {}
    alerts = controls = 0
    try:
        load_store(engine, connection)
        create_feature_views(connection)
        for target in targets:
            counts = store_assessments(
                session, batch_assessments(connection, ruleset, target), key, settings
            )
            assessed[target] = counts["assessed"]
            flagged[target] = counts["fired"]
            alerts += counts["risk"]
            controls += counts["control"]
    finally:
        connection.close()
    return RunSummary(key, assessed, flagged, alerts, controls)


def reproduce(session: Session, assessment_id: int) -> tuple[Assessment, Assessment]:
    """The stored assessment and the same rule versions run again on the target's current data."""
    row = session.get(RiskAssessment, assessment_id)
    if row is None:
        raise KeyError(assessment_id)
    target: Target = row.target_type  # type: ignore[assignment]
    stored = Assessment(
        target,
        row.target_id,
        row.score,
        {k: int(v) for k, v in row.rule_versions.items()},
        [
            FiredRule(f["rule"], f["version"], f["title"], f["weight"], f["values"], f["purpose"])
            for f in row.fired
        ],
    )
    ruleset = RuleSet(rule_versions(session, stored.rule_versions))
    again = ruleset.assess(target, row.target_id, online_features(session, target, row.target_id))
    return stored, again


def latest_assessment(session: Session, target: Target, target_id: int) -> RiskAssessment | None:
    return session.execute(
        select(RiskAssessment)
        .where(RiskAssessment.target_type == target, RiskAssessment.target_id == target_id)
        .order_by(RiskAssessment.id.desc())
        .limit(1)
    ).scalar_one_or_none()
