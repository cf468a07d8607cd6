"""Differentially private releases: the (epsilon, delta) spent is recorded per dataset, and a
release that would overspend is refused without recording anything."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from filet.errors import FiletError
from filet.research import BudgetExhausted, NoiseSpec, Period, release
from filet.security import SYSTEM
from filet.settings import Settings
from filet.store import transaction
from filet.store.schema import PrivacyBudget, StatisticsRelease


def _count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(StatisticsRelease)) or 0)


def test_budget_is_recorded_spent_and_exhausted_budgets_refuse_releases(
    world: sessionmaker[Session], research_settings: Settings
) -> None:
    with transaction(world) as session:
        first = release(
            session,
            "crossings",
            ["route"],
            Period(),
            research_settings,
            SYSTEM,
            noise=NoiseSpec(epsilon=0.6),
        )
        assert first.epsilon == 0.6
        assert first.delta == 0.0
        parameters = first.parameters["differential_privacy"]
        assert parameters["mechanism"] == "laplace"
        assert parameters["library"] == "OpenDP"
        assert parameters["noise_scale"] > 0
        assert first.dataset == "border_crossings"
    with transaction(world) as session:
        # Another topic on the same dataset (refusals are crossings) shares its budget.
        release(
            session,
            "refusals",
            ["route"],
            Period(),
            research_settings,
            SYSTEM,
            noise=NoiseSpec(epsilon=0.3, delta=1e-7, mechanism="gaussian"),
        )
    with world() as session:
        budget = session.scalars(
            select(PrivacyBudget).where(PrivacyBudget.dataset == "border_crossings")
        ).one()
        assert budget.epsilon_total == 1.0
        assert budget.epsilon_spent == pytest.approx(0.9)
        assert budget.delta_spent == pytest.approx(1e-7)
        before = _count(session)
    with pytest.raises(BudgetExhausted, match="exhausted"), transaction(world) as session:
        release(
            session,
            "crossings",
            ["month"],
            Period(),
            research_settings,
            SYSTEM,
            noise=NoiseSpec(epsilon=0.2),
        )
    with world() as session:
        assert _count(session) == before
        budget = session.scalars(
            select(PrivacyBudget).where(PrivacyBudget.dataset == "border_crossings")
        ).one()
        assert budget.epsilon_spent == pytest.approx(0.9)
    with transaction(world) as session:
        # What is left can still be spent, and other datasets have budgets of their own.
        release(
            session,
            "crossings",
            ["month"],
            Period(),
            research_settings,
            SYSTEM,
            noise=NoiseSpec(epsilon=0.1),
        )
        release(
            session,
            "referrals",
            ["service"],
            Period(),
            research_settings,
            SYSTEM,
            noise=NoiseSpec(epsilon=1.0),
        )


def test_noisy_tables_still_meet_the_threshold_and_add_up(
    world: sessionmaker[Session], research_settings: Settings
) -> None:
    with transaction(world) as session:
        row = release(
            session,
            "crossings",
            ["route", "decision"],
            Period(),
            research_settings,
            SYSTEM,
            noise=NoiseSpec(epsilon=0.5),
        )
        cells = row.output["cells"]
    shown = [c["count"] for c in cells if c["count"] is not None]
    assert shown and all(v == 0 or v >= 10 for v in shown)
    assert all(v % 5 == 0 for v in shown)


def test_sensitivity_follows_the_contribution_bound(
    world: sessionmaker[Session], research_settings: Settings
) -> None:
    with transaction(world) as session:
        row = release(
            session,
            "deaths_missing",
            ["outcome"],
            Period(),
            research_settings,
            SYSTEM,
            noise=NoiseSpec(epsilon=0.5),
        )
    dp = row.parameters["differential_privacy"]
    assert dp["sensitivity"] == 200  # up to 100 dead and 100 missing per incident
    assert row.dataset == "migrant_incidents"


def test_bad_noise_parameters_are_refused(
    world: sessionmaker[Session], research_settings: Settings
) -> None:
    with transaction(world) as session:
        for spec in (
            NoiseSpec(epsilon=0),
            NoiseSpec(epsilon=0.1, delta=0.1),
            NoiseSpec(0.1, 0, "gaussian"),
            NoiseSpec(0.1, 0, "magic"),
        ):
            with pytest.raises(FiletError):
                release(
                    session, "crossings", ["route"], Period(), research_settings, SYSTEM, noise=spec
                )
        with pytest.raises(FiletError, match="fee distributions"):
            release(
                session,
                "fees",
                ["route"],
                Period(),
                research_settings,
                SYSTEM,
                noise=NoiseSpec(0.1),
            )
