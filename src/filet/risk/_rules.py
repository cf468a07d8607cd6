"""Risk rules as data: the rule document (YAML), its validation and the guards against
discriminatory or unlawful rules.

A rules file holds ``rules:``, a list of rule documents. Validation parses each condition, checks it
against the feature catalogue, and applies the guards (PNR Directive art. 6(4), C-817/19, Smuggling
Protocol art. 5): no special-category term or declared proxy; nationality, sex or age only together
with a behavioural or objective feature and with a written justification; no enforcement rule over
the data-subject category "smuggled migrant". Every error names the rule and the offending term.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from filet.errors import InputError, Place
from filet.risk._catalogue import Target, feature_catalogue, protected_terms
from filet.risk._expr import Condition, Evaluator, parse_condition, parse_names

MIN_JUSTIFICATION = 40


class RuleError(InputError):
    """A rule that may not be used as written."""


class RuleDocument(BaseModel):
    """A targeting rule as written by its author (one version)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{2,63}$", description="Stable key of the rule.")
    title: str = Field(min_length=3, max_length=300)
    rationale: str = Field(min_length=20, description="Why this pattern indicates smuggling.")
    indicators: list[int] = Field(min_length=1, description="Rows of risk-indicators.md.")
    target: Target
    purpose: Literal["enforcement", "protection"] = "enforcement"
    condition: str = Field(min_length=1)
    weight: float = Field(gt=0, le=10)
    valid_from: dt.date
    valid_to: dt.date | None = None
    justification: str = Field(
        default="", description="Required when the rule uses nationality, sex or age."
    )
    dpia_reference: str | None = Field(default=None, max_length=200)
    fria_reference: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _period(self) -> RuleDocument:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        if any(not 1 <= i <= 35 for i in self.indicators):
            raise ValueError("indicators are rows 1-35 of risk-indicators.md")
        return self

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class CheckedRule:
    """A rule document that passed validation, with its compiled condition."""

    document: RuleDocument
    condition: Condition
    evaluate: Evaluator
    version: int = 0

    @property
    def key(self) -> str:
        return self.document.id


def check_rule(raw: dict[str, Any] | RuleDocument, where: Place | None = None) -> CheckedRule:
    """Validate one rule document and apply the guards; raise :class:`RuleError` naming the rule."""
    place = where or Place()
    rule_id = raw.id if isinstance(raw, RuleDocument) else str(raw.get("id", "?"))
    try:
        document = raw if isinstance(raw, RuleDocument) else RuleDocument.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or None
        raise RuleError(
            f"rule {rule_id}: {first['msg']}",
            Place(file=place.file, line=place.line, field=field),
        ) from None
    cond_place = Place(file=place.file, line=place.line, field="condition")

    def refuse(message: str, field: str = "condition") -> RuleError:
        return RuleError(
            f"rule {document.id}: {message}", Place(file=place.file, line=place.line, field=field)
        )

    try:
        names, literals = parse_names(document.condition, cond_place)
    except InputError as error:
        raise RuleError(f"rule {document.id}: {error.message}", error.place) from None
    protected = protected_terms()
    for term in [*sorted(names), *sorted(literals)]:
        category = protected.get(term.lower())
        if category is not None:
            raise refuse(
                f"uses {term!r}, a special category of data or its proxy ({category}); "
                "rules may not rest on it"
            )
    catalogue = feature_catalogue()
    if document.purpose == "enforcement":
        for name in sorted(names):
            feature = catalogue.features.get(name)
            if feature is not None and feature.kind == "subject_category":
                raise refuse(
                    f"uses {name!r}: an enforcement rule may not target people recorded as "
                    "smuggled migrants (Smuggling Protocol art. 5); use purpose: protection"
                )
    try:
        condition = parse_condition(
            document.condition, catalogue.types(document.target), cond_place
        )
    except InputError as error:
        raise RuleError(f"rule {document.id}: {error.message}", error.place) from None
    features = [catalogue.features[n] for n in sorted(condition.features)]
    personal = [f.name for f in features if f.kind == "personal"]
    if personal:
        if not any(f.kind in ("behavioural", "objective") for f in features):
            raise refuse(
                f"uses {personal[0]!r} without any behavioural or objective feature; a rule may "
                "not rest on nationality, sex or age alone"
            )
        if len(document.justification.strip()) < MIN_JUSTIFICATION:
            raise refuse(
                f"uses {personal[0]!r} and needs a written justification (at least "
                f"{MIN_JUSTIFICATION} characters) of why it is necessary and not discriminatory",
                "justification",
            )
    return CheckedRule(document, condition, condition.evaluator())


def _rule_lines(text: str) -> list[int]:
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return []
    if not isinstance(node, yaml.MappingNode):
        return []
    for key, value in node.value:
        if key.value == "rules" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def read_rules_file(path: Path | str, text: str | None = None) -> list[dict[str, Any]]:
    """The rule documents of a YAML rules file (not yet validated)."""
    name = str(path)
    body = Path(path).read_text("utf-8") if text is None else text
    try:
        data = yaml.safe_load(body)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise InputError(
            f"not valid YAML: {getattr(error, 'problem', error)}",
            Place(file=name, line=mark.line + 1 if mark else None),
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise InputError("expected a mapping with a list 'rules:'", Place(file=name, line=1))
    lines = _rule_lines(body)
    rules: list[dict[str, Any]] = []
    for index, item in enumerate(data["rules"]):
        if not isinstance(item, dict):
            raise InputError(
                "each rule is a mapping", Place(file=name, line=lines[index] if lines else None)
            )
        item = dict(item)
        item["__line__"] = lines[index] if index < len(lines) else None
        rules.append(item)
    return rules


def validate_rules(
    path: Path | str, text: str | None = None
) -> tuple[list[CheckedRule], list[RuleError]]:
    """Every rule of a file checked: the good ones and one error per bad one."""
    good: list[CheckedRule] = []
    errors: list[RuleError] = []
    seen: set[str] = set()
    for raw in read_rules_file(path, text):
        line = raw.pop("__line__")
        place = Place(file=str(path), line=line)
        try:
            checked = check_rule(raw, place)
        except RuleError as error:
            errors.append(error)
            continue
        if checked.key in seen:
            errors.append(RuleError(f"rule {checked.key}: defined twice in the file", place))
            continue
        seen.add(checked.key)
        good.append(checked)
    return good, errors


def starter_rules_path() -> Path:
    """The starter rule library shipped with filet (``risk/data/starter-rules.yaml``)."""
    return Path(__file__).with_name("data") / "starter-rules.yaml"
