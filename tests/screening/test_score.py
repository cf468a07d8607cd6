"""The scorer: names across scripts, evidence that only subtracts, tolerant dates, documents."""

from __future__ import annotations

import pytest

from filet.screening import ListedPerson, ScreeningSettings, Traveller, score_traveller

SETTINGS = ScreeningSettings()


def score(traveller: Traveller, entry: ListedPerson) -> float:
    return score_traveller(traveller, entry, SETTINGS).score


def listed(name: str, **values: str) -> ListedPerson:
    return ListedPerson("test", "E1", name, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("surname", "given", "listed_name"),
    [
        ("ABDELRAHMAN", "MOHAMED", "محمد عبد الرحمن"),  # Latin traveller, Arabic list
        ("GEBREMEDHIN", "TESFAY", "ተስፋዬ ገብረመድህን"),  # Latin traveller, Ge'ez list
        ("SHEVCHENKO", "ELENA", "Олена Шевченко"),  # Latin traveller, Cyrillic list
        ("عبد الرحمن", "محمد", "Mohamed Abdelrahman"),  # Arabic traveller, Latin list
        ("ገብረመድህን", "ተስፋዬ", "Tesfaye Gebre-Medhin"),  # Ge'ez traveller, Latin list
        ("Шевченко", "Олена", "Olena Shevchenko"),  # Cyrillic traveller, Latin list
        ("MOHAMED", "ABDELRAHMAN", "Abdul Rahman Mohammed"),  # order swapped, compound split
        ("AL-HASHIMI", "KHALID", "Khalid el Hashimi"),  # particle al-/el-
    ],
)
def test_the_same_name_across_scripts_reaches_review(
    surname: str, given: str, listed_name: str
) -> None:
    result = score_traveller(
        Traveller("t", surname=surname, given_names=given), listed(listed_name), SETTINGS
    )
    assert result.band in ("review", "strong"), result.explanation()


def test_an_identical_birth_date_does_not_lift_an_unrelated_name() -> None:
    entry = listed("Tesfaye Gebremedhin", birth_date="1980-03-04", nationality="ERI", sex="M")
    stranger = Traveller("t", surname="NOVAK", given_names="PETR")
    same_facts = Traveller(
        "t",
        surname="NOVAK",
        given_names="PETR",
        birth_date="1980-03-04",
        nationality="ERI",
        sex="M",
    )
    assert score(same_facts, entry) == score(stranger, entry) == 0.0


def test_disagreeing_facts_only_subtract() -> None:
    entry = listed("Yonas Haile Berhane", birth_date="1985-06-12", nationality="ERI", sex="M")
    bare = score(Traveller("t", full_name="Yonas Haile Berhane"), entry)
    agreeing = score(
        Traveller(
            "t", full_name="Yonas Haile Berhane", birth_date="1985-06-12", nationality="ER", sex="M"
        ),
        entry,
    )
    disagreeing = score(
        Traveller(
            "t",
            full_name="Yonas Haile Berhane",
            birth_date="1960-02-02",
            nationality="SDN",
            sex="F",
        ),
        entry,
    )
    assert agreeing == bare
    assert disagreeing == pytest.approx(bare - 0.4 - 0.05 - 0.1, abs=1e-6)


def test_the_birth_year_penalty_grows_with_the_gap() -> None:
    # The same full name, the listed person born in 1985: a year off is a typo or an estimate,
    # a few years an estimated age, a generation another person (a son, a namesake).
    entry = listed("Yonas Haile Berhane", birth_date="1985-06-12")
    bare = score(Traveller("t", full_name="Yonas Haile Berhane"), entry)
    by_year = {
        year: score(
            Traveller("t", full_name="Yonas Haile Berhane", birth_date=f"{year}-06-12"), entry
        )
        for year in (1985, 1986, 1988, 1990, 2010)
    }
    assert by_year[1985] == bare
    assert by_year[1986] == pytest.approx(bare - 0.05, abs=1e-6)
    assert by_year[1988] == pytest.approx(bare - 0.15, abs=1e-6)
    assert by_year[1990] == by_year[2010] == pytest.approx(bare - 0.4, abs=1e-6)
    assert bare >= SETTINGS.review_threshold > by_year[2010]


def test_a_common_name_alone_stays_below_the_strong_band() -> None:
    for name in ("Mohammed Ali", "Abdi Hassan", "Mohamed Ahmed"):
        result = score_traveller(Traveller("t", full_name=name), listed(name), SETTINGS)
        assert result.score < SETTINGS.strong_threshold, name


def test_a_rare_full_name_with_agreeing_facts_is_strong() -> None:
    entry = listed("Zerihun Woldegiorgis Tekeste", birth_date="1979-11-02")
    traveller = Traveller("t", full_name="Zerihun Woldegiorgis Tekeste", birth_date="1979-11-02")
    assert score_traveller(traveller, entry, SETTINGS).band == "strong"


@pytest.mark.parametrize(
    ("traveller_date", "listed_date", "detail"),
    [
        ("1980-01-01", "1980-05-17", "conventional"),
        ("1980", "1980-05-17", "partial"),
        ("1980-05", "1980-05-17", "partial"),
        ("1980-04-03", "1980-03-04", "swapped"),
        ("1980-XX-XX", "1980-05-17", "partial"),
        ("1980-05-17", "1980-05-17", "identical"),
    ],
)
def test_tolerated_birth_dates_cost_nothing(
    traveller_date: str, listed_date: str, detail: str
) -> None:
    entry = listed("Dawit Kidane Mehari", birth_date=listed_date)
    result = score_traveller(
        Traveller("t", full_name="Dawit Kidane Mehari", birth_date=traveller_date), entry, SETTINGS
    )
    birth = next(e for e in result.evidence if e.feature == "birth_date")
    assert birth.weight == 0.0 and detail in birth.detail


def test_an_equal_document_number_is_strong_evidence() -> None:
    entry = listed("Mohammed Ali", document_number="P-123 4567")
    with_document = score_traveller(
        Traveller("t", full_name="Mohamed Aly", document_number="p1234567"), entry, SETTINGS
    )
    assert with_document.band == "strong"
    feature = next(e for e in with_document.evidence if e.feature == "document_number")
    assert feature.detail == "same document number"
    other_name = score(Traveller("t", full_name="Petr Novak", document_number="P1234567"), entry)
    assert SETTINGS.review_threshold <= other_name < SETTINGS.strong_threshold


def test_aliases_are_searched_and_the_explanation_names_every_piece() -> None:
    entry = listed(
        "Abu Khalid", aliases=("محمد عبد الرحمن",), birth_date="1980", sex="M", nationality="SDN"
    )  # type: ignore[arg-type]
    result = score_traveller(
        Traveller(
            "t",
            surname="ABDELRAHMAN",
            given_names="MOHAMED",
            birth_date="1980-01-01",
            sex="M",
            nationality="SDN",
        ),
        entry,
        SETTINGS,
    )
    explanation = result.explanation()
    assert [e["feature"] for e in explanation["evidence"]] == [
        "name",
        "birth_date",
        "nationality",
        "sex",
    ]
    assert explanation["evidence"][0]["entry"] == "محمد عبد الرحمن"
    assert explanation["evidence"][0]["detail"].startswith("alias")
    assert {m["rule"] for m in explanation["name"]["matches"]} == {"equivalence"}
    assert result.band == "review"


def test_bands_follow_the_settings() -> None:
    strict = ScreeningSettings(review_threshold=0.85, strong_threshold=0.95)
    result = score_traveller(
        Traveller("t", full_name="Mohammed Ali"), listed("Mohammed Ali"), strict
    )
    assert result.band == "below"
    assert strict.version != SETTINGS.version
