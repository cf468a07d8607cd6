"""Batch (DuckDB SQL) and online (one target from the store) features agree, and are right."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from filet.risk import feature_catalogue
from filet.risk._batch import SPARK, batch_features, booking_sql, crossing_sql, traveller_sql
from filet.risk._online import booking_features, crossing_features, traveller_features
from tests.risk.conftest import World


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(a, b, rel_tol=0, abs_tol=0)
    return bool(a == b) and type(a) is type(b)


def test_the_catalogue_documents_at_least_twenty_indicator_features() -> None:
    features = feature_catalogue().features.values()
    with_indicators = [f for f in features if f.indicators]
    assert len(with_indicators) >= 20
    assert len({i for f in features for i in f.indicators}) >= 14
    for feature in features:
        assert feature.description and feature.data and feature.targets


def test_batch_and_online_features_are_identical(
    engine: Engine, sessions: sessionmaker[Session], world: World
) -> None:
    catalogue = feature_catalogue()
    for target, online in (
        ("booking", booking_features),
        ("traveller", traveller_features),
        ("crossing", crossing_features),
    ):
        batch = batch_features(engine, target)  # type: ignore[arg-type]
        names = list(catalogue.for_target(target))  # type: ignore[arg-type]
        assert batch, target
        with sessions() as session:
            for target_id, values in batch.items():
                one = online(session, target_id)
                for name in names:
                    assert _same(values[name], one[name]), (
                        target,
                        target_id,
                        name,
                        values[name],
                        one[name],
                    )


def test_features_of_the_smuggling_group(sessions: sessionmaker[Session], world: World) -> None:
    with sessions() as session:
        escort = traveller_features(session, world.travellers["escort"])
        minor = traveller_features(session, world.travellers["minor"])
        second = traveller_features(session, world.travellers["second"])
        business = traveller_features(session, world.travellers["business"])
        child = traveller_features(session, world.travellers["child"])
        split = booking_features(session, world.bookings["split"])
        family = booking_features(session, world.bookings["family"])
    assert escort["booking_lead_time_hours"] == 30.0
    assert escort["last_minute_booking"] is True
    assert escort["paid_cash"] and escort["paid_by_non_traveller"] and escort["one_way"]
    assert escort["group_size"] == 4 and escort["split_pnr"]
    # same phone as the split PNR and the earlier booking; the earlier one shares the surname KARIMI
    assert escort["shared_contact_count"] == 1
    assert escort["transit_count"] == 2 and escort["circuitous_routing"]
    assert escort["long_transit_hours"] == 22.0 and escort["transit_no_show"]
    assert escort["agency_flagged_share"] == 1 / 3 and escort["agency_booking_count"] == 3
    assert escort["watchlist_hit"] and not escort["minimal_luggage"]
    assert escort["bookings_with_same_document"] == 2
    assert escort["companions_across_bookings"] == 5
    assert escort["age_years"] == 40 and escort["nationality"] == "IRN"
    assert minor["age_years"] == 13 and minor["minor_with_unrelated_adults"] is True
    assert minor["minimal_luggage"] is True  # API record linked by locator and document
    assert child["minor_with_unrelated_adults"] is False
    assert second["document_series_gap"] == 2 and second["document_alert"] is True
    assert business["document_alert"] is True and business["minimal_luggage"] is True
    assert business["paid_by_non_traveller"] is False and business["one_way"] is None
    assert business["long_transit_hours"] is None
    assert split["paid_by_non_traveller"] is False and split["shared_card_count"] == 1
    assert family["shared_card_count"] == 1 and family["group_size"] == 3
    assert family["circuitous_routing"] is False and family["transit_count"] == 0


def test_crossing_features(sessions: sessionmaker[Session], world: World) -> None:
    with sessions() as session:
        escort = crossing_features(session, world.crossings["escort2"])
        first = crossing_features(session, world.crossings["escort1"])
        other = crossing_features(session, world.crossings["other_officer"])
    assert first["entry_without_exit"] is False and escort["entry_without_exit"] is True
    assert escort["crossings_with_companions"] == 2 and escort["distinct_companions"] == 3
    # 3 of the 7 crossings admitted an alerted document; O-17 made 5 crossings and 2 of those
    # admissions: (2/3) / (5/7); O-02 made 2 crossings and 1 of them: (1/3) / (2/7)
    assert escort["officer_flagged_admissions"] == 2
    assert escort["officer_clearance_concentration"] == (2 * 7) / (3 * 5)
    assert other["officer_clearance_concentration"] == (1 * 7) / (3 * 2)
    assert first["recorded_smuggled_migrant"] is False


def test_the_same_sql_is_spelled_for_spark() -> None:
    for sql in (booking_sql(SPARK), traveller_sql(SPARK), crossing_sql(SPARK)):
        assert "date_diff" not in sql
    assert "unix_timestamp" in booking_sql(SPARK)
