"""Disclosure control at growing table sizes: cells, suppressions and the time to protect a table
with all its margins (complementary suppression and its audit), and the time of an OpenDP noisy
release of the same cells.

    .venv/bin/python benchmarks/bench_disclosure.py [SIZE]

SIZE is the number of categories of the widest dimension (default 20); tables are
SIZE x SIZE/2 x 4 with counts drawn so that about a third of the cells are small. No peer: tau-argus
is not available here.
"""

from __future__ import annotations

import itertools
import random
import sys
import time

from filet.research import NoiseSpec, build_cube, protect
from filet.research._privacy import noisy_counts


def main(size: int) -> None:
    rng = random.Random(1)
    print(
        f"{'dims':>14} {'cells':>7} {'primary':>8} {'complementary':>13} {'protect s':>10} {'noise s':>8}"
    )
    for shape in [(size,), (size, max(2, size // 2)), (size, max(2, size // 2), 4)]:
        categories = [[f"c{d}-{i}" for i in range(n)] for d, n in enumerate(shape)]
        rows = [
            (key, float(rng.choice([0, 1, 3, 5, 8, 12, 20, 35, 60, 150])))
            for key in itertools.product(*categories)
        ]
        started = time.perf_counter()
        cube = protect(build_cube(rows, tuple(f"d{i}" for i in range(len(shape)))), 11, 5)
        protect_time = time.perf_counter() - started
        started = time.perf_counter()
        noisy_counts([int(v) for _, v in rows], NoiseSpec(epsilon=1.0), 1)
        noise_time = time.perf_counter() - started
        print(
            f"{'x'.join(map(str, shape)):>14} {cube.true.size:>7} {int((cube.status == 1).sum()):>8} "
            f"{int((cube.status == 2).sum()):>13} {protect_time:>10.3f} {noise_time:>8.3f}"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
