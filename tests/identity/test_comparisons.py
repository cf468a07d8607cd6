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
        {"document_number": "N1234567"},
        {"document_number": "N1234561"},
        "document",
        "one character differs",
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
    ("e1", {"email": "Tesfaye.G@example.org"}, {"email": "tesfaye.g@example.org"}, "email", "same"),
    (
        "e2",
        {"email": "tesfaye.g@example.org"},
        {"email": "tesfaye.g@mail.example"},
        "email",
        "same user, other host",
    ),
    (
        "e3",
        {"email": "tesfaye.g@example.org"},
        {"email": "selam@example.org"},
        "email",
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
    for number, (pair, left, right, _, _) in enumerate(PAIRS):
        phone = f"+39 333 {number:07d}"
        rows.append({"record_id": f"{pair}-a", "phone": phone, **left})
        rows.append({"record_id": f"{pair}-b", "phone": phone, **right})
    rows.append({"record_id": "ph-a", "phone": "+39 333 1111111", "document_number": "PH1"})
    rows.append({"record_id": "ph-b", "phone": "+39 333 2222222", "document_number": "PH1"})
    return levels(resolver, records(*rows))


@pytest.mark.parametrize(("pair", "comparison", "level"), [(p[0], p[3], p[4]) for p in PAIRS])
def test_level(
    scored: dict[tuple[str, str], dict[str, str]], pair: str, comparison: str, level: str
) -> None:
    assert scored[(f"{pair}-a", f"{pair}-b")][comparison] == level


def test_phone_levels(scored: dict[tuple[str, str], dict[str, str]]) -> None:
    assert scored[("n1-a", "n1-b")]["phone"] == "same"
    assert scored[("ph-a", "ph-b")]["phone"] == "All other comparisons"
