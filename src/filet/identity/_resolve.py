"""Identity resolution over a table of records: prepare, score, cluster — full or incremental."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from filet.identity._cluster import Clustering, Judgement, Link, RecordFacts, cluster_links
from filet.identity._features import BLOCKING_KEYS, add_blocking_keys, prepare_records
from filet.identity._linkage import Engine, PairScorer, ScoredPair
from filet.identity._model import ModelParameters
from filet.settings import Settings, get_settings


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


def name_frequencies(frame: pd.DataFrame) -> pd.DataFrame:
    """The term-frequency table of the canonical names of all ``frame`` (its size in
    ``attrs["n"]``), as Splink would compute it over the whole frame."""
    counts = frame["name_canon"].dropna().value_counts()
    table = pd.DataFrame(
        {"name_canon": counts.index.astype(str), "tf_name_canon": (counts / len(frame)).values}
    )
    table.attrs["n"] = len(frame)
    return table


def around_new(frame: pd.DataFrame) -> pd.DataFrame:
    """The part of ``frame`` an incremental run needs to score: the new records, and the old
    ones that share a blocking key with a new record (with only those keys). Pairs of old records
    were scored before; an old record no new one can be blocked with is left out."""
    new = frame["is_new"] == 1
    kept = new.copy()
    part = frame.copy()
    for key in BLOCKING_KEYS:
        wanted = set(part.loc[new, key].dropna())
        shared = part[key].isin(wanted) & part[key].notna()
        part.loc[~new & ~shared, key] = None
        kept |= shared
    part = part[kept].reset_index(drop=True)
    return part.astype(object).where(part.notna(), None)


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
        """
        frame = pd.concat(
            [self.prepare(existing).assign(is_new=0), self.prepare(new).assign(is_new=1)],
            ignore_index=True,
        )
        frame = add_blocking_keys(frame, self.settings.identity_max_block_size)
        pairs = []
        if len(new):
            frequencies = name_frequencies(frame)
            pairs = self._score(around_new(frame), new_only=True, name_frequencies=frequencies)
        groups: dict[str, list[str]] = {}
        for record, person in person_of.items():
            groups.setdefault(person, []).append(record)
        clustering = cluster_links(
            frame["unique_id"].tolist(),
            _as_links(pairs),
            threshold=self.threshold,
            judgements=judgements,
            known_groups=groups.values(),
            facts=record_facts(frame, travelled_with),
        )
        return Resolution(pairs, clustering, self.threshold)

    def train(self, records: pd.DataFrame, *, source: str) -> ModelParameters:
        """Estimate the model's parameters on ``records`` (see ``PairScorer.train``)."""
        return self._scorer.train(self.prepare(records), source=source)
