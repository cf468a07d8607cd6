"""The Doc 9303 part 3 check digit: weights 7, 3, 1 repeating, modulo 10.

``0``–``9`` count as their value, ``A``–``Z`` as 10–35 and the filler ``<`` as 0. Written here
rather than taken from the ``mrz`` package because the reader calls it on its hot path (map over a
lookup table, no per-character branching) and reports bad characters with their position.
"""

from __future__ import annotations

from operator import mul
from string import ascii_uppercase, digits

from filet.errors import InputError, Place

MRZ_CHARACTERS = frozenset(digits + ascii_uppercase + "<")
"""Every character an MRZ may contain."""

CHARACTER_VALUES: dict[str, int] = {
    **{d: int(d) for d in digits},
    **{c: 10 + i for i, c in enumerate(ascii_uppercase)},
    "<": 0,
}

WEIGHTS = (7, 3, 1) * 40
"""The weights of each position of the checked data (long enough for any MRZ field)."""

VALUE_TABLE = bytes.maketrans(
    (digits + ascii_uppercase + "<").encode("ascii"), bytes([*range(36), 0])
)
"""``bytes.translate`` table from an ASCII MRZ character to its check-digit value."""


def check_digit_value(data: str) -> int:
    """The check digit of ``data`` as an int; ``data`` must hold MRZ characters only (unchecked)."""
    total: int = sum(map(mul, data.encode("ascii").translate(VALUE_TABLE), WEIGHTS))
    return total % 10


def check_digit(data: str) -> str:
    """The check digit (``"0"``–``"9"``) of ``data``, a string of MRZ characters.

    >>> check_digit("520727"), check_digit("AB2134<<<")
    ('3', '5')

    Raises :class:`~filet.errors.InputError` naming the position of the first character that an MRZ
    cannot contain.
    """
    for index, char in enumerate(data):
        if char not in MRZ_CHARACTERS:
            raise InputError(
                f"expected A-Z, 0-9 or '<', found {char!r}",
                Place(position=index + 1),
            )
    if len(data) > len(WEIGHTS):
        raise InputError(
            f"expected at most {len(WEIGHTS)} characters, found {len(data)}",
            Place(position=len(WEIGHTS) + 1),
        )
    return str(check_digit_value(data))
