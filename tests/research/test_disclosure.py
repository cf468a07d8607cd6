"""Disclosure control: minimum cell size over every combination, and suppressed cells that an
attacker cannot recover from the published cells by subtraction, linear algebra or bounds."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from sqlalchemy.orm import Session, sessionmaker

from filet.research import Period, build_cube, compute, protect
from filet.research._disclosure import Cube
from filet.settings import Settings


def _relations(shape: tuple[int, ...]) -> list[list[tuple[int, float]]]:
    """The attacker's knowledge of the table's structure: each total equals the sum of its parts."""
    flat = np.arange(int(np.prod(shape))).reshape(shape)
    out = []
    for axis in range(len(shape)):
        for line in np.moveaxis(flat, axis, -1).reshape(-1, shape[axis]):
            out.append([(int(p), 1.0) for p in line[:-1]] + [(int(line[-1]), -1.0)])
    return out


def attack(cube: Cube) -> dict[int, float]:
    """Everything an attacker can pin down: the suppressed cells whose value follows from the
    published ones (given exactly, unrounded: stronger than the real attacker) by exact linear
    algebra over the additivity relations, or by interval reasoning from non-negativity."""
    values = cube.true.reshape(-1)
    hidden = [int(i) for i in np.nonzero(cube.status.reshape(-1))[0]]
    position = {c: i for i, c in enumerate(hidden)}
    rows, rhs = [], []
    for relation in _relations(cube.true.shape):
        row = np.zeros(len(hidden))
        known = 0.0
        for cell, sign in relation:
            if cell in position:
                row[position[cell]] += sign
            else:
                known -= sign * values[cell]
        if row.any():
            rows.append(row)
            rhs.append(known)
    recovered: dict[int, float] = {}
    if not rows:
        return recovered
    matrix = np.array(rows)
    rank = np.linalg.matrix_rank(matrix)
    for cell, i in position.items():
        unit = np.zeros(len(hidden))
        unit[i] = 1.0
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            solution = np.linalg.lstsq(matrix, np.array(rhs), rcond=None)[0]
            recovered[cell] = float(solution[i])
    low, high = np.zeros(len(hidden)), np.full(len(hidden), np.inf)
    for _ in range(100):
        for row, known in zip(matrix, rhs, strict=True):
            for j in np.nonzero(row)[0]:
                rest = [k for k in np.nonzero(row)[0] if k != j]
                upper = known - sum(row[k] * (low[k] if row[k] > 0 else high[k]) for k in rest)
                lower = known - sum(row[k] * (high[k] if row[k] > 0 else low[k]) for k in rest)
                if row[j] < 0:
                    lower, upper = -upper, -lower
                low[j], high[j] = max(low[j], lower), min(high[j], upper)
    for cell, i in position.items():
        if high[i] - low[i] < 0.5:
            recovered[cell] = float(low[i])
    return recovered


def _random_rows(seed: int, sizes: tuple[int, ...]) -> list[tuple[tuple[str, ...], float]]:
    rng = random.Random(seed)
    cats = [[f"c{d}{i}" for i in range(n)] for d, n in enumerate(sizes)]
    return [
        (key, float(rng.choice([0, 1, 2, 3, 4, 6, 9, 10, 12, 15, 25, 40, 80])))
        for key in itertools.product(*cats)
    ]


def test_the_attack_recovers_cells_when_only_primary_suppression_is_applied() -> None:
    # The attacker is not vacuous: with small cells hidden but no complements, it finds them.
    cube = build_cube(
        [(("a", "x"), 3.0), (("a", "y"), 20.0), (("b", "x"), 30.0), (("b", "y"), 40.0)],
        ("d1", "d2"),
    )
    cube.status[(cube.true > 0) & (cube.true < 11)] = 1
    recovered = attack(cube)
    assert recovered == {0: pytest.approx(3.0)}


@pytest.mark.parametrize(
    ("seed", "sizes"),
    [
        (1, (6,)),
        (2, (4, 5)),
        (3, (3, 7)),
        (4, (3, 3, 4)),
        (5, (2, 4, 3)),
        (6, (4, 3, 2, 2)),
        (7, (8, 6)),
    ],
)
def test_no_suppressed_cell_can_be_recovered_from_the_published_margins(
    seed: int, sizes: tuple[int, ...]
) -> None:
    cube = protect(
        build_cube(_random_rows(seed, sizes), tuple(f"d{i}" for i in range(len(sizes)))), 11, 5
    )
    assert (cube.status == 1).any(), "the table should need suppression"
    assert attack(cube) == {}
    # And no line (a total with its parts) has exactly one suppressed cell.
    for relation in _relations(cube.true.shape):
        assert sum(1 for cell, _ in relation if cube.status.reshape(-1)[cell]) != 1


@pytest.mark.parametrize("seed", range(10, 20))
def test_every_published_cell_of_every_combination_meets_the_threshold(seed: int) -> None:
    cube = protect(build_cube(_random_rows(seed, (3, 4, 3)), ("a", "b", "c")), 11, 5)
    published = cube.status == 0
    true = cube.true[published]
    assert ((true == 0) | (true >= 11)).all()
    for index in itertools.product(*(range(n) for n in cube.true.shape)):
        value = cube.published_value(index)
        if value is not None:
            assert value % 5 == 0
            assert abs(value - cube.true[index]) <= 2.5


TABLES = [
    ("crossings", ["nationality", "month"]),
    ("crossings", ["route", "decision", "quarter"]),
    ("refusals", ["route", "nationality"]),
    ("fraudulent_documents", ["fraud_type", "document_type"]),
    ("facilitators", ["detected_by", "role"]),
    ("fees", ["route", "currency"]),
    ("referrals", ["service", "referral_status", "child_track"]),
    ("cases", ["outcome"]),
    ("deaths_missing", ["route", "outcome", "quarter"]),
]


def test_released_tables_from_the_store_are_safe(
    world: sessionmaker[Session], settings: Settings
) -> None:
    with world() as session:
        tables = [compute(session, topic, by, Period(), settings) for topic, by in TABLES]
    for table in tables:
        cube = table.cube
        true = cube.true[cube.status == 0]
        assert ((true == 0) | (true >= settings.disclosure_min_cell)).all(), table.topic.key
        assert attack(cube) == {}, table.topic.key
        shown = [c for c in table.cells if c["count"] is not None]
        assert all(c["count"] % settings.disclosure_rounding_base == 0 for c in shown)
        hidden = [c for c in table.cells if c["count"] is None]
        assert all(c["status"].startswith("suppressed") and c["reason"] for c in hidden)
    assert any(t.suppressed() for t in tables), "the world should need some suppression"
