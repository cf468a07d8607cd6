"""compare(): cross-script pairs both ways, order, particles, compounds, typos, frequency."""

from __future__ import annotations

import json

import pytest

from filet.errors import ConfigError
from filet.names import MatchRule, NameMatchSettings, analyse, compare

# True variants: the same name across scripts and romanisations. Each pair is checked both ways.
VARIANTS = [
    ("محمد عبد الرحمن", "Mohamed Abdelrahman"),  # Arabic
    ("خالد محمود حسن", "Khaled Mahmoud Hassan"),
    ("محمد رضا", "Mohammad Reza"),  # Persian (Dari)
    ("محمد رضا احمدی", "Mohammadreza Ahmadi"),
    ("ذبیح الله یوسفزی", "Zabihullah Yousafzai"),  # Pashto
    ("گلبدین حکمتیار", "Gulbuddin Hekmatyar"),
    ("عمران خان نیازی", "Imran Khan Niazi"),  # Urdu
    ("ተስፋዬ ገብረመድህን", "Tesfaye Gebremedhin"),  # Tigrinya / Amharic
    ("ተስፋዬ ገብረመድህን", "Tesfay Gebre-Medhin"),
    ("ኣብርሃም ተኽለ ሃይለ", "Abraham Tekle Haile"),
    ("Олена Шевченко", "Olena Shevchenko"),  # Ukrainian
    ("Олена Шевченко", "Elena Shevchenko"),
    ("Сергей Кузнецов", "Sergei Kuznetsov"),  # Russian
    ("Γιώργος Παπαδόπουλος", "Giorgos Papadopoulos"),  # Greek
    ("דוד כהן", "David Cohen"),  # Hebrew
    ("মোহাম্মদ রহিম উদ্দিন", "Mohammad Rahim Uddin"),  # Bengali
    ("राजेश कुमार शर्मा", "Rajesh Kumar Sharma"),  # Devanagari
]


@pytest.mark.parametrize(("native", "latin"), VARIANTS)
def test_true_variants_score_high_in_both_directions(native: str, latin: str) -> None:
    assert compare(native, latin).score >= 0.8
    assert compare(latin, native).score >= 0.8


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Mohamed Abdelrahman", "Olena Shevchenko"),
        ("محمد عبد الرحمن", "Tesfaye Gebremedhin"),
        ("ተስፋዬ ገብረመድህን", "Sergei Kuznetsov"),
        ("Олена Шевченко", "Fatima Zahra"),
        ("דוד כהן", "Mamadou Diallo"),
        ("राजेश कुमार", "Khaled Hassan"),
        ("Ahmed Hassan", "Hamid Hussain"),
        ("Yonas Kidane", "Abdulaziz Karimi"),
    ],
)
def test_unrelated_names_score_low(left: str, right: str) -> None:
    assert compare(left, right).score < 0.5
    assert compare(right, left).score < 0.5


def test_name_order_swaps_between_fields_do_not_matter() -> None:
    swapped = compare(analyse(given="Shevchenko", family="Olena"), "Olena Shevchenko")
    assert swapped.score >= 0.9
    assert compare("Tesfaye Gebremedhin Kidane", "Kidane Tesfaye Gebremedhin").score >= 0.9
    assert (
        compare("Mohamed Ali Hassan", "Hassan Mohamed Ali").score
        == compare("Mohamed Ali Hassan", "Mohamed Ali Hassan").score
    )


def test_particles_and_titles_do_not_count() -> None:
    assert compare("Dr. Khalid bin Walid", "Khalid Walid").score == pytest.approx(
        compare("Khalid Walid", "Khalid Walid").score
    )
    assert compare("Khadija bint Ahmed", "Khadidja Ahmed").score >= 0.8


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Abdulaziz Karimi", "Abdul Aziz Karimi"),
        ("Abdelrahman Yousef", "Abd al-Rahman Yousef"),
        ("Abdurrahman Yousef", "Abdul Rahman Yousef"),
        ("Gebremedhin Tesfaye", "Gebre Medhin Tesfaye"),
        ("Mohammadreza Ahmadi", "Mohammad Reza Ahmadi"),
        ("Hailemariam Desalegn", "Haile Mariam Desalegn"),
        ("Habibullah Safi", "Habib Ullah Safi"),
    ],
)
def test_joined_and_split_compounds(left: str, right: str) -> None:
    assert compare(left, right).score >= 0.85
    assert compare(right, left).score >= 0.85


def test_compound_rule_is_explained() -> None:
    result = compare("Mohammadreza Ahmadi", "Mohammad Reza Ahmadi")
    compound = [match for match in result.matches if match.rule is MatchRule.COMPOUND]
    assert len(compound) == 1
    assert compound[0].query == "Mohammadreza"
    assert compound[0].candidate == "Mohammad Reza"


@pytest.mark.parametrize(
    ("typed", "right"),
    [
        ("Tesfaye Gebremedihn", "Tesfaye Gebremedhin"),  # transposed letters
        ("Zerihun Tesfamicheal", "Zerihun Tesfamichael"),
        ("Olena Shevchneko", "Olena Shevchenko"),
        ("Yonas Kidanne", "Yonas Kidane"),  # doubled letter
        ("Zerihun Tesfamichal", "Zerihun Tesfamichael"),  # dropped letter
        ("ZERIHUN TESFAM1CHAEL", "Zerihun Tesfamichael"),  # OCR 1 for I
        ("Y0NAS KIDANE", "Yonas Kidane"),  # OCR 0 for O
    ],
)
def test_typos_and_ocr_confusions_still_match(typed: str, right: str) -> None:
    assert compare(typed, right).score >= 0.8


def test_a_common_name_is_weaker_evidence_than_a_rare_one() -> None:
    common = compare("Mohammed Ali", "Mohammed Ali")
    rare = compare("Zerihun Tesfamichael", "Zerihun Tesfamichael")
    assert common.quality == rare.quality == 1.0
    assert common.score < rare.score
    assert 0.7 <= common.score < 0.9  # worth a look, never "strong" on the name alone
    assert rare.score >= 0.95
    assert compare("Mohammed", "Mohammed").score < 0.7  # one common name alone


def test_a_rare_part_shared_counts_more_than_a_common_one() -> None:
    rare_shared = compare("Zerihun Hassan", "Zerihun Ali")
    common_shared = compare("Mohammed Zerihun", "Mohammed Tesfamichael")
    assert rare_shared.score > common_shared.score


def test_unmatched_query_parts_cost_more_than_unmatched_candidate_parts() -> None:
    longer_candidate = compare("Yonas Kidane", "Yonas Kidane Berhe")
    longer_query = compare("Yonas Kidane Berhe", "Yonas Kidane")
    assert longer_candidate.score > longer_query.score
    penalties = {part.side: part.penalty for part in longer_query.unmatched}
    assert set(penalties) == {"query"}


def test_family_name_weighs_more_where_the_culture_has_family_names() -> None:
    family_differs = compare("Johannes Peter Müller", "Johannes Peter Schneider")
    given_differs = compare("Johannes Peter Müller", "Johannes Karl Müller")
    assert family_differs.score < given_differs.score


def test_known_different_names_do_not_match_by_spelling() -> None:
    result = compare("Hassan Tesfamichael", "Hussein Tesfamichael")
    rules = {match.query: match.rule for match in result.matches}
    assert rules["Hassan"] is MatchRule.KNOWN_DIFFERENT
    assert result.score < compare("Hassan Tesfamichael", "Hasan Tesfamichael").score
    assert compare("Ahmed Karimi", "Ahmadi Karimi").score < 0.8


def test_cognates_match_only_weakly() -> None:
    result = compare("Yusuf Tesfamichael", "Joseph Tesfamichael")
    assert {match.rule for match in result.matches} == {MatchRule.COGNATE, MatchRule.EXACT}
    assert result.score < compare("Yusuf Tesfamichael", "Youssef Tesfamichael").score
    assert compare("Yusuf", "Joseph").score < 0.5


def test_initials() -> None:
    result = compare("M. Zerihun", "Mulugeta Zerihun")
    assert MatchRule.INITIAL in {match.rule for match in result.matches}
    assert result.score < compare("Mulugeta Zerihun", "Mulugeta Zerihun").score


def test_rules_across_scripts_are_named() -> None:
    arabic = compare("محمد عبد الرحمن", "Mohamed Abdelrahman")
    assert {match.rule for match in arabic.matches} == {MatchRule.EQUIVALENCE}
    geez = compare("ተስፋዬ ገብረመድህን", "Tesfaye Gebremedhin")
    assert {match.rule for match in geez.matches} == {MatchRule.TRANSLITERATION}
    unknown_arabic = compare("نجم الدين الكردي", "Najmuddin Kurdi")
    assert unknown_arabic.score >= 0.8
    assert MatchRule.TRANSLITERATION in {match.rule for match in unknown_arabic.matches}


def test_explanation_is_structured_and_serialisable() -> None:
    result = compare("Hussein Ali Farah", "Husein Cali")
    data = result.as_dict()
    json.dumps(data)
    assert data["settings_version"] == "names-2"
    assert [(m["query"], m["candidate"], m["rule"]) for m in data["matches"]] == [
        ("Hussein", "Husein", "equivalence"),
        ("Ali", "Cali", "equivalence"),
    ]
    [unmatched] = data["unmatched"]
    assert (unmatched["side"], unmatched["text"], unmatched["latin"]) == ("query", "Farah", "farah")
    assert unmatched["penalty"] > 0
    assert "unmatched" in result.explain()


def test_score_is_in_unit_interval_and_empty_names_score_zero() -> None:
    assert compare("", "Mohamed").score == 0.0
    for left, right in VARIANTS:
        assert 0.0 <= compare(left, right).score <= 1.0


def test_settings_are_validated_and_change_scores() -> None:
    with pytest.raises(ConfigError, match="must be in"):
        NameMatchSettings(equivalence_score=1.5)
    strict = NameMatchSettings(equivalence_score=0.5)
    assert (
        compare("Mohamed Zerihun", "Muhammad Zerihun", strict).score
        < compare("Mohamed Zerihun", "Muhammad Zerihun").score
    )


@pytest.mark.parametrize(
    ("native", "latin"),
    [
        ("王小明", "Wang Xiaoming"),
        ("王小明", "Wang Xiao Ming"),  # given name split: compound rule
        ("김민수", "Kim Minsu"),  # ICU writes 김 as "gim"; the group knows Kim
        ("Nguyễn Văn An", "Nguyen Van An"),
    ],
)
def test_family_name_first_names(native: str, latin: str) -> None:
    assert compare(native, latin).score >= 0.8
    assert compare(latin, native).score >= 0.8


def test_mrz_forms_match_the_written_name() -> None:
    # ICAO two-letter umlauts, < separators, and a name cut at the end of the MRZ field.
    # The reading is exact; the score is capped by evidence, as Johannes Peter Müller is a
    # common German name (Müller, Johannes and Peter are all listed in frequencies.csv).
    mrz = compare("MUELLER<<JOHANNES<PETER", "Johannes Peter Müller")
    assert mrz.quality >= 0.95
    assert mrz.score >= 0.9
    assert compare("SHEVCHENKO<<OLENA", "Олена Шевченко").score >= 0.8
    truncated = compare("ZERIHUN<<TESFAMICHAEL<GEBREMEDH", "Tesfamichael Gebremedhin Zerihun")
    assert truncated.score >= 0.8


def test_arabic_article_written_joined() -> None:
    # Hassan, Sayed and Tesfamichael are common names: evidence holds the score near 0.9.
    for joined, split in (("Alhassan", "Hassan"), ("Elsayed", "Sayed")):
        result = compare(f"{joined} Tesfamichael", f"{split} Tesfamichael")
        assert result.quality >= 0.98
        assert result.score >= 0.85
    assert compare("Alexander Tesfamichael", "Xander Tesfamichael").score < 0.8


def test_a_chinese_syllable_takes_no_group_from_its_other_readings() -> None:
    # Wade-Giles Chuan is also read pinyin juan, which is not the Spanish Juan (John's group).
    assert compare("Chuan", "John").score == 0.0
    assert "john" not in analyse("Chuan").names[0].symbols
    assert compare("Juan", "John").matches[0].rule is MatchRule.EQUIVALENCE
    assert compare("娟", "Chuan").score > 0.0  # the readings still meet


def test_a_shared_skeleton_does_not_make_a_long_word_a_short_one() -> None:
    # Chun Yaao joined reads jun-yaao, whose skeleton (AN) is also Yan's: no compound match.
    result = compare("Yong Chun Yaao", "Yong Yan Li")
    assert all(match.rule is not MatchRule.COMPOUND for match in result.matches)
    assert result.score < 0.5
    # Same-length words sharing the skeleton still match phonetically.
    same_length = compare("Tesfalidet Gebremedhin", "Tesfalidet Gebremeden")
    assert same_length.score >= 0.8
    assert {match.rule for match in same_length.matches} == {MatchRule.EXACT, MatchRule.PHONETIC}
