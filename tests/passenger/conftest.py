"""Fixture messages for the passenger tests, hand-written after the implementation guides."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

MESSAGES = Path(__file__).parent / "messages"


@pytest.fixture
def message_text() -> Callable[[str], str]:
    def read(name: str) -> str:
        return (MESSAGES / name).read_text(encoding="utf-8")

    return read
