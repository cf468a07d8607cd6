"""Hits in the store: ingestion screens new travellers, hits carry an alert, reviews are recorded,
a dismissed pair stays quiet until the data change."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from filet.errors import ConflictError, InputError
from filet.passenger import ingest_message
from filet.screening import (
    hit_view,
    import_watchlist,
    last_record_id,
    open_hits,
    read_watchlist,
    review_hit,
    screen_flight,
    screen_identity_records,
    screen_new_records,
)
from filet.security import SYSTEM, Actor, create_user
from filet.store.schema import Alert, AlertReview, ApiTraveller, IdentityRecord, ScreeningHit

PAXLST = Path(__file__).parents[1] / "passenger" / "messages" / "paxlst_d05b_passengers.edi"
WATCHLIST = """id,name,aliases,birth_date,nationality,sex,document_number,list,reason
W1,Sean Patrick O'Leary,Shawn O'Leary,1970-04-15,,M,,national,facilitator
W2,Tesfaye Gebremedhin,,1975,ERI,M,,national,organiser
"""


def _reviewer(session: Session) -> Actor:
    user = create_user(session, "reviewer", "analyst", "a long password 123", "Reviewer")
    session.flush()
    return Actor(user_id=user.id, username="reviewer", role="analyst", purpose="border_control")


def _ingest(session: Session) -> int:
    since = last_record_id(session)
    ingest_message(session, PAXLST.read_bytes(), str(PAXLST), SYSTEM)
    return since


def test_no_active_watchlist_means_no_screening(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        since = _ingest(session)
        assert screen_new_records(session, since) == []
        assert session.scalar(select(ScreeningHit.id)) is None


def test_ingestion_screens_new_records_and_reviews_follow_the_workflow(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        import_watchlist(session, read_watchlist(WATCHLIST, "w.csv"))
        since = _ingest(session)
        raised = screen_new_records(session, since)
        session.commit()
        assert len(raised) == 1
        hit = session.get(ScreeningHit, raised[0].hit_id)
        assert hit is not None and hit.status == "open" and hit.band in ("review", "strong")
        record = session.get(IdentityRecord, hit.subject_id)
        assert record is not None and record.surname == "OLEARY"
        alert = session.get(Alert, raised[0].alert_id)
        assert alert is not None and (alert.kind, alert.source_id, alert.status) == (
            "screening",
            hit.id,
            "open",
        )
        features = [e["feature"] for e in hit.explanation["evidence"]]
        assert features[0] == "name" and "birth_date" in features
        assert len(hit.data_fingerprint) == 64

        # Screening again raises nothing new; the open hit stays one row.
        assert screen_new_records(session, since) == []
        assert [v.hit_id for v in open_hits(session)] == [hit.id]

        reviewer = _reviewer(session)
        with pytest.raises(InputError, match="reason"):
            review_hit(session, hit.id, "dismiss", "no", reviewer)
        with pytest.raises(InputError, match="named user"):
            review_hit(session, hit.id, "dismiss", "not the same person", SYSTEM)
        view = review_hit(
            session, hit.id, "dismiss", "different father's name on file", reviewer, True
        )
        session.commit()
        assert view.status == "dismissed" and view.reviews[0]["decision"] == "dismiss"
        assert session.scalar(select(AlertReview.reason)) == "different father's name on file"
        with pytest.raises(ConflictError):
            review_hit(session, hit.id, "confirm", "second thoughts", reviewer)

        # A dismissed pair is not raised again on the same data ...
        assert screen_identity_records(session, [hit.subject_id]) == []
        assert open_hits(session) == []
        # ... but is when the traveller's data change.
        record.birth_date = "1970-04-16"
        again = screen_identity_records(session, [hit.subject_id])
        session.commit()
        assert [r.hit_id for r in again] == [hit.id]
        assert hit_view(session, hit.id).status == "open"
        assert session.get(Alert, raised[0].alert_id).status == "open"  # type: ignore[union-attr]


def test_a_changed_entry_reraises_a_dismissed_pair(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        import_watchlist(session, read_watchlist(WATCHLIST, "w.csv"))
        since = _ingest(session)
        (raised,) = screen_new_records(session, since)
        reviewer = _reviewer(session)
        review_hit(session, raised.hit_id, "dismiss", "not the listed person", reviewer, True)
        import_watchlist(session, read_watchlist(WATCHLIST, "w.csv"))
        assert screen_new_records(session, since) == []
        changed = WATCHLIST.replace("facilitator", "facilitator; new passport")
        import_watchlist(session, read_watchlist(changed, "w.csv"))
        assert [r.hit_id for r in screen_new_records(session, since)] == [raised.hit_id]


def test_a_flight_is_screened_whole(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        import_watchlist(session, read_watchlist(WATCHLIST, "w.csv"))
        _ingest(session)
        flight_id = session.scalar(select(ApiTraveller.flight_id))
        assert flight_id is not None
        raised = screen_flight(session, flight_id)
        assert len(raised) == 1
        escalated = review_hit(
            session, raised[0].hit_id, "escalate", "needs a second check", _reviewer(session)
        )
        assert escalated.status == "escalated"
