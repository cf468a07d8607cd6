"""Watchlist screening: lists in, travellers screened, hits explained and reviewed.

- :func:`read_watchlist` (CSV, FollowTheMoney JSON lines, INTERPOL-notice-like JSON) →
  :class:`ListedPerson`; :func:`import_watchlist` stores them idempotently (list + entry id).
- :class:`WatchlistIndex`: candidate retrieval by name keys and document number, then the
  scorer; :meth:`~WatchlistIndex.screen` (one traveller, online) and
  :meth:`~WatchlistIndex.screen_many` (a flight or a file, batch) give the same scores.
- :func:`score_traveller`: one :class:`Traveller` against one :class:`ListedPerson` →
  :class:`ScreeningMatch` with every piece of :class:`Evidence`, tuned by
  :class:`ScreeningSettings` (bands from ``FILET_SCREENING_*_THRESHOLD``).
- Store: :func:`load_index` (active lists), :func:`screen_traveller`,
  :func:`screen_identity_records`, :func:`screen_flight`, :func:`screen_new_records` (after
  ingestion), :func:`review_hit`, :func:`hit_view`, :func:`open_hits`, :func:`list_watchlists`,
  :func:`watchlist_entries` (view and search a list), :func:`deactivate_watchlist`.

See ``docs/screening.md``.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from filet.screening._import import WatchlistFormat, read_watchlist
from filet.screening._index import WatchlistIndex
from filet.screening._model import Evidence, ListedPerson, ScreeningMatch, Traveller
from filet.screening._score import (
    ScreeningSettings,
    prepare_entry,
    prepare_traveller,
    score_pair,
)
from filet.screening._store import (
    HitView,
    ImportSummary,
    RaisedHit,
    WatchlistInfo,
    deactivate_watchlist,
    has_active_watchlist,
    hit_view,
    import_watchlist,
    last_record_id,
    list_watchlists,
    load_index,
    open_hits,
    review_hit,
    screen_flight,
    screen_identity_records,
    screen_new_records,
    watchlist_entries,
)

__all__ = [
    "Evidence",
    "HitView",
    "ImportSummary",
    "ListedPerson",
    "RaisedHit",
    "ScreeningMatch",
    "ScreeningSettings",
    "Traveller",
    "WatchlistFormat",
    "WatchlistIndex",
    "WatchlistInfo",
    "deactivate_watchlist",
    "has_active_watchlist",
    "hit_view",
    "import_watchlist",
    "last_record_id",
    "list_watchlists",
    "load_index",
    "open_hits",
    "read_watchlist",
    "review_hit",
    "score_traveller",
    "screen_flight",
    "screen_identity_records",
    "screen_new_records",
    "screen_traveller",
    "watchlist_entries",
]


def score_traveller(
    traveller: Traveller, entry: ListedPerson, settings: ScreeningSettings | None = None
) -> ScreeningMatch:
    """Score one traveller against one listed person (no retrieval), with the evidence."""
    chosen = settings or ScreeningSettings.from_settings()
    return score_pair(prepare_traveller(traveller), prepare_entry(entry), chosen)


def screen_traveller(
    session: Session, traveller: Traveller, threshold: float | None = None
) -> list[ScreeningMatch]:
    """Screen one traveller against the watchlists valid today (the border check's call).

    Nothing is stored: to raise hits for review, screen the stored identity record with
    :func:`screen_identity_records`.
    """
    return load_index(session).screen(traveller, threshold)
