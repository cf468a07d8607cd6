"""Waterfall explanations of a link: the prior, then each comparison's level and match weight.

Built from Splink's intermediate columns (``gamma_*``, ``mw_*``, ``mw_tf_adj_*``) when a pair is
scored, stored with the link as JSON and rendered for analysts in the person view.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from filet.identity._model import ModelParameters

#: Which prepared columns to show for each comparison (the values on each side).
SHOWN_COLUMNS = {
    "name": ("name_latin",),
    "birth_date": ("birth_date",),
    "document": ("document_number", "document_country"),
    "nationality": ("nationality",),
    "sex": ("sex",),
    "phone": ("phone",),
    "email": ("email",),
    "address": ("address",),
}


@dataclass(frozen=True, slots=True)
class Evidence:
    """One bar of the waterfall: a comparison, the level reached, and its weight in bits."""

    feature: str
    level: str
    left: str | None
    right: str | None
    weight: float
    term_frequency_weight: float = 0.0


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why two records are (or are not) one person: prior + evidence = match weight."""

    prior_weight: float
    evidence: tuple[Evidence, ...]
    match_weight: float
    parameters_source: str

    def to_json(self) -> dict[str, Any]:
        """The JSON form stored with the link."""
        return {
            "prior_weight": self.prior_weight,
            "evidence": [asdict(item) for item in self.evidence],
            "match_weight": self.match_weight,
            "parameters_source": self.parameters_source,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Explanation:
        """Read the stored JSON form."""
        return cls(
            prior_weight=float(data["prior_weight"]),
            evidence=tuple(Evidence(**item) for item in data["evidence"]),
            match_weight=float(data["match_weight"]),
            parameters_source=str(data.get("parameters_source", "")),
        )


def _weight(value: object) -> float:
    if value is None:
        return 0.0
    number = float(value)  # type: ignore[arg-type]
    return 0.0 if math.isnan(number) else round(number, 3)


def _shown(row: dict[str, Any], columns: tuple[str, ...], side: str) -> str | None:
    values = [row.get(f"{column}_{side}") for column in columns]
    texts = [str(value) for value in values if value is not None and value == value]
    return " ".join(texts) or None


def explain_row(
    row: dict[str, Any], labels: dict[str, dict[int, str]], parameters: ModelParameters
) -> Explanation:
    """The waterfall of one row of Splink predictions (``retain_intermediate_calculation``);
    ``labels`` gives each comparison's level label by comparison vector value."""
    prior = parameters.probability_two_random_records_match
    evidence = []
    for name, levels in labels.items():
        gamma = row.get(f"gamma_{name}")
        label = "?" if gamma is None or gamma != gamma else levels.get(int(gamma), "?")
        columns = SHOWN_COLUMNS.get(name, ())
        evidence.append(
            Evidence(
                feature=name,
                level=label,
                left=_shown(row, columns, "l"),
                right=_shown(row, columns, "r"),
                weight=_weight(row.get(f"mw_{name}")),
                term_frequency_weight=_weight(row.get(f"mw_tf_adj_{name}")),
            )
        )
    return Explanation(
        prior_weight=round(math.log2(prior / (1 - prior)), 3),
        evidence=tuple(evidence),
        match_weight=round(float(row["match_weight"]), 3),
        parameters_source=parameters.source,
    )
