"""The rule language is safe and agrees with SQL; validation guards reject what they must."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import duckdb
import pytest

from filet.risk import RuleError, check_rule, starter_rules_path, validate_rules
from filet.risk._expr import ExpressionError, parse_condition

BASE: dict[str, Any] = {
    "id": "test-rule",
    "title": "A test rule",
    "rationale": "Written for the tests of the guards and the language.",
    "indicators": [12],
    "target": "traveller",
    "condition": "paid_cash",
    "weight": 0.5,
    "valid_from": "2026-01-01",
}
JUSTIFICATION = (
    "Nationality is used only together with the cash payment pattern seen on this route in the "
    "2025 risk analysis; reviewed quarterly for disparate impact."
)


def rule(**changes: Any) -> dict[str, Any]:
    return {**BASE, **changes}


@pytest.mark.parametrize(
    "condition",
    [
        "__import__('os').system('id')",
        "paid_cash.__class__",
        "open('/etc/passwd')",
        "[x for x in group_size]",
        "group_size[0] > 1",
        "lambda: 1",
        "paid_cash if group_size else one_way",
        "group_size ** 2 > 4",
        "nationality in nationality",
    ],
)
def test_code_cannot_get_into_a_condition(condition: str) -> None:
    with pytest.raises(RuleError) as caught:
        check_rule(rule(condition=condition))
    assert "test-rule" in str(caught.value)


@pytest.mark.parametrize(
    ("condition", "term"),
    [
        ("religion == 'X' and paid_cash", "religion"),
        ("ethnicity == 'X'", "ethnicity"),
        ("special_meal == 'MOML' and paid_cash", "special_meal"),
        ("paid_cash and nationality == 'MOML'", "MOML"),
        ("health and paid_cash", "health"),
        ("wheelchair_request and one_way", "wheelchair_request"),
        ("sexual_orientation == 'x'", "sexual_orientation"),
        ("trade_union and paid_cash", "trade_union"),
        ("political_opinion == 'x'", "political_opinion"),
        ("sex_life == 'x'", "sex_life"),
        ("surname_origin == 'x' and paid_cash", "surname_origin"),
    ],
)
def test_special_categories_and_their_proxies_are_rejected(condition: str, term: str) -> None:
    with pytest.raises(RuleError) as caught:
        check_rule(rule(condition=condition))
    message = str(caught.value)
    assert "rule test-rule" in message and repr(term) in message


@pytest.mark.parametrize(
    "condition", ["nationality == 'SYR'", "sex == 'F' and age_years < 30", "age_years >= 18"]
)
def test_nationality_sex_or_age_alone_are_rejected(condition: str) -> None:
    with pytest.raises(RuleError) as caught:
        check_rule(rule(condition=condition, justification=JUSTIFICATION))
    assert "alone" in str(caught.value) and "rule test-rule" in str(caught.value)


def test_nationality_needs_a_written_justification() -> None:
    condition = "nationality in ['SYR', 'AFG'] and paid_cash and one_way"
    with pytest.raises(RuleError) as caught:
        check_rule(rule(condition=condition))
    assert "'nationality'" in str(caught.value) and "justification" in str(caught.value)
    assert check_rule(rule(condition=condition, justification=JUSTIFICATION)).key == "test-rule"


def test_enforcement_against_smuggled_migrants_is_rejected() -> None:
    condition = "recorded_smuggled_migrant and paid_cash"
    with pytest.raises(RuleError) as caught:
        check_rule(rule(condition=condition))
    assert "'recorded_smuggled_migrant'" in str(caught.value)
    assert "smuggled migrants" in str(caught.value)
    assert check_rule(rule(condition=condition, purpose="protection")).key == "test-rule"


def test_unknown_features_types_and_targets_are_named() -> None:
    with pytest.raises(RuleError, match="unknown feature 'cash'"):
        check_rule(rule(condition="cash"))
    with pytest.raises(RuleError, match="compares a number with a string"):
        check_rule(rule(condition="group_size > 'three'"))
    with pytest.raises(RuleError, match="true or false"):
        check_rule(rule(condition="group_size + 1"))
    with pytest.raises(RuleError, match="unknown feature 'document_alert'"):
        check_rule(rule(condition="document_alert", target="booking"))
    with pytest.raises(RuleError, match="valid_to is before valid_from"):
        check_rule(rule(valid_to="2025-01-01"))


def test_a_file_reports_every_bad_rule_with_its_line(tmp_path: Any) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        "rules:\n"
        "  - id: good-one\n    title: Good\n    rationale: Cash and not travelling together.\n"
        "    indicators: [11]\n    target: booking\n    condition: paid_cash\n"
        "    weight: 1\n    valid_from: 2026-01-01\n"
        "  - id: bad-one\n    title: Bad\n    rationale: Religion must never be a ground here.\n"
        "    indicators: [11]\n    target: booking\n    condition: religion == 'x'\n"
        "    weight: 1\n    valid_from: 2026-01-01\n"
    )
    good, errors = validate_rules(path)
    assert [g.key for g in good] == ["good-one"]
    assert len(errors) == 1 and errors[0].place.line == 10
    assert "bad-one" in str(errors[0]) and str(path) in str(errors[0])


def test_the_starter_library_is_valid_and_covers_the_main_modus_operandi() -> None:
    good, errors = validate_rules(starter_rules_path())
    assert errors == []
    assert len(good) >= 15
    assert {i for g in good for i in g.document.indicators} >= {
        1,
        2,
        11,
        12,
        15,
        17,
        19,
        24,
        25,
        35,
    }


TYPES = {"a": "boolean", "b": "boolean", "n": "integer", "x": "number", "s": "string"}
CONDITIONS = [
    "a and b",
    "a or b",
    "not a",
    "not (a or b)",
    "n > 2 or a",
    "n / x >= 1",
    "coalesce(n, 0) + 1 > 2",
    "abs(x - n) < 1.5",
    "s in ['X', 'Y'] and a",
    "s not in ['X']",
    "1 < n <= 3",
    "a == b",
    "-x < 0",
    "n * 2 - x != 3",
]


@pytest.fixture(scope="module")
def every_combination() -> Iterator[duckdb.DuckDBPyConnection]:
    """A table with every combination of true/false/missing values of the test features."""
    connection = duckdb.connect()
    connection.execute(
        "CREATE TABLE f AS SELECT * FROM (VALUES (TRUE), (FALSE), (NULL)) a(a), "
        "(VALUES (TRUE), (FALSE), (NULL)) b(b), (VALUES (0), (3), (NULL)) n(n), "
        "(VALUES (0.0::DOUBLE), (2.5::DOUBLE), (NULL)) x(x), (VALUES ('X'), ('Z'), (NULL)) s(s)"
    )
    yield connection
    connection.close()


@pytest.mark.parametrize("text", CONDITIONS)
def test_python_and_sql_agree_including_missing_values(
    text: str, every_combination: duckdb.DuckDBPyConnection
) -> None:
    condition = parse_condition(text, TYPES)
    evaluate = condition.evaluator()
    rows = every_combination.execute(f"SELECT a, b, n, x, s, {condition.sql()} FROM f").fetchall()
    assert len(rows) == 243
    for *values, expected in rows:
        features = dict(zip("abnxs", values, strict=True))
        assert evaluate(features) == expected, (text, features)


def test_division_by_zero_is_unknown_not_infinite() -> None:
    condition = parse_condition("n / x > 1", TYPES)
    assert condition.evaluator()({"n": 1, "x": 0.0}) is None
    assert "NULLIF" in condition.sql()
    with pytest.raises(ExpressionError):
        parse_condition("n / x", TYPES)
