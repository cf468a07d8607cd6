"""The consonant-skeleton key on the variant groups it is designed for."""

from __future__ import annotations

import pytest

from filet.names import phonetic_key


@pytest.mark.parametrize(
    "variants",
    [
        ["mohammed", "muhammad", "mohamed", "mohamad", "muhamad", "mouhamed", "mohammad"],
        ["tesfaye", "tesfay", "tesfai"],
        ["olena", "elena", "yelena", "jelena", "alena"],
        ["hussein", "husain", "hossein", "huseyin", "hossain", "husayn"],
        ["shevchenko", "chevtchenko"],
        ["fatima", "fatimah", "fatma"],
        ["abdullah", "abdulla", "abdallah"],
        ["qasim", "kasim", "kassem"],
        ["khaled", "khalid", "khaleed"],
        ["yusuf", "youssef", "yousef", "yousif"],
        ["gebremedhin", "gebremedhen"],
        ["ali", "aly"],
        ["aisha", "aicha", "aysha"],
    ],
)
def test_variants_share_a_key(variants: list[str]) -> None:
    assert len({phonetic_key(variant) for variant in variants}) == 1


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("mohammed", "ahmed"),
        ("tesfaye", "tekle"),
        ("olena", "oksana"),
        ("hassan", "hamid"),
        ("ibrahim", "ismail"),
        ("shevchenko", "kovalenko"),
        ("jamal", "kamal"),
    ],
)
def test_different_names_have_different_keys(left: str, right: str) -> None:
    assert phonetic_key(left) != phonetic_key(right)


def test_key_shape() -> None:
    assert phonetic_key("Mohammed") == "MHMD"
    assert phonetic_key("Olena") == "ALN"  # initial vowel mark, vowels dropped
    assert phonetic_key("Walid") == "VLD"  # an initial w is a consonant
    assert phonetic_key("Marwan") == "MRN"  # a medial w is a semivowel
    assert phonetic_key("Fatimah") == "FTM"  # word-final h after a vowel is silent
