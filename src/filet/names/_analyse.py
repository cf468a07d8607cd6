"""Analysis of a personal name into parts with roles, readings, symbols, keys and weights.

An :class:`AnalysedName` is computed once per name (a traveller, a watchlist entry) and then
compared many times, so everything comparison needs is precomputed here: each part's Latin
readings, its canonical comparison form, its equivalence-group symbols, its consonant-skeleton
keys and its frequency weight.

Steps: split the text into tokens (MRZ ``<`` fillers, hyphens, dots and commas separate; OCR
digits inside words become letters); set aside titles and particles; join compound prefixes and
suffixes to their name (Abd al-Rahman, Gebre Medhin, Habib Ullah); transliterate each part;
look it up in the equivalence groups; infer the naming culture and give each part a role by
that culture's structure rules (``data/cultures.yaml``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field, fields
from enum import StrEnum
from functools import cached_property, lru_cache
from operator import attrgetter

from filet.errors import InputError, Place
from filet.names import _data
from filet.names._lexicon import (
    canonical_form,
    chinese_syllables,
    extra_forms,
    lexicon,
    loose_symbols,
    native_key,
    nickname_groups,
    token_bits,
)
from filet.names._phonetic import phonetic_key, skeleton
from filet.names._script import UNKNOWN, detect_script
from filet.names._settings import DEFAULT_SETTINGS, NameMatchSettings
from filet.names._translit import ABJAD_SCRIPTS, cyrillic_transform, latin_forms

_SPLIT = re.compile(r"[\s,;:.\-_–—/()\[\]\"]+")
_APOSTROPHES = re.compile("['’‘`ʿʾ´]")
_WOLDE_ABBREVIATION = re.compile(r"(?i)\bw/(?=\w)")
_GEEZ_WOLDE_ABBREVIATION = re.compile("ወ/(?!ሮ)")
_FAMILY_FIRST_SYLLABARIES = frozenset({"Han", "Hangul"})


class NameRole(StrEnum):
    """What a part of a name is."""

    GIVEN = "given"
    FAMILY = "family"
    PATRONYMIC = "patronymic"
    GRANDFATHER = "grandfather"
    PARTICLE = "particle"
    TITLE = "title"


_ROLE_OF = {
    "given": NameRole.GIVEN,
    "family": NameRole.FAMILY,
    "father": NameRole.PATRONYMIC,
    "grandfather": NameRole.GRANDFATHER,
}


@dataclass(frozen=True, slots=True)
class NamePart:
    """One part of an analysed name.

    ``text`` is as written; ``latin`` the usual Latin spelling (for a known name in a script
    without vowels, the group's usual spelling); ``form`` the canonical comparison form;
    ``forms`` every Latin reading; ``symbols`` the equivalence groups it belongs to; ``keys``
    its consonant-skeleton keys; ``weight`` its evidence weight in [0, 1] (common names weigh
    little) and ``bits`` the information behind that weight; ``nicknames`` the hypocoristic
    groups it belongs to (Andy and Andrew); ``optional`` marks a word that may be a title
    (Sheikh, Molla): unmatched, it does not count against a match.
    """

    text: str
    latin: str
    form: str
    role: NameRole
    script: str
    forms: frozenset[str] = frozenset()
    symbols: frozenset[str] = frozenset()
    cognates: frozenset[str] = frozenset()
    keys: frozenset[str] = frozenset()
    weight: float = 1.0
    bits: float = 0.0
    abjad: bool = False
    nicknames: frozenset[str] = frozenset()
    optional: bool = False
    syllable: bool = False

    @property
    def is_name(self) -> bool:
        """Whether the part counts in matching (titles and particles do not)."""
        return self.role not in (NameRole.PARTICLE, NameRole.TITLE)

    @property
    def is_initial(self) -> bool:
        """Whether the part is a single letter (an initial)."""
        return len(self.form) == 1

    def variants(self) -> tuple[str, ...]:
        """Known Latin spellings of this part (its readings and its groups' spellings)."""
        found = dict.fromkeys(sorted(self.forms))
        for symbol in sorted(self.symbols):
            found.update(dict.fromkeys(lexicon().variants.get(symbol, ())))
        return tuple(found)


@dataclass(frozen=True)
class AnalysedName:
    """A name analysed once for many comparisons. Build it with :func:`analyse`."""

    text: str
    parts: tuple[NamePart, ...]
    script: str
    culture: str
    names: tuple[NamePart, ...] = field(repr=False, default=())
    weights: tuple[float, ...] = field(repr=False, default=())
    total_weight: float = field(repr=False, default=0.0)

    @cached_property
    def joins(self) -> tuple[tuple[int, NamePart], ...]:
        """Adjacent name parts written as one (index of the first, joined part); built when a
        comparison first needs them."""
        names = self.names
        return tuple(
            (index, _join(names[index], names[index + 1])) for index in range(len(names) - 1)
        )

    @property
    def latin(self) -> str:
        """The name in Latin letters, part by part."""
        return " ".join(part.latin for part in self.parts if part.role is not NameRole.TITLE)

    def keys(self) -> frozenset[str]:
        """Blocking keys: ``k:`` consonant-skeleton keys and ``g:`` group symbols of each part.

        Two names that may match share at least one key (unless they match only by typo): a
        screening index or identity blocking can retrieve candidates by these.
        """
        found: set[str] = set()
        for part in self.names:
            if part.is_initial:
                continue
            found.update(f"k:{key}" for key in part.keys if len(key) >= 2)
            found.update(f"g:{symbol}" for symbol in part.symbols)
        for _, joined in self.joins:
            found.update(f"k:{key}" for key in joined.keys if len(key) >= 2)
            found.update(f"g:{symbol}" for symbol in joined.symbols)
        return frozenset(found)


@dataclass(slots=True)
class _Token:
    text: str
    field: str
    script: str
    forms: tuple[str, ...]
    kind: str = "name"  # name | title | particle:<marks> | prefix | suffix
    glued: bool = False  # written joined to the token before it (the Arabic article)

    @property
    def latin(self) -> str:
        return self.forms[0] if self.forms else ""


_Reading = tuple[tuple[str, str, tuple[str, ...], str, bool], ...]


def _tokenise(text: str, field_name: str) -> list[_Token]:
    text = unicodedata.normalize("NFKC", text)
    text = _GEEZ_WOLDE_ABBREVIATION.sub("ወልደ", text)
    transform = cyrillic_transform(text)
    return [
        _Token(piece, field_name, script, forms, kind, glued)
        for raw in text.replace("<", " ").split()
        for piece, script, forms, kind, glued in _read_word(raw, transform)
    ]


@lru_cache(maxsize=262144)
def _read_word(raw: str, transform: str) -> _Reading:
    """The tokens of one written word: (text, script, Latin forms, kind, glued) each."""
    rules = _data.particles()
    if raw.lower().rstrip(".") in rules.titles:
        return ((raw, detect_script(raw), (_SPLIT.sub("", raw.lower()),), "title", False),)
    out: list[tuple[str, str, tuple[str, ...], str, bool]] = []
    expanded = _WOLDE_ABBREVIATION.sub("wolde", raw)
    for piece in _SPLIT.split(_APOSTROPHES.sub("", expanded)):
        if not piece:
            continue
        if any(char.isdigit() for char in piece) and any(char.isalpha() for char in piece):
            piece = "".join(rules.ocr_digits.get(char, char) for char in piece)
        script = detect_script(piece)
        if script == UNKNOWN:
            continue
        glued = False
        if script in _FAMILY_FIRST_SYLLABARIES and 2 <= len(piece) <= 4:
            # 王小明, 김민수: written without spaces, family name (one syllable) first.
            for syllables in (piece[:1], piece[1:]):
                forms = latin_forms(syllables, script, transform)
                out.append((syllables, script, forms, "name", False))
            continue
        if script == "Arabic" and piece.startswith("ال") and len(piece) > 3:
            whole = native_key(piece)
            if whole not in lexicon().by_native and whole not in rules.suffixes:
                out.append(("ال", script, ("al",), "particle:article", False))
                piece = piece[2:]
                glued = True
        forms = latin_forms(piece, script, transform)
        out.append((piece, script, forms, _kind(piece, forms), glued))
    return tuple(out)


def _kind(piece: str, forms: tuple[str, ...]) -> str:
    """Whether a token is a name, a title, a compound prefix or suffix, or a particle."""
    rules = _data.particles()
    lowered = piece.lower()
    latin = forms[0] if forms else ""
    for probe in (lowered, latin):
        if probe in rules.titles:
            return "title"
    for probe in (lowered, latin):
        if probe in rules.title_or_name:
            return "optional"
    for probe in (lowered, latin):
        if probe in rules.prefixes:
            return "prefix"
    for probe in (lowered, latin):
        if probe in rules.suffixes:
            return "suffix"
    for probe in (lowered, latin):
        if probe in rules.marks:
            return f"particle:{rules.marks[probe]}"
    return "name"


def _merge_compounds(tokens: list[_Token]) -> list[list[_Token]]:
    """Group tokens into parts: a compound prefix (with an article) binds to the next name; a
    compound suffix (with an article) binds to the name before it."""
    # A particle standing last is a name (the Vietnamese given name An), and so is a "son of"
    # particle standing first (Ben Smith): neither can connect two names there.
    for position in range(len(tokens) - 1, -1, -1):
        token = tokens[position]
        if token.kind == "title":
            continue
        rules = _data.particles()
        standalone = rules.suffixes.get(token.text.lower()) or rules.suffixes.get(token.latin)
        after_article = position > 0 and tokens[position - 1].kind == "particle:article"
        if token.kind.startswith("particle") or (
            token.kind == "suffix" and standalone in rules.standalone_suffixes and not after_article
        ):
            # Karim Uddin: such a suffix written apart at the end is a family name of its own
            # (comparison still finds Karimuddin as a compound).
            token.kind = "name"
        break
    for token in tokens:
        if token.kind == "title":
            continue
        if token.kind == "particle:father":
            token.kind = "name"
        break
    groups: list[list[_Token]] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind == "particle:surname":
            # Du Bois, de la Fontaine, Mac Donald: the particles bind to the name after them.
            end = index + 1
            while end < len(tokens) and tokens[end].kind in (
                "particle:surname",
                "particle:surname_next",
            ):
                end += 1
            if end < len(tokens) and tokens[end].kind in _NAME_KINDS:
                groups.append(tokens[index : end + 1])
                index = end + 1
                continue
        if token.kind == "particle:surname_next":
            token.kind = "name"
        if token.kind == "prefix" or (token.kind == "particle:kunya" and index + 1 < len(tokens)):
            end = index + 1
            while end < len(tokens) and tokens[end].kind == "particle:article":
                end += 1
            if end < len(tokens) and tokens[end].kind in (*_NAME_KINDS, "suffix"):
                groups.append(tokens[index : end + 1])
                index = end + 1
                continue
            if token.kind == "prefix":
                token.kind = "name"
        if token.kind == "suffix":
            start = len(groups) - 1
            article_run: list[_Token] = []
            while start >= 0 and groups[start][0].kind == "particle:article":
                article_run.insert(0, groups[start][0])
                start -= 1
            if start >= 0 and groups[start][0].kind in (*_NAME_KINDS, "prefix", "particle:kunya"):
                groups[start] = groups[start] + article_run + [token]
                del groups[start + 1 :]
                index += 1
                continue
            token.kind = "name"
        groups.append([token])
        index += 1
    return groups


_NAME_KINDS = ("name", "optional")
_TokenKey = tuple[str, str, str, tuple[str, ...], bool]


def _part_from(group: list[_Token], settings: NameMatchSettings) -> NamePart:
    """The part made of a group of tokens (cached: names share most of their tokens)."""
    key = tuple((token.text, token.script, token.kind, token.forms, token.glued) for token in group)
    return _cached_part(key, settings)


@lru_cache(maxsize=262144)
def _cached_part(key: tuple[_TokenKey, ...], settings: NameMatchSettings) -> NamePart:
    group = [
        _Token(text, "", script, forms, kind, glued) for text, script, kind, forms, glued in key
    ]
    return _build_part(group, settings)


def _build_part(group: list[_Token], settings: NameMatchSettings) -> NamePart:
    lex = lexicon()
    head = group[0]
    text = "".join(
        token.text if index == 0 or token.glued else " " + token.text
        for index, token in enumerate(group)
    )
    script = head.script
    kind = head.kind
    if len(group) == 1 and kind.startswith("particle") and kind != "particle:surname_next":
        role = NameRole.PARTICLE
    elif len(group) == 1 and kind == "title":
        role = NameRole.TITLE
    else:
        role = NameRole.GIVEN
    if role is not NameRole.GIVEN:
        form = head.latin
        return NamePart(text, form, form, role, script, frozenset(head.forms), weight=0.0)
    # Readings of the joined part; canonical_form then spells compounds one way.
    readings: list[str] = [""]
    for token in group:
        options = token.forms or ("",)
        readings = [reading + option for reading in readings for option in options][:4]
    forms = tuple(dict.fromkeys(canonical_form(reading) for reading in readings if reading))
    if not forms:
        forms = (head.latin,)
    if kind == "particle:surname" and len(group) > 1:
        # Du Bois is also read Bois (the particle dropped), as before particles joined.
        forms = tuple(dict.fromkeys((*forms, *group[-1].forms)))
    forms = tuple(dict.fromkeys((*forms, *extra_forms(forms[0], script, text))))
    if script == "Latin" and len(forms[0]) > 5 and forms[0][:2] in ("al", "el"):
        # The Arabic article written joined (Alhassan, Elsayed, Elkhatib): also read without
        # it when the rest is a known name, or a long word when the whole is not a known name.
        rest = forms[0][2:]
        if rest not in lex.by_latin and rest[:1] == rest[1:2]:
            rest = rest[1:]  # assimilated: Assayed, Errahman
        unknown_whole = forms[0] not in lex.by_latin
        if rest in lex.by_latin or (unknown_whole and len(rest) >= 5 and rest[0] not in "aeiou"):
            forms = (*forms, rest)
    symbols: set[str] = set()
    for candidate in (native_key(text), native_key("".join(token.text for token in group))):
        symbols.update(lex.by_native.get(candidate, ()))
    syllable = script in ("Han", "Latin") and forms[0] in chinese_syllables()
    # A Chinese syllable's other readings (Wade-Giles Chuan is also pinyin juan) are readings,
    # not names of other cultures: only its own spelling may place it in a group (Juan, John).
    for form in forms[:1] if syllable else forms:
        symbols.update(lex.by_latin.get(form, ()))
    if not symbols and script == "Latin":
        symbols.update(loose_symbols(forms[0]))
    abjad = script in ABJAD_SCRIPTS
    if abjad:
        keys = {skeleton(_abjad_units(form)) for form in forms}
    else:
        keys = {phonetic_key(form) for form in forms}
    cognates: set[str] = set()
    for symbol in symbols:
        cognates.update(lex.cognates.get(symbol, ()))
    frozen_symbols = frozenset(symbols)
    latin = "".join(token.latin for token in group) if script == "Latin" else forms[0]
    if abjad and frozen_symbols:
        latin = sorted(frozen_symbols)[0]
    bits = token_bits(forms[0], frozen_symbols, settings.unlisted_per_million)
    reference = math.log2(1_000_000 / settings.unlisted_per_million)
    weight = settings.initial_weight if len(forms[0]) == 1 else min(1.0, bits / reference)
    return NamePart(
        text=text,
        latin=latin,
        form=forms[0],
        role=role,
        script=script,
        forms=frozenset(forms),
        symbols=frozen_symbols,
        cognates=frozenset(cognates - symbols),
        keys=frozenset(keys),
        weight=weight,
        bits=bits,
        abjad=abjad,
        nicknames=nickname_groups(forms, frozen_symbols),
        optional=len(group) == 1 and kind == "optional",
        syllable=syllable,
    )


def _abjad_units(form: str) -> list[str]:
    """An abjad reading split so that letters do not form digraphs across letter boundaries.

    Our abjad tables write ``sh``, ``kh``, ``gh``, ``th``, ``dh``, ``zh``, ``ch``, ``ts``, ``dz``
    for single letters; any other letter pair is two letters.
    """
    units: list[str] = []
    index = 0
    while index < len(form):
        pair = form[index : index + 2]
        if pair in ("sh", "kh", "gh", "th", "dh", "zh", "ch", "ts", "dz"):
            units.append(pair)
            index += 2
        else:
            units.append(form[index])
            index += 1
    return units


def _infer_culture(
    parts: list[NamePart], script: str, explicit: str | None, nationality: str | None
) -> str:
    rules = _data.culture_rules()
    if explicit:
        if explicit not in rules.cultures:
            raise InputError(
                f"unknown name culture {explicit!r}; expected one of {sorted(rules.cultures)}",
                Place(field="culture"),
            )
        return explicit
    names = [part for part in parts if part.is_name]
    for culture in rules.cultures.values():
        if script in culture.scripts and script not in ("Latin", "Arabic"):
            return culture.key
    if len(names) >= 2 and names[0].form in rules.family_first_names:
        return "east_asian"
    if any(part.form.endswith(rules.patronymic_suffixes) for part in names[1:]):
        return "slavic"
    votes: dict[str, float] = {}
    # The culture of the script is the prior (Latin: western), the nationality a stronger one;
    # the names' known groups vote against them.
    for culture in rules.cultures.values():
        if script in culture.scripts:
            votes[culture.key] = 0.5
    national = rules.by_country.get((nationality or "").upper())
    if national is not None:
        votes[national] = votes.get(national, 0.0) + 1.5
    marks = _data.particles().marks
    if any(part.role is NameRole.PARTICLE and marks.get(part.form) == "father" for part in parts):
        # A nasab (bin, ibn, bint) marks an Arabic name chain.
        votes["arab"] = votes.get("arab", 0.0) + 1.0
    for part in names:
        seen: set[str] = set()
        for symbol in part.symbols:
            seen.update(lexicon().cultures.get(symbol, ()))
        for culture_key in seen:
            votes[culture_key] = votes.get(culture_key, 0.0) + 1.0 / len(seen)
    if votes:
        # Ties go to the culture listed first in cultures.yaml, so analysis is deterministic.
        best = max(rules.cultures, key=lambda key: votes.get(key, 0.0))
        if votes.get(best, 0.0) >= 0.25:
            return best
    for culture in rules.cultures.values():
        if script in culture.scripts:
            return culture.key
    return rules.default


def _assign_roles(parts: list[NamePart], fields_of: list[str], culture_key: str) -> list[NamePart]:
    rules = _data.culture_rules()
    culture = rules.cultures[culture_key]
    roles: list[NameRole | None] = [None] * len(parts)
    name_indexes = [index for index, part in enumerate(parts) if part.is_name]
    # Particles that mark a father's name (bin, ibn, ould) and Slavic patronymics.
    chain = 0
    for index, part in enumerate(parts):
        if part.role is NameRole.PARTICLE and index > 0:
            marks = _data.particles().marks.get(part.text.lower()) or _data.particles().marks.get(
                part.form
            )
            if marks == "father" and index + 1 < len(parts) and parts[index + 1].is_name:
                roles[index + 1] = NameRole.PATRONYMIC if chain == 0 else NameRole.GRANDFATHER
                chain += 1
    for index in name_indexes[1:]:
        if parts[index].form.endswith(rules.patronymic_suffixes) and culture_key == "slavic":
            roles[index] = NameRole.PATRONYMIC
    structured = any(value == "family" for value in fields_of)
    free = [index for index in name_indexes if roles[index] is None]
    if structured and culture.family_names:
        for index in free:
            roles[index] = NameRole.FAMILY if fields_of[index] == "family" else NameRole.GIVEN
    elif structured:
        ordered = [i for i in free if fields_of[i] != "family"] + [
            i for i in free if fields_of[i] == "family"
        ]
        for position, index in enumerate(ordered):
            roles[index] = _ROLE_OF[culture.order[min(position, len(culture.order) - 1)]]
    elif culture.family_first and free:
        roles[free[0]] = NameRole.FAMILY
        for index in free[1:]:
            roles[index] = NameRole.GIVEN
    else:
        slavic_inverted = (
            culture_key == "slavic"
            and len(free) == 2
            and len(name_indexes) == 3
            and roles[name_indexes[-1]] is NameRole.PATRONYMIC
        )
        if slavic_inverted:
            roles[free[0]] = NameRole.FAMILY
            roles[free[1]] = NameRole.GIVEN
        else:
            order = [role for role in culture.order if role != "family"] or ["given"]
            for position, index in enumerate(free):
                is_last = position == len(free) - 1
                if culture.family_names and len(free) >= 2 and is_last:
                    roles[index] = NameRole.FAMILY
                else:
                    roles[index] = _ROLE_OF[order[min(position, len(order) - 1)]]
    out: list[NamePart] = []
    for part, role in zip(parts, roles, strict=True):
        out.append(part if role is None else _with_role(part, role))
    return out


_PART_FIELDS = attrgetter(*(item.name for item in fields(NamePart)))
_ROLE_FIELD = next(number for number, item in enumerate(fields(NamePart)) if item.name == "role")


def _with_role(part: NamePart, role: NameRole) -> NamePart:
    """``part`` with another role: ``dataclasses.replace`` checks every field by name and
    took a tenth of a watchlist's index build."""
    values = list(_PART_FIELDS(part))
    values[_ROLE_FIELD] = role
    return NamePart(*values)


@lru_cache(maxsize=262144)
def _join(left: NamePart, right: NamePart) -> NamePart:
    """Two adjacent parts written as one (Mohammad Reza / Mohammadreza)."""
    lex = lexicon()
    forms = frozenset(
        canonical_form(a + b) for a in sorted(left.forms)[:2] for b in sorted(right.forms)[:2]
    )
    form = canonical_form(left.form + right.form)
    symbols: set[str] = set()
    for candidate in forms:
        symbols.update(lex.by_latin.get(candidate, ()))
    symbols.update(lex.by_native.get(native_key(left.text + right.text), ()))
    keys = {left_key + right_key for left_key in left.keys for right_key in right.keys}
    keys.update(phonetic_key(candidate) for candidate in forms)
    return NamePart(
        text=f"{left.text} {right.text}",
        latin=f"{left.latin}{right.latin}",
        form=form,
        role=left.role,
        script=left.script,
        forms=forms | {form},
        symbols=frozenset(symbols),
        cognates=frozenset(),
        keys=frozenset(keys),
        weight=max(left.weight, right.weight),
        bits=max(left.bits, right.bits),
        abjad=left.abjad or right.abjad,
    )


def _split_mrz(text: str) -> tuple[str, str] | None:
    """An MRZ name field ``SURNAME<<GIVEN<NAMES`` as (given, family); None if it is not one."""
    stripped = text.strip().strip("<")
    if "<<" not in stripped or " " in stripped:
        return None
    family, _, given = stripped.partition("<<")
    return given.replace("<", " "), family.replace("<", " ")


def analyse(
    name: str | None = None,
    *,
    given: str | None = None,
    family: str | None = None,
    culture: str | None = None,
    nationality: str | None = None,
    settings: NameMatchSettings = DEFAULT_SETTINGS,
) -> AnalysedName:
    """Analyse a personal name: a full name, an MRZ name field, or given names and family name.

    ``culture`` (a key of ``data/cultures.yaml``) overrides the inferred naming culture;
    ``nationality`` (ISO 3166 alpha-3, as in an MRZ) is a hint to it: a Somali national's
    Hussein Ali Farah is given + father + grandfather, not an Arabic name with a family name.
    """
    tokens: list[_Token] = []
    if name is not None and given is None and family is None:
        mrz = _split_mrz(name)
        if mrz is not None:
            given, family = mrz
        else:
            tokens = _tokenise(name, "full")
    if given is not None or family is not None:
        tokens = _tokenise(given or "", "given") + _tokenise(family or "", "family")
    text = name if name is not None else " ".join(item for item in (given, family) if item)
    groups = _merge_compounds(tokens)
    parts = [_part_from(group, settings) for group in groups]
    fields_of = [group[0].field for group in groups]
    script = detect_script(text)
    culture_key = _infer_culture(parts, script, culture, nationality)
    parts = _assign_roles(parts, fields_of, culture_key)
    names = tuple(part for part in parts if part.is_name)
    has_family_names = _data.culture_rules().cultures[culture_key].family_names
    weights = tuple(
        part.weight * settings.family_weight
        if has_family_names and part.role is NameRole.FAMILY
        else part.weight
        for part in names
    )
    return AnalysedName(
        text=text,
        parts=tuple(parts),
        script=script,
        culture=culture_key,
        names=names,
        weights=weights,
        total_weight=sum(weights),
    )
