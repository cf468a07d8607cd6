"""Clustering scored links into persons under analysts' judgements.

Splink's connected components would merge two people as soon as any chain of links joins them,
and it knows nothing of "these two are not the same". So links are clustered here, greedily by
weight (strongest first, like single-linkage with must-not-link constraints):

1. records already known to be one person (incremental runs) and "same" judgements are joined
   first;
2. links at or above the threshold are taken strongest first; a link that would put two records
   judged "not same" into one person is refused — so is every weaker chain that would do the
   same: a "not same" holds transitively;
3. "unsure" judgements change nothing.

Each record's confidence is the probability of its strongest accepted link.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Verdict(StrEnum):
    """An analyst's judgement on two records."""

    SAME = "same"
    NOT_SAME = "not_same"
    UNSURE = "unsure"


@dataclass(frozen=True, slots=True)
class Judgement:
    """An analyst's verdict on two records, with the reason given."""

    record_a: str
    record_b: str
    verdict: Verdict
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Link:
    """A scored pair as clustering sees it."""

    record_a: str
    record_b: str
    match_probability: float
    match_weight: float


@dataclass(slots=True)
class Clustering:
    """The result: a cluster label per record, its strongest accepted link, refused links."""

    cluster_of: dict[str, str]
    confidence: dict[str, float]
    refused: list[Link] = field(default_factory=list)
    conflicts: list[Judgement] = field(default_factory=list)

    def clusters(self) -> dict[str, list[str]]:
        """Records grouped by cluster label."""
        grouped: dict[str, list[str]] = {}
        for record, cluster in sorted(self.cluster_of.items()):
            grouped.setdefault(cluster, []).append(record)
        return grouped


class _Partition:
    """Union-find with must-not-link constraints between members."""

    def __init__(self, records: Iterable[str], apart: dict[str, set[str]]) -> None:
        self.parent = {record: record for record in records}
        self.members = {record: {record} for record in self.parent}
        self.apart = apart

    def root(self, record: str) -> str:
        while self.parent[record] != record:
            self.parent[record] = self.parent[self.parent[record]]
            record = self.parent[record]
        return record

    def can_join(self, first: str, second: str) -> bool:
        small, large = sorted((self.members[first], self.members[second]), key=len)
        return not any(self.apart.get(record, set()) & large for record in small)

    def join(self, first: str, second: str) -> bool:
        first, second = self.root(first), self.root(second)
        if first == second:
            return True
        if not self.can_join(first, second):
            return False
        if len(self.members[first]) < len(self.members[second]):
            first, second = second, first
        self.parent[second] = first
        self.members[first] |= self.members.pop(second)
        return True


def cluster_links(
    records: Iterable[str],
    links: Iterable[Link],
    *,
    threshold: float,
    judgements: Iterable[Judgement] = (),
    known_groups: Iterable[Iterable[str]] = (),
) -> Clustering:
    """Cluster ``records`` by ``links`` at ``threshold`` (a match probability) under judgements.

    ``known_groups`` are records already resolved as one person (kept together unless a "not
    same" judgement separates them).
    """
    partition_records = dict.fromkeys(records)
    apart: dict[str, set[str]] = {}
    sames: list[Judgement] = []
    for judgement in judgements:
        if (
            judgement.record_a not in partition_records
            or judgement.record_b not in partition_records
        ):
            continue
        if judgement.verdict is Verdict.NOT_SAME:
            apart.setdefault(judgement.record_a, set()).add(judgement.record_b)
            apart.setdefault(judgement.record_b, set()).add(judgement.record_a)
        elif judgement.verdict is Verdict.SAME:
            sames.append(judgement)
    partition = _Partition(partition_records, apart)
    result = Clustering(cluster_of={}, confidence={})
    for judgement in sames:
        if not partition.join(judgement.record_a, judgement.record_b):
            result.conflicts.append(judgement)
    for group in known_groups:
        members = [record for record in group if record in partition.parent]
        for record in members[1:]:
            partition.join(members[0], record)
    ordered = sorted(
        (link for link in links if link.match_probability >= threshold),
        key=lambda link: (-link.match_weight, link.record_a, link.record_b),
    )
    confidence: dict[str, float] = {}
    for link in ordered:
        if link.record_a not in partition.parent or link.record_b not in partition.parent:
            continue
        if partition.join(link.record_a, link.record_b):
            for record in (link.record_a, link.record_b):
                confidence[record] = max(confidence.get(record, 0.0), link.match_probability)
        else:
            result.refused.append(link)
    for judgement in sames:
        for record in (judgement.record_a, judgement.record_b):
            confidence[record] = 1.0
    for record in partition.parent:
        root = partition.root(record)
        result.cluster_of[record] = min(partition.members[root])
    result.confidence = confidence
    return result
