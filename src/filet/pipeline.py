"""The batch analyses in order, and the demo world loaded through the normal paths.

``analysis_steps`` is the order a passenger information unit runs after new data: resolve
identities, screen against watchlists, assess with the active risk rules, then build and analyse
the network. ``demo_steps`` loads a synthetic world the way an agency would load real sources —
reference data, messages, lists, intelligence, the starter rule library approved by a supervisor —
and then runs the analyses. Each step is a ``filet`` command, so the demo shows exactly what an
operator would type, and each is run as its own process with its own transaction(s). After each
step its wall time, CPU time and peak memory (resident set of the step's process) are printed,
and a table of every step at the end, so that a slow or memory-hungry step is found at once.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml
from rich.console import RenderableType
from rich.table import Table

from filet.errors import FiletError


@dataclass(frozen=True)
class Step:
    title: str
    argv: list[str]
    needs: Path | None = None


def analysis_steps() -> list[Step]:
    return [
        Step("resolve identities", ["resolve"]),
        Step("assess with the active risk rules", ["risk", "run"]),
        Step("build the network", ["network", "build"]),
        Step("find rings and key players", ["network", "rings"]),
    ]


def _rule_keys(path: Path) -> list[str]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [str(rule["id"]) for rule in document["rules"]]


def demo_steps(
    world: Path, author: str, approver: str, rule_status: dict[str, str] | None = None
) -> list[Step]:
    """The loading steps; ``rule_status`` (key -> latest status) skips rules already in use, so
    running the demo again changes nothing."""
    from filet.risk import starter_rules_path

    status = rule_status or {}

    rules = starter_rules_path()
    steps = [
        Step("crossing points", ["crossing-points", "import", str(world / "crossing_points.csv")]),
        Step(
            "lost and stolen documents",
            ["documents", "import-alerts", str(world / "lost_stolen.csv")],
        ),
        Step("watchlist", ["watchlists", "import", str(world / "watchlist.csv")]),
        Step("intelligence items", ["intelligence", "import", str(world / "intelligence.jsonl")]),
        Step(
            "API, PNR and crossings",
            ["ingest", str(world / "api"), str(world / "pnr"), str(world / "crossings.csv")],
        ),
        # After the crossings: an imported debriefing finds its migrant among those who entered.
        Step("debriefings", ["intelligence", "import", str(world / "debriefings.jsonl")]),
        Step("starter risk rules (drafts)", ["rules", "import", str(rules), "--user", author]),
    ]
    for key in _rule_keys(rules):
        if status.get(key, "draft") == "draft":
            steps.append(Step(f"approve rule {key}", ["rules", "approve", key, "--user", approver]))
        if status.get(key, "draft") in ("draft", "approved"):
            steps.append(
                Step(f"activate rule {key}", ["rules", "activate", key, "--user", approver])
            )
    return steps + analysis_steps()


class StepFailed(FiletError):
    """A step of the pipeline failed; its own error was printed above."""


@dataclass(frozen=True)
class StepUsage:
    """What a step cost: wall and CPU seconds, and the peak resident memory of its process."""

    title: str
    seconds: float
    cpu_seconds: float
    peak_mib: float


def _run_measured(argv: list[str]) -> tuple[int, float, float]:
    """Run ``argv`` and return its exit code, CPU seconds and peak memory in MiB.

    The peak is sampled from ``/proc`` while the step runs: the step process's own high-water
    mark (``VmHWM``) and the sum of the resident sets of it and its children (a step may start
    worker processes). ``ru_maxrss`` alone would not do: Linux carries the launching process's
    resident set over into a child's ``ru_maxrss``, so every small step would show the size of
    the pipeline process. Where ``/proc`` is missing the step's ``ru_maxrss`` is used."""
    process = subprocess.Popen(argv)
    if not hasattr(os, "wait4"):  # Windows: the step runs unmeasured
        return process.wait(), 0.0, 0.0
    peak_kib = 0
    try:
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            peak_kib = max(peak_kib, _tree_memory_kib(process.pid))
            time.sleep(_SAMPLE_SECONDS)
    except BaseException:
        process.kill()
        process.wait()
        raise
    process.returncode = os.waitstatus_to_exitcode(status)
    if not peak_kib:
        # ru_maxrss is in KiB on Linux, in bytes on macOS.
        peak_kib = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
    return process.returncode, usage.ru_utime + usage.ru_stime, peak_kib / 1024


_SAMPLE_SECONDS = 0.2


def _tree_memory_kib(pid: int) -> int:
    """The larger of the process's high-water mark and its tree's summed resident set (KiB);
    0 where ``/proc`` cannot be read."""
    high_water = resident = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    resident += int(line.split()[1])
                elif line.startswith("VmHWM:") and current == pid:
                    high_water = int(line.split()[1])
            for task in os.listdir(f"/proc/{current}/task"):
                children = Path(f"/proc/{current}/task/{task}/children").read_text()
                pending.extend(int(child) for child in children.split())
        except (OSError, ValueError):  # the process ended while being read
            continue
    return max(high_water, resident)


def usage_table(usages: list[StepUsage]) -> Table:
    """The steps' costs, for people: the heaviest step stands out."""
    table = Table("step", "wall s", "CPU s", "peak MiB", title="pipeline steps")
    heaviest = max((u.peak_mib for u in usages), default=0.0)
    for usage in usages:
        peak = f"{usage.peak_mib:,.0f}"
        table.add_row(
            usage.title,
            f"{usage.seconds:,.1f}",
            f"{usage.cpu_seconds:,.1f}",
            f"[bold]{peak}[/]" if usage.peak_mib == heaviest else peak,
        )
    return table


def run_steps(steps: list[Step], say: Callable[[RenderableType], None]) -> list[StepUsage]:
    """Run each step as `filet ...`, saying what each cost; stop at the first failure.

    With more than one step, a table of every step's cost is said at the end."""
    usages: list[StepUsage] = []
    for number, step in enumerate(steps, start=1):
        say(f"[{number}/{len(steps)}] {step.title}: filet {' '.join(step.argv)}")
        started = time.perf_counter()
        code, cpu, peak = _run_measured([sys.executable, "-m", "filet", *step.argv])
        usage = StepUsage(step.title, time.perf_counter() - started, cpu, peak)
        usages.append(usage)
        say(
            f"[dim]    {usage.seconds:,.1f} s, CPU {usage.cpu_seconds:,.1f} s, "
            f"peak {usage.peak_mib:,.0f} MiB[/]"
        )
        if code != 0:
            raise StepFailed(f"step {number} ({step.title}) failed with exit code {code}")
    if len(usages) > 1:
        say(usage_table(usages))
    return usages
