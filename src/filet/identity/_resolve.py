"""Identity resolution over a table of records: prepare, score, cluster — full or incremental."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from filet.identity._cluster import Clustering, Judgement, Link, RecordFacts, cluster_links
from filet.identity._features import (
    BLOCKING_KEYS,
    blocking_keys_sql,
    from_duckdb,
    load_features,
    prepare_records,
)
from filet.identity._linkage import Engine, PairScorer, ScoredPair
from filet.identity._model import ModelParameters
from filet.settings import Settings, duckdb_config, get_settings


@dataclass(slots=True)
class Resolution:
    """The outcome of a run: the scored links and the clustering of the records into persons."""

    links: list[ScoredPair]
    clustering: Clustering
    threshold: float

    def strongest_link(self) -> dict[str, float]:
        """Per record, the probability of its strongest accepted link (0 for a lone record)."""
        return {
            record: self.clustering.confidence.get(record, 0.0)
            for record in self.clustering.cluster_of
        }


def _as_links(pairs: Iterable[ScoredPair]) -> list[Link]:
    return [
        Link(pair.record_a, pair.record_b, pair.match_probability, pair.match_weight)
        for pair in pairs
    ]


def record_facts(
    frame: pd.DataFrame, travelled_with: Mapping[str, Iterable[str]] | None = None
) -> dict[str, RecordFacts]:
    """The facts of each prepared record that clustering holds a person to (its document, a real
    birth date, the manifests and bookings it is on)."""
    together = travelled_with or {}
    facts: dict[str, RecordFacts] = {}
    for record, number, state, date, day, conventional in zip(
        frame["unique_id"],
        frame["document_number"],
        frame["document_country"],
        frame["birth_date"],
        frame["birth_day"],
        frame["birth_conventional"],
        strict=True,
    ):
        documents = (
            frozenset({(state if isinstance(state, str) else "", number)})
            if isinstance(number, str)
            else frozenset()
        )
        real_date = date if isinstance(day, str) and conventional == 0 else None
        groups = frozenset(together.get(record, ()))
        if documents or real_date or groups:
            facts[record] = RecordFacts(documents, real_date, groups)
    return facts


def name_frequencies(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The term-frequency table of the canonical names of the ``part`` table (see
    :func:`around_new`) over all the records of the ``linkage`` table (its size in
    ``attrs["n"]``), as Splink would compute it over the whole table."""
    population = int(connection.sql("SELECT count(*) FROM linkage").fetchall()[0][0])
    table = from_duckdb(
        connection.sql(
            f"SELECT name_canon, count(*) / {max(population, 1)} AS tf_name_canon "
            "FROM linkage WHERE name_canon IN (SELECT name_canon FROM part) GROUP BY name_canon"
        )
    )
    table.attrs["n"] = population
    return table


def around_new(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The part of the ``linkage`` table (prepared records with their blocking keys and an
    ``is_new`` flag) an incremental run needs to score, also kept as the table ``part``: the new
    records, and the old ones that share a blocking key with a new record (with only those
    keys). Pairs of old records were scored before; an old record no new one can be blocked
    with is left out."""
    shared = {
        key: f"{key} IN (SELECT {key} FROM linkage WHERE is_new = 1 AND {key} IS NOT NULL)"
        for key in BLOCKING_KEYS
    }
    kept = ", ".join(
        f"CASE WHEN is_new = 1 OR {condition} THEN {key} END AS {key}"
        for key, condition in shared.items()
    )
    connection.execute(
        f"CREATE OR REPLACE TEMP TABLE part AS SELECT * REPLACE ({kept}) FROM linkage "
        f"WHERE is_new = 1 OR {' OR '.join(shared.values())}"
    )
    return from_duckdb(connection.sql("SELECT * FROM part ORDER BY is_new, unique_id"))


def _facts_frame(connection: duckdb.DuckDBPyConnection, records: Iterable[str]) -> pd.DataFrame:
    """The columns :func:`record_facts` reads, for ``records`` of the ``features`` table."""
    connection.register("wanted_facts", pd.DataFrame({"unique_id": list(records)}, dtype=object))
    return from_duckdb(
        connection.sql(
            "SELECT unique_id, document_number, document_country, birth_date, birth_day, "
            "birth_conventional FROM features "
            "WHERE unique_id IN (SELECT unique_id FROM wanted_facts)"
        )
    )


class IdentityResolver:
    """Resolves identity records into persons with the filet model on one engine.

    ``records`` frames have a ``record_id`` column and any of the record fields
    (:data:`filet.identity.RECORD_FIELDS`). With ``feature_cache`` (a Parquet file) the analysed
    features of unchanged records are kept between runs. Without ``explain`` only the pairs at
    or above the threshold are kept, with no explanation (large runs to a clusters file).
    """

    def __init__(
        self,
        parameters: ModelParameters | None = None,
        *,
        engine: Engine = "duckdb",
        settings: Settings | None = None,
        threshold: float | None = None,
        feature_cache: Path | None = None,
        explain: bool = True,
    ) -> None:
        self.feature_cache = feature_cache
        self.explain = explain
        self.settings = settings or get_settings()
        self.parameters = parameters or ModelParameters.default()
        self.engine: Engine = engine
        self.threshold = (
            threshold if threshold is not None else self.settings.identity_match_threshold
        )
        self._scorer = PairScorer(self.parameters, engine)

    def _score(
        self,
        frame: pd.DataFrame,
        *,
        new_only: bool = False,
        name_frequencies: pd.DataFrame | None = None,
    ) -> list[ScoredPair]:
        if self.explain:
            return self._scorer.score(frame, new_only=new_only, name_frequencies=name_frequencies)
        threshold = min(max(self.threshold, 1e-12), 1 - 1e-12)
        floor = math.log2(threshold / (1 - threshold))
        return self._scorer.score(
            frame,
            new_only=new_only,
            floor=floor,
            explain=False,
            name_frequencies=name_frequencies,
        )

    def prepare(self, records: pd.DataFrame) -> pd.DataFrame:
        """The linkage table of ``records`` (names analysed, dates split, blocking keys capped)."""
        return prepare_records(
            records,
            max_block_size=self.settings.identity_max_block_size,
            rare_name_bits=self.settings.identity_rare_name_bits,
            cache=self.feature_cache,
        )

    def resolve(
        self,
        records: pd.DataFrame,
        judgements: Iterable[Judgement] = (),
        travelled_with: Mapping[str, Iterable[str]] | None = None,
    ) -> Resolution:
        """Link every record with every other (by blocking) and cluster them into persons.

        ``travelled_with`` gives, per record, the flight manifests or bookings it is on: two
        records sharing one are two people.
        """
        frame = self.prepare(records)
        pairs = self._score(frame)
        clustering = cluster_links(
            frame["unique_id"].tolist(),
            _as_links(pairs),
            threshold=self.threshold,
            judgements=judgements,
            facts=record_facts(frame, travelled_with),
        )
        return Resolution(pairs, clustering, self.threshold)

    def link_new(
        self,
        existing: pd.DataFrame,
        person_of: Mapping[str, str],
        new: pd.DataFrame,
        judgements: Iterable[Judgement] = (),
        travelled_with: Mapping[str, Iterable[str]] | None = None,
    ) -> Resolution:
        """Link ``new`` records to ``existing`` ones (resolved into ``person_of``) and each other.

        Only pairs touching a new record are scored; existing persons stay together (unless a
        "not same" judgement separates them) and new records join them or form new persons.
        The existing records are neither analysed again (the feature cache) nor re-blocked in
        Python: DuckDB finds those sharing a blocking key with a new record, and only the
        persons a new link or a judgement touches are re-clustered.
        """
        judgements = list(judgements)
        records = pd.concat([existing, new], ignore_index=True)
        connection = duckdb.connect(config=duckdb_config())
        try:
            load_features(
                connection,
                records,
                rare_name_bits=self.settings.identity_rare_name_bits,
                cache=self.feature_cache,
            )
            connection.register(
                "flags",
                pd.DataFrame(
                    {
                        "unique_id": records["record_id"].astype(str).to_numpy(),
                        "is_new": [0] * len(existing) + [1] * len(new),
                    }
                ),
            )
            source = "(SELECT f.*, g.is_new FROM features f JOIN flags g USING (unique_id))"
            connection.execute(
                "CREATE TEMP TABLE linkage AS "
                + blocking_keys_sql(source, self.settings.identity_max_block_size)
            )
            pairs = []
            if len(new):
                part = around_new(connection)
                pairs = self._score(
                    part, new_only=True, name_frequencies=name_frequencies(connection)
                )
            clustering = self._cluster_around(
                connection,
                existing["record_id"].astype(str).tolist(),
                new["record_id"].astype(str).tolist(),
                person_of,
                pairs,
                judgements,
                travelled_with,
            )
        finally:
            connection.close()
        return Resolution(pairs, clustering, self.threshold)

    def _cluster_around(
        self,
        connection: duckdb.DuckDBPyConnection,
        existing: list[str],
        new: list[str],
        person_of: Mapping[str, str],
        pairs: list[ScoredPair],
        judgements: list[Judgement],
        travelled_with: Mapping[str, Iterable[str]] | None,
    ) -> Clustering:
        """Cluster the persons a link at the threshold or a judgement touches, with the new
        records; every other existing person stays as it was (the same outcome as clustering
        every record, without walking a million records in Python)."""
        groups: dict[str, list[str]] = {}
        for record in existing:
            person = person_of.get(record)
            groups.setdefault(record if person is None else f"p:{person}", []).append(record)
        group_of = {record: group for group, members in groups.items() for record in members}
        touched = {
            record
            for pair in pairs
            if pair.match_probability >= self.threshold
            for record in (pair.record_a, pair.record_b)
        }
        touched |= {
            record
            for judgement in judgements
            for record in (judgement.record_a, judgement.record_b)
        }
        scope = set(new)
        touched_groups = {group_of[record] for record in touched if record in group_of}
        for group in touched_groups:
            scope.update(groups[group])
        clustering = cluster_links(
            sorted(scope),
            _as_links(pairs),
            threshold=self.threshold,
            judgements=judgements,
            known_groups=[groups[group] for group in touched_groups],
            facts=record_facts(_facts_frame(connection, scope), travelled_with),
        )
        for group, members in groups.items():
            if group not in touched_groups:
                label = min(members)
                for record in members:
                    clustering.cluster_of[record] = label
        return clustering

    def train(self, records: pd.DataFrame, *, source: str) -> ModelParameters:
        """Estimate the model's parameters on ``records`` (see ``PairScorer.train``)."""
        return self._scorer.train(self.prepare(records), source=source)
