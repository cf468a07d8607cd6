"""People of the synthetic world: names, birth dates, contacts and travel documents.

A person's name is kept as parts (given, father's, grandfather's, family) each drawn from the
culture's list with its original script and romanisations. The person's passport fixes one
romanisation; every other record (PNR typed by an agent, watchlist, intelligence, debriefing) is
rendered through :meth:`PeopleFactory.variant_name`, which applies what names.md describes:
another romanisation, particles dropped or joined, compounds split, name-order swaps between
fields, single names, father's name added, typos.

We write our own rather than use a fake-data library such as Faker: its locales do not cover
Ge'ez, Dari, Pashto or Somali names, give no romanisation variants of one name, and tie nothing
to a ground truth.
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from hashlib import blake2b
from itertools import accumulate
from typing import Generic, TypeVar

from filet.synth._catalogue import Catalogue, Culture, NameEntry

_PARTICLES = ("Al-", "Al ", "El ", "El-")
_DOMAINS = ("mail.example", "post.example", "inbox.example", "web.example")
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
_KEYBOARD_NEIGHBOURS = {
    "a": "s",
    "e": "r",
    "i": "o",
    "o": "i",
    "u": "y",
    "n": "m",
    "m": "n",
    "s": "a",
    "r": "t",
    "t": "r",
    "h": "j",
    "d": "f",
}


@dataclass(frozen=True, slots=True)
class NamePart:
    """One part of a full name with its role and the romanisation the person's passport uses."""

    entry: NameEntry
    role: str
    spelling: int

    @property
    def native(self) -> str:
        return self.entry.native

    @property
    def latin(self) -> str:
        return self.entry.latin[self.spelling]


@dataclass(slots=True)
class TravelDocumentRecord:
    """A document in the world: genuine, or fraudulent with the kind of fraud and what it breaks."""

    document_id: str
    doc_type: str
    number: str
    issuing_state: str
    holder_id: str
    surname: str
    given_names: str
    nationality: str
    birth_date: dt.date
    sex: str
    issue_date: dt.date
    expiry: dt.date
    fraud: str = ""
    fraud_detail: str = ""
    mrz_expectation: str = "valid"
    visa_for: str = ""


@dataclass(slots=True)
class Person:
    """A real person of the world (the truth); records about them are renderings of this."""

    person_id: str
    culture: Culture
    nationality: str
    sex: str
    birth_date: dt.date
    document_birth_date: dt.date
    parts: tuple[NamePart, ...]
    single_name: bool
    phone: str
    email: str
    kind: str
    passport: TravelDocumentRecord | None = None
    documents: list[TravelDocumentRecord] = field(default_factory=list)

    @property
    def native_name(self) -> str:
        sep = "" if self.culture.script == "Hani" else " "
        return sep.join(p.native for p in self.parts)

    @property
    def latin_name(self) -> str:
        return " ".join(p.latin for p in self.parts)

    def document_name(self) -> tuple[str, str]:
        """(surname, given names) as printed on the person's passport."""
        return document_name(self.culture, self.parts, self.single_name)

    def age_on(self, day: dt.date) -> int:
        years = day.year - self.birth_date.year
        return years - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))


def document_name(culture: Culture, parts: tuple[NamePart, ...], single: bool) -> tuple[str, str]:
    """The passport's split of a full name into surname and given names, per name structure."""
    if single or len(parts) == 1:
        return parts[0].latin, ""
    by_role = {p.role: p.latin for p in parts}
    if culture.structure == "given_father_grandfather":
        return by_role["father"], by_role["given"]
    if culture.structure == "given_father_family":
        return by_role["family"], f"{by_role['given']} {by_role['father']}"
    return by_role["family"], by_role["given"]


T = TypeVar("T")


class Weighted(Generic[T]):
    """A weighted choice with its cumulative weights computed once.

    ``pick`` draws exactly what ``rng.choices(population, weights)[0]`` would draw (same
    cumulative sums, one ``random()`` call, same bisection), without rebuilding the sums on every
    call.
    """

    __slots__ = ("_cumulative", "_hi", "_population", "_total")

    def __init__(
        self,
        population: Sequence[T],
        weights: Sequence[float] | None = None,
        *,
        cumulative: Sequence[float] | None = None,
    ) -> None:
        self._population = tuple(population)
        sums = list(cumulative) if cumulative is not None else list(accumulate(weights or ()))
        if len(sums) != len(self._population) or not sums:
            raise ValueError("a weighted choice needs one weight per item")
        self._cumulative = sums
        self._total = sums[-1] + 0.0
        self._hi = len(sums) - 1

    @classmethod
    def of(cls, mix: Sequence[tuple[T, float]]) -> Weighted[T]:
        return cls([item for item, _ in mix], [weight for _, weight in mix])

    def pick(self, rng: random.Random) -> T:
        return self._population[bisect(self._cumulative, rng.random() * self._total, 0, self._hi)]


def _zipf_pick(rng: random.Random, entries: tuple[NameEntry, ...]) -> NameEntry:
    """Common names first: weight 1/(rank+1), so a few names are shared by many people."""
    cumulative = _zipf_cumulative(len(entries))
    return entries[bisect(cumulative, rng.random() * (cumulative[-1] + 0.0), 0, len(entries) - 1)]


@lru_cache(maxsize=64)
def _zipf_cumulative(size: int) -> tuple[float, ...]:
    return tuple(accumulate(1.0 / (rank + 1) for rank in range(size)))


def _spelling(rng: random.Random, entry: NameEntry) -> int:
    if len(entry.latin) == 1 or rng.random() < 0.6:
        return 0
    return rng.randrange(len(entry.latin))


def _issued_key(state: str, number: str) -> int:
    return int.from_bytes(blake2b(f"{state} {number}".encode(), digest_size=8).digest(), "big")


def number_from_pattern(rng: random.Random, pattern: str) -> str:
    """A document number following a country's pattern (``L`` letter, ``9`` digit)."""
    return "".join(
        rng.choice(_LETTERS) if c == "L" else str(rng.randrange(10)) if c == "9" else c
        for c in pattern
    )


def next_in_series(number: str, step: int) -> str:
    """The document number ``step`` places after ``number`` (the numeric tail is incremented)."""
    head = number.rstrip("0123456789")
    tail = number[len(head) :]
    if not tail:
        return number
    value = (int(tail) + step) % (10 ** len(tail))
    return f"{head}{value:0{len(tail)}d}"


class PeopleFactory:
    """Makes people and renders their names and dates as different sources would record them."""

    def __init__(self, catalogue: Catalogue, rng: random.Random) -> None:
        self.catalogue = catalogue
        self.rng = rng
        self._person_count = 0
        self._document_count = 0
        # Numbers already issued per state: a random clash would plant a false "same number,
        # different holder" signal in lawful data. Kept as 64-bit digests of "state number"
        # (half the memory of the pairs of strings; a million documents take about 66 MiB): a
        # digest clash only makes the next number be drawn again, which keeps numbers unique.
        self._issued: set[int] = set()
        self._cultures: dict[str, Weighted[str]] = {}

    def new_person_id(self) -> str:
        self._person_count += 1
        return f"P{self._person_count:08d}"

    def new_document_id(self) -> str:
        self._document_count += 1
        return f"D{self._document_count:08d}"

    def culture_for(self, nationality: str) -> Culture:
        weighted = self._cultures.get(nationality)
        if weighted is None:
            mix = self.catalogue.countries[nationality].cultures
            weighted = self._cultures[nationality] = Weighted.of(mix)
        return self.catalogue.cultures[weighted.pick(self.rng)]

    def person(
        self,
        nationality: str,
        kind: str,
        on: dt.date,
        *,
        sex: str | None = None,
        age: tuple[int, int] = (18, 65),
        family: NamePart | None = None,
        father: NamePart | None = None,
        grandfather: NamePart | None = None,
        culture: Culture | None = None,
        phone: str | None = None,
        email: str | None = None,
    ) -> Person:
        """A new person; ``family``, ``father`` and ``grandfather`` pass a parent's name parts to
        a child (an Ethiopian child's names are its own, its father's and his father's)."""
        rng = self.rng
        culture = culture or self.culture_for(nationality)
        sex = sex or rng.choice("MF")
        given_list = culture.male if sex == "M" else culture.female
        given = NamePart(_zipf_pick(rng, given_list), "given", 0)
        given = NamePart(given.entry, "given", _spelling(rng, given.entry))
        parts: list[NamePart] = [given]
        structure = culture.structure
        if structure in ("given_father_family", "given_father_grandfather"):
            father_part = father or _fresh(rng, culture.male, "father")
            parts.append(NamePart(father_part.entry, "father", father_part.spelling))
            if structure == "given_father_family":
                family_part = family or _fresh(rng, culture.family, "family")
                parts.append(NamePart(family_part.entry, "family", family_part.spelling))
            else:
                elder = grandfather or _fresh(rng, culture.male, "grandfather")
                parts.append(NamePart(elder.entry, "grandfather", elder.spelling))
        else:
            pool = culture.family_female if sex == "F" and culture.family_female else culture.family
            family_part = family or _fresh(rng, pool, "family")
            part = NamePart(family_part.entry, "family", family_part.spelling)
            if structure == "family_given":
                parts.insert(0, part)
            else:
                parts.append(part)
        single = culture.single_name_rate > 0 and rng.random() < culture.single_name_rate
        if single:
            parts = [p for p in parts if p.role == "given"]
        years = rng.randint(*age)
        birth = on - dt.timedelta(days=years * 365 + rng.randrange(365))
        document_birth = birth
        if (
            culture.code in {"dari", "pashto", "somali", "tigrinya", "amharic"}
            and rng.random() < 0.3
        ):
            document_birth = dt.date(birth.year, 1, 1)
        country = self.catalogue.countries[nationality]
        person = Person(
            person_id=self.new_person_id(),
            culture=culture,
            nationality=nationality,
            sex=sex,
            birth_date=birth,
            document_birth_date=document_birth,
            parts=tuple(parts),
            single_name=single,
            phone=phone or self.phone(country.phone_prefix),
            email="",
            kind=kind,
        )
        person.email = email if email is not None else self.email(person)
        return person

    def _unused_number(self, state: str, pattern: str) -> str:
        while True:
            number = number_from_pattern(self.rng, pattern)
            key = _issued_key(state, number)
            if key not in self._issued:
                self._issued.add(key)
                return number

    def phone(self, prefix: str) -> str:
        return f"+{prefix}{self.rng.randrange(10**8, 10**9)}"

    def email(self, person: Person) -> str:
        base = "".join(c for c in person.parts[0].latin.lower() if c.isascii() and c.isalpha())
        return f"{base or 'user'}{self.rng.randrange(10, 9999)}@{self.rng.choice(_DOMAINS)}"

    def card_number(self) -> str:
        digits = [4] + [self.rng.randrange(10) for _ in range(14)]
        total = 0
        for index, digit in enumerate(reversed(digits)):
            d = digit * 2 if index % 2 == 0 else digit
            total += d - 9 if d > 9 else d
        return "".join(map(str, digits)) + str((10 - total % 10) % 10)

    def passport(
        self,
        person: Person,
        on: dt.date,
        *,
        number: str | None = None,
        issuing_state: str | None = None,
        fraud: str = "",
        fraud_detail: str = "",
        mrz_expectation: str = "valid",
    ) -> TravelDocumentRecord:
        """Issue (or forge) a passport for ``person`` and attach it."""
        state = issuing_state or person.nationality
        pattern = self.catalogue.countries[state].passport_pattern
        if number is not None:
            self._issued.add(_issued_key(state, number))
        issued = on - dt.timedelta(days=self.rng.randrange(30, 3000))
        surname, given = person.document_name()
        doc = TravelDocumentRecord(
            document_id=self.new_document_id(),
            doc_type="P",
            number=number or self._unused_number(state, pattern),
            issuing_state=state,
            holder_id=person.person_id,
            surname=surname,
            given_names=given,
            nationality=person.nationality,
            birth_date=person.document_birth_date,
            sex=person.sex,
            issue_date=issued,
            expiry=issued + dt.timedelta(days=365 * 10 - 1),
            fraud=fraud,
            fraud_detail=fraud_detail,
            mrz_expectation=mrz_expectation,
        )
        if doc.expiry <= on:
            doc.expiry = on + dt.timedelta(days=self.rng.randrange(200, 2000))
        person.documents.append(doc)
        if not fraud or fraud == "fraudulently_obtained":
            person.passport = doc
        return doc

    # --- how other sources write a person ------------------------------------------------------

    def variant_name(
        self, person: Person, *, strength: float = 0.5, rng: random.Random | None = None
    ) -> tuple[str, str, list[str]]:
        """(surname, given names, applied variations) as another source would write them.

        ``strength`` scales how likely each variation is (0: the passport's own spelling).
        """
        rng = rng or self.rng
        applied: list[str] = []
        parts = list(person.parts)
        if strength > 0:
            new_parts: list[NamePart] = []
            for part in parts:
                if len(part.entry.latin) > 1 and rng.random() < strength * 0.6:
                    choice = rng.randrange(len(part.entry.latin))
                    if choice != part.spelling:
                        applied.append("romanisation")
                    new_parts.append(NamePart(part.entry, part.role, choice))
                else:
                    new_parts.append(part)
            parts = new_parts
        surname, given = document_name(person.culture, tuple(parts), person.single_name)
        if strength > 0:
            if (
                person.culture.structure == "given_father_grandfather"
                and rng.random() < strength * 0.3
            ):
                surname = next(p.latin for p in parts if p.role == "grandfather")
                given = " ".join(p.latin for p in parts if p.role in ("given", "father"))
                applied.append("grandfather_as_surname")
            if any(surname.startswith(p) for p in _PARTICLES) and rng.random() < strength * 0.6:
                surname, how = _particle_variant(rng, surname)
                applied.append(how)
            if " " in given and rng.random() < strength * 0.2:
                given = given.split(" ")[0]
                applied.append("father_name_dropped")
            if _is_compound(surname) and rng.random() < strength * 0.4:
                surname = surname.replace(" ", "").replace("-", "")
                applied.append("compound_joined")
            if person.single_name and rng.random() < strength * 0.5:
                surname, given = ("FNU", surname) if rng.random() < 0.5 else (surname, surname)
                applied.append("single_name_filled")
            if given and rng.random() < strength * 0.12:
                surname, given = given, surname
                applied.append("order_swapped")
            if rng.random() < strength * 0.1:
                if rng.random() < 0.5 or not given:
                    surname = _typo(rng, surname)
                else:
                    given = _typo(rng, given)
                applied.append("typo")
        return surname, given, applied

    def variant_birth_date(
        self, person: Person, *, strength: float = 0.5, rng: random.Random | None = None
    ) -> tuple[str, list[str]]:
        """The birth date as another source records it: ISO text, maybe year only or swapped."""
        rng = rng or self.rng
        when = person.document_birth_date
        roll = rng.random()
        if roll < strength * 0.3:
            return f"{when.year:04d}", ["year_only"]
        if roll < strength * 0.4 and when.day <= 12 and when.day != when.month:
            return f"{when.year:04d}-{when.day:02d}-{when.month:02d}", ["day_month_swapped"]
        if roll < strength * 0.5 and when != dt.date(when.year, 1, 1):
            return f"{when.year:04d}-01-01", ["conventional_1_january"]
        return when.isoformat(), []


def _fresh(rng: random.Random, entries: tuple[NameEntry, ...], role: str) -> NamePart:
    entry = _zipf_pick(rng, entries)
    return NamePart(entry, role, _spelling(rng, entry))


def _is_compound(name: str) -> bool:
    return (" " in name or "-" in name) and len(name) > 6


def _particle_variant(rng: random.Random, surname: str) -> tuple[str, str]:
    for particle in _PARTICLES:
        if surname.startswith(particle):
            core = surname[len(particle) :]
            roll = rng.random()
            if roll < 0.4:
                return core, "particle_dropped"
            if roll < 0.7:
                return particle.strip(" -") + core, "particle_joined"
            return rng.choice(("El ", "Al ", "Al-")) + core, "particle_changed"
    return surname, "none"


def _typo(rng: random.Random, text: str) -> str:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 3:
        return text
    i = rng.choice(letters[1:])
    kind = rng.random()
    if kind < 0.35 and i + 1 < len(text) and text[i] == text[i - 1]:
        return text[:i] + text[i + 1 :]
    if kind < 0.6:
        ch = text[i].lower()
        swap = _KEYBOARD_NEIGHBOURS.get(ch, ch)
        swap = swap.upper() if text[i].isupper() else swap
        return text[:i] + swap + text[i + 1 :]
    if kind < 0.8 and i + 1 < len(text):
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + text[i] + text[i:]
