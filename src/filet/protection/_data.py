"""The protection knowledge files: triggers, services and actions, factors, HTCDS value sets and
screening questionnaires, each checked when read so that a broken file is an error naming the entry,
never a half-working screen."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from filet.errors import ConfigError, Place

RATINGS = ("low", "medium", "high")
_M = TypeVar("_M", bound=BaseModel)
LEVELS = ("individual", "household", "community", "structural")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TriggerSpec(_Strict):
    label: str
    task: str
    due_hours: int = Field(gt=0)


class TriggerFile(_Strict):
    triggers: dict[str, TriggerSpec]
    child_indicators: dict[str, str]
    aggravating_circumstances: dict[str, str]
    safe_flags: dict[str, str]


class ServiceSpec(_Strict):
    label: str
    # "return" is a Python keyword; the file says "return".
    is_return: bool = Field(default=False, alias="return")


class ActionSpec(_Strict):
    label: str
    adult_only: bool = False
    is_return: bool = Field(default=False, alias="return")


class ServicesFile(_Strict):
    services: dict[str, ServiceSpec]
    actions: dict[str, ActionSpec]
    closure_reasons: dict[str, str]
    asylum_outcomes: dict[str, str]
    offence_hypotheses: list[str]


class FactorSpec(_Strict):
    label: str
    htcds: str | None = None


class FactorsFile(_Strict):
    levels: list[str]
    factors: dict[str, dict[str, FactorSpec]]


class HtcdsFile(_Strict):
    methods_of_control: list[str]
    methods_of_recruitment: list[str]
    vulnerabilities: list[str]
    roles_in_process: list[str]
    event_types: list[str]
    case_statuses: list[str]
    genders: dict[str, str]
    reasons_for_outgoing_referral: list[str]


class FactorRef(_Strict):
    level: str
    key: str
    effect: Literal["risk", "protective"]


class AnswerEffect(_Strict):
    """What one answer does: a factor, a minimum rating, a fact for the automatic rules."""

    factor: FactorRef | None = None
    rating: Literal["low", "medium", "high"] | None = None
    fact: str | None = None


class Question(_Strict):
    key: str
    text: str
    type: Literal["yes_no", "choice", "text", "number"]
    choices: list[str] = Field(default_factory=list)
    when_yes: AnswerEffect | None = None
    when: dict[str, AnswerEffect] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> Question:
        if self.type == "choice" and not self.choices:
            raise ValueError(f"question {self.key}: a choice question needs choices")
        if self.when_yes is not None and self.type != "yes_no":
            raise ValueError(f"question {self.key}: when_yes is only for yes_no questions")
        unknown = set(self.when) - set(self.choices)
        if unknown:
            raise ValueError(f"question {self.key}: 'when' names answers not in choices: {unknown}")
        return self

    def effect_of(self, answer: Any) -> AnswerEffect | None:
        if self.type == "yes_no":
            return self.when_yes if answer is True else None
        if self.type == "choice":
            return self.when.get(str(answer))
        return None


class Domain(_Strict):
    key: str
    title: str
    questions: list[Question]


class Questionnaire(_Strict):
    key: str
    title: str
    version: int
    domains: list[Domain]

    def questions(self) -> dict[str, Question]:
        return {q.key: q for d in self.domains for q in d.questions}


@dataclass(frozen=True)
class Knowledge:
    triggers: TriggerFile
    services: ServicesFile
    factors: FactorsFile
    htcds: HtcdsFile

    def factor(self, level: str, key: str) -> FactorSpec | None:
        return self.factors.factors.get(level, {}).get(key)


def _read(name: str) -> Any:
    text = resources.files("filet.protection").joinpath("data", name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _check(model: type[_M], document: Any, file: str) -> _M:
    try:
        return model.model_validate(document)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{first['msg']}", Place(file=file, field=where or None)) from None


def _fact_problem(fact: str, known: Knowledge) -> str | None:
    if fact in ("child", "asylum_wish", "medical_emergency", "ransom", "smuggled_migrant"):
        return None
    kind, _, value = fact.partition(":")
    if kind == "aggravating" and value in known.triggers.aggravating_circumstances:
        return None
    if kind == "control" and value in known.htcds.methods_of_control:
        return None
    return f"unknown fact {fact!r}"


@lru_cache(maxsize=1)
def knowledge() -> Knowledge:
    """The shipped knowledge files, checked for consistency with each other."""
    known = Knowledge(
        triggers=_check(TriggerFile, _read("triggers.yaml"), "triggers.yaml"),
        services=_check(ServicesFile, _read("services.yaml"), "services.yaml"),
        factors=_check(FactorsFile, _read("factors.yaml"), "factors.yaml"),
        htcds=_check(HtcdsFile, _read("htcds.yaml"), "htcds.yaml"),
    )
    if tuple(known.factors.levels) != LEVELS:
        raise ConfigError(f"levels must be {list(LEVELS)}", Place(file="factors.yaml"))
    for level, table in known.factors.factors.items():
        if level not in LEVELS:
            raise ConfigError(f"unknown level {level!r}", Place(file="factors.yaml", field=level))
        for key, spec in table.items():
            if spec.htcds is not None and spec.htcds not in known.htcds.vulnerabilities:
                raise ConfigError(
                    f"{spec.htcds!r} is not an HTCDS vulnerability",
                    Place(file="factors.yaml", field=f"{level}.{key}"),
                )
    return known


def check_questionnaire(document: Any, file: str) -> Questionnaire:
    """Validate a questionnaire document against the schema and the other knowledge files."""
    questionnaire = _check(Questionnaire, document, file)
    known = knowledge()
    seen: set[str] = set()
    for domain in questionnaire.domains:
        for question in domain.questions:
            place = Place(file=file, field=f"{domain.key}.{question.key}")
            if question.key in seen:
                raise ConfigError(f"question key {question.key!r} is used twice", place)
            seen.add(question.key)
            effects = [question.when_yes, *question.when.values()]
            for effect in effects:
                if effect is None:
                    continue
                if effect.factor and known.factor(effect.factor.level, effect.factor.key) is None:
                    raise ConfigError(
                        f"unknown factor {effect.factor.level}.{effect.factor.key} "
                        "(see factors.yaml)",
                        place,
                    )
                if effect.fact:
                    problem = _fact_problem(effect.fact, known)
                    if problem:
                        raise ConfigError(problem, place)
    return questionnaire


def load_questionnaire_file(path: Path) -> Questionnaire:
    """Read and check an organisation's own questionnaire file."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ConfigError(f"not valid YAML: {error}", Place(file=str(path))) from None
    return check_questionnaire(document, str(path))


@lru_cache(maxsize=1)
def questionnaires() -> dict[str, Questionnaire]:
    """The shipped questionnaires, by key."""
    folder = resources.files("filet.protection").joinpath("data", "questionnaires")
    found: dict[str, Questionnaire] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            q = check_questionnaire(yaml.safe_load(entry.read_text(encoding="utf-8")), entry.name)
            found[q.key] = q
    return found
