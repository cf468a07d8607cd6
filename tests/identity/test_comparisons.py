"""Each comparison level of the model is reached by the records it is meant for."""

from __future__ import annotations

from typing import Any

import pytest

from filet.identity import IdentityResolver
from tests.identity.conftest import levels, records

# Pairs (id, left fields, right fields, comparison, expected level). Each pair shares a phone
# number of its own so that blocking brings it together whatever else differs.
PAIRS: list[tuple[str, dict[str, Any], dict[str, Any], str, str]] = [
    (
        "n1",
        {"given_names": "Tesfaye", "surname": "Gebremedhin"},
        {"full_name": "ተስፋዬ ገብረመድህን"},
        "name",
        "same name (rare)",
    ),
    (
        "n2",
        {"given_names": "Mohammed", "surname": "Ali"},
        {"full_name": "محمد علي"},
        "name",
        "same name (common)",
    ),
    (
        "n3",
        {"full_name": "Zbigniew Brzezinski"},
        {"full_name": "Zbigniew Brzezimski"},
        "name",
        "spelling ≥ 0.92",
    ),
    (
        "n4",
        {"full_name": "Ahmed Hassan Yusuf Karimi"},
        {"full_name": "Ahmed Hassan"},
        "name",
        "two or more parts agree",
    ),
    ("n5", {"full_name": "Karim Nadiri"}, {"full_name": "Kamal Nadiri"}, "name", "spelling ≥ 0.8"),
    ("n6", {"full_name": "Fatima Karimi"}, {"full_name": "Omar Karimi"}, "name", "one part agrees"),
    (
        "n7",
        {"full_name": "Fatima Zahra"},
        {"full_name": "Olga Petrenko"},
        "name",
        "All other comparisons",
    ),
    ("n8", {"full_name": "Fatima Zahra"}, {"birth_date": "1990"}, "name", "name_canon is NULL"),
    ("d1", {"birth_date": "1985-03-14"}, {"birth_date": "1985-03-14"}, "birth_date", "same date"),
    (
        "d2",
        {"birth_date": "1985-01-01"},
        {"birth_date": "1985-01-01"},
        "birth_date",
        "same conventional date (1 Jan/Jul)",
    ),
    (
        "d3",
        {"birth_date": "1985-03-04"},
        {"birth_date": "1985-04-03"},
        "birth_date",
        "day and month swapped",
    ),
    (
        "d4",
        {"birth_date": "1985"},
        {"birth_date": "1985-03-04"},
        "birth_date",
        "same year, rest unknown on one side",
    ),
    (
        "d5",
        {"birth_date": "1985-01-01"},
        {"birth_date": "1985-06-12"},
        "birth_date",
        "same year, rest unknown on one side",
    ),
    (
        "d6",
        {"birth_date": "1985-03-14"},
        {"birth_date": "1985-03-24"},
        "birth_date",
        "one digit differs",
    ),
    (
        "d7",
        {"birth_date": "1970-05-05"},
        {"birth_date": "1985-03-14"},
        "birth_date",
        "different dates",
    ),
    (
        # Two conventional dates ten years apart: not one date with a typo.
        "d9",
        {"birth_date": "1961-01-01"},
        {"birth_date": "1971-01-01"},
        "birth_date",
        "All other comparisons",
    ),
    (
        "d10",
        {"birth_date": "1971"},
        {"birth_date": "1972-05-05"},
        "birth_date",
        "All other comparisons",
    ),
    ("d8", {"birth_date": "1970-XX-XX"}, {"birth_date": None}, "birth_date", "birth_year is NULL"),
    (
        "p1",
        {"document_number": "N123-4567", "document_country": "SYR"},
        {"document_number": "N1234567", "document_country": "SYR"},
        "document",
        "same document",
    ),
    (
        "p2",
        {"document_number": "N1234567", "document_country": "SYR"},
        {"document_number": "N1234567", "document_country": "TUR"},
        "document",
        "same number, other state",
    ),
    (
        "p3",
        {"document_number": "N1234567", "full_name": "Selam Tekle"},
        {"document_number": "N1234561", "full_name": "Selam Tekle"},
        "document",
        "one character differs, names agree",
    ),
    (
        # Passports issued in series to a group: one character apart, two people.
        "p5",
        {"document_number": "V5583553", "full_name": "Tesfaye Alemayehu"},
        {"document_number": "V5583563", "full_name": "Abebe Yohannes"},
        "document",
        "All other comparisons",
    ),
    (
        "p4",
        {"document_number": "N1234567"},
        {"document_number": "X9999999"},
        "document",
        "All other comparisons",
    ),
    (
        "s1",
        {"nationality": "ERI", "sex": "F"},
        {"nationality": "ERI", "sex": "F"},
        "nationality",
        "same",
    ),
    (
        "s2",
        {"nationality": "ERI", "sex": "F"},
        {"nationality": "ETH", "sex": "M"},
        "nationality",
        "All other comparisons",
    ),
    ("s3", {"nationality": "ERI", "sex": "F"}, {"nationality": "ERI", "sex": "F"}, "sex", "same"),
    (
        "s4",
        {"nationality": "ERI", "sex": "F"},
        {"nationality": "ETH", "sex": "M"},
        "sex",
        "All other comparisons",
    ),
    (
        "e1",
        {"email": "Tesfaye.G@example.org", "full_name": "Tesfaye Gebremedhin"},
        {"email": "tesfaye.g@example.org", "full_name": "Tesfaye Gebremedhin"},
        "email",
        "same, names agree",
    ),
    (
        "e2",
        {"email": "tesfaye.g@example.org", "full_name": "Tesfaye Gebremedhin"},
        {"email": "tesfaye.g@mail.example", "full_name": "Tesfaye Gebremedhin"},
        "email",
        "same user, other host, names agree",
    ),
    (
        "e3",
        {"email": "tesfaye.g@example.org", "full_name": "Tesfaye Gebremedhin"},
        {"email": "selam@example.org", "full_name": "Tesfaye Gebremedhin"},
        "email",
        "All other comparisons",
    ),
    (
        # A booking's contact: phone and email count once, with the phone.
        "e4",
        {"email": "t@example.org", "phone": "+251 911 777777", "full_name": "Tesfaye Gebremedhin"},
        {"email": "t@example.org", "phone": "+251911777777", "full_name": "Tesfaye Gebremedhin"},
        "email",
        "same, with the same phone (counted there)",
    ),
    (
        # An agency's address on the bookings of two travellers.
        "e5",
        {"email": "bookings30@agency.example", "full_name": "Girma Mulugeta"},
        {"email": "bookings30@agency.example", "full_name": "Tesfay Woldemichael"},
        "email",
        "same, names differ",
    ),
    (
        "t1",
        {"phone": "+251 911 000001", "full_name": "Tesfaye Gebremedhin"},
        {"phone": "0911000001", "full_name": "Tesfaye Gebremedhin"},
        "phone",
        "same, names agree",
    ),
    (
        # A family's or a group's phone: shared by different people.
        "t2",
        {"phone": "+251 911 000002", "full_name": "Selam Tekle"},
        {"phone": "+251 911 000002", "full_name": "Yonas Haile"},
        "phone",
        "same, names differ",
    ),
    (
        "t3",
        {"phone": "+251 911 000003", "full_name": "Tesfaye Gebremedhin"},
        {"phone": "+251 911 000004", "full_name": "Tesfaye Gebremedhin"},
        "phone",
        "All other comparisons",
    ),
    (
        "a1",
        {"address": "12 Via Roma, Catania"},
        {"address": "12 via roma catania"},
        "address",
        "same",
    ),
    (
        "a2",
        {"address": "12 Via Roma, Catania"},
        {"address": "12 Via Roma, Catanai"},
        "address",
        "similar ≥ 0.9",
    ),
    (
        "a3",
        {"address": "12 Via Roma, Catania"},
        {"address": "12 Via Romano, Cosenza"},
        "address",
        "similar ≥ 0.75",
    ),
    (
        "a4",
        {"address": "12 Via Roma, Catania"},
        {"address": "Flat 3, 44 Rue de Lyon, Marseille"},
        "address",
        "All other comparisons",
    ),
]


@pytest.fixture(scope="module")
def scored(resolver: IdentityResolver) -> dict[tuple[str, str], dict[str, str]]:
    rows = []
    for number, (pair, left, right, comparison, _) in enumerate(PAIRS):
        # Contact pairs are brought together by their own name, email or phone.
        shared = {} if comparison in ("phone", "email") else {"phone": f"+39 333 {number:07d}"}
        rows.append({"record_id": f"{pair}-a", **shared, **left})
        rows.append({"record_id": f"{pair}-b", **shared, **right})
    rows.append({"record_id": "ph-a", "phone": "+39 333 1111111", "document_number": "PH1"})
    rows.append({"record_id": "ph-b", "phone": "+39 333 2222222", "document_number": "PH1"})
    return levels(resolver, records(*rows))


@pytest.mark.parametrize(("pair", "comparison", "level"), [(p[0], p[3], p[4]) for p in PAIRS])
def test_level(
    scored: dict[tuple[str, str], dict[str, str]], pair: str, comparison: str, level: str
) -> None:
    assert scored[(f"{pair}-a", f"{pair}-b")][comparison] == level


def test_phone_levels(scored: dict[tuple[str, str], dict[str, str]]) -> None:
    assert scored[("n1-a", "n1-b")]["phone"] == "same, names agree"
    assert scored[("n7-a", "n7-b")]["phone"] == "same, names differ"
    assert scored[("ph-a", "ph-b")]["phone"] == "All other comparisons"
