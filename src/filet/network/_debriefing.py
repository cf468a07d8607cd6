"""Debriefings of intercepted or rescued migrants: voluntary, with the migrant's consent, recorded
by a trained officer. What the migrant knows of the route, the transport, the price paid and to
whom, and the smugglers (names, phones, roles as the migrant describes them) becomes a graded
intelligence item of kind ``debriefing`` whose named smugglers and phones feed the network build.

The migrant is the *source* of the item and a witness, never one of its subjects: their name is
not stored on the item (only, when known, the number of their resolved person, so a case can list
them as a witness), and no protection data (health, asylum, screening answers) is kept on it.
Signs of aggravated smuggling or trafficking the migrant reports are evidence about the smugglers;
when the migrant's person is known they are also passed to protection, which opens a case.

A debriefing imported from another service names the migrant (``interviewee``) instead of giving
their person number. :func:`identify_witness` finds them among the persons who entered at the
debriefing's place in the days before it, by name (and sex and nationality when both sides give
them); only the person number is kept, so the network links the witness to the ring they describe
and the name stays out of the item.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from filet.errors import InputError, NotFoundError, Place
from filet.network._intelligence import check_grade, new_reference, parse_date
from filet.security import Actor, record
from filet.store.schema import (
    BorderCrossing,
    CrossingPoint,
    IdentityRecord,
    IntelligenceItem,
    Person,
)

# Aggravating circumstances (Smuggling Protocol art. 6(3)) and trafficking signs (HTCDS methods
# of control) a debriefed migrant may report; the keys are those protection's triggers know.
AGGRAVATING = ("danger_to_life", "inhuman_treatment", "exploitation")
CONTROL_SIGNS = (
    "DebtBondage",
    "TakesEarnings",
    "Threats",
    "PhysicalAbuse",
    "SexualAbuse",
    "RestrictsMovement",
    "WithholdsDocuments",
    "WithholdsNecessities",
    "UsesChildren",
)
# The person categories that may be recorded as a debriefed migrant's (never a suspect's).
_MIGRANT_CATEGORIES = {"unknown", "traveller"}


class SmugglerAsKnown(BaseModel):
    """One smuggler as the migrant knows them."""

    name_as_known: str = Field(min_length=1, max_length=200)
    phone: str | None = None
    role_as_described: str = ""

    @field_validator("name_as_known", "role_as_described")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        from filet.passenger import normalise_phone

        cleaned = "".join(c for c in value if c.isdigit() or c == "+")
        return normalise_phone(value, None) or cleaned or None


class Debriefing(BaseModel):
    """A debriefing as the form or a JSON file gives it."""

    consent: bool
    officer: str = Field(min_length=1, max_length=200)
    officer_trained: bool
    date: dt.date | None = None
    place: str = ""
    circumstance: Literal["intercepted", "rescued"] = "intercepted"
    route: list[str] = Field(default_factory=list)
    transport: str = ""
    price_amount: float | None = Field(default=None, ge=0)
    price_currency: str = ""
    paid_to: str = ""
    smugglers: list[SmugglerAsKnown] = Field(default_factory=list)
    aggravating: list[Literal["danger_to_life", "inhuman_treatment", "exploitation"]] = Field(
        default_factory=list
    )
    methods_of_control: list[str] = Field(default_factory=list)
    ransom: bool = False
    narrative: str = ""
    witness_person_id: int | None = None
    reference: str | None = None
    grading_system: str = "6x6"
    source_reliability: str = "F"
    information_credibility: str = "3"

    @field_validator("methods_of_control")
    @classmethod
    def _control(cls, value: list[str]) -> list[str]:
        unknown = [v for v in value if v not in CONTROL_SIGNS]
        if unknown:
            raise ValueError(f"unknown sign {unknown[0]!r}; expected " + ", ".join(CONTROL_SIGNS))
        return value

    @field_validator("route")
    @classmethod
    def _route(cls, value: list[str]) -> list[str]:
        return [p.strip() for p in value if p.strip()]


def debriefing_from_json(data: dict[str, Any]) -> Debriefing:
    """Read a debriefing object: the form's own shape, or the synthetic world's (``id``,
    ``interviewee``, ``price_paid: {amount, currency}``, ``screening``). Of the world's screening
    answers only the reported aggravating circumstances are kept: the rest is protection data."""
    values = dict(data)
    if "id" in values and "reference" not in values:
        values["reference"] = values.pop("id")
    price = values.pop("price_paid", None)
    if isinstance(price, dict):
        values.setdefault("price_amount", price.get("amount"))
        values.setdefault("price_currency", price.get("currency") or "")
    screening = values.pop("screening", None) or {}
    if screening:
        signs = list(values.get("aggravating") or [])
        if screening.get("danger_to_life"):
            signs.append("danger_to_life")
        if screening.get("abuse_reported"):
            signs.append("inhuman_treatment")
        values["aggravating"] = sorted(set(signs))
        values["ransom"] = bool(values.get("ransom") or screening.get("ransom_reported"))
    # An imported file names the interviewing service, not an officer of this system; a trained
    # officer is who records debriefings in the world the file comes from.
    if "interviewee" in values:
        values.setdefault("officer", "imported")
        values.setdefault("officer_trained", True)
        values.setdefault("grading_system", "4x4")
        values.setdefault("source_reliability", "B")
        values.setdefault("information_credibility", "2")
    values.pop("interviewee", None)
    values.pop("kind", None)
    if values.get("paid_to") is None:
        values["paid_to"] = ""
    values.setdefault("consent", False)
    values.setdefault("officer_trained", False)
    values.setdefault("officer", "")
    if values.get("consent") is not True:
        name = f"debriefing {values['reference']}" if values.get("reference") else "a debriefing"
        raise InputError(
            f"{name} without consent; only voluntary debriefings with recorded consent can be "
            "stored",
            Place(field="consent"),
        )
    for smuggler in values.get("smugglers") or []:
        if isinstance(smuggler, dict) and smuggler.get("role_as_described") is None:
            smuggler["role_as_described"] = ""
    try:
        return Debriefing.model_validate(values)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise InputError(f"debriefing: {first['msg']}", Place(field=field)) from error


def debriefing_item(debriefing: Debriefing, actor: Actor) -> IntelligenceItem:
    """The graded intelligence item of a debriefing (not stored yet); refuses one without
    consent or not recorded by a trained officer."""
    if not debriefing.consent:
        raise InputError(
            "the migrant's consent is required: a debriefing is voluntary and is not recorded "
            "without it",
            Place(field="consent"),
        )
    if not debriefing.officer_trained:
        raise InputError(
            "a debriefing is recorded by an officer trained to debrief migrants",
            Place(field="officer_trained"),
        )
    check_grade(
        debriefing.grading_system,
        debriefing.source_reliability,
        debriefing.information_credibility,
    )
    attributes: dict[str, Any] = {
        "source": "debriefed migrant (witness)",
        "consent": {"given": True, "recorded_by": debriefing.officer},
        "officer": debriefing.officer,
        "circumstance": debriefing.circumstance,
        "place": debriefing.place,
        "route": debriefing.route,
        "transport": debriefing.transport,
        "paid_to": debriefing.paid_to or None,
        "smugglers": [s.model_dump() for s in debriefing.smugglers],
        "aggravating": list(debriefing.aggravating),
        "methods_of_control": list(debriefing.methods_of_control),
        "ransom": debriefing.ransom,
    }
    if debriefing.price_amount is not None:
        attributes["price_paid"] = {
            "amount": debriefing.price_amount,
            "currency": debriefing.price_currency.upper() or None,
        }
    if debriefing.witness_person_id is not None:
        attributes["witness"] = {"person_id": debriefing.witness_person_id}
    subjects = sorted(
        {s.name_as_known for s in debriefing.smugglers}
        | {s.phone for s in debriefing.smugglers if s.phone}
        | ({debriefing.paid_to} if debriefing.paid_to else set())
    )
    occurred = (
        dt.datetime.combine(debriefing.date, dt.time(), tzinfo=dt.UTC) if debriefing.date else None
    )
    return IntelligenceItem(
        reference=debriefing.reference or new_reference("DEB"),
        kind="debriefing",
        occurred_at=occurred,
        grading_system=debriefing.grading_system,
        source_reliability=debriefing.source_reliability,
        information_credibility=debriefing.information_credibility,
        subjects=subjects,
        content=debriefing.narrative.strip(),
        attributes=attributes,
        recorded_by=actor.user_id,
    )


def record_debriefing(session: Session, debriefing: Debriefing, actor: Actor) -> IntelligenceItem:
    """Store a debriefing as a graded intelligence item. The migrant's person, when known, is
    recorded as a smuggled migrant (never a suspect) and what they reported of danger, abuse,
    ransom or control goes to protection."""
    item = debriefing_item(debriefing, actor)
    person = None
    if debriefing.witness_person_id is not None:
        person = session.get(Person, debriefing.witness_person_id)
        if person is None:
            raise NotFoundError(
                f"no person {debriefing.witness_person_id}", Place(field="witness_person_id")
            )
        if person.category == "suspect":
            raise InputError(
                f"person {person.id} is recorded as a suspect; a debriefed migrant is a witness. "
                "Correct the person's category first (a supervisor's decision)",
                Place(field="witness_person_id"),
            )
    session.add(item)
    session.flush()
    record(
        session,
        actor,
        "create",
        "intelligence_item",
        [item.reference],
        {
            "kind": "debriefing",
            "consent": True,
            "smugglers": len(debriefing.smugglers),
            "grade": f"{item.source_reliability}{item.information_credibility}",
        },
    )
    if person is not None:
        _protect_witness(session, person, debriefing, item, actor)
    return item


def _protect_witness(
    session: Session, person: Person, debriefing: Debriefing, item: IntelligenceItem, actor: Actor
) -> None:
    """The witness is a smuggled migrant (unless already in another protected category) and what
    they reported goes to protection."""
    from filet.protection import PersonFacts, evaluate_triggers

    if person.category in _MIGRANT_CATEGORIES:
        person.category = "smuggled_migrant"
    evaluate_triggers(
        session,
        PersonFacts(
            person_id=person.id,
            source=f"debriefing:{item.reference}",
            observed_at=item.occurred_at or dt.datetime.now(dt.UTC),
            aggravating=tuple(debriefing.aggravating),
            methods_of_control=tuple(debriefing.methods_of_control),
            ransom=debriefing.ransom,
            smuggled_migrant=True,
        ),
        actor,
    )


@dataclass(frozen=True)
class WitnessSearch:
    """How an imported debriefing's migrant is found among the persons who entered.

    ``days``: how long before the debriefing the migrant may have entered at its place (a
    debriefing follows the arrival by days, rarely weeks). ``min_score``: the name score
    (:func:`filet.names.compare`) a recorded name needs; ``margin``: how far the best candidate
    must be ahead of the next person's, so that two travellers of one group with near names are
    never confused (no witness is better than the wrong one)."""

    days: int = 14
    min_score: float = 0.8
    margin: float = 0.05


def identify_witness(
    session: Session,
    interviewee: Mapping[str, Any],
    place: str,
    date: dt.date | None,
    search: WitnessSearch = WitnessSearch(),
) -> IdentityRecord | None:
    """The entry record of the debriefed migrant: among the identity records of entries at
    ``place`` (a crossing point code) in the ``search.days`` before ``date``, the one whose name
    best matches the name the migrant gave (Latin or original script), of the same sex and
    nationality when both sides record them; ``None`` when no record is clearly theirs."""
    from filet.names import analyse, compare

    given = " ".join(
        str(interviewee.get(part) or "").strip() for part in ("given_names", "surname")
    ).strip()
    native = str(interviewee.get("name_original_script") or "").strip()
    names = [analyse(n) for n in (given, native) if n]
    if not names or date is None or not place:
        return None
    until = dt.datetime.combine(date + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    query = (
        select(IdentityRecord)
        .join(BorderCrossing, BorderCrossing.identity_record_id == IdentityRecord.id)
        .join(CrossingPoint, CrossingPoint.id == BorderCrossing.crossing_point_id)
        .where(
            CrossingPoint.code == place,
            BorderCrossing.direction == "entry",
            BorderCrossing.at >= until - dt.timedelta(days=search.days + 1),
            BorderCrossing.at < until,
        )
    )
    sex = str(interviewee.get("sex") or "").upper()
    nationality = str(interviewee.get("nationality") or "").upper()
    if sex:
        query = query.where(or_(IdentityRecord.sex.is_(None), IdentityRecord.sex == sex))
    if nationality:
        query = query.where(
            or_(IdentityRecord.nationality.is_(None), IdentityRecord.nationality == nationality)
        )
    best: dict[int | str, tuple[float, IdentityRecord]] = {}
    for row in session.scalars(query).unique():
        recorded = row.full_name or " ".join(p for p in (row.given_names, row.surname) if p)
        if not recorded:
            continue
        score = max(compare(name, recorded).score for name in names)
        who: int | str = row.person_id if row.person_id is not None else f"record:{row.id}"
        if score > best.get(who, (-1.0, row))[0]:
            best[who] = (score, row)
    ranked = sorted(best.values(), key=lambda pair: -pair[0])
    if not ranked or ranked[0][0] < search.min_score:
        return None
    if len(ranked) > 1 and ranked[0][0] - ranked[1][0] < search.margin:
        return None
    return ranked[0][1]


def link_imported_witness(
    session: Session,
    item: IntelligenceItem,
    debriefing: Debriefing,
    interviewee: Mapping[str, Any],
    actor: Actor,
) -> int | None:
    """Give an imported debriefing its witness: the person of the migrant's entry record
    (:func:`identify_witness`; a person is opened for a record that has none yet), recorded as
    a smuggled migrant, with what they reported passed to protection. A person recorded as a
    suspect is left alone: who a suspect is, is an investigator's call, not a name match's."""
    found = identify_witness(session, interviewee, debriefing.place, debriefing.date)
    if found is None:
        return None
    person = session.get(Person, found.person_id) if found.person_id is not None else None
    if person is None:
        label = found.full_name or " ".join(p for p in (found.given_names, found.surname) if p)
        person = Person(key=f"debriefing:{item.reference}", label=label[:300], category="unknown")
        session.add(person)
        session.flush()
        found.person_id = person.id
    if person.category == "suspect":
        return None
    item.attributes = {**(item.attributes or {}), "witness": {"person_id": person.id}}
    _protect_witness(session, person, debriefing, item, actor)
    return person.id


def debriefing_witnesses(session: Session) -> set[int]:
    """Persons who gave a debriefing: witnesses, never suspects."""
    found: set[int] = set()
    for attributes in session.scalars(
        select(IntelligenceItem.attributes).where(IntelligenceItem.kind == "debriefing")
    ):
        witness = (attributes or {}).get("witness") or {}
        if isinstance(witness, dict) and witness.get("person_id") is not None:
            found.add(int(witness["person_id"]))
    return found


def parse_form_date(value: str) -> dt.date | None:
    moment = parse_date(value.strip() or None, Place(field="date"))
    return moment.date() if moment else None
