"""Risk profiles: features, rules as data, batch and online assessment, review and fairness audit."""

from filet.risk._catalogue import Feature, FeatureCatalogue, feature_catalogue

__all__ = ["Feature", "FeatureCatalogue", "feature_catalogue"]
