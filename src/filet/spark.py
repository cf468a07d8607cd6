"""The local Spark session every batch capability shares when it runs on Spark.

Identity resolution (through Splink's Spark back end), the network build and the risk features
run the same SQL on DuckDB or on Spark: the engine is a parameter, not a second implementation.
This module starts one Spark session per process (local mode here; a cluster's master URL comes
from ``SPARK_MASTER`` when set) and moves Arrow tables into it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any

import pyarrow as pa

from filet.errors import InputError, Place


def spark_available() -> str | None:
    """``None`` when PySpark and Java are usable here, else the reason they are not."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install 'filet[spark]')"
    if shutil.which("java") is None:
        return "Java is not on PATH (Spark needs a Java runtime)"
    return None


_SPARK: Any = None


def spark_session() -> Any:
    """A Spark session shared by this process (started on first use)."""
    global _SPARK
    if _SPARK is None:
        reason = spark_available()
        if reason is not None:
            raise InputError(f"the Spark engine is not available: {reason}", Place(field="engine"))
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location

        _SPARK = (
            SparkSession.builder.master(os.environ.get("SPARK_MASTER", "local[2]"))
            .config("spark.jars", similarity_jar_location())
            .appName("filet")
            .config("spark.sql.shuffle.partitions", "1")
            .config("spark.default.parallelism", "1")
            .config("spark.sql.adaptive.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.memory", "1g")
            .getOrCreate()
        )
        _SPARK.sparkContext.setLogLevel("ERROR")
        _SPARK.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="filet-spark-"))
    return _SPARK


def register_arrow(name: str, table: pa.Table) -> Any:
    """Make an Arrow table a temporary view ``name`` in the Spark session; returns the frame."""
    spark = spark_session()
    frame = spark.createDataFrame(table, schema=_schema(table.schema))
    frame.createOrReplaceTempView(name)
    return frame


def _schema(schema: pa.Schema) -> Any:
    from pyspark.sql import types as t

    def kind(arrow: pa.DataType) -> Any:
        if pa.types.is_string(arrow) or pa.types.is_large_string(arrow) or pa.types.is_null(arrow):
            return t.StringType()
        if pa.types.is_boolean(arrow):
            return t.BooleanType()
        if pa.types.is_integer(arrow):
            return t.LongType()
        if pa.types.is_floating(arrow) or pa.types.is_decimal(arrow):
            return t.DoubleType()
        if pa.types.is_timestamp(arrow):
            return t.TimestampType()
        if pa.types.is_date(arrow):
            return t.DateType()
        if pa.types.is_list(arrow) or pa.types.is_large_list(arrow):
            return t.ArrayType(kind(arrow.value_type))
        raise InputError(f"no Spark type for Arrow type {arrow}", Place(field="schema"))

    return t.StructType([t.StructField(f.name, kind(f.type), True) for f in schema])


def transpile(sql: str, read: str = "duckdb") -> str:
    """The Spark SQL spelling of a statement written for DuckDB (through sqlglot)."""
    import sqlglot

    return sqlglot.transpile(sql, read=read, write="spark")[0]
