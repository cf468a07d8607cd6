"""Where each field of each Doc 9303 MRZ format lies (parts 4 to 7).

Spans are ``(line, start, end)`` with 0-based line and character indices, end exclusive; people are
shown 1-based lines and positions.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class MRZFormat(StrEnum):
    """The five machine-readable zone formats of Doc 9303."""

    TD1 = "TD1"
    TD2 = "TD2"
    TD3 = "TD3"
    MRV_A = "MRV-A"
    MRV_B = "MRV-B"


Span = tuple[int, int, int]
Pos = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Layout:
    """The field positions of one MRZ format."""

    format: MRZFormat
    lines: int
    width: int
    document_code: Span
    issuing_state: Span
    name: Span
    document_number: Span
    document_number_check: Pos
    nationality: Span
    birth_date: Span
    birth_date_check: Pos
    sex: Pos
    expiry_date: Span
    expiry_date_check: Pos
    optional_data: Span
    optional_data_check: Pos | None
    optional_data_2: Span | None
    composite_check: Pos | None
    composite_spans: tuple[Span, ...]
    extended_number: bool
    """Whether a document number may overflow into :attr:`optional_data` (TD1, TD2)."""
    name_of_format: str = ""
    """:attr:`format` as a plain string (cheaper to hash on the hot path than the enum)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "name_of_format", str(self.format.value))

    @property
    def shape(self) -> str:
        return f"{self.lines} lines of {self.width} characters"


TD1 = Layout(
    format=MRZFormat.TD1,
    lines=3,
    width=30,
    document_code=(0, 0, 2),
    issuing_state=(0, 2, 5),
    document_number=(0, 5, 14),
    document_number_check=(0, 14),
    optional_data=(0, 15, 30),
    birth_date=(1, 0, 6),
    birth_date_check=(1, 6),
    sex=(1, 7),
    expiry_date=(1, 8, 14),
    expiry_date_check=(1, 14),
    nationality=(1, 15, 18),
    optional_data_2=(1, 18, 29),
    optional_data_check=None,
    composite_check=(1, 29),
    composite_spans=((0, 5, 30), (1, 0, 7), (1, 8, 15), (1, 18, 29)),
    name=(2, 0, 30),
    extended_number=True,
)


def _two_line(fmt: MRZFormat, width: int) -> Layout:
    visa = fmt in (MRZFormat.MRV_A, MRZFormat.MRV_B)
    td3 = fmt is MRZFormat.TD3
    optional_end = width - (0 if visa else 1) - (1 if td3 else 0)
    return Layout(
        format=fmt,
        lines=2,
        width=width,
        document_code=(0, 0, 2),
        issuing_state=(0, 2, 5),
        name=(0, 5, width),
        document_number=(1, 0, 9),
        document_number_check=(1, 9),
        nationality=(1, 10, 13),
        birth_date=(1, 13, 19),
        birth_date_check=(1, 19),
        sex=(1, 20),
        expiry_date=(1, 21, 27),
        expiry_date_check=(1, 27),
        optional_data=(1, 28, optional_end),
        optional_data_check=(1, optional_end) if td3 else None,
        optional_data_2=None,
        composite_check=None if visa else (1, width - 1),
        composite_spans=() if visa else ((1, 0, 10), (1, 13, 20), (1, 21, width - 1)),
        extended_number=fmt is MRZFormat.TD2,
    )


TD2 = _two_line(MRZFormat.TD2, 36)
TD3 = _two_line(MRZFormat.TD3, 44)
MRV_A = _two_line(MRZFormat.MRV_A, 44)
MRV_B = _two_line(MRZFormat.MRV_B, 36)

LAYOUTS: dict[MRZFormat, Layout] = {
    MRZFormat.TD1: TD1,
    MRZFormat.TD2: TD2,
    MRZFormat.TD3: TD3,
    MRZFormat.MRV_A: MRV_A,
    MRZFormat.MRV_B: MRV_B,
}

SHAPES: dict[tuple[int, int], tuple[Layout, Layout]] = {
    (3, 30): (TD1, TD1),
    (2, 36): (TD2, MRV_B),
    (2, 44): (TD3, MRV_A),
}
"""(lines, width) -> (layout for documents other than visas, layout for visas ``V``)."""


def layout_for(lines: int, width: int, first_char: str) -> Layout | None:
    """The layout of an MRZ of this shape whose document code starts with ``first_char``."""
    pair = SHAPES.get((lines, width))
    if pair is None:
        return None
    return pair[1] if first_char == "V" else pair[0]
