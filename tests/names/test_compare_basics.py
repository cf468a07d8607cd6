"""First cross-script checks of filet.names.compare."""

from __future__ import annotations

import pytest

from filet.names import compare


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("محمد عبد الرحمن", "Mohamed Abdelrahman"),
        ("ተስፋዬ ገብረመድህን", "Tesfaye Gebremedhin"),
        ("Олена Шевченко", "Olena Shevchenko"),
        ("Олена Шевченко", "Elena Shevchenko"),
    ],
)
def test_cross_script_variants_score_high_both_ways(left: str, right: str) -> None:
    assert compare(left, right).score >= 0.8
    assert compare(right, left).score >= 0.8


def test_unrelated_names_score_low() -> None:
    assert compare("Ahmed Hassan", "Olena Shevchenko").score < 0.5
