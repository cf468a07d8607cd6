"""The border's knowledge as data: decisions and their reasons, and the allowed stay for
entry-exit matching (``data/decisions.yaml``, ``data/allowed_stay.yaml``), checked when read."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from filet.errors import ConfigError, InputError, Place


@dataclass(frozen=True)
class DecisionReason:
    """A reason an officer may give, and the decisions it may support."""

    key: str
    label: str
    decisions: tuple[str, ...]


@dataclass(frozen=True)
class StayRule:
    days: int
    nationality: str | None = None
    document_type: str | None = None


@dataclass(frozen=True)
class BorderKnowledge:
    decisions: dict[str, str]
    reasons: dict[str, DecisionReason]
    default_stay_days: int
    stay_rules: tuple[StayRule, ...]

    def allowed_stay_days(self, nationality: str | None, document_type: str | None) -> int:
        """The allowed stay for a traveller: the first matching rule, else the default."""
        for rule in self.stay_rules:
            if rule.nationality is not None and rule.nationality != (nationality or ""):
                continue
            if rule.document_type is not None and rule.document_type != (document_type or "")[:1]:
                continue
            return rule.days
        return self.default_stay_days

    def check_decision(self, decision: str, reasons: list[str]) -> None:
        """Raise :class:`InputError` unless the decision is declared and every reason fits it."""
        if decision not in self.decisions:
            raise InputError(
                f"decision {decision!r}: expected one of {', '.join(self.decisions)}",
                Place(field="decision"),
            )
        for reason in reasons:
            known = self.reasons.get(reason)
            if known is None:
                raise InputError(
                    f"reason {reason!r} is not in the declared list (data/decisions.yaml)",
                    Place(field="reasons"),
                )
            if decision not in known.decisions:
                raise InputError(
                    f"reason {reason!r} does not support the decision {decision!r} "
                    f"(it supports {', '.join(known.decisions)})",
                    Place(field="reasons"),
                )
        if decision != "admitted" and not reasons:
            raise InputError(
                f"decision {decision!r} needs at least one reason", Place(field="reasons")
            )


def _yaml(name: str) -> dict[str, Any]:
    text = resources.files("filet.border").joinpath("data", name).read_text(encoding="utf-8")
    loaded = yaml.safe_load(text)
    if not isinstance(loaded, dict):
        raise ConfigError(f"{name}: expected a mapping", Place(file=name))
    return loaded


@lru_cache(maxsize=1)
def border_knowledge() -> BorderKnowledge:
    """The decisions, reasons and stay rules (read once)."""
    decisions_file = _yaml("decisions.yaml")
    decisions = {str(k): str(v) for k, v in decisions_file["decisions"].items()}
    reasons: dict[str, DecisionReason] = {}
    for key, value in decisions_file["reasons"].items():
        supported = tuple(str(d) for d in value["decisions"])
        unknown = [d for d in supported if d not in decisions]
        if unknown:
            raise ConfigError(
                f"reason {key}: unknown decision(s) {unknown}",
                Place(file="decisions.yaml", field=str(key)),
            )
        reasons[str(key)] = DecisionReason(str(key), str(value["label"]), supported)
    stay = _yaml("allowed_stay.yaml")
    rules = tuple(
        StayRule(int(r["days"]), r.get("nationality"), r.get("document_type"))
        for r in stay.get("rules") or []
    )
    return BorderKnowledge(decisions, reasons, int(stay["default_days"]), rules)
