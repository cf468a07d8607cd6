"""The writers make the same bytes as before they were tuned for speed (a fixed corpus, hashes
recorded from the original writers in ``data/writer_corpus.json``)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tests.passenger.writer_corpus import corpus

EXPECTED = Path(__file__).parent / "data" / "writer_corpus.json"


def test_writer_output_is_byte_identical_on_the_fixed_corpus() -> None:
    expected: dict[str, str] = json.loads(EXPECTED.read_text(encoding="utf-8"))
    made = {name: hashlib.sha256(text.encode()).hexdigest() for name, text in corpus().items()}
    assert sorted(made) == sorted(expected)
    changed = [name for name in expected if made[name] != expected[name]]
    assert changed == []
