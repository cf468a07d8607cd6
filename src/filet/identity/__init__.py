"""Identity resolution: which identity records are the same person.

- :class:`IdentityResolver` links records probabilistically (Splink, Fellegi–Sunter with
  comparisons built on :mod:`filet.names`) on DuckDB or Spark and clusters them into persons at
  ``settings.identity_match_threshold`` under analysts' :class:`Judgement` s; ``link_new`` links
  new records to existing persons without re-scoring the old pairs.
- :class:`ModelParameters`: the model's m/u probabilities and prior, as JSON.
- Every link carries an :class:`Explanation` (a waterfall of :class:`Evidence`).
"""

from __future__ import annotations

from filet.identity._cluster import Clustering, Judgement, Link, Verdict, cluster_links
from filet.identity._explain import Evidence, Explanation
from filet.identity._features import RECORD_FIELDS
from filet.identity._linkage import Engine, ScoredPair, spark_available
from filet.identity._model import ModelParameters
from filet.identity._resolve import IdentityResolver, Resolution

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
    "Resolution",
    "ScoredPair",
    "Verdict",
    "cluster_links",
    "spark_available",
]
