"""MRZ parse + validate throughput on one core, beside the PyPI ``mrz`` package's checkers on the same
MRZs in the same run; optionally the lost/stolen document index at a given size.

    .venv/bin/python benchmarks/bench_mrz.py --n 50000 [--damaged 0.05] [--repeat 3] [--alerts 1000000]

The MRZs are generated (seeded) in all five formats with real country codes and written by
``filet.documents.write_mrz``; ``--damaged`` replaces that share of them by copies with one wrong
check digit (the slow path of both readers). Both readers run in this one process, one after the
other, over the same list. Rates are MRZs per second of this process's CPU time (one core), so
that other load on a shared machine does not count against either reader.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import statistics
import string
import time
from collections.abc import Callable
from importlib.metadata import version

from mrz.checker.mrva import MRVACodeChecker
from mrz.checker.mrvb import MRVBCodeChecker
from mrz.checker.td1 import TD1CodeChecker
from mrz.checker.td2 import TD2CodeChecker
from mrz.checker.td3 import TD3CodeChecker

from filet.documents import (
    AlertStatus,
    DocumentAlertIndex,
    DocumentAlertRecord,
    DocumentData,
    MRZFormat,
    parse_mrz,
    write_mrz,
)

TODAY = dt.date(2026, 11, 28)
COUNTRIES = ["DEU", "FRA", "ITA", "SYR", "AFG", "ERI", "NGA", "TUR", "GBR", "UKR", "IRQ", "MAR"]
PEERS: dict[MRZFormat, Callable[[str], object]] = {
    MRZFormat.TD1: TD1CodeChecker,
    MRZFormat.TD2: TD2CodeChecker,
    MRZFormat.TD3: TD3CodeChecker,
    MRZFormat.MRV_A: MRVACodeChecker,
    MRZFormat.MRV_B: MRVBCodeChecker,
}


def generate(n: int, damaged: float, seed: int = 9303) -> list[tuple[MRZFormat, tuple[str, ...]]]:
    rng = random.Random(seed)
    letters = string.ascii_uppercase
    out: list[tuple[MRZFormat, tuple[str, ...]]] = []
    formats = list(MRZFormat)
    for i in range(n):
        fmt = formats[i % len(formats)]
        document = DocumentData(
            format=fmt,
            issuing_state=rng.choice(COUNTRIES),
            surname="".join(rng.choices(letters, k=rng.randint(3, 12))),
            given_names=" ".join(
                "".join(rng.choices(letters, k=rng.randint(3, 8))) for _ in range(rng.randint(1, 2))
            ),
            document_number="".join(rng.choices(letters + string.digits, k=9)),
            nationality=rng.choice(COUNTRIES),
            birth_date=dt.date(1940, 1, 1) + dt.timedelta(days=rng.randint(0, 30000)),
            sex=rng.choice("MF"),
            expiry_date=TODAY + dt.timedelta(days=rng.randint(-1500, 3600)),
            optional_data="".join(rng.choices(string.digits, k=rng.randint(0, 6))),
        )
        lines = write_mrz(document)
        if rng.random() < damaged:
            line = lines[-1] if fmt is not MRZFormat.TD1 else lines[0]
            index = 9 if fmt is not MRZFormat.TD1 else 14
            wrong = str((int(line[index]) + 1) % 10)
            changed = line[:index] + wrong + line[index + 1 :]
            lines = (changed, *lines[1:]) if fmt is MRZFormat.TD1 else (lines[0], changed)
        out.append((fmt, lines))
    return out


def bench_filet(mrzs: list[tuple[MRZFormat, tuple[str, ...]]], repeat: int) -> tuple[float, int]:
    best = 0.0
    for _ in range(repeat):
        valid = 0
        start = time.process_time()
        for _, lines in mrzs:
            if parse_mrz(lines, today=TODAY).valid:
                valid += 1
        best = max(best, len(mrzs) / (time.process_time() - start))
    return best, valid


def bench_peer(mrzs: list[tuple[MRZFormat, tuple[str, ...]]], repeat: int) -> tuple[float, int]:
    joined = [(PEERS[fmt], "\n".join(lines)) for fmt, lines in mrzs]
    best = 0.0
    for _ in range(repeat):
        valid = 0
        start = time.process_time()
        for checker, text in joined:
            if bool(checker(text)):
                valid += 1
        best = max(best, len(mrzs) / (time.process_time() - start))
    return best, valid


def bench_alerts(size: int) -> None:
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    index = DocumentAlertIndex()
    rng = random.Random(7)
    start = time.perf_counter()
    index.add_many(
        DocumentAlertRecord(
            COUNTRIES[i % len(COUNTRIES)],
            f"{chr(65 + i % 26)}{i:08d}",
            "P",
            AlertStatus.STOLEN if i % 3 else AlertStatus.LOST,
            dt.date(2015, 1, 1) + dt.timedelta(days=i % 3650),
            "national list",
        )
        for i in range(size)
    )
    build = time.perf_counter() - start
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    timings = []
    hits = 0
    for _ in range(20000):
        i = rng.randrange(size * 2)
        t = time.perf_counter()
        found = index.lookup(COUNTRIES[i % len(COUNTRIES)], f"{chr(65 + i % 26)}{i:08d}")
        timings.append(time.perf_counter() - t)
        hits += bool(found)
    timings.sort()
    print(
        f"alert index: {size:,} records built in {build:.1f} s; arrays {index.nbytes / 1e6:.0f} MB; "
        f"peak RSS grew by {(rss_after - rss_before) / 1e3:.0f} MB"
    )
    print(
        f"alert lookup: p50 {statistics.median(timings) * 1e6:.1f} us, "
        f"p99 {timings[int(len(timings) * 0.99)] * 1e6:.1f} us ({hits:,} of 20,000 found)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000, help="MRZs to parse (default 50,000)")
    parser.add_argument("--damaged", type=float, default=0.0, help="share with a wrong check digit")
    parser.add_argument("--alerts", type=int, default=0, help="also build an alert index this big")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each reader; best is shown")
    args = parser.parse_args()
    mrzs = generate(args.n, args.damaged)
    ours, our_valid = bench_filet(mrzs, args.repeat)
    peer, peer_valid = bench_peer(mrzs, args.repeat)
    print(f"MRZs: {args.n:,} (TD1, TD2, TD3, MRV-A, MRV-B in turn; damaged share {args.damaged})")
    print(f"best of {args.repeat} runs, MRZs parsed and validated per CPU second (one core):")
    print(f"filet.documents.parse_mrz: {ours:,.0f} MRZs/s ({our_valid:,} valid)")
    print(f"mrz {version('mrz')} CodeCheckers:  {peer:,.0f} MRZs/s ({peer_valid:,} valid)")
    print(f"ratio: {ours / peer:.1f}x")
    if args.alerts:
        bench_alerts(args.alerts)


if __name__ == "__main__":
    main()
