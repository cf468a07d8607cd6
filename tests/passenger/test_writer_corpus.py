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


def test_date_formats_write_what_strftime_writes() -> None:
    from datetime import datetime, timedelta

    from filet.passenger._dates import format_hhmm, format_yyyymmdd, format_yyyymmddhhmm

    moments = [datetime(1, 1, 1), datetime(999, 12, 31, 23, 59), datetime(1000, 1, 1, 0, 1)]
    moments += [datetime(1900, 1, 1) + timedelta(minutes=97 * i) for i in range(0, 10**7, 9973)]
    for moment in moments:
        assert format_yyyymmddhhmm(moment) == moment.strftime("%Y%m%d%H%M")
        assert format_yyyymmdd(moment.date()) == moment.strftime("%Y%m%d")
        assert format_hhmm(moment) == moment.strftime("%H%M")
