"""The batch analyses in order, and the demo world loaded through the normal paths.

``analysis_steps`` is the order a passenger information unit runs after new data: resolve
identities, screen against watchlists, assess with the active risk rules, then build and analyse
the network. ``demo_steps`` loads a synthetic world the way an agency would load real sources —
reference data, messages, lists, intelligence, the starter rule library approved by a supervisor —
and then runs the analyses. Each step is a ``filet`` command, so the demo shows exactly what an
operator would type, and each is run as its own process with its own transaction(s).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

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
        Step("debriefings", ["intelligence", "import", str(world / "debriefings.jsonl")]),
        Step(
            "API, PNR and crossings",
            ["ingest", str(world / "api"), str(world / "pnr"), str(world / "crossings.csv")],
        ),
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


def run_steps(steps: list[Step], say: Callable[[str], None]) -> None:
    """Run each step as `filet ...`; stop at the first failure."""
    for number, step in enumerate(steps, start=1):
        say(f"[{number}/{len(steps)}] {step.title}: filet {' '.join(step.argv)}")
        completed = subprocess.run([sys.executable, "-m", "filet", *step.argv], check=False)
        if completed.returncode != 0:
            raise StepFailed(
                f"step {number} ({step.title}) failed with exit code {completed.returncode}"
            )
