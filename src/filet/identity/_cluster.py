"""Clustering scored links into persons under analysts' judgements and hard facts.

Splink's connected components would merge two people as soon as any chain of links joins them,
and it knows nothing of "these two are not the same". So links are clustered here, greedily by
weight (strongest first, like single-linkage with must-not-link constraints):

1. records already known to be one person (incremental runs) and "same" judgements are joined
   first;
2. links at or above the threshold are taken strongest first; a link is refused when the two
   persons it would join
   - hold two records judged "not same" by an analyst (so a "not same" holds transitively);
   - travelled together: two travellers of one flight manifest or one booking are two people
     (unless both carry the same document: a passenger listed twice);
   - hold travel documents of one issuing state whose numbers differ by more than one
     character, and share no real birth date (a renewed passport keeps its holder's date);
   - hold real birth dates (full, not 1 January / 1 July) that differ by more than a typo or a
     day/month swap, and share no travel document.
   These are facts of the whole person, not of the one link: a chain of links through common
   names cannot join two people whose documents or dates say they are two. (Between two lone
   records the model has already weighed their dates and documents: only co-travel and
   judgements can refuse that link);
3. "unsure" judgements change nothing.

Each record's confidence is the probability of its strongest accepted link.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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


@dataclass(frozen=True, slots=True)
class RecordFacts:
    """What a record says that a person cannot have two of.

    ``documents``: (issuing state, number) of its travel documents (state ``""`` when unknown);
    ``birth_date``: its real birth date (``YYYY-MM-DD``, full and not a conventional 1 January or
    1 July); ``travelled_with``: the flight manifests or bookings it is on (keys of any kind):
    two records on one are two people, unless both carry the same document (a passenger listed
    twice).
    """

    documents: frozenset[tuple[str, str]] = frozenset()
    birth_date: str | None = None
    travelled_with: frozenset[str] = frozenset()


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


def _within_one(first: str, second: str) -> bool:
    """Equal but for one character (a typo, a misread digit; lengths may differ by one)."""
    if first == second:
        return True
    if abs(len(first) - len(second)) > 1:
        return False
    if len(first) == len(second):
        return sum(a != b for a, b in zip(first, second, strict=True)) == 1
    short, long = sorted((first, second), key=len)
    return any(long[:index] + long[index + 1 :] == short for index in range(len(long)))


def _date_key(date: str) -> str:
    """A date with day and month in order, so a swapped date has the same key."""
    year, month, day = date.split("-")
    return f"{year}-{min(month, day)}-{max(month, day)}"


class _PersonFacts:
    """The facts of the records of one cluster."""

    __slots__ = ("dates", "documents", "travelled_with")

    def __init__(self, facts: RecordFacts) -> None:
        self.documents: dict[str, set[str]] = {}
        for state, number in facts.documents:
            if state:
                self.documents.setdefault(state, set()).add(number)
        self.dates: set[str] = {facts.birth_date} if facts.birth_date else set()
        # Per manifest or booking, the documents its records there carry ("" for none).
        numbers = {number for _, number in facts.documents} or {""}
        self.travelled_with: dict[str, set[str]] = {
            trip: set(numbers) for trip in facts.travelled_with
        }

    def absorb(self, other: _PersonFacts) -> None:
        for state, numbers in other.documents.items():
            self.documents.setdefault(state, set()).update(numbers)
        self.dates |= other.dates
        for trip, numbers in other.travelled_with.items():
            self.travelled_with.setdefault(trip, set()).update(numbers)

    def _travelled_together(self, other: _PersonFacts) -> bool:
        for trip, numbers in self.travelled_with.items():
            theirs = other.travelled_with.get(trip)
            if theirs is not None:
                carried = numbers | theirs
                if len(carried) > 1 or "" in carried:
                    return True
        return False

    def conflicts_with(self, other: _PersonFacts, *, direct: bool = False) -> bool:
        """Whether the two persons are certainly two. ``direct``: each is one record and the
        link being taken is their own pair, whose dates and documents the model has already
        weighed (a typo in a date must not undo a link the rest of the evidence makes)."""
        if self._travelled_together(other):
            return True
        if direct:
            return False
        shared_date = bool(
            {_date_key(date) for date in self.dates} & {_date_key(date) for date in other.dates}
        )
        shared_document = False
        document_conflict = False
        for state, numbers in self.documents.items():
            theirs = other.documents.get(state)
            if not theirs:
                continue
            if numbers & theirs:
                shared_document = True
            elif not any(_within_one(mine, their) for mine in numbers for their in theirs):
                document_conflict = True
        if document_conflict and not shared_date:
            return True
        date_conflict = bool(self.dates and other.dates) and not any(
            _within_one(mine, their) or _date_key(mine) == _date_key(their)
            for mine in self.dates
            for their in other.dates
        )
        return date_conflict and not shared_document


class _Partition:
    """Union-find with must-not-link constraints between members and facts of each cluster.

    Built lazily: a record no link reaches stays a lone root with no entry at all, so a run over
    a million records pays only for the records that are joined."""

    def __init__(
        self,
        records: Mapping[str, None],
        apart: dict[str, set[str]],
        facts: Mapping[str, RecordFacts],
    ) -> None:
        self.records = records
        self.parent: dict[str, str] = {}  # joined-away record -> the record it joined
        self.members: dict[str, set[str]] = {}  # root -> its records (once it has joined)
        self.apart = apart
        self.record_facts = facts
        self.facts: dict[str, _PersonFacts | None] = {}  # root -> its facts (once asked)

    def root(self, record: str) -> str:
        path = []
        while record in self.parent:
            path.append(record)
            record = self.parent[record]
        for step in path:
            self.parent[step] = record
        return record

    def members_of(self, root: str) -> set[str]:
        found = self.members.get(root)
        if found is None:
            found = self.members[root] = {root}
        return found

    def facts_of(self, root: str) -> _PersonFacts | None:
        if root not in self.facts:
            found = self.record_facts.get(root)
            self.facts[root] = (
                _PersonFacts(found) if found is not None and found != _NO_FACTS else None
            )
        return self.facts[root]

    def can_join(self, first: str, second: str) -> bool:
        small, large = sorted((self.members_of(first), self.members_of(second)), key=len)
        if any(self.apart.get(record, set()) & large for record in small):
            return False
        mine, theirs = self.facts_of(first), self.facts_of(second)
        direct = len(small) == 1 and len(large) == 1
        return mine is None or theirs is None or not mine.conflicts_with(theirs, direct=direct)

    def join(self, first: str, second: str, *, forced: bool = False) -> bool:
        """Join the clusters of two records; ``forced`` (an analyst's "same", a person already
        resolved) overrides the facts but never a "not same" judgement."""
        first, second = self.root(first), self.root(second)
        if first == second:
            return True
        if forced:
            small, large = sorted((self.members_of(first), self.members_of(second)), key=len)
            if any(self.apart.get(record, set()) & large for record in small):
                return False
        elif not self.can_join(first, second):
            return False
        if len(self.members_of(first)) < len(self.members_of(second)):
            first, second = second, first
        kept, moved = self.facts_of(first), self.facts_of(second)
        self.parent[second] = first
        self.members[first] |= self.members.pop(second)
        del self.facts[second]
        if moved is not None:
            if kept is None:
                self.facts[first] = moved
            else:
                kept.absorb(moved)
        return True

    def label(self, record: str) -> str:
        """The cluster label of a record: the least record of its cluster."""
        root = self.root(record)
        members = self.members.get(root)
        return root if members is None else min(members)


_NO_FACTS = RecordFacts()


def cluster_links(
    records: Iterable[str],
    links: Iterable[Link],
    *,
    threshold: float,
    judgements: Iterable[Judgement] = (),
    known_groups: Iterable[Iterable[str]] = (),
    facts: Mapping[str, RecordFacts] | None = None,
) -> Clustering:
    """Cluster ``records`` by ``links`` at ``threshold`` (a match probability) under judgements.

    ``known_groups`` are records already resolved as one person (kept together unless a "not
    same" judgement separates them). ``facts`` (documents, real birth dates, co-travellers per
    record) refuse links that would make one person of two (see the module docstring).
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
    partition = _Partition(partition_records, apart, facts or {})
    result = Clustering(cluster_of={}, confidence={})
    for judgement in sames:
        if not partition.join(judgement.record_a, judgement.record_b, forced=True):
            result.conflicts.append(judgement)
    for group in known_groups:
        members = [record for record in group if record in partition_records]
        for record in members[1:]:
            partition.join(members[0], record, forced=True)
    ordered = sorted(
        (link for link in links if link.match_probability >= threshold),
        key=lambda link: (-link.match_weight, link.record_a, link.record_b),
    )
    confidence: dict[str, float] = {}
    for link in ordered:
        if link.record_a not in partition_records or link.record_b not in partition_records:
            continue
        if partition.join(link.record_a, link.record_b):
            for record in (link.record_a, link.record_b):
                confidence[record] = max(confidence.get(record, 0.0), link.match_probability)
        else:
            result.refused.append(link)
    for judgement in sames:
        for record in (judgement.record_a, judgement.record_b):
            confidence[record] = 1.0
    labels: dict[str, str] = {}
    for record in partition_records:
        root = partition.root(record)
        label = labels.get(root)
        if label is None:
            label = labels[root] = partition.label(root)
        result.cluster_of[record] = label
    result.confidence = confidence
    return result
