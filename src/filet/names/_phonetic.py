"""The consonant-skeleton key: a phonetic key for names that reached Latin by transliteration.

Soundex, Metaphone and their kin were built for English spellings of English names; they key
on the first letter (Olena/Elena differ) and on English vowel and consonant rules. Names on
smuggling routes arrive transliterated from scripts that write no short vowels (Arabic, Hebrew)
or whose vowels each romanisation renders differently (Ge'ez, Cyrillic), so we key on the
consonants only, after folding the letter classes that romanisations confuse:

1. Digraphs fold to one class: ``sh sch ch tch tsch`` → X (Shevchenko, Chevtchenko,
   Schewtschenko; Chérif/Sharif), ``kh`` → K, ``gh`` → G, ``ph`` → F, ``th`` → T, ``dh`` → D,
   ``zh dzh dj`` → J, ``ck qu`` → K.
2. Letters fold: ``c k q`` → K (Qasim/Kasim), ``x`` → KS, ``v`` and an initial ``w`` → V.
3. A name that starts with a vowel, with ``y``, or with ``je ju jo`` (Slavic) starts with the
   vowel mark ``A``: Olena, Elena, Yelena and Jelena all key ``ALN``; Ali (علي) keys ``AL``.
4. Every other vowel and the semivowels ``y`` and ``w`` are dropped, so is an ``h`` ending a word
   after a vowel (Fatimah/Fatima, Abdullah/Abdulla).
5. Runs of one class collapse (Mohammed/Mohamed → ``MHMD``).

Arabic-script and Hebrew tokens are keyed letter by letter (each letter's Latin is one unit, so
ك+ه is K+H, not the digraph KH), once for each reading of their ambiguous letters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

_DIGRAPHS = [
    ("tsch", "X"),
    ("dzh", "J"),
    ("sch", "X"),
    ("tch", "X"),
    ("ch", "X"),
    ("sh", "X"),
    ("zh", "J"),
    ("dj", "J"),
    ("kh", "K"),
    ("gh", "G"),
    ("ph", "F"),
    ("th", "T"),
    ("dh", "D"),
    ("ck", "K"),
    ("qu", "K"),
]
_DIGRAPH_PATTERN = re.compile("|".join(source for source, _ in _DIGRAPHS))
_DIGRAPH_MAP = dict(_DIGRAPHS)
_LETTERS = str.maketrans(
    {
        "b": "B",
        "c": "K",
        "d": "D",
        "f": "F",
        "g": "G",
        "h": "H",
        "j": "J",
        "k": "K",
        "l": "L",
        "m": "M",
        "n": "N",
        "p": "P",
        "q": "K",
        "r": "R",
        "s": "S",
        "t": "T",
        "v": "V",
        "x": "KS",
        "z": "Z",
        "a": "",
        "e": "",
        "i": "",
        "o": "",
        "u": "",
        "y": "",
        "w": "",
    }
)
_VOWELS = frozenset("aeiouy")
_SLAVIC_J = re.compile("^j(?=[eou])")
_FINAL_H = re.compile("(?<=[aeiou])h$")


def _fold(unit: str) -> str:
    return _DIGRAPH_PATTERN.sub(lambda match: _DIGRAPH_MAP[match.group(0)], unit).translate(
        _LETTERS
    )


def _collapse(symbols: str) -> str:
    out: list[str] = []
    for symbol in symbols:
        if not out or out[-1] != symbol:
            out.append(symbol)
    return "".join(out)


def skeleton(units: Iterable[str]) -> str:
    """The key of a word given as units (the whole word, or one unit per abjad letter)."""
    parts = [unit for unit in units if unit]
    if not parts:
        return ""
    first = _SLAVIC_J.sub("y", parts[0])
    prefix = ""
    if first[0] in _VOWELS:
        prefix = "A"
    elif first[0] == "w":
        prefix = "V"
        first = first[1:]
    parts[0] = first
    parts[-1] = _FINAL_H.sub("", parts[-1]) if len(parts) == 1 else parts[-1]
    return _collapse(prefix + "".join(_fold(unit) for unit in parts))


@lru_cache(maxsize=65536)
def phonetic_key(word: str) -> str:
    """The consonant-skeleton key of one Latin word (lower-case ASCII letters).

    >>> phonetic_key("mohammed"), phonetic_key("muhamad"), phonetic_key("yelena")
    ('MHMD', 'MHMD', 'ALN')
    """
    return skeleton([word.lower()])
