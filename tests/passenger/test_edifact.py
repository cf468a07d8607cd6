"""The EDIFACT syntax layer: service characters, release character, envelopes, clean errors."""

from __future__ import annotations

import pytest

from filet.errors import InputError
from filet.passenger._edifact import SegmentWriter, read_interchange, read_segments


def test_release_character_keeps_separators_as_data() -> None:
    _, segments = read_segments("NAD+FL+++O?'LEARY:ANNE?+MARIE?:JO??'")
    assert segments[0].elements[3] == ["O'LEARY", "ANNE+MARIE:JO?"]


def test_custom_una_redefines_every_service_character() -> None:
    service, segments = read_segments("UNA*|.# !NAD|FL|||D#!ARCY*ANNE#*MARIE!CNT|42*1!")
    assert service == "*|.# !"
    assert segments[0].get(3, 0) == "D!ARCY"
    assert segments[0].get(3, 1) == "ANNE*MARIE"
    assert segments[1].get(0, 1) == "1"


def test_una_only_at_the_start_unlike_pydifact() -> None:
    # pydifact's Parser looks for "'UNA" anywhere and drops what comes before it
    text = "RFF+AVF:X?'UNA:+.? 'NAD+FL'"
    _, segments = read_segments(text)
    assert [s.tag for s in segments] == ["RFF", "NAD"]
    assert segments[0].get(0, 1) == "X'UNA"


def test_wrapped_lines_are_joined() -> None:
    _, segments = read_segments("UNH+1+PNRGOV:11:1:IA+AUTZ0006SIN201305\n28'")
    assert segments[0].get(2, 0) == "AUTZ0006SIN20130528"


@pytest.mark.parametrize(
    ("text", "segment", "tag"),
    [
        ("BGM+745'NAD+FL+++SMITH", 2, "NAD"),  # not terminated
        ("BGM+745'nad+FL'", 2, "nad"),  # tag not upper case
        ("BGM+745'NAD+FL+++X?", 2, "NAD"),  # release character at the very end
        ("BGM+745'+FL'", 2, None),  # no tag
    ],
)
def test_syntax_errors_name_segment_number_and_tag(
    text: str, segment: int, tag: str | None
) -> None:
    with pytest.raises(InputError) as caught:
        read_segments(text)
    assert caught.value.place.segment == segment
    assert caught.value.place.tag == tag


def test_bad_una_is_rejected() -> None:
    with pytest.raises(InputError, match="must all differ"):
        read_segments("UNA::.? 'BGM+745'")


ENVELOPE = (
    "UNB+UNOA:4+A+B+250101:1200+REF1'"
    "UNH+M1+PAXLST:D:05B:UN:IATA'BGM+745'UNT+{unt}+M1'"
    "UNZ+{unz}+{ref}'"
)


def test_envelope_counts_and_references_are_checked() -> None:
    good = read_interchange(ENVELOPE.format(unt=3, unz=1, ref="REF1"))
    assert good.ref == "REF1"
    assert good.messages[0].ref == "M1"
    with pytest.raises(InputError, match="is 4 but there are 3") as caught:
        read_interchange(ENVELOPE.format(unt=4, unz=1, ref="REF1"))
    assert caught.value.place.tag == "UNT"
    assert caught.value.place.segment == 4
    with pytest.raises(InputError, match="messages in the interchange"):
        read_interchange(ENVELOPE.format(unt=3, unz=2, ref="REF1"))
    with pytest.raises(InputError, match="interchange reference"):
        read_interchange(ENVELOPE.format(unt=3, unz=1, ref="OTHER"))


def test_missing_trailer_is_rejected() -> None:
    with pytest.raises(InputError, match="UNT missing"):
        read_interchange(
            "UNB+UNOA:4+A+B+250101:1200+R'UNH+M1+PAXLST:D:05B:UN:IATA'BGM+745'UNZ+1+R'"
        )


def test_writer_escapes_and_trims_trailing_empties() -> None:
    out = SegmentWriter(line_breaks=False)
    out.add("NAD", "FL", None, None, ["O'LEARY", "A+B", None], None)
    assert out.text(with_una=False) == "NAD+FL+++O?'LEARY:A?+B'"
    _, segments = read_segments(out.text())
    assert segments[0].get(3, 1) == "A+B"


def test_line_break_as_segment_terminator() -> None:
    _, segments = read_segments("UNA:+.? \nBGM+745\nNAD+FL+++A?:B\n")
    assert [s.tag for s in segments] == ["BGM", "NAD"]
    assert segments[1].get(3, 0) == "A:B"
    with pytest.raises(InputError, match="Newlines after escape"):
        read_segments("UNA:+.? \nNAD+FL+++A?\nB\n")


def test_writer_refuses_line_breaks_in_values() -> None:
    out = SegmentWriter()
    with pytest.raises(ValueError, match="line break"):
        out.add("FTX", "AAI", None, None, "TWO\nLINES")


@pytest.mark.parametrize(
    "text",
    [
        "UNH+1+PAXLST:D:05B:UN:IATA'UNT+\u00b2+1'",  # superscript two: isdigit() but not int()
        "UNH+1+PAXLST:D:05B:UN:IATA+X+\u0661:F'UNT+2+1'",  # Arabic-Indic one
    ],
)
def test_numbers_must_be_ascii_digits(text: str) -> None:
    with pytest.raises(InputError, match="number"):
        read_interchange(text)
