"""The pipeline runner: each step is a real `filet` process, measured (time, CPU, peak memory)."""

from __future__ import annotations

import pytest
from rich.console import RenderableType
from rich.table import Table

from filet.pipeline import Step, StepFailed, run_steps


def test_each_step_is_measured_and_the_steps_tabled() -> None:
    said: list[RenderableType] = []
    usages = run_steps(
        [Step("version", ["version"]), Step("settings", ["config", "show"])], said.append
    )
    assert [u.title for u in usages] == ["version", "settings"]
    for usage in usages:
        # A Python interpreter that imported filet: some CPU and well over 10 MiB resident.
        assert usage.seconds > 0
        assert usage.cpu_seconds > 0
        assert 10 < usage.peak_mib < 2048
    assert any(isinstance(line, str) and "peak" in line and "MiB" in line for line in said)
    assert isinstance(said[-1], Table)
    assert said[-1].row_count == 2


def test_a_failing_step_stops_the_pipeline() -> None:
    said: list[RenderableType] = []
    with pytest.raises(StepFailed, match=r"step 1 \(broken\) failed with exit code [1-9]"):
        run_steps([Step("broken", ["no-such-command"]), Step("never", ["version"])], said.append)
    assert not any(isinstance(line, str) and "never" in line for line in said)


def test_a_steps_peak_memory_is_its_own_not_the_pipelines() -> None:
    """Linux starts a child's ``ru_maxrss`` at the parent's size; the sampled peak does not."""
    ballast = b"x" * (500 * 2**20)  # the pipeline process holds 500 MiB more than the step
    usages = run_steps([Step("version", ["version"])], lambda _: None)
    assert len(ballast) == 500 * 2**20
    assert usages[0].peak_mib < 450
