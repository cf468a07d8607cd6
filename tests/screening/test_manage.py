"""Managing watchlists in the store: view and search a list's entries (names in any script,
aliases, entry ids, document numbers), deactivate a list so that screening stops using it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from filet.errors import ConflictError, NotFoundError
from filet.screening import (
    Traveller,
    deactivate_watchlist,
    import_watchlist,
    list_watchlists,
    load_index,
    read_watchlist,
    watchlist_entries,
)
from filet.security import SYSTEM
from filet.store.schema import AuditEvent

WATCHLIST = """id,name,aliases,birth_date,nationality,sex,document_number,list,reason
R1,Abdelrahman Yousef,عبد الرحمن يوسف,1984,SDN,M,P1234567,regional,organiser
R2,Tesfaye Gebremedhin,ተስፋዬ ገብረመድህን;Tesfay 100%_Medhin,1979-05-02,ERI,M,,regional,facilitator
N1,Sean O'Leary,,1970-04-15,,M,,national,facilitator
"""


def test_entries_are_searched_in_every_field(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        import_watchlist(session, read_watchlist(WATCHLIST, "w.csv"), source="centre")
        info, entries, total = watchlist_entries(session, "regional")
        assert (info.entries, total, [e.entry_key for e in entries]) == (2, 2, ["R1", "R2"])
        for query, expected in [
            ("yousef", ["R1"]),  # name, any case
            ("ተስፋዬ", ["R2"]),  # an alias in Ge'ez
            ("الرحمن", ["R1"]),  # an alias in Arabic
            ("p1234", ["R1"]),  # document number
            ("r2", ["R2"]),  # entry id
            ("100%_", ["R2"]),  # LIKE wildcards are searched as written
            ("%z", []),  # a wildcard matches only itself
            ("O'Leary", []),  # another list
        ]:
            _, found, count = watchlist_entries(session, "regional", query)
            assert [e.entry_key for e in found] == expected, query
            assert count == len(expected)
        with pytest.raises(NotFoundError):
            watchlist_entries(session, "no such list")


def test_a_deactivated_list_is_kept_but_no_longer_screened(
    sessions: sessionmaker[Session],
) -> None:
    today = dt.date.today()
    with sessions() as session:
        import_watchlist(session, read_watchlist(WATCHLIST, "w.csv"))
        traveller = Traveller("t", full_name="Tesfay Gebre Medhin", birth_date="1979-05-02")
        assert [m.entry.entry_key for m in load_index(session).screen(traveller)] == ["R2"]
        info = deactivate_watchlist(session, "regional", SYSTEM)
        assert not info.active and info.valid_to == today - dt.timedelta(days=1)
        assert info.entries == 2
        assert load_index(session).screen(traveller) == []
        assert {w.name: w.active for w in list_watchlists(session)} == {
            "national": True,
            "regional": False,
        }
        with pytest.raises(ConflictError):
            deactivate_watchlist(session, "regional", SYSTEM)
        events = session.execute(
            select(AuditEvent).where(AuditEvent.object_type == "watchlist")
        ).scalars()
        assert any(e.action == "update" and e.detail.get("deactivated") for e in events)
        # Importing again with a later validity reactivates it.
        import_watchlist(
            session,
            read_watchlist(WATCHLIST, "w.csv"),
            valid_to=today + dt.timedelta(days=30),
        )
        assert [m.entry.entry_key for m in load_index(session).screen(traveller)] == ["R2"]
