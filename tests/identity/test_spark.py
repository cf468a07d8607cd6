"""The Spark path (PySpark local mode) gives the same links and persons as DuckDB."""

from __future__ import annotations

import pytest

from filet.identity import IdentityResolver, spark_available
from filet.settings import Settings
from tests.identity.conftest import records

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(spark_available() is not None, reason=str(spark_available())),
]

FRAME = records(
    {
        "record_id": "a1",
        "given_names": "Mohammed",
        "surname": "Ali",
        "birth_date": "1990-01-01",
        "sex": "M",
        "nationality": "SYR",
    },
    {
        "record_id": "a2",
        "given_names": "Muhammad",
        "surname": "Ali",
        "birth_date": "1990-01-01",
        "sex": "M",
        "nationality": "SYR",
    },
    {
        "record_id": "b1",
        "full_name": "محمد علي",
        "birth_date": "1985-03-04",
        "document_number": "N1234567",
        "document_country": "SYR",
    },
    {
        "record_id": "b2",
        "given_names": "Mohamed",
        "surname": "Aly",
        "birth_date": "1985-04-03",
        "document_number": "N1234567",
        "document_country": "SYR",
    },
    {
        "record_id": "c1",
        "given_names": "Tesfaye",
        "surname": "Gebremedhin",
        "birth_date": "1992-06-14",
        "sex": "M",
        "email": "tesfaye.g@example.org",
    },
    {
        "record_id": "c2",
        "full_name": "ተስፋዬ ገብረመድህን",
        "birth_date": "1992-06-14",
        "email": "Tesfaye.G@example.org",
    },
    {
        "record_id": "c3",
        "given_names": "Tesfay",
        "surname": "Gebremedin",
        "birth_date": "1992-06-14",
        "address": "12 Via Roma, Catania",
    },
    {
        "record_id": "d1",
        "full_name": "Selam Tekle",
        "birth_date": "1996",
        "phone": "+251 911 234567",
    },
    {
        "record_id": "d2",
        "full_name": "Selam Tekle",
        "birth_date": "1996-02-03",
        "phone": "0911 234 567",
    },
)


def test_duckdb_and_spark_give_the_same_clusters() -> None:
    settings = Settings()
    duckdb = IdentityResolver(engine="duckdb", settings=settings).resolve(FRAME)
    spark = IdentityResolver(engine="spark", settings=settings).resolve(FRAME)
    assert spark.clustering.clusters() == duckdb.clustering.clusters()
    assert len(duckdb.clustering.clusters()) == 5
    weights = {(pair.record_a, pair.record_b): pair.match_weight for pair in duckdb.links}
    assert {(pair.record_a, pair.record_b) for pair in spark.links} == set(weights)
    for pair in spark.links:
        assert pair.match_weight == pytest.approx(weights[(pair.record_a, pair.record_b)], abs=1e-6)
