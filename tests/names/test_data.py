"""The reviewable data files load, are consistent, and the loaders reject broken files."""

from __future__ import annotations

import pytest

from filet.errors import ConfigError
from filet.names import _data, phonetic_key
from filet.names._lexicon import canonical_form, lexicon


def test_equivalence_groups_are_many_and_well_formed() -> None:
    groups = _data.equivalences().groups
    assert len(groups) >= 300
    cultures = set(_data.culture_rules().cultures)
    for group in groups:
        assert group.latin, group.id
        assert set(group.cultures) <= cultures, group.id
        assert all(spelling == spelling.lower() for spelling in group.latin), group.id


def test_no_latin_spelling_is_claimed_by_two_groups() -> None:
    ambiguous = _data.equivalences().ambiguous
    shared = {
        form: ids
        for form, ids in lexicon().by_latin.items()
        if len(ids) > 1 and form not in ambiguous
    }
    assert shared == {}


def test_every_frequency_entry_names_a_group_or_a_spelling() -> None:
    lex = lexicon()
    for name in _data.frequencies():
        assert name in lex.variants or canonical_form(name) in lex.by_latin or name.isalpha()


def test_most_spellings_of_a_group_share_its_skeleton_key() -> None:
    # The groups are where the key earns its keep: within a group most spellings agree.
    agreeing = total = 0
    for group in _data.equivalences().groups:
        keys = [phonetic_key(canonical_form(spelling)) for spelling in group.latin]
        usual = max(set(keys), key=keys.count)
        agreeing += keys.count(usual)
        total += len(keys)
    assert agreeing / total >= 0.75


def test_letter_tables_cover_the_scripts() -> None:
    arabic = _data.letter_table("arabic_script.csv")
    for letter in "ابتثجحخدذرزسشصضطظعغفقكلمنهوي" + "پچژگک" + "ټډړږښګڼځڅ" + "ٹڈڑںھےہ":
        assert letter in arabic, letter
    assert len(_data.ethiopic_rows()) >= 40


def test_a_broken_csv_row_is_reported_with_its_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_data, "_read_text", lambda name: "# comment\nname,per_million\nali,lots\n")
    _data.frequencies.cache_clear()
    try:
        with pytest.raises(ConfigError, match="line 3"):
            _data.frequencies()
    finally:
        _data.frequencies.cache_clear()
