"""Shared helpers for identity tests: records frames and scoring pairs of records."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from filet.identity import RECORD_FIELDS, IdentityResolver
from filet.identity._linkage import PairScorer
from filet.settings import Settings


def records(*rows: dict[str, Any]) -> pd.DataFrame:
    """A records frame with every field column (missing ones empty)."""
    return pd.DataFrame(list(rows), columns=["record_id", *RECORD_FIELDS])


@pytest.fixture(scope="session")
def resolver() -> IdentityResolver:
    return IdentityResolver(settings=Settings(), threshold=0.95)


def levels(
    resolver: IdentityResolver, frame: pd.DataFrame
) -> dict[tuple[str, str], dict[str, str]]:
    """Per scored pair, each comparison's level label (every blocked pair, however weak)."""
    scorer = PairScorer(resolver.parameters)
    pairs = scorer.score(resolver.prepare(frame), floor=-1000.0)
    return {
        (pair.record_a, pair.record_b): {
            item.feature: item.level for item in pair.explanation.evidence
        }
        for pair in pairs
    }
