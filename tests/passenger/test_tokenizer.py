"""Our EDIFACT tokenizer against pydifact's, the reference: the same segments for every message
the writers make and for random text full of release characters, and the same clean error (reason,
segment number, tag) for broken text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from filet.errors import InputError
from filet.passenger._edifact import read_segments
from tests.passenger.pydifact_reference import read_segments_pydifact
from tests.passenger.writer_corpus import corpus

MESSAGES = Path(__file__).parent / "messages"
MANY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

Outcome = tuple[str, object]


def _outcome(reader: object, text: str) -> Outcome:
    try:
        service, segments = reader(text)  # type: ignore[operator]
    except InputError as error:
        place = error.place
        return ("error", (error.message, place.segment, place.tag, place.field))
    return ("segments", (service, [(s.tag, s.elements, s.number) for s in segments]))


def _same(text: str) -> Outcome:
    ours = _outcome(read_segments, text)
    reference = _outcome(read_segments_pydifact, text)
    assert ours == reference, text
    return ours


def test_every_written_message_tokenizes_as_pydifact_does() -> None:
    texts = [*corpus().values(), *(p.read_text("utf-8") for p in sorted(MESSAGES.glob("*.edi")))]
    for text in texts:
        kind, _ = _same(text)
        assert kind == "segments"


# service strings: the default, the usual alternative, and ones where separators, the release
# character or the terminator are spaces or line breaks (the tokenizer passes over those after
# a terminator)
SERVICES = [":+.? '", "*|.# !", "/~,\\ @", ": .? '", ":+.?\n'", ":+. \n'", ":+.? \n", "\n+.? '"]
ALPHABET = "ABCUNZ019 '+:?*|#!/~\\@\n\r\t.,éД\ue000\ue002"
SEGMENT_PIECES = ["UNB", "UNH", "BGM", "NAD", "DOC", "Abc", "UN", "ABCD", "?", "??", "'", "+", ":"]


@MANY
@given(
    st.sampled_from(SERVICES),
    st.lists(st.sampled_from(SEGMENT_PIECES) | st.text(ALPHABET, max_size=6), max_size=30),
    st.booleans(),
)
def test_random_text_tokenizes_as_pydifact_does(service: str, pieces: list[str], una: bool) -> None:
    text = "".join(pieces)
    _same(("UNA" + service if una else "") + text)


@MANY
@given(
    st.sampled_from(SERVICES[:4]),
    st.lists(
        st.tuples(
            st.sampled_from(["UNB", "NAD", "TIF", "RFF", "XY1"]),
            st.lists(st.lists(st.text(ALPHABET, max_size=8), min_size=1, max_size=3), max_size=4),
        ),
        min_size=1,
        max_size=8,
    ),
)
def test_released_values_tokenize_as_pydifact_does(
    service: str, segments: list[tuple[str, list[list[str]]]]
) -> None:
    component, data, release, terminator = service[0], service[1], service[3], service[5]
    specials = {component, data, release, terminator}

    def escape(value: str) -> str:
        return "".join(release + c if c in specials else c for c in value)

    text = (
        "UNA"
        + service
        + "".join(
            data.join([tag, *(component.join(escape(c) for c in e) for e in elements)]) + terminator
            for tag, elements in segments
        )
    )
    _same(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "UNB+A'UNH",
        "UNB+A'UNH+1",
        "UNB+A'UNH+",
        "UNB+A?",
        "UNB+A'?",
        "UNB+A?'",
        "UNB+A??'UN?:+1'",
        "UNA:+.?\n'UNB+A?\nB'",
        "UNA:+.? \nUNB+A\n\nUNH+1\n",
        "UNB+A''",
        "UNB+A' 'UNZ'",
        "\ue000NB+A'",
        "unb+A'",
    ],
)
def test_broken_and_odd_text_gives_the_same_result(text: str) -> None:
    _same(text)
