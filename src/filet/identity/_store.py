"""Identity resolution over the store: persons, links and analysts' judgements.

- :func:`resolve_store` scores the identity records (all of them, or only the new ones linked to
  existing persons), stores the links with their explanations and writes persons;
- :func:`judge` records an analyst's verdict on two records and re-clusters the persons it
  touches at once (a "not same" splits, a "same" merges); every later run respects it;
- :func:`person_view` gathers a person's records, links, explanations and travel history.

Person ids are kept stable: a cluster keeps the person most of its records already had, since
cases and protection records refer to persons.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import delete, insert, or_, select
from sqlalchemy.orm import Session

from filet.errors import InputError, Place
from filet.identity._cluster import Judgement, Link, Verdict, cluster_links
from filet.identity._explain import Explanation
from filet.identity._features import RECORD_FIELDS, fact_columns
from filet.identity._linkage import ScoredPair
from filet.identity._resolve import IdentityResolver, Resolution, record_facts
from filet.security import Actor, record
from filet.store.schema.border import (
    BorderCrossing,
    CrossingPoint,
    IdentityJudgement,
    IdentityLink,
    IdentityRecord,
    Person,
)
from filet.store.schema.passenger import ApiTraveller, Flight


@dataclass(frozen=True, slots=True)
class StoreRunSummary:
    """What a run over the store did."""

    records: int
    new_records: int
    links: int
    persons: int
    persons_created: int
    refused_links: int


def _frame(rows: Iterable[IdentityRecord]) -> pd.DataFrame:
    data = [
        {"record_id": str(row.id), **{name: getattr(row, name) for name in RECORD_FIELDS}}
        for row in rows
    ]
    return pd.DataFrame(data, columns=["record_id", *RECORD_FIELDS])


def store_records(session: Session) -> pd.DataFrame:
    """Every identity record of the store as a records frame (``record_id`` = the row id)."""
    return _frame(session.scalars(select(IdentityRecord)))


def _judgements(session: Session, record_ids: Iterable[int] | None = None) -> list[Judgement]:
    query = select(IdentityJudgement)
    if record_ids is not None:
        ids = list(record_ids)
        query = query.where(
            or_(IdentityJudgement.record_a_id.in_(ids), IdentityJudgement.record_b_id.in_(ids))
        )
    return [
        Judgement(str(row.record_a_id), str(row.record_b_id), Verdict(row.verdict), row.reason)
        for row in session.scalars(query)
    ]


def travelled_with(
    session: Session, record_ids: Iterable[int] | None = None
) -> dict[str, set[str]]:
    """Per record, the flight manifests and bookings it is on: one person is on a manifest once
    and in a booking once, so two records sharing one are two people."""
    ids = None if record_ids is None else list(record_ids)
    together: dict[str, set[str]] = {}
    chunks = [None] if ids is None else list(_chunks(ids, 500))
    for chunk in chunks:
        manifests = select(ApiTraveller.identity_record_id, ApiTraveller.flight_id).where(
            ApiTraveller.identity_record_id.is_not(None)
        )
        bookings = select(IdentityRecord.id, IdentityRecord.source_key).where(
            IdentityRecord.source_type == "pnr"
        )
        if chunk is not None:
            manifests = manifests.where(ApiTraveller.identity_record_id.in_(chunk))
            bookings = bookings.where(IdentityRecord.id.in_(chunk))
        for record_id, flight_id in session.execute(manifests):
            together.setdefault(str(record_id), set()).add(f"flight:{flight_id}")
        for record_id, key in session.execute(bookings):
            parts = key.split(":", 2)  # carrier:locator:traveller reference
            if len(parts) == 3:
                together.setdefault(str(record_id), set()).add(f"booking:{parts[0]}:{parts[1]}")
    return together


def _label(rows: Sequence[IdentityRecord]) -> str:
    for row in rows:
        name = " ".join(part for part in (row.given_names, row.surname) if part) or row.full_name
        if name:
            return name[:300]
    return ""


def _assign_persons(
    session: Session,
    records: dict[int, IdentityRecord],
    clusters: dict[str, list[str]],
    confidence: dict[str, float],
) -> int:
    """Give every cluster a person (the one most of its records had, else a new one)."""
    created = 0
    claimed: set[int] = set()
    for members in sorted(clusters.values(), key=len, reverse=True):
        rows = [records[int(member)] for member in members]
        votes = Counter(row.person_id for row in rows if row.person_id is not None)
        person_id = next(
            (person for person, _ in votes.most_common() if person not in claimed), None
        )
        if person_id is None:
            person = Person(key=uuid.uuid4().hex, label=_label(rows))
            session.add(person)
            session.flush()
            person_id = person.id
            created += 1
        claimed.add(person_id)
        for row in rows:
            row.person_id = person_id
            strongest = confidence.get(str(row.id))
            row.match_probability = strongest if strongest else None
    return created


def _store_links(
    session: Session, pairs: list[ScoredPair], accepted: set[tuple[str, str]], version: str
) -> int:
    """Write the links of ``pairs``: links already stored are updated, new ones are inserted
    in batches with their explanations built batch by batch (a full run of the demo world
    writes hundreds of thousands; as ORM objects with their explanations they took gigabytes)."""
    involved = {int(record) for pair in pairs for record in (pair.record_a, pair.record_b)}
    existing: dict[tuple[int, int], IdentityLink] = {}
    if session.scalar(select(IdentityLink.id).limit(1)) is not None:
        for chunk in _chunks(sorted(involved), 500):
            for link in session.scalars(
                select(IdentityLink).where(IdentityLink.record_a_id.in_(chunk))
            ):
                existing[(link.record_a_id, link.record_b_id)] = link
    batch: list[dict[str, object]] = []
    for pair in pairs:
        first, second = sorted((int(pair.record_a), int(pair.record_b)))
        values: dict[str, object] = {
            "match_weight": pair.match_weight,
            "match_probability": pair.match_probability,
            "explanation": pair.explanation.to_json(),
            "accepted": (pair.record_a, pair.record_b) in accepted,
            "model_version": version,
        }
        found = existing.get((first, second))
        if found is not None:
            for name, value in values.items():
                setattr(found, name, value)
            continue
        batch.append({"record_a_id": first, "record_b_id": second, **values})
        if len(batch) >= _LINK_BATCH:
            session.execute(insert(IdentityLink), batch)
            batch = []
    if batch:
        session.execute(insert(IdentityLink), batch)
    return len(pairs)


#: Links inserted per statement by a run.
_LINK_BATCH = 5000


def _chunks(values: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _accepted(resolution: Resolution) -> set[tuple[str, str]]:
    cluster_of = resolution.clustering.cluster_of
    return {
        (pair.record_a, pair.record_b)
        for pair in resolution.links
        if pair.match_probability >= resolution.threshold
        and cluster_of.get(pair.record_a) == cluster_of.get(pair.record_b)
    }


def resolve_store(
    session: Session,
    resolver: IdentityResolver,
    *,
    incremental: bool = False,
    actor: Actor | None = None,
) -> StoreRunSummary:
    """Resolve the store's identity records into persons (in the caller's transaction).

    Full run: every pair is re-scored and every record re-clustered. Incremental run: only
    records without a person are linked, to existing persons and to each other.
    """
    rows = {row.id: row for row in session.scalars(select(IdentityRecord))}
    judgements = _judgements(session)
    version = f"{resolver.parameters.version}:{resolver.parameters.source}"
    new_rows = [row for row in rows.values() if row.person_id is None]
    together = travelled_with(session)
    if incremental and len(new_rows) < len(rows):
        existing = [row for row in rows.values() if row.person_id is not None]
        resolution = resolver.link_new(
            _frame(existing),
            {str(row.id): str(row.person_id) for row in existing},
            _frame(new_rows),
            judgements,
            together,
        )
    else:
        resolution = resolver.resolve(_frame(rows.values()), judgements, together)
        session.execute(delete(IdentityLink))
    links = _store_links(session, resolution.links, _accepted(resolution), version)
    clusters = resolution.clustering.clusters()
    created = _assign_persons(session, rows, clusters, resolution.clustering.confidence)
    if actor is not None:
        record(
            session,
            actor,
            "update",
            "identity_resolution",
            [],
            {"records": len(rows), "links": links, "persons": len(clusters), "model": version},
        )
    session.flush()
    return StoreRunSummary(
        records=len(rows),
        new_records=len(new_rows),
        links=links,
        persons=len(clusters),
        persons_created=created,
        refused_links=len(resolution.clustering.refused),
    )


def _record(session: Session, record_id: int) -> IdentityRecord:
    row = session.get(IdentityRecord, record_id)
    if row is None:
        raise InputError(f"no identity record {record_id}", Place(field="record_id"))
    return row


def judge(
    session: Session,
    record_a_id: int,
    record_b_id: int,
    verdict: Verdict,
    reason: str,
    *,
    user_id: int,
    actor: Actor,
    threshold: float,
) -> IdentityJudgement:
    """Record an analyst's verdict on two records and re-cluster the persons it touches.

    The verdict replaces an earlier one on the same pair. A reason is required.
    """
    if record_a_id == record_b_id:
        raise InputError("a judgement needs two different records", Place(field="record_b_id"))
    if not reason.strip():
        raise InputError("give the reason for the judgement", Place(field="reason"))
    first, second = sorted((record_a_id, record_b_id))
    rows = [_record(session, first), _record(session, second)]
    judgement = session.scalars(
        select(IdentityJudgement).where(
            IdentityJudgement.record_a_id == first, IdentityJudgement.record_b_id == second
        )
    ).one_or_none()
    if judgement is None:
        judgement = IdentityJudgement(record_a_id=first, record_b_id=second)
        session.add(judgement)
    judgement.verdict = verdict.value
    judgement.reason = reason.strip()
    judgement.user_id = user_id
    session.flush()
    record(
        session,
        actor,
        "update",
        "identity_judgement",
        [judgement.id],
        {"records": [first, second], "verdict": verdict.value},
    )
    recluster(
        session, {row.person_id for row in rows if row.person_id is not None}, rows, threshold
    )
    return judgement


def recluster(
    session: Session,
    person_ids: Iterable[int],
    extra: Iterable[IdentityRecord],
    threshold: float,
) -> None:
    """Re-cluster the records of ``person_ids`` (and ``extra`` records) from their stored links."""
    ids = list(person_ids)
    rows = {row.id: row for row in extra}
    if ids:
        rows.update(
            {
                row.id: row
                for row in session.scalars(
                    select(IdentityRecord).where(IdentityRecord.person_id.in_(ids))
                )
            }
        )
    record_ids = list(rows)
    stored = list(
        session.scalars(
            select(IdentityLink).where(
                IdentityLink.record_a_id.in_(record_ids), IdentityLink.record_b_id.in_(record_ids)
            )
        )
    )
    clustering = cluster_links(
        [str(record_id) for record_id in record_ids],
        [
            Link(
                str(link.record_a_id),
                str(link.record_b_id),
                link.match_probability,
                link.match_weight,
            )
            for link in stored
        ],
        threshold=threshold,
        judgements=_judgements(session, record_ids),
        facts=record_facts(
            fact_columns(_frame(rows.values())), travelled_with(session, record_ids)
        ),
    )
    for link in stored:
        link.accepted = link.match_probability >= threshold and clustering.cluster_of.get(
            str(link.record_a_id)
        ) == clustering.cluster_of.get(str(link.record_b_id))
    _assign_persons(session, rows, clustering.clusters(), clustering.confidence)
    session.flush()


@dataclass(frozen=True, slots=True)
class LinkView:
    """A stored link as the person view shows it."""

    record_a_id: int
    record_b_id: int
    match_weight: float
    match_probability: float
    accepted: bool
    explanation: Explanation


@dataclass(frozen=True, slots=True)
class TravelEvent:
    """One crossing or flight of a linked record, for the timeline."""

    at: dt.datetime | dt.date
    kind: str  # crossing | flight
    record_id: int
    place: str
    detail: str


@dataclass(slots=True)
class PersonView:
    """A person with every linked record, the links and why, judgements and travel history."""

    person: Person
    records: list[IdentityRecord]
    links: list[LinkView]
    judgements: list[IdentityJudgement]
    travel: list[TravelEvent] = field(default_factory=list)


def person_view(session: Session, person_id: int) -> PersonView:
    """Everything the person page shows (no protection data: it lives elsewhere)."""
    person = session.get(Person, person_id)
    if person is None:
        raise InputError(f"no person {person_id}", Place(field="person_id"))
    records = list(
        session.scalars(
            select(IdentityRecord)
            .where(IdentityRecord.person_id == person_id)
            .order_by(IdentityRecord.id)
        )
    )
    ids = [row.id for row in records]
    links = [
        LinkView(
            link.record_a_id,
            link.record_b_id,
            link.match_weight,
            link.match_probability,
            link.accepted,
            Explanation.from_json(link.explanation),
        )
        for link in session.scalars(
            select(IdentityLink)
            .where(or_(IdentityLink.record_a_id.in_(ids), IdentityLink.record_b_id.in_(ids)))
            .order_by(IdentityLink.match_weight.desc())
        )
    ]
    judgements = list(
        session.scalars(
            select(IdentityJudgement).where(
                or_(IdentityJudgement.record_a_id.in_(ids), IdentityJudgement.record_b_id.in_(ids))
            )
        )
    )
    travel: list[TravelEvent] = []
    for crossing, point in session.execute(
        select(BorderCrossing, CrossingPoint)
        .join(CrossingPoint, CrossingPoint.id == BorderCrossing.crossing_point_id)
        .where(BorderCrossing.identity_record_id.in_(ids))
    ):
        assert crossing.identity_record_id is not None
        travel.append(
            TravelEvent(
                crossing.at,
                "crossing",
                crossing.identity_record_id,
                f"{point.name} ({point.code})",
                f"{crossing.direction} · {crossing.mode} · {crossing.decision}",
            )
        )
    for traveller, flight in session.execute(
        select(ApiTraveller, Flight)
        .join(Flight, Flight.id == ApiTraveller.flight_id)
        .where(ApiTraveller.identity_record_id.in_(ids))
    ):
        assert traveller.identity_record_id is not None
        travel.append(
            TravelEvent(
                flight.departure_date,
                "flight",
                traveller.identity_record_id,
                f"{flight.departure_airport} → {flight.arrival_airport}",
                f"{flight.carrier}{flight.number} · {traveller.role}",
            )
        )
    travel.sort(key=lambda event: str(event.at))
    return PersonView(person, records, links, judgements, travel)
