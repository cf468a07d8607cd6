"""Scoring candidate pairs with Splink on DuckDB or Spark, and training the model.

One :class:`PairScorer` per run: it registers the prepared records with the engine's Splink
database API, builds the filet model (:mod:`filet.identity._model`) in the engine's SQL dialect,
and returns the scored pairs above a floor with their explanation. The engine is a parameter;
the model, the blocking rules and the SQL are the same on both.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import duckdb
import pandas as pd
from splink import DuckDBAPI, Linker, block_on
from splink.internals.database_api import DatabaseAPISubClass

from filet.errors import InputError, Place
from filet.identity._explain import SHOWN_COLUMNS, Explanation, explain_row
from filet.identity._features import BLOCKING_KEYS
from filet.identity._model import TF_MIN_RECORDS, ModelParameters, settings_for
from filet.settings import duckdb_config
from filet.spark import spark_session

Engine = Literal["duckdb", "spark"]

#: Pairs scored below this match weight are not kept (they are not evidence of anything).
LINK_FLOOR_WEIGHT = -5.0


def _labels(comparisons: Any) -> dict[str, dict[int, str]]:
    """Each comparison's level labels by comparison vector value."""
    return {
        comparison.output_column_name: {
            level.comparison_vector_value: level.label_for_charts
            for level in comparison.comparison_levels
        }
        for comparison in comparisons
    }


def _kept_columns(
    columns: list[str], labels: dict[str, dict[int, str]], explain: bool
) -> list[str]:
    """The columns of Splink's predictions a run reads: the pair and its weight, and with
    ``explain`` those an explanation shows (Splink's intermediate columns also carry every
    blocking key and feature of both records: most of the memory of a large run)."""
    wanted = {"unique_id_l", "unique_id_r", "match_weight", "match_probability"}
    if explain:
        wanted |= {
            f"{prefix}{name}" for name in labels for prefix in ("gamma_", "mw_", "mw_tf_adj_")
        }
        wanted |= {
            f"{column}_{side}"
            for shown in SHOWN_COLUMNS.values()
            for column in shown
            for side in ("l", "r")
        }
    return [column for column in columns if column in wanted]


class _Predictions:
    """The scored pairs of one run as columns; a pair's explanation is built when asked for
    (most pairs of a large run are clustered and never shown)."""

    def __init__(
        self, rows: pd.DataFrame, labels: dict[str, dict[int, str]], parameters: ModelParameters
    ) -> None:
        self.labels = labels
        self._columns: dict[str, list[Any]] = {
            column: rows[column].tolist()
            for column in rows.columns
            if column not in ("unique_id_l", "unique_id_r", "match_probability")
        }
        self.parameters = parameters

    def explain(self, index: int) -> Explanation:
        row = {column: values[index] for column, values in self._columns.items()}
        return explain_row(row, self.labels, self.parameters)


@dataclass(frozen=True, slots=True)
class ScoredPair:
    """Two records, the match weight and probability of their being one person, and why."""

    record_a: str
    record_b: str
    match_weight: float
    match_probability: float
    source: _Predictions | None = field(default=None, repr=False, compare=False)
    index: int = field(default=-1, repr=False, compare=False)

    @property
    def explanation(self) -> Explanation:
        """The waterfall of the pair (scored with explanations retained)."""
        if self.source is None:
            raise ValueError("this pair was scored without its explanation")
        return self.source.explain(self.index)


def _database_api(engine: Engine) -> DatabaseAPISubClass:
    if engine == "duckdb":
        return DuckDBAPI(connection=duckdb.connect(config=duckdb_config()))
    if engine == "spark":
        from splink import SparkAPI

        return SparkAPI(  # type: ignore[no-untyped-call]
            spark_session=spark_session(),
            break_lineage_method="persist",
            num_partitions_on_repartition=1,
        )
    raise InputError(f"unknown engine {engine!r}; expected duckdb or spark", Place(field="engine"))


def _table(frame: pd.DataFrame, engine: Engine) -> Any:
    if engine == "spark":
        from pyspark.sql import types as spark_types

        fields = []
        for column in frame.columns:
            if column == "name_tokens":
                kind: Any = spark_types.ArrayType(spark_types.StringType())
            elif column in ("name_rare", "birth_conventional", "is_new"):
                kind = spark_types.IntegerType()
            else:
                kind = spark_types.StringType()
            fields.append(spark_types.StructField(column, kind, True))
        rows = [
            tuple(
                None if value is None or (not isinstance(value, list) and pd.isna(value)) else value
                for value in row
            )
            for row in frame.itertuples(index=False, name=None)
        ]
        return spark_session().createDataFrame(rows, schema=spark_types.StructType(fields))
    return frame


@contextmanager
def _quiet() -> Iterator[None]:
    splink_logger = logging.getLogger("splink")
    before = splink_logger.level
    splink_logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        splink_logger.setLevel(before)


class PairScorer:
    """Scores candidate pairs of prepared records with the filet model on one engine."""

    def __init__(self, parameters: ModelParameters, engine: Engine = "duckdb") -> None:
        self.parameters = parameters
        self.engine: Engine = engine

    def _linker(
        self,
        frame: pd.DataFrame,
        *,
        new_only: bool = False,
        explain: bool = True,
        name_frequencies: pd.DataFrame | None = None,
    ) -> Linker:
        population = len(frame) if name_frequencies is None else int(name_frequencies.attrs["n"])
        settings = settings_for(
            self.parameters,
            dialect=self.engine,
            term_frequencies=population >= TF_MIN_RECORDS,
            retain_explanations=explain,
        )
        if new_only:
            # Incremental linking: only pairs with at least one new record are compared.
            settings["blocking_rules_to_generate_predictions"] = [
                {
                    "blocking_rule": f"l.{key} = r.{key} AND (l.is_new = 1 OR r.is_new = 1)",
                    "sql_dialect": self.engine,
                }
                for key in BLOCKING_KEYS
            ]
        db_api = _database_api(self.engine)
        table = db_api.register(_table(frame, self.engine))
        linker = Linker(table, settings, log_level=None)
        if name_frequencies is not None and population >= TF_MIN_RECORDS:
            linker.table_management.register_term_frequency_lookup(
                db_api.register(_table(name_frequencies, self.engine)), "name_canon"
            )
        return linker

    def score(
        self,
        frame: pd.DataFrame,
        *,
        new_only: bool = False,
        floor: float = LINK_FLOOR_WEIGHT,
        explain: bool = True,
        name_frequencies: pd.DataFrame | None = None,
    ) -> list[ScoredPair]:
        """Every blocked pair of ``frame`` scoring at least ``floor``, with its explanation.

        With ``new_only`` the frame carries an ``is_new`` column and only pairs touching a new
        record are generated (the old records' pairs were scored before). Without ``explain``
        Splink keeps no intermediate columns and the pairs carry no explanation (large runs that
        only need the persons). ``name_frequencies`` (``name_canon``, ``tf_name_canon``, and
        the population size in ``attrs["n"]``) replaces the frequencies of ``frame`` when it is a
        part of the records (incremental runs).
        """
        if len(frame) < 2:
            return []
        with _quiet():
            linker = self._linker(
                frame, new_only=new_only, explain=explain, name_frequencies=name_frequencies
            )
            predictions = linker.inference.predict(
                threshold_match_weight=floor, warning_mode="never"
            )
            labels = _labels(linker._settings_obj.comparisons)
            kept = _kept_columns(
                [column.unquote().name for column in predictions.columns], labels, explain
            )
            selected = predictions.query_sql(f"SELECT {', '.join(kept)} FROM {{this}}")
            # Free the full predictions before the kept columns are read into pandas.
            predictions.drop_table_from_database_and_remove_from_cache()
            rows = selected.as_pandas_dataframe()  # type: ignore[no-untyped-call]
            selected.drop_table_from_database_and_remove_from_cache()
        source = _Predictions(rows, labels, self.parameters) if explain else None
        pairs = []
        for index, (left, right, weight, probability) in enumerate(
            zip(
                rows["unique_id_l"].astype(str).tolist(),
                rows["unique_id_r"].astype(str).tolist(),
                rows["match_weight"].astype(float).tolist(),
                rows["match_probability"].astype(float).tolist(),
                strict=True,
            )
        ):
            first, second = (left, right) if left <= right else (right, left)
            pairs.append(ScoredPair(first, second, weight, probability, source, index))
        return pairs

    def train(self, frame: pd.DataFrame, *, source: str, seed: int = 7) -> ModelParameters:
        """Estimate the model's parameters on ``frame``: u by random sampling, m by EM.

        The prior is estimated from the pairs that share a document number or a full name and
        date of birth (assumed 60 % recall).
        """
        with _quiet():
            linker = self._linker(frame)
            linker.training.estimate_probability_two_random_records_match(
                [block_on("document_number"), block_on("name_canon", "birth_date")], recall=0.6
            )
            linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
            for rule in (
                block_on("birth_date"),
                block_on("name_canon"),
                block_on("document_number"),
            ):
                linker.training.estimate_parameters_using_expectation_maximisation(
                    rule, estimate_without_term_frequencies=True
                )
            trained = linker.misc.save_model_to_json()
        parameters = ModelParameters.from_splink(trained, source=source)
        # Levels EM could not see keep their default figures.
        for comparison, levels in self.parameters.levels.items():
            for label, figures in levels.items():
                found = parameters.levels.setdefault(comparison, {}).get(label)
                if found is None or any(math.isnan(value) for value in found.values()):
                    parameters.levels[comparison][label] = dict(figures)
        return parameters
