"""Benchmark of the synthetic world generator: travellers per second, peak memory, bytes written.

    python benchmarks/bench_synth.py [--travellers N] [--months N] [--scenario NAME] [--seed N]
                                     [--workers N] [--profile] [--report-every DAYS]

The target (issue 5) is one million travellers over 12 months in under 10 minutes and under 4 GB.
There is no peer generator to compare with; the figures are printed with the CPU time of the
generator and of the worker processes that write the API/PNR files, and with ``--profile``
(inline, no workers) the share of the time spent in filet's own message and MRZ writers.

Memory is the peak of each process (``getrusage``) and, on Linux, the peak of the whole process
tree sampled every second from ``/proc``: the sum of the processes' resident sets (which counts
the pages the forked workers share with the generator once per process, an upper bound) and the
sum of their proportional set sizes (shared pages split between the processes that share them).
``--report-every DAYS`` prints, every so many simulated days, the wall and CPU time so far (the
workers' CPU read from ``/proc`` while they run) and the process tree's memory: a run stopped
early still gives its rate per simulated day, and shows whether memory stays flat.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

from filet.synth import generate, load_scenario

_WRITERS = {
    "write_paxlst": "PAXLST writer",
    "write_pnrgov": "PNRGOV writer",
    "write_crossings_csv": "crossing CSV writer",
    "write_mrz": "MRZ writer",
}


class TreeMemory:
    """Samples the resident memory of this process and its descendants (Linux ``/proc``)."""

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self.peak_rss = 0
        self.peak_pss = 0
        self.rss = 0
        self.pss = 0
        self.others_cpu = 0.0
        """CPU seconds of the processes below this one, at the last sample."""
        self.available = Path("/proc/self/smaps_rollup").exists()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.available:
            self._thread.join()

    def _run(self) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        me = os.getpid()
        while not self._stop.wait(self.interval):
            rss = pss = 0
            cpu = 0.0
            for pid in _tree(me):
                try:
                    text = Path(f"/proc/{pid}/smaps_rollup").read_text()
                    if pid != me:
                        # utime and stime: fields 14 and 15, after the parenthesised name
                        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                        cpu += (int(stat[11]) + int(stat[12])) / tick
                except OSError:  # the process ended between the listing and the read
                    continue
                for line in text.splitlines():
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1]) * 1024
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1]) * 1024
            self.rss, self.pss, self.others_cpu = rss, pss, cpu
            self.peak_rss = max(self.peak_rss, rss)
            self.peak_pss = max(self.peak_pss, pss)


def _tree(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    found = [pid]
    index = 0
    while index < len(found):
        current = found[index]
        index += 1
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                children = Path(f"/proc/{current}/task/{task}/children").read_text().split()
            except OSError:
                continue
            found.extend(int(child) for child in children)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--travellers", type=int, default=20_000)
    parser.add_argument("--months", type=int, default=3)
    parser.add_argument("--scenario", default="laptop")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="processes writing the API/PNR files (default: as filet synth chooses)",
    )
    parser.add_argument(
        "--report-every",
        type=int,
        default=0,
        metavar="DAYS",
        help="print time and memory so far every DAYS simulated days",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also print the writers' share (slower run, no workers)",
    )
    args = parser.parse_args()
    workers = 0 if args.profile else args.workers
    scenario = load_scenario(args.scenario)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "world"
        profiler = cProfile.Profile() if args.profile else None
        started = time.perf_counter()
        cpu_started = time.process_time()
        if profiler:
            profiler.enable()
        with TreeMemory() as tree:

            def report(day: int, days: int) -> None:
                if args.report_every and (day % args.report_every == 0 or day == days):
                    print(
                        f"day {day:>4}/{days}  {time.perf_counter() - started:8.1f} s wall  "
                        f"CPU {time.process_time() - cpu_started:8.1f} s generator "
                        f"{tree.others_cpu:8.1f} s workers  tree {tree.rss / 2**20:6,.0f} MiB "
                        f"RSS {tree.pss / 2**20:6,.0f} MiB PSS  "
                        f"load {os.getloadavg()[0]:.1f}",
                        flush=True,
                    )

            summary = generate(
                scenario,
                out,
                seed=args.seed,
                travellers=args.travellers,
                months=args.months,
                workers=workers,
                progress=report,
            )
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        children = os.times()
        workers_cpu = children.children_user + children.children_system
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers_peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"scenario            {scenario.name}, seed {args.seed}, {args.months} months")
    print(f"travellers          {summary.travellers:,}")
    print(f"  smuggled migrants {summary.smuggled_migrants:,} in {summary.operations} operations")
    print(f"flights written     {summary.flights:,} (API records {summary.api_records:,})")
    print(f"bookings            {summary.bookings:,}")
    print(f"crossings           {summary.crossings:,}")
    total_cpu = cpu + workers_cpu
    print(f"workers             {workers if workers is not None else 'default'}")
    print(f"elapsed             {elapsed:.1f} s (wall; the machine may be shared)")
    print(f"CPU time            {cpu:.1f} s generator, {workers_cpu:.1f} s worker processes")
    print(
        f"travellers/second   {summary.travellers / elapsed:,.0f} wall, "
        f"{summary.travellers / total_cpu:,.0f} per CPU second (all processes), "
        f"{summary.travellers / cpu:,.0f} per generator CPU second"
    )
    print(
        f"peak memory         {peak_mib:,.0f} MiB generator, {workers_peak_mib:,.0f} MiB a worker"
    )
    if tree.available:
        print(
            f"peak process tree   {tree.peak_rss / 2**20:,.0f} MiB resident (sum of RSS), "
            f"{tree.peak_pss / 2**20:,.0f} MiB proportional (sum of PSS); target 4 GB"
        )
    print(f"bytes written       {summary.bytes_written:,}")
    per_million = 1_000_000 / summary.travellers
    print(
        f"projected 1M        {elapsed * per_million / 60:.1f} min wall at this rate; "
        f"{cpu * per_million / 60:.1f} CPU min generator, "
        f"{total_cpu * per_million / 60:.1f} CPU min in all (target 10 min)"
    )
    if profiler:
        stats = pstats.Stats(profiler)
        total = sum(v[3] for k, v in stats.stats.items() if k[2] == "generate")  # type: ignore[attr-defined]
        for key, value in stats.stats.items():  # type: ignore[attr-defined]
            if key[2] in _WRITERS and total:
                print(f"  {_WRITERS[key[2]]:<20} {100 * value[3] / total:5.1f} % of the time")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
