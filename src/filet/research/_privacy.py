"""Differentially private counts with OpenDP, and the (epsilon, delta) budget of each dataset.

Noise is added once, to the finest cells of a table; every margin is then the sum of the noisy
cells (post-processing, which costs no budget), so a release spends exactly the epsilon and delta it
declares. One record (a crossing, a referral, an incident ...) changes the finest cells by at most
the topic's contribution bound; values are clamped to it before noise is added.

Mechanisms: ``laplace`` (pure epsilon-DP, delta = 0, discrete Laplace) and ``gaussian``
(approximate (epsilon, delta)-DP, discrete Gaussian via zero-concentrated DP). Budgets compose
additively (basic composition) and a release that would overspend is refused before any noise is
drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import opendp.prelude as dp
from sqlalchemy import select
from sqlalchemy.orm import Session

from filet.errors import FiletError, Place
from filet.store.schema import PrivacyBudget

dp.enable_features("contrib")

MECHANISMS = ("laplace", "gaussian")


class BudgetExhausted(FiletError):
    """A release would spend more privacy budget than its dataset has left."""


@dataclass(frozen=True)
class NoiseSpec:
    """What a differentially private release asks for."""

    epsilon: float
    delta: float = 0.0
    mechanism: str = "laplace"

    def check(self) -> None:
        if self.mechanism not in MECHANISMS:
            raise FiletError(
                f"unknown mechanism {self.mechanism!r}; expected one of {', '.join(MECHANISMS)}",
                Place(field="mechanism"),
            )
        if self.epsilon <= 0:
            raise FiletError("epsilon must be positive", Place(field="epsilon"))
        if self.mechanism == "laplace" and self.delta != 0:
            raise FiletError("the Laplace mechanism has delta = 0", Place(field="delta"))
        if self.mechanism == "gaussian" and not 0 < self.delta < 1:
            raise FiletError("the Gaussian mechanism needs 0 < delta < 1", Place(field="delta"))


def _measurement(spec: NoiseSpec, scale: float) -> Any:
    if spec.mechanism == "laplace":
        return dp.m.make_laplace(
            dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int), scale=scale
        )
    gaussian = dp.m.make_gaussian(
        dp.vector_domain(dp.atom_domain(T=int)), dp.l2_distance(T=int), scale=scale
    )
    return dp.c.make_fix_delta(dp.c.make_zCDP_to_approxDP(gaussian), spec.delta)


def noisy_counts(values: list[int], spec: NoiseSpec, sensitivity: int) -> tuple[list[int], float]:
    """``values`` with calibrated noise for (epsilon, delta) at the given sensitivity; and the
    noise scale used. The L2 sensitivity used for the Gaussian is the L1 one (an upper bound)."""
    spec.check()
    d_out: Any = spec.epsilon if spec.mechanism == "laplace" else (spec.epsilon, spec.delta)
    scale = float(
        dp.binary_search_param(lambda s: _measurement(spec, s), d_in=sensitivity, d_out=d_out)
    )
    noisy = _measurement(spec, scale)([int(v) for v in values])
    return [int(v) for v in noisy], scale


def budget(
    session: Session, dataset: str, epsilon_total: float, delta_total: float
) -> PrivacyBudget:
    """The budget row of ``dataset``, created with the configured totals on first use."""
    row = session.scalars(
        select(PrivacyBudget).where(PrivacyBudget.dataset == dataset).with_for_update()
    ).one_or_none()
    if row is None:
        row = PrivacyBudget(
            dataset=dataset,
            epsilon_total=epsilon_total,
            delta_total=delta_total,
            epsilon_spent=0.0,
            delta_spent=0.0,
        )
        session.add(row)
        session.flush()
    return row


def spend(row: PrivacyBudget, spec: NoiseSpec) -> None:
    """Charge ``spec`` to the budget, or refuse (nothing is charged) if it would overspend."""
    epsilon_left = row.epsilon_total - row.epsilon_spent
    delta_left = row.delta_total - row.delta_spent
    if spec.epsilon > epsilon_left + 1e-12 or spec.delta > delta_left + 1e-15:
        raise BudgetExhausted(
            f"privacy budget of dataset {row.dataset!r} exhausted: epsilon {epsilon_left:.4g} "
            f"and delta {delta_left:.3g} left, release asks epsilon {spec.epsilon:g} and "
            f"delta {spec.delta:g}",
            Place(field="epsilon"),
        )
    row.epsilon_spent += spec.epsilon
    row.delta_spent += spec.delta
