"""Disclosure control of a released table and all its margins.

A release of a table over dimensions D publishes every combination of D (the full table, each
marginal table, the grand total). The cube holds them in one array with an extra "total" index per
dimension, so every published figure is one cell and every additivity relation ("a total is the sum
of its parts") is one line along one axis.

1. **Primary suppression**: a cell with 0 < count < ``min_cell`` is suppressed, in every margin.
2. **Complementary suppression**: a line with exactly one suppressed cell lets anyone subtract the
   published cells from the published total; so each such line gets a second suppressed cell (the
   smallest published one, preferring non-zero cells), repeated to a fixed point over all lines.
3. **Audit**: "two per line" is necessary but not sufficient in tables of three or more
   dimensions. For each connected group of suppressed cells we reduce the additivity system
   restricted to the suppressed cells (Gauss-Jordan): a cell whose unit vector lies in its row
   space is determined by the published figures, and we also tighten bounds from
   non-negativity (interval propagation). Any cell so pinned gets another complement and the loop
   resumes. The result: no suppressed cell can be recovered from the published ones.
4. **Rounding**: published counts are rounded to the nearest multiple of ``rounding_base``.

We wrote this ourselves: tau-argus and sdcMicro are not Python, and the Python SDC packages offer
k-anonymity of microdata, not cell suppression in linked tables.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

TOTAL = "Total"

PUBLISHED = "published"
PRIMARY = "suppressed_primary"
SECONDARY = "suppressed_secondary"

REASONS = {
    PRIMARY: "fewer than the minimum cell size",
    SECONDARY: "complementary: would let a suppressed cell be recovered from published totals",
}


@dataclass
class Cube:
    """Every combination of the released dimensions: counts, status and published values."""

    dimensions: tuple[str, ...]
    categories: tuple[tuple[str, ...], ...]
    true: npt.NDArray[np.float64]  # never published; disclosure control reads it
    status: npt.NDArray[np.int8] = field(init=False)  # 0 published, 1 primary, 2 secondary
    min_cell: int = 11
    rounding_base: int = 1

    def __post_init__(self) -> None:
        self.status = np.zeros(self.true.shape, dtype=np.int8)

    @property
    def suppressed(self) -> npt.NDArray[np.bool_]:
        return self.status > 0

    def label(self, index: tuple[int, ...]) -> dict[str, str]:
        return {
            d: (TOTAL if i == len(cats) else cats[i])
            for d, cats, i in zip(self.dimensions, self.categories, index, strict=True)
        }

    def published_value(self, index: tuple[int, ...]) -> int | None:
        if self.status[index]:
            return None
        return round_to(float(self.true[index]), self.rounding_base)

    def cells(self) -> list[dict[str, Any]]:
        """The released cells: dimension values (``Total`` for a margin), count or suppression."""
        out = []
        for index in itertools.product(*(range(n) for n in self.true.shape)):
            status = int(self.status[index])
            name = (PUBLISHED, PRIMARY, SECONDARY)[status]
            out.append(
                {
                    "dimensions": self.label(index),
                    "count": self.published_value(index),
                    "status": name,
                    "reason": REASONS.get(name),
                }
            )
        return out


def round_to(value: float, base: int) -> int:
    """Round half up to the nearest multiple of ``base``."""
    if base <= 1:
        return int(np.floor(value + 0.5))
    return int(base * np.floor(value / base + 0.5))


def build_cube(
    rows: list[tuple[tuple[str, ...], float]],
    dimensions: tuple[str, ...],
    categories: tuple[tuple[str, ...], ...] | None = None,
    max_cells: int = 250_000,
) -> Cube:
    """The cube of ``rows`` (finest-level keys and values): all categories crossed, zeros
    included, with every margin summed."""
    if categories is None:
        categories = tuple(
            tuple(sorted({key[i] for key, _ in rows})) for i in range(len(dimensions))
        )
    shape = tuple(len(c) + 1 for c in categories)
    size = int(np.prod(shape)) if shape else 1
    if size > max_cells:
        raise ValueError(
            f"the table would have {size} cells (more than {max_cells}); "
            "break it down by fewer or coarser dimensions"
        )
    true = np.zeros(shape, dtype=np.float64)
    positions = [{c: i for i, c in enumerate(cats)} for cats in categories]
    for key, value in rows:
        index = tuple(positions[i][k] for i, k in enumerate(key))
        true[index] += value
    for axis, n in enumerate(len(c) for c in categories):
        inner: list[slice | int] = [slice(None)] * len(shape)
        inner[axis] = slice(0, n)
        total: list[slice | int] = [slice(None)] * len(shape)
        total[axis] = n
        true[tuple(total)] = true[tuple(inner)].sum(axis=axis)
    return Cube(dimensions, categories, true)


def lines(shape: tuple[int, ...]) -> list[tuple[npt.NDArray[np.int64], int]]:
    """Every additivity relation as (flat indices of the parts, flat index of their total)."""
    flat = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    out = []
    for axis in range(len(shape)):
        moved = np.moveaxis(flat, axis, -1).reshape(-1, shape[axis])
        for row in moved:
            out.append((row[:-1], int(row[-1])))
    return out


def _pick_complement(candidates: npt.NDArray[np.int64], values: npt.NDArray[np.float64]) -> int:
    """The candidate to suppress: the smallest non-zero value, else a zero (losing least)."""
    vals = values[candidates]
    nonzero = vals > 0
    pool = candidates[nonzero] if nonzero.any() else candidates
    pool_vals = values[pool]
    return int(pool[int(np.argmin(pool_vals))])


def _two_per_line(cube: Cube, all_lines: list[tuple[npt.NDArray[np.int64], int]]) -> int:
    status = cube.status.reshape(-1)
    values = cube.true.reshape(-1)
    added = 0
    changed = True
    while changed:
        changed = False
        for parts, total in all_lines:
            members = np.append(parts, total)
            hidden = status[members] > 0
            if int(hidden.sum()) == 1:
                candidates = members[~hidden]
                status[_pick_complement(candidates, values)] = 2
                added += 1
                changed = True
    return added


def _components(
    hidden: set[int], all_lines: list[tuple[npt.NDArray[np.int64], int]]
) -> list[tuple[list[int], list[tuple[npt.NDArray[np.int64], int]]]]:
    """Groups of suppressed cells linked by lines, with the lines touching each group."""
    parent = {c: c for c in hidden}

    def find(c: int) -> int:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    touching = []
    for parts, total in all_lines:
        members = [int(m) for m in (*parts, total) if int(m) in hidden]
        if members:
            touching.append((parts, total))
            for m in members[1:]:
                parent[find(m)] = find(members[0])
    groups: dict[int, list[int]] = {}
    for c in hidden:
        groups.setdefault(find(c), []).append(c)
    by_root: dict[int, list[tuple[npt.NDArray[np.int64], int]]] = {r: [] for r in groups}
    for parts, total in touching:
        first = next(int(m) for m in (*parts, total) if int(m) in hidden)
        by_root[find(first)].append((parts, total))
    return [(sorted(cells), by_root[root]) for root, cells in groups.items()]


def determined_cells(
    hidden: set[int],
    all_lines: list[tuple[npt.NDArray[np.int64], int]],
    values: npt.NDArray[np.float64],
) -> set[int]:
    """Suppressed cells an attacker can compute exactly from the published cells: by linear algebra
    over the additivity relations, or by tightening non-negative bounds until they meet."""
    pinned: set[int] = set()
    for cells, group_lines in _components(hidden, all_lines):
        position = {c: i for i, c in enumerate(cells)}
        matrix = np.zeros((len(group_lines), len(cells)))
        known = np.zeros(len(group_lines))
        for row, (parts, total) in enumerate(group_lines):
            rhs = 0.0
            for m, sign in [(int(p), 1.0) for p in parts] + [(total, -1.0)]:
                if m in position:
                    matrix[row, position[m]] += sign
                else:
                    rhs -= sign * values[m]
            known[row] = rhs
        pinned |= {cells[i] for i in _unit_rows(matrix)}
        pinned |= _pinned_by_bounds(cells, matrix, known)
    return pinned


def _unit_rows(matrix: npt.NDArray[np.float64], tol: float = 1e-9) -> set[int]:
    """Columns whose unit vector lies in the row space: the unknowns the system determines.

    Reduced row echelon form by Gauss-Jordan elimination with partial pivoting (numpy's SVD is
    needlessly slow for these sparse 0/±1 systems); a column is determined when a row of the
    reduced matrix is its unit vector."""
    a = matrix.astype(np.float64).copy()
    rows, columns = a.shape
    rank = 0
    pivots: list[int] = []
    for column in range(columns):
        if rank >= rows:
            break
        best = rank + int(np.argmax(np.abs(a[rank:, column])))
        if abs(a[best, column]) < tol:
            continue
        a[[rank, best]] = a[[best, rank]]
        a[rank] /= a[rank, column]
        factors = a[:, column].copy()
        factors[rank] = 0.0
        touched = np.nonzero(np.abs(factors) > tol)[0]
        a[touched] -= np.outer(factors[touched], a[rank])
        pivots.append(column)
        rank += 1
    found = set()
    for row, column in enumerate(pivots):
        others = np.abs(a[row]).copy()
        others[column] = 0.0
        if float(others.max(initial=0.0)) < tol:
            found.add(column)
    return found


def _sum_without_each(terms: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """For each position, the sum of the other terms (infinite terms handled without NaN)."""
    infinite = np.isinf(terms)
    finite_sum = float(terms[~infinite].sum())
    others_infinite = int(infinite.sum()) - infinite.astype(int)
    out = finite_sum - np.where(infinite, 0.0, terms)
    if infinite.any():
        sign = float(np.sign(terms[infinite][0]))
        out = np.where(others_infinite > 0, sign * np.inf, out)
    return out


def _pinned_by_bounds(
    cells: list[int], matrix: npt.NDArray[np.float64], known: npt.NDArray[np.float64]
) -> set[int]:
    """Cells whose bounds meet when each relation c.x = r tightens every x_j from the bounds of
    the others, starting from 0 <= x <= infinity, to a fixed point."""
    low = np.zeros(len(cells))
    high = np.full(len(cells), np.inf)
    rows = [
        (np.nonzero(row)[0], row[np.nonzero(row)[0]], rhs)
        for row, rhs in zip(matrix, known, strict=True)
    ]
    for _ in range(50):
        before = (low.copy(), high.copy())
        for index, coefficients, rhs in rows:
            positive = coefficients > 0
            upper_terms = np.where(positive, coefficients * high[index], coefficients * low[index])
            lower_terms = np.where(positive, coefficients * low[index], coefficients * high[index])
            most = _sum_without_each(upper_terms)
            least = _sum_without_each(lower_terms)
            a, b = (rhs - most) / coefficients, (rhs - least) / coefficients
            low[index] = np.maximum(low[index], np.where(positive, a, b))
            high[index] = np.minimum(high[index], np.where(positive, b, a))
        if np.array_equal(before[0], low) and np.array_equal(before[1], high):
            break
    return {c for i, c in enumerate(cells) if high[i] - low[i] < 0.5}


def protect(cube: Cube, min_cell: int, rounding_base: int) -> Cube:
    """Apply primary and complementary suppression and rounding to ``cube`` (in place)."""
    cube.min_cell = min_cell
    cube.rounding_base = rounding_base
    cube.status[(cube.true > 0) & (cube.true < min_cell)] = 1
    all_lines = lines(cube.true.shape)
    values = cube.true.reshape(-1)
    status = cube.status.reshape(-1)
    while True:
        _two_per_line(cube, all_lines)
        hidden = {int(i) for i in np.nonzero(status)[0]}
        pinned = determined_cells(hidden, all_lines, values)
        if not pinned:
            return cube
        if not _add_complement(sorted(pinned), all_lines, values, status):
            # Every line through the pinned cells is wholly suppressed: nothing more can be hidden.
            return cube


def _add_complement(
    pinned: list[int],
    all_lines: list[tuple[npt.NDArray[np.int64], int]],
    values: npt.NDArray[np.float64],
    status: npt.NDArray[np.int8],
) -> bool:
    for cell in pinned:
        for parts, total in all_lines:
            members = np.append(parts, total)
            if cell in members and (status[members] == 0).any():
                status[_pick_complement(members[status[members] == 0], values)] = 2
                return True
    return False
