"""Resolution of records into persons: the cases the domain notes insist on."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from filet.identity import IdentityResolver, Judgement, Verdict
from filet.identity._features import (
    BLOCKING_KEYS,
    blocking_keys_sql,
    parse_birth_date,
    prepare_records,
)
from filet.identity._resolve import around_new, name_frequencies
from tests.identity.conftest import levels, records


def test_common_name_and_conventional_birth_date_alone_do_not_merge(
    resolver: IdentityResolver,
) -> None:
    frame = records(
        {
            "record_id": "x1",
            "given_names": "Mohammed",
            "surname": "Ali",
            "birth_date": "1990-01-01",
            "sex": "M",
            "nationality": "SYR",
        },
        {
            "record_id": "x2",
            "given_names": "Muhammad",
            "surname": "Ali",
            "birth_date": "1990-01-01",
            "sex": "M",
            "nationality": "SYR",
        },
    )
    resolution = resolver.resolve(frame)
    assert [pair.record_a for pair in resolution.links] == ["x1"]  # scored, compared...
    assert resolution.clustering.clusters() == {"x1": ["x1"], "x2": ["x2"]}  # ...not merged


def test_common_name_with_a_shared_document_merges(resolver: IdentityResolver) -> None:
    frame = records(
        {
            "record_id": "x1",
            "given_names": "Mohammed",
            "surname": "Ali",
            "birth_date": "1990-01-01",
            "document_number": "N0123456",
            "document_country": "SYR",
        },
        {
            "record_id": "x2",
            "given_names": "Muhammad",
            "surname": "Ali",
            "birth_date": "1990-01-01",
            "document_number": "N0123456",
            "document_country": "SYR",
        },
    )
    assert resolver.resolve(frame).clustering.clusters() == {"x1": ["x1", "x2"]}


def test_cross_script_records_with_the_same_document_merge(resolver: IdentityResolver) -> None:
    frame = records(
        {
            "record_id": "api-1",
            "given_names": "ABDULRAHMAN",
            "surname": "AL HASSAN",
            "birth_date": "1988-07-15",
            "sex": "M",
            "nationality": "SYR",
            "document_number": "N009876543",
            "document_country": "SYR",
        },
        {
            "record_id": "intel-7",
            "full_name": "عبد الرحمن الحسن",
            "birth_date": "1988",
            "document_number": "N009876543",
        },
        {
            "record_id": "pnr-3",
            "full_name": "Abdelrahman Hassan",
            "birth_date": "1988-07-15",
            "phone": "+963 944 123 456",
        },
    )
    resolution = resolver.resolve(frame)
    assert resolution.clustering.clusters() == {"api-1": ["api-1", "intel-7", "pnr-3"]}
    cross_script = next(pair for pair in resolution.links if pair.record_b == "intel-7")
    evidence = {item.feature: item for item in cross_script.explanation.evidence}
    assert evidence["name"].level.startswith("same name")
    assert evidence["document"].level == "same document"
    assert evidence["document"].weight > 15
    total = cross_script.explanation.prior_weight + sum(
        item.weight + item.term_frequency_weight for item in cross_script.explanation.evidence
    )
    assert total == pytest.approx(cross_script.match_weight, abs=0.01)


def test_rare_name_and_exact_birth_date_merge_across_ethiopic_script(
    resolver: IdentityResolver,
) -> None:
    frame = records(
        {
            "record_id": "c1",
            "given_names": "Tesfaye",
            "surname": "Gebremedhin",
            "birth_date": "1992-06-14",
            "sex": "M",
        },
        {"record_id": "c2", "full_name": "ተስፋዬ ገብረመድህን", "birth_date": "1992-06-14"},
        {
            "record_id": "c3",
            "given_names": "Tesfaye",
            "surname": "Gebremedhin",
            "birth_date": "1979-02-20",
            "sex": "M",
        },
    )
    assert resolver.resolve(frame).clustering.clusters() == {"c1": ["c1", "c2"], "c3": ["c3"]}


def test_not_same_judgement_is_respected(resolver: IdentityResolver) -> None:
    frame = records(
        {
            "record_id": "c1",
            "given_names": "Tesfaye",
            "surname": "Gebremedhin",
            "birth_date": "1992-06-14",
        },
        {"record_id": "c2", "full_name": "ተስፋዬ ገብረመድህን", "birth_date": "1992-06-14"},
    )
    judged = [
        Judgement("c1", "c2", Verdict.NOT_SAME, "father's names differ on the birth certificate")
    ]
    resolution = resolver.resolve(frame, judged)
    assert resolution.clustering.clusters() == {"c1": ["c1"], "c2": ["c2"]}
    assert len(resolution.clustering.refused) == 1


def test_incremental_links_new_records_to_existing_persons(resolver: IdentityResolver) -> None:
    existing = records(
        {
            "record_id": "e1",
            "full_name": "Selam Tekle",
            "birth_date": "1995-11-02",
            "document_number": "E1234567",
        },
        {"record_id": "e2", "full_name": "Selam Tekle", "birth_date": "1995-11-02"},
        {"record_id": "e3", "full_name": "Yonas Haile", "birth_date": "1990-04-10"},
    )
    new = records(
        {"record_id": "n1", "full_name": "ሰላም ተክለ", "document_number": "E1234567"},
        {"record_id": "n2", "full_name": "Hiwet Berhane", "birth_date": "2001-03-09"},
    )
    resolution = resolver.link_new(existing, {"e1": "P1", "e2": "P1", "e3": "P2"}, new)
    assert resolution.clustering.clusters() == {
        "e1": ["e1", "e2", "n1"],
        "e3": ["e3"],
        "n2": ["n2"],
    }
    assert all(
        "n1" in (pair.record_a, pair.record_b) or "n2" in (pair.record_a, pair.record_b)
        for pair in resolution.links
    )


def test_birth_dates_are_read_with_unknown_parts() -> None:
    assert parse_birth_date("1990-XX-XX").text == "1990"
    assert parse_birth_date("1990-00-00").text == "1990"
    assert parse_birth_date("1990-07-01").conventional
    assert not parse_birth_date("1990-07-02").conventional
    assert parse_birth_date("not a date").year is None


def test_blocking_keys_of_common_values_are_capped() -> None:
    frame = pd.DataFrame(
        [
            {"record_id": str(number), "full_name": "Mohammed Ali", "birth_date": "1990-01-01"}
            for number in range(6)
        ]
        + [{"record_id": "r", "full_name": "Zbigniew Brzezinski", "birth_date": "1990-01-01"}]
    )
    prepared = prepare_records(frame, max_block_size=5, rare_name_bits=12.0)
    assert prepared["b_name"].iloc[:6].isna().all()
    assert prepared["b_name"].iloc[6] is not None
    assert prepared["b_birth_date"].isna().all()


def test_feature_cache_keeps_unchanged_records_and_redoes_changed_ones(tmp_path: Path) -> None:
    cache = tmp_path / "features.parquet"
    frame = records(
        {"record_id": "k1", "full_name": "ተስፋዬ ገብረመድህን", "birth_date": "1992-06-14"},
        {"record_id": "k2", "full_name": "Selam Tekle", "birth_date": "1996"},
    )
    first = prepare_records(frame, max_block_size=300, rare_name_bits=12.0, cache=cache)
    assert cache.exists()
    # Mark the cached row of k1: a second run must read it back rather than analyse k1 again.
    stored = pd.read_parquet(cache)
    stored.loc[stored["unique_id"] == "k1", "name_latin"] = "from the cache"
    stored.to_parquet(cache, index=False)
    frame.loc[1, "full_name"] = "Selam Tekle Berhe"  # k2 changed: analysed again
    second = prepare_records(frame, max_block_size=300, rare_name_bits=12.0, cache=cache)
    latin = dict(zip(second["unique_id"], second["name_latin"], strict=True))
    assert latin["k1"] == "from the cache"
    assert latin["k2"] == "berhe selam tekle"
    assert (
        second.set_index("unique_id").loc["k1", "name_tokens"]
        == first.set_index("unique_id").loc["k1", "name_tokens"]
    )
    assert len(pd.read_parquet(cache)) == 2


def test_a_group_booking_sharing_a_contact_and_serial_passports_is_not_one_person(
    resolver: IdentityResolver,
) -> None:
    # A sports team booked by one agency: one phone and email for all, passports in series.
    contact = {"phone": "+251 397 838 253", "email": "bookings30@agency.example"}
    frame = records(
        {
            "record_id": "t1",
            "given_names": "Girma",
            "surname": "Mulugeta",
            "birth_date": "2002-02-15",
            "sex": "M",
            "nationality": "ETH",
            "document_number": "V5583566",
            "document_country": "ETH",
            **contact,
        },
        {
            "record_id": "t2",
            "given_names": "Tesfay",
            "surname": "Woldemichael",
            "birth_date": "1995-07-16",
            "sex": "M",
            "nationality": "ETH",
            "document_number": "V5583568",
            "document_country": "ETH",
            **contact,
        },
    )
    assert resolver.resolve(frame).clustering.clusters() == {"t1": ["t1"], "t2": ["t2"]}
    compared = levels(resolver, frame)[("t1", "t2")]
    assert compared["phone"] == "same, names differ"
    assert compared["email"] == "same, names differ"
    assert compared["document"] == "All other comparisons"


def test_a_repeated_name_part_is_not_a_rare_name(resolver: IdentityResolver) -> None:
    frame = resolver.prepare(
        records(
            {"record_id": "r1", "given_names": "Tesfaye", "surname": "Tesfaye"},
            {"record_id": "r2", "given_names": "Tesfaye", "surname": "Gebremedhin"},
        )
    )
    assert frame.set_index("unique_id")["name_rare"].to_dict() == {"r1": 0, "r2": 1}


def test_co_travellers_with_the_same_name_stay_two_people(resolver: IdentityResolver) -> None:
    twin = {"given_names": "Tesfaye", "surname": "Gebremedhin", "birth_date": "2001-01-01"}
    frame = records(
        {"record_id": "a1", **twin, "phone": "+251 911 222 333"},
        {"record_id": "a2", **twin, "phone": "+251 911 222 333"},
        {"record_id": "later", **twin, "phone": "+251 911 222 333"},
    )
    together = {"a1": ["booking:ET:ABC123"], "a2": ["booking:ET:ABC123"]}
    clusters = resolver.resolve(frame, travelled_with=together).clustering.clusters()
    assert len(clusters) == 2
    assert ["a1", "a2"] not in clusters.values()


def test_a_run_without_explanations_gives_the_same_persons(resolver: IdentityResolver) -> None:
    frame = records(
        {"record_id": "c1", "given_names": "Tesfaye", "surname": "Gebremedhin", "sex": "M"},
        {"record_id": "c2", "full_name": "ተስፋዬ ገብረመድህን", "birth_date": "1992-06-14"},
        {"record_id": "c3", "full_name": "Tesfaye Gebremedhin", "birth_date": "1992-06-14"},
        {"record_id": "c4", "full_name": "Selam Tekle", "birth_date": "1992-06-14"},
    )
    plain = IdentityResolver(settings=resolver.settings, threshold=0.95, explain=False)
    explained, unexplained = resolver.resolve(frame), plain.resolve(frame)
    assert unexplained.clustering.clusters() == explained.clustering.clusters()
    assert {(p.record_a, p.record_b) for p in unexplained.links} == {
        (p.record_a, p.record_b) for p in explained.links if p.match_probability >= 0.95
    }
    with pytest.raises(ValueError, match="without its explanation"):
        _ = unexplained.links[0].explanation


def test_incremental_scores_only_around_the_new_records(resolver: IdentityResolver) -> None:
    existing = records(
        {"record_id": "e1", "full_name": "Selam Tekle", "birth_date": "1995-11-02"},
        {"record_id": "e2", "full_name": "Yonas Haile", "birth_date": "1990-04-10"},
        {"record_id": "e3", "full_name": "Hiwet Berhane", "birth_date": "2001-03-09"},
    )
    new = records({"record_id": "n1", "full_name": "ሰላም ተክለ", "birth_date": "1995-11-02"})
    frame = pd.concat(
        [resolver.prepare(existing).assign(is_new=0), resolver.prepare(new).assign(is_new=1)],
        ignore_index=True,
    ).drop(columns=list(BLOCKING_KEYS))
    connection = duckdb.connect()
    connection.register("prepared", frame)
    connection.execute(f"CREATE TABLE linkage AS {blocking_keys_sql('prepared', 300)}")
    part = around_new(connection)
    assert sorted(part["unique_id"]) == ["e1", "n1"]
    kept = part.set_index("unique_id").loc["e1"]
    assert kept["b_birth_date"] is not None
    frequencies = name_frequencies(connection)
    assert frequencies.attrs["n"] == 4
    assert dict(zip(frequencies["name_canon"], frequencies["tf_name_canon"], strict=True))[
        kept["name_canon"]
    ] == pytest.approx(0.5)
    resolution = resolver.link_new(existing, {"e1": "P1", "e2": "P2", "e3": "P3"}, new)
    assert resolution.clustering.clusters()["e1"] == ["e1", "n1"]


def test_incremental_honours_judgements_on_persons_no_new_record_reaches(
    resolver: IdentityResolver,
) -> None:
    existing = records(
        {"record_id": "e1", "full_name": "Selam Tekle", "birth_date": "1995-11-02"},
        {"record_id": "e2", "full_name": "Selam Tekle", "birth_date": "1995-11-02"},
        {"record_id": "e3", "full_name": "Yonas Haile", "birth_date": "1990-04-10"},
        {"record_id": "e4", "full_name": "Yonas Haile", "birth_date": "1990-04-10"},
    )
    new = records({"record_id": "n1", "full_name": "Hiwet Berhane", "birth_date": "2001-03-09"})
    apart = Judgement("e1", "e2", Verdict.NOT_SAME, "two sisters")
    resolution = resolver.link_new(
        existing, {"e1": "P1", "e2": "P1", "e3": "P2", "e4": "P2"}, new, [apart]
    )
    assert resolution.links == []
    assert resolution.clustering.clusters() == {
        "e1": ["e1"],
        "e2": ["e2"],
        "e3": ["e3", "e4"],
        "n1": ["n1"],
    }
