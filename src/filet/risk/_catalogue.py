"""The feature catalogue and the list of protected terms, loaded from ``risk/data``."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

Target = Literal["booking", "traveller", "crossing"]
TARGETS: tuple[Target, ...] = ("booking", "traveller", "crossing")


class Feature(BaseModel):
    """One documented feature a rule may read."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    type: Literal["boolean", "integer", "number", "string"]
    kind: Literal["behavioural", "objective", "personal", "subject_category"]
    attribute: Literal["nationality", "sex", "age"] | None = None
    targets: tuple[Target, ...]
    indicators: tuple[int, ...]
    description: str
    data: tuple[str, ...]
    params: dict[str, Any] = Field(default_factory=dict)


class ProtectedCategory(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    terms: tuple[str, ...]
    proxies: tuple[str, ...]


class FeatureCatalogue:
    """The features by name, with helpers for each target."""

    def __init__(self, features: list[Feature]) -> None:
        self.features = {f.name: f for f in features}

    def for_target(self, target: Target) -> dict[str, Feature]:
        return {n: f for n, f in self.features.items() if target in f.targets}

    def types(self, target: Target) -> dict[str, str]:
        return {n: f.type for n, f in self.for_target(target).items()}

    def param(self, name: str, key: str) -> Any:
        return self.features[name].params[key]


def _data(name: str) -> Any:
    return yaml.safe_load(
        resources.files("filet.risk").joinpath("data").joinpath(name).read_text("utf-8")
    )


@lru_cache(maxsize=1)
def feature_catalogue() -> FeatureCatalogue:
    """The shipped feature catalogue (``risk/data/features.yaml``)."""
    return FeatureCatalogue([Feature.model_validate(f) for f in _data("features.yaml")["features"]])


@lru_cache(maxsize=1)
def protected_terms() -> dict[str, str]:
    """Lower-cased protected term or proxy -> the special category it stands for."""
    found: dict[str, str] = {}
    for category, body in _data("protected.yaml")["special_categories"].items():
        parsed = ProtectedCategory.model_validate(body)
        for term in (*parsed.terms, *parsed.proxies):
            found[term.lower()] = category
    return found
