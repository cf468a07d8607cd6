"""The batch feature SQL, spelled for Spark (``SPARK`` dialect), gives on Spark the same features
as on DuckDB for the same store."""

from __future__ import annotations

import math
from typing import Any

import duckdb
import pytest
from sqlalchemy import Engine

from filet.risk._batch import (
    DUCKDB,
    ID_COLUMNS,
    SPARK,
    STORE_COLUMNS,
    booking_sql,
    crossing_sql,
    load_store,
    traveller_sql,
)
from filet.risk._catalogue import feature_catalogue
from filet.settings import duckdb_config
from filet.spark import register_arrow, spark_available, spark_session
from tests.risk.conftest import World

pytestmark = [
    pytest.mark.skipif(spark_available() is not None, reason=str(spark_available())),
]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-12)
    return bool(a == b)


def test_the_feature_sql_gives_the_same_features_on_spark(engine: Engine, world: World) -> None:
    connection = duckdb.connect(config=duckdb_config())
    try:
        load_store(engine, connection)
        for name in STORE_COLUMNS:
            register_arrow(name, connection.table(name).to_arrow_table())
        spark = spark_session()
        expected: dict[str, list[dict[str, Any]]] = {}
        got: dict[str, list[dict[str, Any]]] = {}
        for target, view, make in (
            ("booking", "booking_features", booking_sql),
            ("traveller", "traveller_facts", traveller_sql),
            ("crossing", "crossing_features", crossing_sql),
        ):
            duck = connection.sql(f"SELECT * FROM ({make(DUCKDB)}) ORDER BY 1").to_arrow_table()
            connection.execute(f"CREATE OR REPLACE TEMP TABLE {view} AS {make(DUCKDB)}")
            frame = spark.sql(make(SPARK))
            frame.createOrReplaceTempView(view)
            expected[target] = duck.to_pylist()
            got[target] = [row.asDict() for row in frame.orderBy(frame.columns[0]).collect()]
    finally:
        connection.close()
    catalogue = feature_catalogue()
    for target, rows in expected.items():
        assert rows, target
        assert len(got[target]) == len(rows), target
        names = [n for n in rows[0] if n in catalogue.features or n in ID_COLUMNS.values()]
        for duck_row, spark_row in zip(rows, got[target], strict=True):
            for name in names:
                assert _same(duck_row[name], spark_row[name]), (
                    target,
                    duck_row[ID_COLUMNS[target]],  # type: ignore[index]
                    name,
                    duck_row[name],
                    spark_row[name],
                )
