"""Transliteration of real names of each script to the Latin people write."""

from __future__ import annotations

import pytest

from filet.names import transliterate
from filet.names._translit import latin_forms


@pytest.mark.parametrize(
    ("name", "latin"),
    [
        # Cyrillic: BGN/PCGN, Ukrainian variant where Ukrainian letters show.
        ("Олена Шевченко", "Olena Shevchenko"),
        ("Юрій Мельник", "Yuriy Melnyk"),
        ("Сергей Кузнецов", "Sergey Kuznetsov"),
        ("Щукин", "Shchukin"),
        # Greek: UNGEGN.
        ("Γιώργος Παπαδόπουλος", "Giorgos Papadopoulos"),
        # Ge'ez: sixth order without vowel (not "tesefaye"), word-final cluster broken by i.
        ("ተስፋዬ ገብረመድህን", "tesfaye gebremedhin"),
        ("ኣብርሃም ተኽለ", "abrham tekle"),
        ("ዮናስ ኪዳነ", "yonas kidane"),
        ("አበበ በርሀ", "abebe berhe"),  # laryngeal first order: a at the start, e after it
        # Devanagari and Bengali: the inherent vowel at the end of a word is not written.
        ("राजेश कुमार", "rajesh kumar"),
        ("মোহাম্মদ রহিম", "mohammad rahim"),
        # Latin diacritics folded.
        ("Hüseyin Çelik", "Huseyin Celik"),
        ("Łukasz Wójcik", "Lukasz Wojcik"),
    ],
)
def test_transliteration(name: str, latin: str) -> None:
    assert transliterate(name) == latin


@pytest.mark.parametrize(
    ("token", "forms"),
    [
        # Arabic script writes consonants and long vowels only; waw/yeh get a second reading.
        ("محمد", ("mhmd",)),
        ("علي", ("ali", "aly")),
        ("حسين", ("hsin", "hsyn")),
        ("عائشة", ("aaysha", "aayshh")),
        ("ګل", ("gl",)),  # Pashto gaf, which ICU leaves untouched
        ("ښکلی", ("shkli", "shkly")),  # Pashto xin
        ("چوہدری", ("chuhdri", "chwhdry")),  # Urdu gol he
    ],
)
def test_abjad_readings(token: str, forms: tuple[str, ...]) -> None:
    assert latin_forms(token)[: len(forms)] == forms


def test_hebrew_readings_include_the_consonant_vav() -> None:
    assert "dvd" in latin_forms("דוד")
    assert latin_forms("כהן")[0] == "khn"


def test_umlauts_have_the_icao_two_letter_reading() -> None:
    assert latin_forms("Müller") == ("muller", "mueller")
    assert latin_forms("Søren") == ("soren", "soeren")
