"""The linkage model: comparisons, blocking rules and their parameters (stored as JSON).

Comparisons are written once with Splink's dialect-aware level library and portable SQL over the
columns of :mod:`filet.identity._features`, so the same model runs on DuckDB and on Spark.
Parameters (the m and u probability of each level, the prior) live in a JSON file: the shipped
default ``data/parameters.json`` or one written by :meth:`ModelParameters.save` after training.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator

from filet.identity._features import BLOCKING_KEYS

#: From how many records term frequencies are estimated from the data itself (below, they are
#: noise; the name-rarity levels from ``filet.names`` frequencies still apply).
TF_MIN_RECORDS = 1000


def _level(sql: str, label: str) -> ComparisonLevelCreator:
    return cll.CustomLevel(sql, label_for_charts=label)


def _name_comparison(term_frequencies: bool) -> ComparisonCreator:
    tf: dict[str, Any] = (
        {"tf_adjustment_column": "name_canon", "tf_adjustment_weight": 1.0}
        if term_frequencies
        else {}
    )
    return cl.CustomComparison(
        output_column_name="name",
        comparison_description="Name: equivalent parts (any script, any order), rarity, spelling",
        comparison_levels=[
            cll.NullLevel("name_canon"),
            _level(
                "name_canon_l = name_canon_r AND name_rare_l = 1 AND name_rare_r = 1",
                "same name (rare)",
            ).configure(**tf),
            _level("name_canon_l = name_canon_r", "same name (common)").configure(**tf),
            cll.JaroWinklerLevel("name_latin", 0.92).configure(label_for_charts="spelling ≥ 0.92"),
            cll.ArrayIntersectLevel("name_tokens", 2).configure(
                label_for_charts="two or more parts agree"
            ),
            cll.JaroWinklerLevel("name_latin", 0.8).configure(label_for_charts="spelling ≥ 0.8"),
            cll.ArrayIntersectLevel("name_tokens", 1).configure(label_for_charts="one part agrees"),
            cll.ElseLevel(),
        ],
    )


def _name_agrees() -> ComparisonLevelCreator:
    """The names agree beyond a single shared part (corroboration needs a name to corroborate)."""
    return cll.Or(
        _level("name_canon_l = name_canon_r", "same name"),
        cll.JaroWinklerLevel("name_latin", 0.92),
        cll.ArrayIntersectLevel("name_tokens", 2),
    )


def _birth_date_comparison() -> ComparisonCreator:
    full = "birth_day_l IS NOT NULL AND birth_day_r IS NOT NULL"
    real = f"{full} AND birth_conventional_l = 0 AND birth_conventional_r = 0"
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_description="Date of birth: exact, conventional, swapped, partial, typo",
        comparison_levels=[
            cll.NullLevel("birth_year"),
            _level(
                f"birth_date_l = birth_date_r AND {full} AND birth_conventional_l = 0",
                "same date",
            ),
            _level(f"birth_date_l = birth_date_r AND {full}", "same conventional date (1 Jan/Jul)"),
            _level(
                f"birth_year_l = birth_year_r AND {full} AND birth_month_l = birth_day_r "
                "AND birth_day_l = birth_month_r",
                "day and month swapped",
            ),
            _level(
                "birth_year_l = birth_year_r AND (birth_month_l IS NULL OR birth_month_r IS NULL "
                "OR birth_conventional_l = 1 OR birth_conventional_r = 1 "
                "OR (birth_month_l = birth_month_r AND "
                "(birth_day_l IS NULL OR birth_day_r IS NULL)))",
                "same year, rest unknown on one side",
            ),
            # A typo needs a real date on both sides: 1961-01-01 and 1971-01-01 are two
            # conventional dates of different years, not one date mistyped.
            cll.And(_level(real, "real dates"), cll.LevenshteinLevel("birth_date", 1)).configure(
                label_for_charts="one digit differs"
            ),
            _level(real, "different dates"),
            cll.ElseLevel(),
        ],
    )


def _document_comparison() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="document",
        comparison_description="Travel document: number and issuing state",
        comparison_levels=[
            cll.NullLevel("document_number"),
            _level(
                "document_number_l = document_number_r AND (document_country_l IS NULL OR "
                "document_country_r IS NULL OR document_country_l = document_country_r)",
                "same document",
            ),
            _level("document_number_l = document_number_r", "same number, other state"),
            # Passports issued in series differ by one character too (a team, a group): a
            # misread number counts only where the names agree.
            cll.And(cll.LevenshteinLevel("document_number", 1), _name_agrees()).configure(
                label_for_charts="one character differs, names agree"
            ),
            cll.ElseLevel(),
        ],
    )


def _contact_comparison(column: str, description: str, user: bool) -> ComparisonCreator:
    """Phone or email: corroborates a name; shared by a family, a group or an agency's booking
    otherwise, so a shared contact between different names is no evidence (m = u)."""
    levels: list[ComparisonLevelCreator | dict[str, Any]] = [cll.NullLevel(column)]
    if user:
        # A booking's phone and email are one contact: counted once, with the phone.
        levels.append(
            cll.And(
                cll.ExactMatchLevel(column), cll.ExactMatchLevel("phone"), _name_agrees()
            ).configure(label_for_charts="same, with the same phone (counted there)")
        )
    levels.append(
        cll.And(cll.ExactMatchLevel(column), _name_agrees()).configure(
            label_for_charts="same, names agree"
        )
    )
    if user:
        levels.append(
            cll.And(cll.ExactMatchLevel("email_user"), _name_agrees()).configure(
                label_for_charts="same user, other host, names agree"
            )
        )
    levels += [
        cll.ExactMatchLevel(column).configure(label_for_charts="same, names differ"),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(
        output_column_name=column,
        comparison_description=description,
        comparison_levels=levels,
    )


def _exact(column: str, description: str) -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name=column,
        comparison_description=description,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column).configure(label_for_charts="same"),
            cll.ElseLevel(),
        ],
    )


def _address_comparison() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="address",
        comparison_description="Address",
        comparison_levels=[
            cll.NullLevel("address"),
            cll.ExactMatchLevel("address").configure(label_for_charts="same"),
            cll.JaroWinklerLevel("address", 0.9).configure(label_for_charts="similar ≥ 0.9"),
            cll.JaroWinklerLevel("address", 0.75).configure(label_for_charts="similar ≥ 0.75"),
            cll.ElseLevel(),
        ],
    )


def comparisons(term_frequencies: bool = False) -> list[ComparisonCreator | dict[str, Any]]:
    """The comparisons of the filet model, in the order of the parameter file."""
    return [
        _name_comparison(term_frequencies),
        _birth_date_comparison(),
        _document_comparison(),
        _exact("nationality", "Nationality"),
        _exact("sex", "Sex"),
        _contact_comparison("phone", "Phone (last nine digits)", user=False),
        _contact_comparison("email", "Email address", user=True),
        _address_comparison(),
    ]


def blocking_rules() -> list[Any]:
    """One rule per capped blocking key (see :data:`BLOCKING_KEYS`)."""
    return [block_on(key) for key in BLOCKING_KEYS]


@dataclass
class ModelParameters:
    """The parameters of the model: prior and per-level m/u, keyed by comparison and level label.

    ``source`` says where the figures come from (default priors, or the data they were trained
    on), so a decision can be traced to its parameters.
    """

    probability_two_random_records_match: float
    levels: dict[str, dict[str, dict[str, float]]]
    source: str = "default"
    version: str = "identity-1"
    notes: list[str] = field(default_factory=list)

    @classmethod
    def default(cls) -> ModelParameters:
        """The parameter file shipped with filet (``filet/identity/data/parameters.json``)."""
        text = resources.files("filet.identity").joinpath("data/parameters.json").read_text()
        return cls.from_json(json.loads(text))

    @classmethod
    def load(cls, path: Path) -> ModelParameters:
        """Read a parameter file written by :meth:`save`."""
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ModelParameters:
        """Build from the JSON form."""
        return cls(
            probability_two_random_records_match=float(
                data["probability_two_random_records_match"]
            ),
            levels={
                str(comparison): {
                    str(label): {str(key): float(value) for key, value in figures.items()}
                    for label, figures in levels.items()
                }
                for comparison, levels in data["levels"].items()
            },
            source=str(data.get("source", "default")),
            version=str(data.get("version", "identity-1")),
            notes=[str(note) for note in data.get("notes", [])],
        )

    def to_json(self) -> dict[str, Any]:
        """The JSON form (no pickles: every figure is readable and reviewable)."""
        return {
            "version": self.version,
            "source": self.source,
            "notes": self.notes,
            "probability_two_random_records_match": self.probability_two_random_records_match,
            "levels": self.levels,
        }

    def save(self, path: Path) -> None:
        """Write the parameters as JSON."""
        path.write_text(json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n", "utf-8")

    @classmethod
    def from_splink(cls, settings: dict[str, Any], source: str) -> ModelParameters:
        """Parameters of a trained Splink model (its settings dictionary)."""
        levels: dict[str, dict[str, dict[str, float]]] = {}
        for comparison in settings["comparisons"]:
            figures: dict[str, dict[str, float]] = {}
            for level in comparison["comparison_levels"]:
                if level.get("is_null_level"):
                    continue
                m = level.get("m_probability")
                u = level.get("u_probability")
                if m is None or u is None:
                    continue
                figures[str(level["label_for_charts"])] = {"m": float(m), "u": float(u)}
            levels[str(comparison["output_column_name"])] = figures
        return cls(
            probability_two_random_records_match=float(
                settings["probability_two_random_records_match"]
            ),
            levels=levels,
            source=source,
        )


def settings_for(
    parameters: ModelParameters,
    *,
    dialect: str,
    term_frequencies: bool,
    retain_explanations: bool = True,
) -> dict[str, Any]:
    """A Splink settings dictionary of the filet model in SQL ``dialect`` with ``parameters``."""
    creator = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(term_frequencies),
        blocking_rules_to_generate_predictions=blocking_rules(),
        probability_two_random_records_match=parameters.probability_two_random_records_match,
        retain_matching_columns=retain_explanations,
        retain_intermediate_calculation_columns=retain_explanations,
        max_iterations=20,
    )
    settings: dict[str, Any] = creator.get_settings(dialect).as_dict()  # type: ignore[no-untyped-call]
    for comparison in settings["comparisons"]:
        figures = parameters.levels.get(comparison["output_column_name"], {})
        for level in comparison["comparison_levels"]:
            found = figures.get(level["label_for_charts"])
            if found is not None:
                level["m_probability"] = found["m"]
                level["u_probability"] = found["u"]
    return settings
