"""Script detection on real names of every supported script."""

from __future__ import annotations

import pytest

from filet.names import detect_script


@pytest.mark.parametrize(
    ("name", "script"),
    [
        ("Mohamed Abdelrahman", "Latin"),
        ("Hüseyin Yılmaz", "Latin"),
        ("محمد عبد الرحمن", "Arabic"),
        ("محمد رضا احمدی", "Arabic"),  # Persian (Dari)
        ("ګل محمد", "Arabic"),  # Pashto letter gaf
        ("عمران خان", "Arabic"),  # Urdu
        ("ተስፋዬ ገብረመድህን", "Ethiopic"),
        ("Олена Шевченко", "Cyrillic"),
        ("Γιώργος Παπαδόπουλος", "Greek"),
        ("דוד כהן", "Hebrew"),
        ("মোহাম্মদ রহিম", "Bengali"),
        ("राजेश कुमार", "Devanagari"),
        ("王小明", "Han"),
    ],
)
def test_script_of_a_name(name: str, script: str) -> None:
    assert detect_script(name) == script


def test_majority_script_wins_and_punctuation_is_neutral() -> None:
    assert detect_script("Mohamed (محمد عبد الرحمن)") == "Arabic"
    assert detect_script("O'Brien-Smith, J.") == "Latin"


def test_no_letters_is_unknown() -> None:
    assert detect_script("<<< 123 --") == "Unknown"
