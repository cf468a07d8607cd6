"""Indexes over the data files: equivalence groups, cognates, compounds and token weights.

Built once per process from ``data/``; every lookup on the hot path is a dict or set probe.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from filet.names import _data

_ABD = re.compile(r"^abd(?:[aeiou]?l|[aeiou])?")
_GEBRE = re.compile(r"^g[ae]br[aeiu]?")
_WOLDE = re.compile(r"^w[aeo]ld[aeiu]?")
_ULLAH = re.compile(r"(?:ullah|ulla|ollah|olla|allah|alla|illah)$")
_UDDIN = re.compile(r"(?:uddin|udin|uddeen|eddine|eddin|edine|addin|aldin|aldeen|uldin|aldine)$")
_VOWELS = frozenset("aeiou")
_MARKS = re.compile("[\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u0640\u200c\u200d]")


# Letters that spellings of one name use interchangeably: Persian and Arabic forms of kaf and
# yeh, alif with or without hamza, ta marbuta; the Ge'ez homophone rows (ሐ ኀ → ሀ, ሠ → ሰ, ዐ → አ,
# ፀ → ጸ), and the Tigrinya/Amharic spellings of a word-initial a (ኣ / አ, ሃ / ሀ).
_NATIVE_FOLDS = str.maketrans(
    {
        "ی": "ي",
        "ى": "ي",
        "ې": "ي",
        "ک": "ك",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ۀ": "ه",
        "ہ": "ه",
        "ؤ": "و",
        "ئ": "ي",
        **{chr(0x1210 + order): chr(0x1200 + order) for order in range(8)},
        **{chr(0x1280 + order): chr(0x1200 + order) for order in range(8)},
        **{chr(0x1220 + order): chr(0x1230 + order) for order in range(8)},
        **{chr(0x12D0 + order): chr(0x12A0 + order) for order in range(8)},
        **{chr(0x1340 + order): chr(0x1338 + order) for order in range(8)},
        "\u12a3": "\u12a0",
        "\u1203": "\u1200",
    }
)


def native_key(text: str) -> str:
    """A native-script spelling as looked up: NFC, lower case, vowel marks and joiners removed,
    interchangeable letters folded."""
    folded = _MARKS.sub("", unicodedata.normalize("NFC", text)).lower().translate(_NATIVE_FOLDS)
    return folded.replace(" ", "")


def canonical_form(form: str) -> str:
    """The comparison form of a Latin token: compound prefixes and suffixes in one spelling.

    Abd al-Rahman, Abdelrahman, Abdurrahman and Abdirahman all become ``abdrahman``;
    Gabremedhin and Gebremedhin ``gebremedhin``; Habibulla ``habibullah``; Salaheddine
    ``salahuddin``.
    """
    if len(form) < 6:
        return form
    suffix = _ULLAH.search(form) or _UDDIN.search(form)
    if suffix and suffix.start() >= 3:
        canonical = "ullah" if suffix.re is _ULLAH else "uddin"
        form = form[: suffix.start()] + canonical
        if form.startswith("abd") and canonical == "ullah":
            return form
    if form.startswith("mc") and form[2:3] not in _VOWELS:
        form = "mac" + form[2:]  # McDonald, MacDonald
    for pattern, canonical in ((_ABD, "abd"), (_GEBRE, "gebre"), (_WOLDE, "wolde")):
        match = pattern.match(form)
        if match:
            rest = form[match.end() :]
            if len(rest) >= 2 and rest[0] == rest[1] and rest[0] not in "aeiou":
                rest = rest[1:]  # assimilated article: Abdur-rahman, Abdus-salam
            if len(rest) >= 3:
                return canonical + rest
    return form


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Lookups built from the data files."""

    by_latin: dict[str, frozenset[str]]
    by_native: dict[str, frozenset[str]]
    cognates: dict[str, frozenset[str]]
    variants: dict[str, tuple[str, ...]]
    cultures: dict[str, tuple[str, ...]]
    per_million: dict[str, float]
    loose: dict[str, frozenset[str]]
    nicknames: dict[str, frozenset[str]]
    wade_giles: dict[str, tuple[str, ...]]


@cache
def lexicon() -> Lexicon:
    """The lexicon of the shipped data files."""
    by_latin: dict[str, set[str]] = {}
    by_native: dict[str, set[str]] = {}
    variants: dict[str, tuple[str, ...]] = {}
    cultures: dict[str, tuple[str, ...]] = {}
    from filet.names._translit import latin_forms

    for group in _data.equivalences().groups:
        spellings: list[str] = []
        for spelling in (group.id, *group.latin):
            for form in latin_forms(spelling.replace(" ", ""), "Latin"):
                by_latin.setdefault(canonical_form(form), set()).add(group.id)
                spellings.append(form)
        for spelling in group.native:
            by_native.setdefault(native_key(spelling), set()).add(group.id)
        variants[group.id] = tuple(dict.fromkeys(spellings))
        cultures[group.id] = group.cultures
    cognates: dict[str, set[str]] = {}
    for left, right in _data.equivalences().cognates:
        cognates.setdefault(left, set()).add(right)
        cognates.setdefault(right, set()).add(left)
    per_million: dict[str, float] = {}
    for name, value in _data.frequencies().items():
        per_million[name] = value
        for form in latin_forms(name, "Latin"):
            per_million.setdefault(canonical_form(form), value)
    loose: dict[str, set[str]] = {}
    for form, symbols in by_latin.items():
        loose.setdefault(_loose(form), set()).update(symbols)
    nicknames: dict[str, set[str]] = {}
    for full, short in _data.hypocoristics():
        symbol = f"h:{full}"
        owners = by_latin.get(full, set()) or {full}
        for owner in owners:
            nicknames.setdefault(owner, set()).add(symbol)
        for form in short:
            nicknames.setdefault(form, set()).add(symbol)
    wade_giles: dict[str, list[str]] = {}
    for pinyin, spelling in _data.chinese_romanisation().items():
        wade_giles.setdefault(spelling, []).append(pinyin)
    return Lexicon(
        by_latin={key: frozenset(value) for key, value in by_latin.items()},
        by_native={key: frozenset(value) for key, value in by_native.items()},
        cognates={key: frozenset(value) for key, value in cognates.items()},
        variants=variants,
        cultures=cultures,
        per_million=per_million,
        loose={key: frozenset(value) for key, value in loose.items() if len(value) == 1},
        nicknames={key: frozenset(value) for key, value in nicknames.items()},
        wade_giles={key: tuple(value) for key, value in wade_giles.items()},
    )


_SOMALI_AIN = re.compile("(?:(?<=^)|(?<=[aeiou]))c(?=[aeiou])")
_LONG_VOWELS = (("oo", "u"), ("ee", "i"), ("aa", "a"), ("ii", "i"), ("uu", "u"))


def _loose(form: str) -> str:
    """A Latin spelling with long vowels written once (Noori/Nuri, Kareem/Karim, Faadumo)."""
    for double, single in _LONG_VOWELS:
        form = form.replace(double, single)
    return form


def loose_symbols(form: str) -> frozenset[str]:
    """The one group a Latin spelling unknown as written belongs to once long vowels are
    written once and Somali orthography (c for ʿain, x for ḥ) read: Cabdullaahi, Noori, Xasan.
    Empty when no group, or more than one, answers."""
    table = lexicon().loose
    found = table.get(_loose(form))
    if found is None and ("c" in form or "x" in form):
        found = table.get(_loose(_SOMALI_AIN.sub("", form).replace("x", "h")))
    return found or frozenset()


@cache
def chinese_syllables() -> frozenset[str]:
    """Every pinyin and Wade-Giles syllable (``chinese_romanisation.csv``)."""
    table = _data.chinese_romanisation()
    return frozenset(table) | frozenset(table.values())


def nickname_groups(forms: Iterable[str], symbols: frozenset[str]) -> frozenset[str]:
    """The hypocoristic groups of a part: Andy and Andrew (and Andreas) share ``h:andrew``."""
    table = lexicon().nicknames
    found: set[str] = set()
    for key in (*forms, *symbols):
        found.update(table.get(key, ()))
    return frozenset(found)


def extra_forms(form: str, script: str, text: str) -> tuple[str, ...]:
    """Further Latin readings of a token: Chinese syllables in the other romanisation (Wade-Giles
    Chiang for pinyin Jiang and Qiang, and back), Turkish ç and ş written ch and sh."""
    lex = lexicon()
    out: list[str] = []
    if script == "Han":
        from filet.names._translit import latin_forms

        syllables = [latin_forms(char, "Han") for char in text if not char.isspace()]
        if syllables and all(syllables):
            readings = [""]
            pinyin_to_wg = _data.chinese_romanisation()
            for options in syllables:
                spellings = dict.fromkeys((options[0], pinyin_to_wg.get(options[0], options[0])))
                readings = [r + spelling for r in readings for spelling in spellings][:4]
            out.extend(readings)
    elif script == "Latin":
        if form not in lex.by_latin:
            out.extend(lex.wade_giles.get(form, ()))
        lowered = text.lower()
        if " " not in lowered and ("ç" in lowered or "ş" in lowered):
            out.append(lowered.replace("ç", "ch").replace("ş", "sh"))
    return tuple(o for o in out if o != form and o.isascii() and o.isalpha())


def token_bits(form: str, symbols: frozenset[str], unlisted_per_million: float) -> float:
    """Information carried by a token, in bits: log2(1e6 / people per million carrying it)."""
    table = lexicon().per_million
    found = [table[symbol] for symbol in symbols if symbol in table]
    if form in table:
        found.append(table[form])
    per_million = max(found) if found else unlisted_per_million
    return math.log2(1_000_000 / per_million)
