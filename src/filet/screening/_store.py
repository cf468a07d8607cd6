"""Watchlists and hits in the store: idempotent import, the active-list index, stored hits with
their alerts, the review workflow, and screening of identity records (flights, new ingestion).

A hit carries a data fingerprint (the traveller's screened data and the entry's content hash): a
pair that was dismissed is not raised again until one side's data change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import String, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from filet.errors import ConflictError, InputError, NotFoundError, Place
from filet.screening._index import WatchlistIndex
from filet.screening._model import ListedPerson, ScreeningMatch, Traveller
from filet.screening._score import ScreeningSettings
from filet.security import SYSTEM, Actor, record
from filet.store.schema import (
    Alert,
    AlertReview,
    ApiTraveller,
    IdentityRecord,
    ScreeningHit,
    Watchlist,
    WatchlistEntry,
)

Decision = Literal["confirm", "dismiss", "escalate"]
OUTCOME: dict[str, str] = {"confirm": "confirmed", "dismiss": "dismissed", "escalate": "escalated"}
MIN_REASON = 5
PASSENGER_SOURCES = ("api", "pnr", "crossing")
SUBJECT = "identity_record"
INDEX_TTL_SECONDS = 60.0


@dataclass
class ImportSummary:
    """What one import did, per list: entries added, updated and unchanged."""

    lists: dict[str, dict[str, int]] = field(default_factory=dict)

    def count(self, list_name: str, what: str) -> None:
        counts = self.lists.setdefault(list_name, {"added": 0, "updated": 0, "unchanged": 0})
        counts[what] += 1


def import_watchlist(
    session: Session,
    entries: Sequence[ListedPerson],
    actor: Actor = SYSTEM,
    *,
    source: str = "",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> ImportSummary:
    """Store entries (of one or several lists); re-importing the same entries changes nothing.

    The natural key is (list, entry id); an entry whose content changed is updated (its
    ``content_hash`` changes, so its dismissed hits may be raised again).
    """
    summary = ImportSummary()
    by_list: dict[str, list[ListedPerson]] = {}
    for entry in entries:
        by_list.setdefault(entry.list_name, []).append(entry)
    for list_name, listed in by_list.items():
        watchlist = session.execute(
            select(Watchlist).where(Watchlist.name == list_name)
        ).scalar_one_or_none()
        if watchlist is None:
            watchlist = Watchlist(
                name=list_name, source=source, valid_from=valid_from, valid_to=valid_to
            )
            session.add(watchlist)
            session.flush()
        else:
            if source:
                watchlist.source = source
            if valid_from is not None:
                watchlist.valid_from = valid_from
            if valid_to is not None:
                watchlist.valid_to = valid_to
        stored = {
            row.entry_key: row
            for row in session.execute(
                select(WatchlistEntry).where(WatchlistEntry.watchlist_id == watchlist.id)
            ).scalars()
        }
        for entry in listed:
            digest = entry.content_hash()
            values: dict[str, Any] = {
                "name": entry.name,
                "aliases": list(entry.aliases),
                "birth_date": entry.birth_date,
                "nationality": entry.nationality,
                "sex": entry.sex,
                "document_number": entry.document_number,
                "reason": entry.reason,
                "attributes": entry.attributes,
                "content_hash": digest,
            }
            existing = stored.get(entry.entry_key)
            if existing is None:
                session.add(
                    WatchlistEntry(watchlist_id=watchlist.id, entry_key=entry.entry_key, **values)
                )
                summary.count(list_name, "added")
            elif existing.content_hash != digest:
                for name, value in values.items():
                    setattr(existing, name, value)
                summary.count(list_name, "updated")
            else:
                summary.count(list_name, "unchanged")
        session.flush()
        record(
            session,
            actor,
            "create",
            "watchlist",
            [watchlist.id],
            {"list": list_name, **summary.lists[list_name]},
        )
    _INDEXES.clear()
    return summary


@dataclass(frozen=True)
class WatchlistInfo:
    name: str
    source: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    entries: int
    active: bool


def _active(today: dt.date) -> Any:
    return (
        or_(Watchlist.valid_from.is_(None), Watchlist.valid_from <= today),
        or_(Watchlist.valid_to.is_(None), Watchlist.valid_to >= today),
    )


def list_watchlists(session: Session, today: dt.date | None = None) -> list[WatchlistInfo]:
    """Every watchlist with its number of entries and whether it is valid today."""
    day = today or dt.date.today()
    counts = dict(
        session.execute(
            select(WatchlistEntry.watchlist_id, func.count()).group_by(WatchlistEntry.watchlist_id)
        ).all()
    )
    out = []
    for watchlist in session.execute(select(Watchlist).order_by(Watchlist.name)).scalars():
        active = (watchlist.valid_from is None or watchlist.valid_from <= day) and (
            watchlist.valid_to is None or watchlist.valid_to >= day
        )
        out.append(
            WatchlistInfo(
                watchlist.name,
                watchlist.source,
                watchlist.valid_from,
                watchlist.valid_to,
                int(counts.get(watchlist.id, 0)),
                active,
            )
        )
    return out


def _watchlist(session: Session, list_name: str) -> Watchlist:
    found = session.execute(
        select(Watchlist).where(Watchlist.name == list_name)
    ).scalar_one_or_none()
    if found is None:
        raise NotFoundError(f"no watchlist named {list_name!r}", Place(field="list"))
    return found


def watchlist_entries(
    session: Session, list_name: str, query: str = "", limit: int = 200
) -> tuple[WatchlistInfo, list[ListedPerson], int]:
    """A watchlist, its entries whose name, alias, entry id or document number contain
    ``query`` (case-insensitive; all entries when empty), at most ``limit`` of them, and how
    many entries match in all."""
    watchlist = _watchlist(session, list_name)
    info = next(w for w in list_watchlists(session) if w.name == watchlist.name)
    condition: Any = WatchlistEntry.watchlist_id == watchlist.id
    text = query.strip()
    if text:

        def like(value: str) -> str:
            escaped = value.replace("!", "!!").replace("%", "!%").replace("_", "!_")
            return f"%{escaped}%"

        aliases = cast(WatchlistEntry.aliases, String)
        condition = and_(
            condition,
            or_(
                WatchlistEntry.name.ilike(like(text), escape="!"),
                aliases.ilike(like(text), escape="!"),
                # Aliases are stored as JSON, where other scripts may be written \uXXXX.
                aliases.ilike(like(json.dumps(text)[1:-1]), escape="!"),
                WatchlistEntry.entry_key.ilike(like(text), escape="!"),
                WatchlistEntry.document_number.ilike(like(text), escape="!"),
            ),
        )
    total = int(
        session.execute(select(func.count(WatchlistEntry.id)).where(condition)).scalar_one()
    )
    rows = session.execute(
        select(WatchlistEntry).where(condition).order_by(WatchlistEntry.entry_key).limit(limit)
    ).scalars()
    return info, [entry_person(row, watchlist.name) for row in rows], total


def deactivate_watchlist(
    session: Session, list_name: str, actor: Actor = SYSTEM, today: dt.date | None = None
) -> WatchlistInfo:
    """Stop screening against a list from today: its validity ends yesterday (entries and hits
    are kept; re-importing with a later ``valid_to`` reactivates it)."""
    day = today or dt.date.today()
    watchlist = _watchlist(session, list_name)
    previous = watchlist.valid_to
    end = day - dt.timedelta(days=1)
    if previous is not None and previous <= end:
        raise ConflictError(
            f"watchlist {list_name!r} is already inactive (valid to {previous})",
            Place(field="list"),
        )
    if watchlist.valid_from is not None and watchlist.valid_from > end:
        watchlist.valid_from = end
    watchlist.valid_to = end
    session.flush()
    record(
        session,
        actor,
        "update",
        "watchlist",
        [watchlist.id],
        {"list": list_name, "deactivated": True, "valid_to": [str(previous), str(end)]},
    )
    _INDEXES.clear()
    return next(w for w in list_watchlists(session, day) if w.name == list_name)


def has_active_watchlist(session: Session, today: dt.date | None = None) -> bool:
    """Whether any watchlist valid today has entries (ingestion screens only then)."""
    day = today or dt.date.today()
    found = session.execute(
        select(WatchlistEntry.id)
        .join(Watchlist, Watchlist.id == WatchlistEntry.watchlist_id)
        .where(*_active(day))
        .limit(1)
    ).first()
    return found is not None


def entry_person(row: WatchlistEntry, list_name: str) -> ListedPerson:
    return ListedPerson(
        list_name=list_name,
        entry_key=row.entry_key,
        name=row.name,
        aliases=tuple(str(a) for a in row.aliases or ()),
        birth_date=row.birth_date,
        nationality=row.nationality,
        sex=row.sex,
        document_number=row.document_number,
        reason=row.reason,
        attributes=dict(row.attributes or {}),
        entry_id=row.id,
    )


_INDEXES: dict[tuple[Any, ...], tuple[float, WatchlistIndex]] = {}
_LOCK = threading.Lock()


def load_index(
    session: Session, settings: ScreeningSettings | None = None, today: dt.date | None = None
) -> WatchlistIndex:
    """The index of the watchlists valid today, cached per store until the lists change.

    The cache is dropped by every import in this process and checked against the entry count and
    the highest entry id; an entry edited in place by another process is seen within
    ``INDEX_TTL_SECONDS``.
    """
    chosen = settings or ScreeningSettings.from_settings()
    day = today or dt.date.today()
    count, highest = session.execute(
        select(func.count(WatchlistEntry.id), func.max(WatchlistEntry.id))
    ).one()
    bind = session.get_bind()
    key = (str(getattr(bind, "url", "")), id(bind), day, count, highest, chosen)
    with _LOCK:
        cached = _INDEXES.get(key)
        if cached is not None and time.monotonic() - cached[0] < INDEX_TTL_SECONDS:
            return cached[1]
    rows = session.execute(
        select(WatchlistEntry, Watchlist.name)
        .join(Watchlist, Watchlist.id == WatchlistEntry.watchlist_id)
        .where(*_active(day))
        .order_by(WatchlistEntry.id)
    ).all()
    index = WatchlistIndex((entry_person(row, name) for row, name in rows), chosen)
    with _LOCK:
        _INDEXES.clear()
        _INDEXES[key] = (time.monotonic(), index)
    return index


def record_traveller(row: IdentityRecord) -> Traveller:
    """The screened view of an identity record."""
    return Traveller(
        traveller_id=str(row.id),
        surname=row.surname,
        given_names=row.given_names,
        full_name=row.full_name,
        birth_date=row.birth_date,
        nationality=row.nationality,
        sex=row.sex,
        document_number=row.document_number,
    )


def fingerprint(match: ScreeningMatch, entry_hash: str) -> str:
    return hashlib.sha256(f"{match.traveller.fingerprint()}|{entry_hash}".encode()).hexdigest()


@dataclass(frozen=True)
class RaisedHit:
    """A hit stored and put to review now (new, or re-opened because the data changed)."""

    hit_id: int
    alert_id: int
    subject_id: int
    entry_id: int
    score: float
    band: str


def store_hits(
    session: Session, subject_type: str, matches: Iterable[ScreeningMatch]
) -> list[RaisedHit]:
    """Store matches as hits with an alert each; pairs already reviewed on the same data stay quiet."""
    raised: list[RaisedHit] = []
    pending = [m for m in matches if m.band != "below" and m.entry.entry_id is not None]
    hashes = (
        dict(
            session.execute(
                select(WatchlistEntry.id, WatchlistEntry.content_hash).where(
                    WatchlistEntry.id.in_({m.entry.entry_id for m in pending})
                )
            ).all()
        )
        if pending
        else {}
    )
    for match in pending:
        entry_id = match.entry.entry_id
        assert entry_id is not None
        subject_id = int(match.traveller.traveller_id)
        print_ = fingerprint(match, hashes.get(entry_id, match.entry.content_hash()))
        hit = session.execute(
            select(ScreeningHit).where(
                ScreeningHit.subject_type == subject_type,
                ScreeningHit.subject_id == subject_id,
                ScreeningHit.entry_id == entry_id,
            )
        ).scalar_one_or_none()
        summary = f"{match.traveller.display_name} ~ {match.entry.name} ({match.entry.list_name})"
        if hit is not None and hit.data_fingerprint == print_:
            if hit.status == "open":
                hit.score, hit.band = match.score, match.band
                hit.explanation = match.explanation()
                hit.settings_version = match.settings_version[:16]
            continue
        if hit is None:
            hit = ScreeningHit(subject_type=subject_type, subject_id=subject_id, entry_id=entry_id)
            session.add(hit)
        hit.score, hit.band = match.score, match.band
        hit.explanation = match.explanation()
        hit.data_fingerprint = print_
        hit.status = "open"
        hit.settings_version = match.settings_version[:16]
        session.flush()
        alert = session.execute(
            select(Alert).where(
                Alert.kind == "screening",
                Alert.source_type == "screening_hit",
                Alert.source_id == hit.id,
            )
        ).scalar_one_or_none()
        if alert is None:
            alert = Alert(
                kind="screening",
                subject_type=subject_type,
                subject_id=subject_id,
                source_type="screening_hit",
                source_id=hit.id,
            )
            session.add(alert)
        alert.score = match.score
        alert.status = "open"
        alert.summary = summary
        session.flush()
        raised.append(RaisedHit(hit.id, alert.id, subject_id, entry_id, match.score, match.band))
    return raised


def screen_identity_records(
    session: Session,
    ids: Sequence[int],
    actor: Actor = SYSTEM,
    index: WatchlistIndex | None = None,
) -> list[RaisedHit]:
    """Screen stored identity records (the batch path) and store their hits for review."""
    if not ids:
        return []
    chosen = index or load_index(session)
    rows = session.execute(
        select(IdentityRecord).where(IdentityRecord.id.in_(list(ids))).order_by(IdentityRecord.id)
    ).scalars()
    matches: list[ScreeningMatch] = []
    for _, found in chosen.screen_many(record_traveller(r) for r in rows):
        matches.extend(found)
    raised = store_hits(session, SUBJECT, matches)
    record(
        session,
        actor,
        "search",
        SUBJECT,
        list(ids)[:1000],
        {"screened": len(ids), "raised": len(raised), "entries": len(chosen)},
    )
    return raised


def screen_flight(session: Session, flight_id: int, actor: Actor = SYSTEM) -> list[RaisedHit]:
    """Screen every traveller of one flight's manifests."""
    ids = [
        i
        for i in session.execute(
            select(ApiTraveller.identity_record_id).where(ApiTraveller.flight_id == flight_id)
        ).scalars()
        if i is not None
    ]
    return screen_identity_records(session, sorted(set(ids)), actor)


def last_record_id(session: Session) -> int:
    """The highest identity record id now (take it before ingesting, pass it to
    :func:`screen_new_records` after)."""
    return int(session.execute(select(func.max(IdentityRecord.id))).scalar() or 0)


def screen_new_records(session: Session, since_id: int, actor: Actor = SYSTEM) -> list[RaisedHit]:
    """Screen the passenger identity records stored after ``since_id`` (API, PNR, crossings),
    when a watchlist is active; the step after ingestion."""
    if not has_active_watchlist(session):
        return []
    ids = list(
        session.execute(
            select(IdentityRecord.id).where(
                IdentityRecord.id > since_id, IdentityRecord.source_type.in_(PASSENGER_SOURCES)
            )
        ).scalars()
    )
    return screen_identity_records(session, ids, actor)


@dataclass(frozen=True)
class HitView:
    """A stored hit with both sides, for the review screen and the API."""

    hit_id: int
    alert_id: int | None
    status: str
    score: float
    band: str
    explanation: dict[str, Any]
    traveller: dict[str, Any]
    entry: dict[str, Any]
    reviews: list[dict[str, Any]]


def hit_view(session: Session, hit_id: int) -> HitView:
    hit = session.get(ScreeningHit, hit_id)
    if hit is None:
        raise NotFoundError(f"no screening hit {hit_id}")
    entry = session.get(WatchlistEntry, hit.entry_id)
    assert entry is not None
    watchlist = session.get(Watchlist, entry.watchlist_id)
    traveller: dict[str, Any] = {"id": hit.subject_id, "type": hit.subject_type}
    if hit.subject_type == SUBJECT:
        row = session.get(IdentityRecord, hit.subject_id)
        if row is not None:
            traveller.update(
                source=f"{row.source_type} {row.source_key}",
                given_names=row.given_names,
                surname=row.surname,
                full_name=row.full_name,
                birth_date=row.birth_date,
                nationality=row.nationality,
                sex=row.sex,
                document_number=row.document_number,
            )
    alert = session.execute(
        select(Alert).where(
            Alert.kind == "screening",
            Alert.source_type == "screening_hit",
            Alert.source_id == hit.id,
        )
    ).scalar_one_or_none()
    reviews = []
    if alert is not None:
        for review in session.execute(
            select(AlertReview).where(AlertReview.alert_id == alert.id).order_by(AlertReview.id)
        ).scalars():
            reviews.append(
                {
                    "decision": review.decision,
                    "reason": review.reason,
                    "user_id": review.user_id,
                    "at": review.created_at.isoformat(),
                }
            )
    return HitView(
        hit_id=hit.id,
        alert_id=alert.id if alert else None,
        status=hit.status,
        score=hit.score,
        band=hit.band,
        explanation=dict(hit.explanation or {}),
        traveller=traveller,
        entry={
            "id": entry.id,
            "list": watchlist.name if watchlist else "",
            "entry_key": entry.entry_key,
            "name": entry.name,
            "aliases": list(entry.aliases or []),
            "birth_date": entry.birth_date,
            "nationality": entry.nationality,
            "sex": entry.sex,
            "document_number": entry.document_number,
            "reason": entry.reason,
        },
        reviews=reviews,
    )


def open_hits(session: Session, limit: int = 200) -> list[HitView]:
    """Open screening hits, highest score first."""
    ids = session.execute(
        select(ScreeningHit.id)
        .where(ScreeningHit.status == "open")
        .order_by(ScreeningHit.score.desc(), ScreeningHit.id)
        .limit(limit)
    ).scalars()
    return [hit_view(session, i) for i in ids]


def review_hit(
    session: Session,
    hit_id: int,
    decision: str,
    reason: str,
    actor: Actor,
    exonerating_considered: bool = False,
) -> HitView:
    """A named reviewer's decision on a hit: confirm, dismiss or escalate, with a reason."""
    if decision not in OUTCOME:
        raise InputError(
            f"decision {decision!r}: expected confirm, dismiss or escalate", Place(field="decision")
        )
    if len(reason.strip()) < MIN_REASON:
        raise InputError(f"give a reason (at least {MIN_REASON} characters)", Place(field="reason"))
    if actor.user_id is None:
        raise InputError("a hit is reviewed by a named user", Place(field="reviewer"))
    hit = session.get(ScreeningHit, hit_id)
    if hit is None:
        raise NotFoundError(f"no screening hit {hit_id}")
    if hit.status != "open":
        raise ConflictError(f"hit {hit_id} was already reviewed ({hit.status})")
    alert = session.execute(
        select(Alert).where(
            Alert.kind == "screening",
            Alert.source_type == "screening_hit",
            Alert.source_id == hit.id,
        )
    ).scalar_one()
    session.add(
        AlertReview(
            alert_id=alert.id,
            user_id=actor.user_id,
            decision=decision,
            reason=reason.strip(),
            exonerating_considered=exonerating_considered,
        )
    )
    hit.status = alert.status = OUTCOME[decision]
    session.flush()
    record(
        session,
        actor,
        "update",
        "screening_hit",
        [hit.id],
        {"decision": decision, "alert": alert.id},
    )
    return hit_view(session, hit_id)
