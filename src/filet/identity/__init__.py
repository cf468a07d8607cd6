"""Identity resolution: which identity records are the same person.

- :class:`IdentityResolver` links records probabilistically (Splink, Fellegi–Sunter with
  comparisons built on :mod:`filet.names`) on DuckDB or Spark and clusters them into persons at
  ``settings.identity_match_threshold`` under analysts' :class:`Judgement` s; ``link_new`` links
  new records to existing persons without re-scoring the old pairs.
- :class:`ModelParameters`: the model's m/u probabilities and prior, as JSON.
- Every link carries an :class:`Explanation` (a waterfall of :class:`Evidence`).
- Over the store: :func:`resolve_store` (persons, links), :func:`judge` (analysts' verdicts,
  applied at once), :func:`person_view` (records, links, travel history).
- :func:`evaluate_clusters`: pairwise and cluster precision/recall/F1 against the truth, broken
  down by nationality, script or any attribute.
"""

from __future__ import annotations

from filet.identity._cluster import (
    Clustering,
    Judgement,
    Link,
    RecordFacts,
    Verdict,
    cluster_links,
)
from filet.identity._evaluate import QualityReport, Scores, evaluate_clusters
from filet.identity._explain import Evidence, Explanation
from filet.identity._features import RECORD_FIELDS
from filet.identity._linkage import Engine, ScoredPair
from filet.identity._model import ModelParameters
from filet.identity._resolve import IdentityResolver, Resolution
from filet.identity._store import (
    PersonView,
    StoreRunSummary,
    TravelEvent,
    judge,
    person_view,
    resolve_store,
    store_records,
)
from filet.spark import spark_available

__all__ = [
    "RECORD_FIELDS",
    "Clustering",
    "Engine",
    "Evidence",
    "Explanation",
    "IdentityResolver",
    "Judgement",
    "Link",
    "ModelParameters",
    "PersonView",
    "QualityReport",
    "RecordFacts",
    "Resolution",
    "ScoredPair",
    "Scores",
    "StoreRunSummary",
    "TravelEvent",
    "Verdict",
    "cluster_links",
    "evaluate_clusters",
    "judge",
    "person_view",
    "resolve_store",
    "spark_available",
    "store_records",
]
