"""Watchlist files: CSV, FollowTheMoney JSON lines, INTERPOL-like JSON; errors name the place;
re-importing changes nothing, a changed entry is updated."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from filet.errors import InputError
from filet.screening import import_watchlist, list_watchlists, read_watchlist
from filet.store.schema import WatchlistEntry

CSV = """id,name,aliases,birth_date,nationality,sex,document_number,list,reason
W1,محمد عبد الرحمن,Mohamed Abdelrahman;Abu Khalid,1980-03-04,SDN,M,,national,facilitator
W2,ተስፋዬ ገብረመድህን,Tesfaye Gebremedhin,1975,ER,M,P1234567,national,organiser
W3,Олена Шевченко,,1990-07,UKR,F,,eu,document fraud
"""


def test_csv_rows_become_entries_of_their_lists() -> None:
    entries = read_watchlist(CSV, "list.csv")
    assert [(e.list_name, e.entry_key) for e in entries] == [
        ("national", "W1"),
        ("national", "W2"),
        ("eu", "W3"),
    ]
    first = entries[0]
    assert first.aliases == ("Mohamed Abdelrahman", "Abu Khalid")
    assert first.birth_date == "1980-03-04" and first.nationality == "SDN" and first.sex == "M"
    assert entries[1].nationality == "ERI"  # alpha-2 read as alpha-3
    assert entries[2].birth_date == "1990-07"


@pytest.mark.parametrize(
    ("row", "where"),
    [
        ("W9,Name,,1980-13-01,,,,l,", "line 2, field birth_date"),
        ("W9,Name,,04/03/1980,,,,l,", "line 2, field birth_date"),
        ("W9,Name,,,XYZ,,,l,", "line 2, field nationality"),
        ("W9,Name,,,,Q,,l,", "line 2, field sex"),
        ("W9,,,,,,,l,", "line 2, field name"),
        (",Name,,,,,,l,", "line 2, field id"),
    ],
)
def test_csv_errors_name_line_and_column(row: str, where: str) -> None:
    header = CSV.splitlines()[0]
    with pytest.raises(InputError) as caught:
        read_watchlist(f"{header}\n{row}\n", "bad.csv")
    assert where in str(caught.value)


def test_csv_without_a_list_column_needs_a_list_name() -> None:
    text = "id,name\nA1,Dawit Kidane\n"
    with pytest.raises(InputError, match="--list"):
        read_watchlist(text, "l.csv")
    assert read_watchlist(text, "l.csv", list_name="local")[0].list_name == "local"


def test_an_entry_id_twice_in_one_list_is_refused() -> None:
    with pytest.raises(InputError, match="appears twice"):
        read_watchlist("id,name,list\nA,X Y,l\nA,Z W,l\n", "l.csv")


FTM = [
    {
        "id": "ftm-1",
        "schema": "Person",
        "datasets": ["sanctions"],
        "properties": {
            "name": ["Abd al-Rahman Khalid"],
            "alias": ["عبد الرحمن خالد"],
            "birthDate": ["1979-05-02"],
            "nationality": ["sd"],
            "passportNumber": ["A0012345"],
            "gender": ["male"],
            "topics": ["crime.traffick"],
        },
    },
    {"id": "co-1", "schema": "Company", "properties": {"name": ["Transport Co"]}},
]


def test_ftm_person_entities_are_read_and_other_schemata_skipped() -> None:
    text = "\n".join(json.dumps(e, ensure_ascii=False) for e in FTM)
    entries = read_watchlist(text, "list.jsonl", "ftm")
    assert len(entries) == 1
    entry = entries[0]
    assert (entry.list_name, entry.entry_key, entry.name) == (
        "sanctions",
        "ftm-1",
        "Abd al-Rahman Khalid",
    )
    assert entry.aliases == ("عبد الرحمن خالد",)
    assert (entry.birth_date, entry.nationality, entry.sex, entry.document_number) == (
        "1979-05-02",
        "SDN",
        "M",
        "A0012345",
    )
    assert entry.reason == "crime.traffick"


def test_ftm_entities_are_validated_by_followthemoney() -> None:
    bad_schema = json.dumps({"id": "x", "schema": "Spaceship", "properties": {}})
    with pytest.raises(InputError, match="line 2") as caught:
        read_watchlist(json.dumps(FTM[0]) + "\n" + bad_schema, "l.jsonl", "ftm")
    assert "FollowTheMoney" in str(caught.value)
    bad_property = json.dumps({"id": "x", "schema": "Person", "properties": {"wingspan": ["3m"]}})
    with pytest.raises(InputError, match="line 1"):
        read_watchlist(bad_property, "l.jsonl", "ftm", "l")


NOTICES = {
    "_embedded": {
        "notices": [
            {
                "entity_id": "2024/11111",
                "forename": "YONAS",
                "name": "HAILE",
                "name_in_original_script": "ዮናስ ኃይሌ",
                "date_of_birth": "1984/06/12",
                "nationalities": ["ER"],
                "sex_id": "M",
                "arrest_warrants": [
                    {"charge": "Smuggling of migrants", "issuing_country_id": "IT"}
                ],
            }
        ]
    }
}


def test_interpol_like_notices_are_read() -> None:
    entries = read_watchlist(json.dumps(NOTICES, ensure_ascii=False), "notices.json", "interpol")
    entry = entries[0]
    assert (entry.list_name, entry.entry_key, entry.name) == (
        "interpol",
        "2024/11111",
        "YONAS HAILE",
    )
    assert entry.aliases == ("ዮናስ ኃይሌ",)
    assert (entry.birth_date, entry.nationality, entry.reason) == (
        "1984-06-12",
        "ERI",
        "Smuggling of migrants",
    )
    with pytest.raises(InputError, match="entity_id"):
        read_watchlist(json.dumps([{"name": "X"}]), "n.json", "interpol")


def test_reimport_is_idempotent_and_changes_are_updated(sessions: sessionmaker[Session]) -> None:
    entries = read_watchlist(CSV, "list.csv")
    with sessions() as session:
        first = import_watchlist(session, entries, source="ministry")
        session.commit()
        assert first.lists == {
            "national": {"added": 2, "updated": 0, "unchanged": 0},
            "eu": {"added": 1, "updated": 0, "unchanged": 0},
        }
        again = import_watchlist(session, read_watchlist(CSV, "list.csv"))
        assert again.lists["national"] == {"added": 0, "updated": 0, "unchanged": 2}
        before = session.execute(
            select(WatchlistEntry).where(WatchlistEntry.entry_key == "W2")
        ).scalar_one()
        old_hash = before.content_hash
        changed = read_watchlist(CSV.replace("1975,ER", "1976,ER"), "list.csv")
        third = import_watchlist(session, changed)
        session.commit()
        assert third.lists["national"] == {"added": 0, "updated": 1, "unchanged": 1}
        after = session.execute(
            select(WatchlistEntry).where(WatchlistEntry.entry_key == "W2")
        ).scalar_one()
        assert after.birth_date == "1976" and after.content_hash != old_hash
        assert (
            session.scalar(select(WatchlistEntry.id).where(WatchlistEntry.entry_key == "W9"))
            is None
        )
        infos = {w.name: w for w in list_watchlists(session)}
        assert infos["national"].entries == 2 and infos["national"].source == "ministry"
        assert infos["eu"].active
