"""A synthetic world with planted smuggling networks and its ground truth.

- :func:`load_scenario` reads a shipped scenario (``laptop``, ``tiny``) or a scenario YAML file and
  validates it (unknown routes, airports or nationality codes, mixes that do not sum to 1 ...).
- :func:`generate` writes the world into a directory: PAXLST and PNRGOV messages per flight,
  crossing records, MRZs of the documents presented, a watchlist (CSV and FollowTheMoney),
  lost/stolen documents, graded intelligence items, debriefings, and the ``truth/`` folder.
  The same scenario, seed and sizes always give the same bytes. The files are described in
  ``docs/synth.md``.
"""

from __future__ import annotations

from pathlib import Path

from filet.synth._generator import ProgressCallback, SynthSummary, WorldGenerator
from filet.synth._scenario import (
    SCENARIO_NAMES,
    ModusOperandi,
    Scenario,
    TravellerKind,
    load_scenario,
    parse_scenario,
)

__all__ = [
    "SCENARIO_NAMES",
    "ModusOperandi",
    "ProgressCallback",
    "Scenario",
    "SynthSummary",
    "TravellerKind",
    "generate",
    "load_scenario",
    "parse_scenario",
]


def generate(
    scenario: Scenario,
    out: Path,
    *,
    seed: int,
    travellers: int | None = None,
    months: int | None = None,
    progress: ProgressCallback | None = None,
    workers: int | None = None,
) -> SynthSummary:
    """Generate a world into ``out`` (which must be new or empty) and say what was written.

    ``workers`` processes write the flights' API and PNR files while the generator goes on
    (``None``: one per core, at most four, for worlds of 50,000 travellers or more,
    else none). The files
    are the same whatever the number.
    """
    generator = WorldGenerator(
        scenario,
        seed=seed,
        out=out,
        travellers=travellers,
        months=months,
        progress=progress,
        workers=workers,
    )
    return generator.run()
