"""Rule workflow (four eyes, impact assessments), batch == online assessments, reproduction from
stored versions, alerts and the control sample, and review with escalation to a case."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session, sessionmaker

from filet.errors import ConflictError, InputError, PermissionDenied
from filet.risk import (
    RuleSet,
    Target,
    activate_rule,
    active_rules,
    alert_evidence,
    approve_rule,
    assess_target,
    assess_traveller,
    check_rule,
    import_rules,
    in_control_sample,
    list_rules,
    reproduce,
    retire_rule,
    review_alert,
    review_queue,
    run_batch,
    save_rule,
    starter_rules_path,
    validate_rules,
)
from filet.risk._assess import store_assessment, store_assessments
from filet.security import Actor
from filet.settings import Settings
from filet.store import transaction
from filet.store.schema import Alert, CaseEvent, InvestigationCase, RiskAssessment, RiskRule, User
from tests.risk.conftest import World


def _user(session: Session, name: str) -> User:
    return session.execute(select(User).where(User.username == name)).scalar_one()


def _actor(user: User) -> Actor:
    return Actor(user.id, user.username, user.role, "risk_assessment")


def activate_starter_library(sessions: sessionmaker[Session]) -> None:
    rules, errors = validate_rules(starter_rules_path())
    assert not errors
    with transaction(sessions) as session:
        ana, sam = _user(session, "ana"), _user(session, "sam")
        import_rules(session, rules, ana, _actor(ana))
        for checked in rules:
            approve_rule(session, checked.key, sam, _actor(sam))
            activate_rule(session, checked.key, sam, _actor(sam))


def test_approval_needs_a_supervisor_other_than_the_author(
    sessions: sessionmaker[Session], world: World
) -> None:
    rules, _ = validate_rules(starter_rules_path())
    first = rules[0]
    with transaction(sessions) as session:
        ana, sam, sue, ivo = (_user(session, n) for n in ("ana", "sam", "sue", "ivo"))
        save_rule(session, first, sam, _actor(sam))
        with pytest.raises(PermissionDenied, match="author may not approve"):
            approve_rule(session, first.key, sam, _actor(sam))
        with pytest.raises(PermissionDenied, match="only a supervisor"):
            approve_rule(session, first.key, ivo, _actor(ivo))
        with pytest.raises(PermissionDenied, match="only a supervisor"):
            approve_rule(session, first.key, ana, _actor(ana))
        with pytest.raises(ConflictError, match="must be approved"):
            activate_rule(session, first.key, sue, _actor(sue))
        approve_rule(session, first.key, sue, _actor(sue))
        activate_rule(session, first.key, sue, _actor(sue))
        history = list_rules(session, key=first.key)
        assert [(v.version, v.status) for v in history] == [
            (1, "draft"),
            (2, "approved"),
            (3, "active"),
        ]
        assert history[-1].author == "sam" and history[-1].approver == "sue"
        # Unchanged re-import changes nothing; a changed rule is a new draft version.
        assert save_rule(session, first, sam, _actor(sam)) is None
        changed = check_rule(first.document.model_copy(update={"weight": 0.9}))
        row = save_rule(session, changed, ana, _actor(ana))
        assert row is not None and (row.version, row.status) == (4, "draft")
        assert active_rules(session) == []
        retire_rule(session, first.key, sue, _actor(sue))
        assert list_rules(session)[0].status == "retired"


def test_activation_needs_both_impact_assessments(
    sessions: sessionmaker[Session], world: World
) -> None:
    rules, _ = validate_rules(starter_rules_path())
    bare = check_rule(rules[0].document.model_copy(update={"fria_reference": None}))
    with transaction(sessions) as session:
        ana, sam = _user(session, "ana"), _user(session, "sam")
        save_rule(session, bare, ana, _actor(ana))
        approve_rule(session, bare.key, sam, _actor(sam))
        with pytest.raises(ConflictError, match="fria_reference"):
            activate_rule(session, bare.key, sam, _actor(sam))


def _key(assessment: Any) -> tuple[Any, ...]:
    return (
        assessment.target,
        assessment.target_id,
        assessment.score,
        assessment.rule_versions,
        [f.as_json() for f in assessment.fired],
    )


def test_batch_and_online_assessments_are_identical(
    engine: Engine, sessions: sessionmaker[Session], settings: Settings, world: World
) -> None:
    activate_starter_library(sessions)
    with transaction(sessions) as session:
        summary = run_batch(engine, session, settings, run_key="batch-1")
    assert summary.assessed == {"booking": 5, "traveller": 14, "crossing": 7}
    with sessions() as session:
        rules = RuleSet.active(session)
        stored = list(session.execute(select(RiskAssessment)).scalars())
        assert len(stored) == 26
        for row in stored:
            online = assess_target(
                session,
                row.target_type,  # type: ignore[arg-type]
                row.target_id,
                settings,
                rules,
                store=False,
            )
            assert online.score == row.score, row.target_id
            assert online.rule_versions == row.rule_versions
            assert [f.as_json() for f in online.fired] == row.fired
        escort = assess_traveller(session, world.travellers["escort"], settings, rules, store=False)
    fired = {f.rule for f in escort.fired}
    assert {"escort-many-companions", "watchlist-hit", "transit-no-show"} <= fired
    assert "circuitous-long-transit" in fired
    by_rule = {f.rule: f for f in escort.fired}
    assert by_rule["escort-many-companions"].values == {
        "bookings_with_same_document": 2,
        "companions_across_bookings": 5,
    }
    assert escort.score == sum(f.weight for f in escort.fired)


def test_an_assessment_is_reproduced_from_its_stored_rule_versions(
    engine: Engine, sessions: sessionmaker[Session], settings: Settings, world: World
) -> None:
    activate_starter_library(sessions)
    with transaction(sessions) as session:
        before = assess_traveller(session, world.travellers["escort"], settings)
    with transaction(sessions) as session:
        # The rule changes afterwards: a new version, approved and active.
        ana, sue = _user(session, "ana"), _user(session, "sue")
        rules, _ = validate_rules(starter_rules_path())
        watch = next(r for r in rules if r.key == "watchlist-hit")
        old_weight = watch.document.weight
        save_rule(
            session, check_rule(watch.document.model_copy(update={"weight": 3.0})), ana, _actor(ana)
        )
        approve_rule(session, "watchlist-hit", sue, _actor(sue))
        activate_rule(session, "watchlist-hit", sue, _actor(sue))
    with sessions() as session:
        row = session.execute(
            select(RiskAssessment).where(RiskAssessment.target_id == world.travellers["escort"])
        ).scalar_one()
        stored, again = reproduce(session, row.id)
        now = assess_traveller(session, world.travellers["escort"], settings, store=False)
    assert _key(stored) == _key(again) == _key(before)
    assert now.score == pytest.approx(before.score + 3.0 - old_weight)
    assert now.rule_versions["watchlist-hit"] == before.rule_versions["watchlist-hit"] + 3


def test_alerts_above_the_threshold_and_a_reproducible_control_sample(
    engine: Engine, sessions: sessionmaker[Session], settings: Settings, world: World
) -> None:
    activate_starter_library(sessions)
    sampled = settings.model_copy(update={"control_sample_rate": 0.5})
    with transaction(sessions) as session:
        run_batch(engine, session, sampled, run_key="batch-2")
    with sessions() as session:
        assessments = {a.id: a for a in session.execute(select(RiskAssessment)).scalars()}
        alerts = list(
            session.execute(select(Alert).where(Alert.source_type == "risk_assessment")).scalars()
        )
    risk = [a for a in alerts if a.kind == "risk"]
    control = [a for a in alerts if a.kind == "control"]
    assert risk and all(a.score >= settings.risk_alert_threshold for a in risk)
    flagged = {a.source_id for a in risk}
    for row in assessments.values():
        expected = row.fired and row.score >= settings.risk_alert_threshold
        assert (row.id in flagged) == bool(expected)
    expected_controls = {
        row.id
        for row in assessments.values()
        if row.id not in flagged
        and row.target_type in ("traveller", "crossing")
        and in_control_sample("batch-2", row.target_type, row.target_id, 0.5)  # type: ignore[arg-type]
    }
    assert {a.source_id for a in control} == expected_controls and expected_controls


def test_review_needs_reason_and_exonerating_tick_and_escalation_opens_a_case(
    engine: Engine, sessions: sessionmaker[Session], settings: Settings, world: World
) -> None:
    activate_starter_library(sessions)
    with transaction(sessions) as session:
        run_batch(engine, session, settings, run_key="batch-3")
    with transaction(sessions) as session:
        ana = _user(session, "ana")
        queue = review_queue(session)
        assert queue and queue[0].score == max(i.score for i in queue)
        top = queue[0]
        evidence = alert_evidence(session, top.alert_id)
        assert evidence.fired and all("values" in f for f in evidence.fired)
        with pytest.raises(InputError, match="exonerating"):
            review_alert(
                session, top.alert_id, ana, "escalate", "Group with escort", False, _actor(ana)
            )
        with pytest.raises(InputError, match="reason"):
            review_alert(session, top.alert_id, ana, "escalate", "", True, _actor(ana))
        outcome = review_alert(
            session,
            top.alert_id,
            ana,
            "escalate",
            "Escort seen twice with other groups",
            True,
            _actor(ana),
        )
        assert outcome.status == "escalated" and outcome.case_reference
        second = queue[1]
        fed = review_alert(
            session,
            second.alert_id,
            ana,
            "escalate",
            "Same booking as the escort case",
            True,
            _actor(ana),
            case_reference=outcome.case_reference,
        )
        assert fed.case_reference == outcome.case_reference
        with pytest.raises(ConflictError):
            review_alert(
                session, top.alert_id, ana, "dismiss", "Changed my mind", True, _actor(ana)
            )
    with sessions() as session:
        cases = list(session.execute(select(InvestigationCase)).scalars())
        events = list(session.execute(select(CaseEvent)).scalars())
    assert len(cases) == 1 and len(events) == 2
    assert {e.data["alert_id"] for e in events} == {top.alert_id, second.alert_id}
    assert events[0].data["fired"]


def test_rule_rows_are_never_changed_only_added(
    sessions: sessionmaker[Session], world: World
) -> None:
    activate_starter_library(sessions)
    with sessions() as session:
        rows = list(
            session.execute(
                select(RiskRule).where(RiskRule.rule_key == "stolen-document")
            ).scalars()
        )
    assert [(r.version, r.status) for r in rows] == [(1, "draft"), (2, "approved"), (3, "active")]
    assert rows[0].approver_id is None and rows[2].approver_id is not None


def _stored(session: Session) -> dict[tuple[str, int], tuple[Any, ...]]:
    """Every stored assessment with the alert that cites it."""
    rows = session.execute(
        select(RiskAssessment, Alert).outerjoin(
            Alert,
            (Alert.source_type == "risk_assessment") & (Alert.source_id == RiskAssessment.id),
        )
    ).all()
    return {
        (row.target_type, row.target_id): (
            row.run_key,
            row.score,
            row.rule_versions,
            row.fired,
            row.settings_version,
            None
            if alert is None
            else (alert.kind, alert.subject_type, alert.subject_id, alert.score, alert.summary),
        )
        for row, alert in rows
    }


def test_bulk_writing_in_chunks_stores_what_one_by_one_stores(
    engine: Engine, sessions: sessionmaker[Session], settings: Settings, world: World
) -> None:
    activate_starter_library(sessions)
    sampled = settings.model_copy(update={"control_sample_rate": 0.5})
    targets: list[tuple[Target, int]] = [
        *(("booking", i) for i in world.bookings.values()),
        *(("traveller", i) for i in world.travellers.values()),
        *(("crossing", i) for i in world.crossings.values()),
    ]
    with sessions() as session:
        rules = RuleSet.active(session)
        assessments = [
            assess_target(session, t, i, sampled, rules, store=False) for t, i in targets
        ]
    with transaction(sessions) as session:
        for assessment in assessments:
            store_assessment(session, assessment, "run-1", sampled)
    with transaction(sessions) as session:
        one = _stored(session)
        session.execute(delete(Alert).where(Alert.source_type == "risk_assessment"))
        session.execute(delete(RiskAssessment))
    with transaction(sessions) as session:
        # chunks of 4 rows: each alert must cite the assessment of its own target
        counts = store_assessments(session, assessments, "run-1", sampled, chunk_size=4)
    with sessions() as session:
        bulk = _stored(session)
    assert len(one) == len(targets) and bulk == one
    kinds = [v[5][0] for v in bulk.values() if v[5] is not None]
    assert counts["assessed"] == len(targets)
    assert counts["fired"] == sum(1 for a in assessments if a.fired)
    assert (counts["risk"], counts["control"]) == (kinds.count("risk"), kinds.count("control"))
    assert counts["risk"] and counts["control"]


def test_the_scoring_sql_gives_the_scores_of_the_rules_evaluated_one_target_at_a_time(
    engine: Engine, world: World
) -> None:
    import duckdb

    from filet.risk._batch import ID_COLUMNS, batch_features, create_feature_views, load_store

    rules, errors = validate_rules(starter_rules_path())
    assert not errors
    ruleset = RuleSet(rules)
    connection = duckdb.connect()
    try:
        load_store(engine, connection)
        create_feature_views(connection)
        for target in ("booking", "traveller", "crossing"):
            expected = {}
            for target_id, features in batch_features(engine, target).items():
                assessment = ruleset.assess(target, target_id, features)
                if assessment.fired:
                    expected[target_id] = assessment.score
            rows = connection.execute(ruleset.score_sql(target)).fetchall()
            scored = {row[0]: float(row[1]) for row in rows}
            assert len(rows) == len(scored), ID_COLUMNS[target]
            assert scored == pytest.approx(expected), target
            assert expected, target  # the world fires some rule of every target
    finally:
        connection.close()
