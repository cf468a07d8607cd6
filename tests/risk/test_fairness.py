"""Fairness metrics against values computed by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from filet.risk import Detection, audit, evaluate_against_truth, run_batch, wilson
from filet.risk._fairness import Screened, group_metrics, rule_metrics
from filet.settings import Settings
from filet.store import transaction
from filet.store.schema import Alert
from tests.risk.conftest import World
from tests.risk.test_assess import activate_starter_library


def _people(
    nationality: str,
    screened: int,
    flagged: int,
    confirmed: int,
    dismissed: int,
    controls: int,
    missed: int,
    rules: tuple[str, ...],
) -> list[Screened]:
    people: list[Screened] = []
    for i in range(screened):
        is_flagged = i < flagged
        outcome = None
        if is_flagged:
            outcome = (
                "confirmed"
                if i < confirmed
                else "dismissed"
                if i < confirmed + dismissed
                else "open"
            )
        control = None
        if not is_flagged and i - flagged < controls:
            control = "confirmed" if i - flagged < missed else "dismissed"
        people.append(
            Screened(
                i,
                nationality,
                "F",
                "30-44",
                is_flagged,
                outcome,
                control,
                rules if is_flagged else (),
            )
        )
    return people


PEOPLE = (
    _people("AAA", 100, 20, 12, 4, 10, 1, ("r1",))
    + _people("BBB", 50, 20, 5, 15, 5, 0, ("r1", "r2"))
    + _people("CCC", 8, 8, 1, 0, 0, 0, ("r2",))  # 7 of its 8 alerts still open
)


def test_wilson_interval() -> None:
    low, high = wilson(20, 100) or (0, 0)
    assert low == pytest.approx(0.1333, abs=1e-4) and high == pytest.approx(0.2888, abs=1e-4)
    assert wilson(0, 0) is None
    assert wilson(0, 10) == (0.0, pytest.approx(0.2775, abs=1e-4))


def test_group_metrics_by_hand() -> None:
    groups = {g.group: g for g in group_metrics(PEOPLE, ("nationality",), 11)}
    a, b, c = groups["AAA"], groups["BBB"], groups["CCC"]
    assert c.suppressed and c.screened is None and c.selection_rate is None
    assert (a.screened, a.flagged, a.reviewed, a.confirmed) == (100, 20, 16, 12)
    assert a.selection_rate == 0.2 and a.disparate_impact_ratio == 1.0
    assert a.hit_rate == 0.75 and a.false_discovery_rate == 0.25
    assert a.control_miss_rate == 0.1
    # 80 unflagged, 10% missed: 8 positives not flagged; 20 flagged x 75% = 15 positives flagged
    assert a.false_negative_rate == pytest.approx(8 / 23)
    # 5 negatives flagged; 72 negatives not flagged
    assert a.false_positive_rate == pytest.approx(5 / 77)
    assert a.warnings == []
    assert b.selection_rate == 0.4 and b.disparate_impact_ratio == 2.0
    assert b.hit_rate == 0.25 and b.false_discovery_rate == 0.75
    assert b.false_negative_rate == 0.0 and b.false_positive_rate == pytest.approx(15 / 45)
    assert len(b.warnings) == 2
    assert "outside 0.8-1.25" in b.warnings[0]
    assert "selected more often than AAA (40.0% vs 20.0%)" in b.warnings[1]
    assert "confirmed less often (25.0% vs 75.0%)" in b.warnings[1]
    assert b.selection_ci == wilson(20, 50) and b.hit_rate_ci == wilson(5, 20)


def test_intersections_are_audited_and_small_cells_suppressed() -> None:
    groups = group_metrics(PEOPLE, ("nationality", "sex", "age_band"), 11)
    labels = {g.group: g.suppressed for g in groups}
    assert labels == {"AAA × F × 30-44": False, "BBB × F × 30-44": False, "CCC × F × 30-44": True}


def test_rule_metrics_by_hand() -> None:
    ruleset, rules = rule_metrics(PEOPLE)
    by_rule = {r.rule: r for r in rules}
    assert (by_rule["r1"].hits, by_rule["r1"].reviewed, by_rule["r1"].confirmed) == (40, 36, 17)
    assert (by_rule["r2"].hits, by_rule["r2"].reviewed, by_rule["r2"].confirmed) == (28, 21, 6)
    assert by_rule["r2"].confirmed_rate == 6 / 21
    assert (ruleset.hits, ruleset.reviewed, ruleset.confirmed) == (48, 37, 18)


def test_audit_over_the_store_suppresses_small_groups(
    engine: Engine, sessions: sessionmaker[Session], settings: Settings, world: World
) -> None:
    activate_starter_library(sessions)
    with transaction(sessions) as session:
        run_batch(engine, session, settings, run_key="audit-1")
    with sessions() as session:
        report = audit(session, min_group=settings.disclosure_min_cell)
        everyone = audit(session, min_group=1)
    assert report.screened == 14
    assert all(g.suppressed for g in report.groups)
    syr = next(g for g in everyone.groups if g.dimension == "nationality" and g.group == "SYR")
    assert syr.screened == 4 and syr.flagged is not None
    assert report.ruleset.hits == everyone.ruleset.hits > 0


def test_precision_and_recall_against_synthetic_truth(
    sessions: sessionmaker[Session], world: World, tmp_path: Path
) -> None:
    truth = tmp_path / "truth"
    truth.mkdir()
    (truth / "bookings.csv").write_text(
        "record_locator,operation_id,group_id,kind,split_group\n"
        "K7Q2ZX,OP1,G1,smuggling,\nK7Q3AB,OP1,G1,smuggling,\nM2PL8R,OP0,G0,smuggling,\n"
        "F4MLY9,,F1,family,\nB5SN3S,,,business,\n"
    )
    (truth / "records.csv").write_text(
        "record_id,source,file,identity_person_id,physical_person_id,operation_id,group_id,variations\n"
        "pnrgov:K7Q2ZX:1,pnrgov,f,P1,P1,OP1,G1,\npnrgov:K7Q2ZX:2,pnrgov,f,P2,P2,OP1,G1,\n"
        "pnrgov:K7Q2ZX:3,pnrgov,f,P3,P3,OP1,G1,\npnrgov:K7Q2ZX:4,pnrgov,f,P4,P4,OP1,G1,\n"
        "pnrgov:F4MLY9:1,pnrgov,f,P9,P9,,F1,\npnrgov:B5SN3S:1,pnrgov,f,P8,P8,,,\n"
        "paxlst:A1,paxlst,f,P1,P1,OP1,G1,\n"
    )
    with transaction(sessions) as session:
        for subject_type, subject_id in (
            ("pnr_traveller", world.travellers["escort"]),
            ("pnr_traveller", world.travellers["business"]),
            ("pnr_booking", world.bookings["split"]),
        ):
            session.add(
                Alert(
                    kind="risk",
                    subject_type=subject_type,
                    subject_id=subject_id,
                    source_type="test",
                    source_id=subject_id * 10 + len(subject_type),
                )
            )
    with sessions() as session:
        found = evaluate_against_truth(session, truth)
    # The world already holds a confirmed alert on the escort's earlier trip (M2PL8R).
    # Bookings flagged: K7Q2ZX (via the escort), B5SN3S, K7Q3AB, M2PL8R; positives: K7Q2ZX,
    # K7Q3AB, M2PL8R.
    assert found["bookings"] == Detection(3, 4, 3, 3 / 4, 1.0)
    # Travellers flagged: escort (positive), business and the escort's earlier record (no truth
    # row: negative); positives: the 4 travellers of K7Q2ZX.
    assert found["travellers"] == Detection(4, 3, 1, 1 / 3, 0.25)
