"""Recall of vulnerable people by nationality and sex, with Wilson intervals and suppression."""

from __future__ import annotations

import pytest

from filet.protection import (
    PersonFacts,
    VulnerablePerson,
    evaluate_triggers,
    identified_person_keys,
    recall_by_group,
    truth_from_rows,
    wilson,
)
from tests.protection.conftest import T0, World


def test_wilson_interval_matches_the_textbook_value() -> None:
    low, high = wilson(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4) and high == pytest.approx(0.9433, abs=1e-4)


def test_recall_by_nationality_and_sex_with_small_groups_suppressed() -> None:
    truth = [VulnerablePerson(f"E{i}", "ERI", "F" if i % 2 else "M") for i in range(30)]
    truth += [VulnerablePerson(f"A{i}", "AFG", "M") for i in range(12)]
    truth += [VulnerablePerson(f"S{i}", "SOM", "F") for i in range(5)]
    identified = {f"E{i}" for i in range(30) if i % 2} | {f"E{i}" for i in range(0, 10, 2)}
    identified |= {f"A{i}" for i in range(3)} | {"S0"}
    rows = {(r.dimension, r.group): r for r in recall_by_group(truth, identified)}
    assert rows[("all", "all")].identified == 24 and rows[("all", "all")].vulnerable == 47
    eritrean_men = rows[("nationality_sex", "ERI/M")]
    assert (eritrean_men.vulnerable, eritrean_men.identified) == (15, 5)
    assert eritrean_men.miss_rate == pytest.approx(10 / 15)
    assert rows[("nationality", "AFG")].recall == pytest.approx(0.25)
    assert rows[("sex", "F")].vulnerable == 20
    somali = rows[("nationality", "SOM")]
    assert somali.suppressed and somali.identified is None and somali.recall is None


def test_identified_keys_come_from_protection_cases(world: World) -> None:
    evaluate_triggers(world.session, PersonFacts(world.yonas, "b", T0, age=15))
    assert identified_person_keys(world.session) == {"P-YONAS"}
    truth = truth_from_rows(
        ["P-YONAS", "P-AMINA", "P-YONAS"], {"P-YONAS": {"nationality": "ERI", "sex": "M"}}
    )
    assert [t.key for t in truth] == ["P-YONAS", "P-AMINA"] and truth[1].nationality == ""
