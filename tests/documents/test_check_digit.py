"""The Doc 9303 check digit: worked examples, and every check digit of every specimen recomputed."""

from __future__ import annotations

import pytest

from filet.documents import check_digit
from filet.errors import InputError
from tests.documents import specimens


def reference_check_digit(data: str) -> str:
    """An independent, deliberately plain implementation of Doc 9303 part 3, 4.9."""
    total = 0
    weights = [7, 3, 1]
    for i, char in enumerate(data):
        if char.isdigit():
            value = ord(char) - ord("0")
        elif char == "<":
            value = 0
        else:
            value = ord(char) - ord("A") + 10
        total += value * weights[i % 3]
    return str(total % 10)


@pytest.mark.parametrize(
    ("data", "digit"),
    [
        ("520727", "3"),
        ("AB2134<<<", "5"),
        ("L898902C3", "6"),
        ("740812", "2"),
        ("120415", "9"),
        ("ZE184226B<<<<<", "1"),
        ("D23145890734", "9"),
        ("D23145890<734", "9"),
        ("D23145890", "7"),
        ("L8988901C", "4"),
        ("400907", "8"),
        ("961210", "9"),
    ],
)
def test_worked_examples(data: str, digit: str) -> None:
    assert check_digit(data) == digit
    assert reference_check_digit(data) == digit


def test_td3_specimen_composite() -> None:
    line = specimens.TD3[1]
    composite = line[0:10] + line[13:20] + line[21:43]
    assert reference_check_digit(composite) == line[43] == "0"
    assert check_digit(composite) == "0"


def test_td1_specimen_composite() -> None:
    upper, middle = specimens.TD1[0], specimens.TD1[1]
    composite = upper[5:30] + middle[0:7] + middle[8:15] + middle[18:29]
    assert reference_check_digit(composite) == middle[29] == "6"


def test_td2_specimen_composite() -> None:
    line = specimens.TD2[1]
    composite = line[0:10] + line[13:20] + line[21:35]
    assert reference_check_digit(composite) == line[35] == "6"


def test_extended_number_specimen_digits() -> None:
    upper, middle = specimens.TD1_EXTENDED[0], specimens.TD1_EXTENDED[1]
    assert upper[14] == "<"
    assert reference_check_digit(upper[5:14] + upper[15:18]) == upper[18] == "9"
    composite = upper[5:30] + middle[0:7] + middle[8:15] + middle[18:29]
    assert reference_check_digit(composite) == middle[29]


def test_matches_reference_on_every_character() -> None:
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"
    for i, char in enumerate(alphabet):
        data = alphabet[i:] + char + alphabet[:i]
        assert check_digit(data) == reference_check_digit(data)


@pytest.mark.parametrize(("data", "position"), [("AB-12", 3), ("ab12", 1), ("12 3", 3)])
def test_rejects_non_mrz_characters_naming_the_position(data: str, position: int) -> None:
    with pytest.raises(InputError) as caught:
        check_digit(data)
    assert caught.value.place.position == position
    assert "expected A-Z, 0-9 or '<'" in caught.value.message
