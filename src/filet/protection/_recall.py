"""Recall of vulnerable people: of the people the truth says were vulnerable, how many had a
protection case, by nationality, by sex and by both. The miss rate (1 - recall) by group is the
primary fairness measure for protection screening (see shared/domain/privacy-and-fairness.md):
Wilson 95 % intervals, groups under the suppression threshold reported without figures."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from filet.store.schema import Person, ProtectionCase

SUPPRESS_BELOW = 11
Z95 = 1.959963984540054


@dataclass(frozen=True)
class VulnerablePerson:
    """One vulnerable person in the truth set, with the groups recall is broken down by."""

    key: str
    nationality: str
    sex: str


@dataclass(frozen=True)
class GroupRecall:
    dimension: str  # all | nationality | sex | nationality_sex
    group: str
    vulnerable: int
    identified: int | None
    recall: float | None
    miss_rate: float | None
    low: float | None
    high: float | None
    suppressed: bool


def wilson(successes: int, total: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for a proportion."""
    if total == 0:
        return 0.0, 1.0
    p = successes / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def recall_by_group(
    truth: Iterable[VulnerablePerson],
    identified: set[str],
    suppress_below: int = SUPPRESS_BELOW,
) -> list[GroupRecall]:
    """Recall of the truth set among ``identified`` keys: overall, by nationality, sex and both."""
    counts: dict[tuple[str, str], list[int]] = {}
    for person in truth:
        hit = 1 if person.key in identified else 0
        for dimension, group in (
            ("all", "all"),
            ("nationality", person.nationality or "unknown"),
            ("sex", person.sex or "unknown"),
            ("nationality_sex", f"{person.nationality or 'unknown'}/{person.sex or 'unknown'}"),
        ):
            tally = counts.setdefault((dimension, group), [0, 0])
            tally[0] += 1
            tally[1] += hit
    order = {"all": 0, "nationality": 1, "sex": 2, "nationality_sex": 3}
    results = []
    for (dimension, group), (total, hits) in sorted(
        counts.items(), key=lambda item: (order[item[0][0]], item[0][1])
    ):
        if total < suppress_below:
            results.append(GroupRecall(dimension, group, total, None, None, None, None, None, True))
            continue
        low, high = wilson(hits, total)
        recall = hits / total
        results.append(
            GroupRecall(dimension, group, total, hits, recall, 1 - recall, low, high, False)
        )
    return results


def identified_person_keys(session: Session) -> set[str]:
    """Keys of the persons who have (or had) a protection case: the people identified."""
    rows = session.execute(
        select(Person.key).join(ProtectionCase, ProtectionCase.person_id == Person.id).distinct()
    ).scalars()
    return set(rows)


def truth_from_rows(
    vulnerable_ids: Iterable[str], persons: Mapping[str, Mapping[str, str]]
) -> list[VulnerablePerson]:
    """Build the truth set from synth's ``truth/vulnerable.csv`` ids and ``truth/persons.csv``
    rows (by person id: ``nationality``, ``sex``)."""
    found = []
    for key in dict.fromkeys(vulnerable_ids):
        row = persons.get(key, {})
        found.append(VulnerablePerson(key, row.get("nationality", ""), row.get("sex", "")))
    return found
