"""Name frequencies (``frequencies.csv``): common names of every culture are weak evidence."""

from __future__ import annotations

import pytest

from filet.names import _data, analyse, compare, token_weight
from filet.names._lexicon import lexicon

STRONG = 0.9


@pytest.mark.parametrize(
    "name",
    [
        "Wei Chen",
        "Wang Wei",
        "Juan Garcia",
        "Maria Santos",
        "Mehmet Yılmaz",
        "Ivan Ivanov",
        "Иван Иванов",
        "Maria Rossi",
        "John Smith",
        "Jean Martin",
        "Ram Kumar",
        "Mohammed Ali",
    ],
)
def test_a_common_name_alone_stays_below_the_strong_band(name: str) -> None:
    result = compare(name, name)
    assert result.quality == 1.0
    assert 0.7 <= result.score < STRONG


@pytest.mark.parametrize(
    "name", ["Tesfalidet Zerihun", "Gianfranco Zanetti", "Radoslav Kolesnikov", "Xylander Quennell"]
)
def test_a_rare_name_pair_still_reaches_the_strong_band(name: str) -> None:
    assert compare(name, name).score >= STRONG


@pytest.mark.parametrize(
    "token",
    [
        # One or two of the commonest tokens of each culture filet reads, in the spellings
        # and scripts travellers carry them.
        "Wei", "Chen", "王", "Yong", "Chun", "Ming", "Park", "Tran", "Thi",
        "Juan", "José", "Garcia", "Dela Cruz", "Marco", "Andrea", "Rossi",
        "Jean", "Martin", "Müller", "MUELLER", "Smith", "Emre", "Yılmaz", "Çelik",
        "Oleh", "Iwan", "Иванов", "Shevchenko", "Kaur", "Sharma", "Gurung", "Sultana",
        "Guled", "Girma", "Saba", "Zahra", "Bilal", "Hamza", "Fatou", "Jallow", "Mensah",
    ],
)  # fmt: skip
def test_the_common_names_of_every_culture_weigh_less_than_a_rare_one(token: str) -> None:
    assert token_weight(token) < 0.7
    assert token_weight("Zerihun") == 1.0


def test_every_spelling_row_changes_the_weight_of_its_token() -> None:
    # A row is either a group id or a spelling in its analysed form; a spelling row must not
    # be shadowed by a commoner group of the same token (it would change nothing).
    lex = lexicon()
    for name, per_million in _data.frequencies().items():
        if name in lex.variants:
            continue
        parts = [part for part in analyse(name).parts if part.is_name]
        assert len(parts) == 1 and parts[0].form == name, name
        groups = [lex.per_million.get(symbol, 0.0) for symbol in parts[0].symbols]
        assert per_million > max(groups, default=0.0), name


def test_common_namesakes_rank_below_a_shared_rare_name() -> None:
    common = compare("Wei Chen", "Wei Chen").score
    rarer = compare("Wei Zhuo", "Wei Zhuo").score
    assert common < rarer
