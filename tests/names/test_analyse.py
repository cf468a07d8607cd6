"""Name analysis: parts, roles, particles, titles, compounds, cultures, keys and weights."""

from __future__ import annotations

import pytest

from filet.errors import InputError
from filet.names import NameRole, analyse, name_keys, token_weight


def _roles(name: str, **kwargs: str) -> list[tuple[str, str]]:
    return [(part.latin, part.role.value) for part in analyse(name, **kwargs).parts]


def test_eritrean_name_is_given_father_grandfather() -> None:
    analysed = analyse("ተስፋዬ ገብረመድህን ኪዳነ")
    assert analysed.culture == "habesha"
    assert [part.role for part in analysed.parts] == [
        NameRole.GIVEN,
        NameRole.PATRONYMIC,
        NameRole.GRANDFATHER,
    ]


def test_somali_chain_has_no_family_name() -> None:
    assert _roles("Abdi Warsame Farah") == [
        ("abdi", "given"),
        ("warsame", "patronymic"),
        ("farah", "grandfather"),
    ]


def test_arabic_nasab_particles_mark_father_and_grandfather() -> None:
    analysed = analyse("Abd al-Rahman bin Khalid bin Walid al-Hashimi")
    assert analysed.culture == "arab"
    assert _roles("Abd al-Rahman bin Khalid bin Walid al-Hashimi") == [
        ("abdalrahman", "given"),
        ("bin", "particle"),
        ("khalid", "patronymic"),
        ("bin", "particle"),
        ("walid", "grandfather"),
        ("al", "particle"),
        ("hashimi", "family"),
    ]


def test_titles_are_set_aside() -> None:
    parts = analyse("Dr. Haji Gul Mohammad Khan").parts
    assert [part.role for part in parts[:2]] == [NameRole.TITLE, NameRole.TITLE]
    assert [part.latin for part in parts if part.is_name] == ["gul", "mohammad", "khan"]


def test_afghan_single_name() -> None:
    analysed = analyse("گلبدین")
    assert [(part.latin, part.role) for part in analysed.parts] == [("gulbuddin", NameRole.GIVEN)]


def test_family_name_first_cultures() -> None:
    assert _roles("Nguyen Van An")[0] == ("nguyen", "family")
    assert analyse("王小明").culture == "east_asian"
    assert analyse("王小明").parts[0].role is NameRole.FAMILY


def test_slavic_patronymic_and_inverted_order() -> None:
    assert _roles("Olena Ivanivna Shevchenko") == [
        ("olena", "given"),
        ("ivanivna", "patronymic"),
        ("shevchenko", "family"),
    ]
    assert _roles("Shevchenko Olena Ivanivna")[0] == ("shevchenko", "family")


def test_structured_name_fields() -> None:
    western = analyse(given="Johannes Peter", family="Müller")
    assert [part.role for part in western.parts] == [
        NameRole.GIVEN,
        NameRole.GIVEN,
        NameRole.FAMILY,
    ]
    # An Eritrean's "surname" field holds the father's given name.
    eritrean = analyse(given="Tesfaye", family="Gebremedhin")
    assert [part.role for part in eritrean.parts] == [NameRole.GIVEN, NameRole.PATRONYMIC]


def test_mrz_name_field() -> None:
    analysed = analyse("MUELLER<<HANS<PETER")
    assert [(part.latin, part.role.value) for part in analysed.parts] == [
        ("hans", "given"),
        ("peter", "given"),
        ("mueller", "family"),
    ]


@pytest.mark.parametrize(
    "spelling",
    ["Abdelrahman", "Abd al-Rahman", "Abdul Rahman", "Abdurrahman", "Abdirahman", "عبد الرحمن"],
)
def test_compound_spellings_join_into_one_part_in_one_group(spelling: str) -> None:
    names = analyse(spelling).names
    assert len(names) == 1
    assert "abdulrahman" in names[0].symbols


@pytest.mark.parametrize("spelling", ["Gebremedhin", "Gebre Medhin", "Gebre-Medhin", "ገብረመድህን"])
def test_ethiopian_compounds(spelling: str) -> None:
    names = analyse(spelling).names
    assert [part.form for part in names] == ["gebremedhin"]


def test_wolde_abbreviation() -> None:
    assert analyse("W/Michael").names[0].form == "woldemichael"
    assert analyse("ወ/ሚካኤል").names[0].form == "woldemikael"


def test_suffix_compounds() -> None:
    assert analyse("Habib Ullah").names[0].form == "habibullah"
    assert analyse("Salah ad-Din").names[0].form == "salahuddin"
    assert analyse("Salaheddine").names[0].form == "salahuddin"


def test_ocr_digits_in_words_are_read_as_letters() -> None:
    assert [part.form for part in analyse("M0HAMED AL1").names] == ["mohamed", "ali"]


def test_known_arabic_script_names_get_common_romanisations() -> None:
    part = analyse("محمد").names[0]
    assert part.latin == "muhammad"
    assert {"mohammed", "mohamed", "muhammad", "mehmet"} <= set(part.variants())


def test_persian_and_arabic_letter_forms_are_one_name() -> None:
    # Persian yeh and kaf against Arabic yeh and kaf.
    assert analyse("علی").names[0].symbols == analyse("علي").names[0].symbols == {"ali"}
    assert "karim" in analyse("کریم").names[0].symbols


def test_common_tokens_weigh_less_than_rare_ones() -> None:
    assert token_weight("Mohammed") < token_weight("Hassan") < token_weight("Tesfaye")
    assert token_weight("Tesfaye") < token_weight("Zerihun") == 1.0
    assert token_weight("محمد") == token_weight("Mohamed")


def test_blocking_keys_are_shared_across_scripts() -> None:
    arabic = name_keys("محمد عبد الرحمن")
    latin = name_keys("Mohamed Abdelrahman")
    assert {"g:muhammad", "g:abdulrahman"} <= arabic & latin
    assert name_keys("Tesfaye Gebremedhin") & name_keys("ተስፋዬ ገብረመድህን")
    assert not name_keys("Olena Shevchenko") & name_keys("Tesfaye Gebremedhin")


def test_unknown_culture_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown name culture"):
        analyse("Ali", culture="martian")


def test_empty_name_has_no_parts() -> None:
    assert analyse("  <<  ").names == ()


def test_analysed_names_survive_pickling_for_batch_workers() -> None:
    import pickle

    analysed = analyse("محمد عبد الرحمن")
    copy = pickle.loads(pickle.dumps(analysed))
    assert copy == analysed
    assert copy.keys() == analysed.keys()


def test_nationality_hints_the_culture() -> None:
    somali = analyse("Hussein Ali Farah", nationality="SOM")
    assert somali.culture == "somali"
    assert [part.role for part in somali.parts] == [
        NameRole.GIVEN,
        NameRole.PATRONYMIC,
        NameRole.GRANDFATHER,
    ]
    assert analyse("Nagy Péter", nationality="HUN").parts[0].role is NameRole.FAMILY
    # A hint only: the name's own evidence can outweigh it.
    assert analyse("Tesfaye Gebremedhin Kidane", nationality="DEU").culture == "habesha"
    assert (
        analyse("Hussein Ali Farah", nationality="XXX").culture
        == analyse("Hussein Ali Farah").culture
    )
