"""Transliteration of name tokens to Latin letters, script by script.

Where a well-kept library writes names the way people on these routes write them, we use it:
ICU (PyICU) for Cyrillic (BGN/PCGN, with the Ukrainian, Belarusian and Serbian variants), Greek
(UNGEGN), Devanagari, Bengali, Han and every other script, and ICU's ``Latin-ASCII`` to fold
diacritics; ``anyascii`` is the last resort for anything ICU leaves outside ASCII. ``rigour``
(OpenSanctions) admits only six scripts and hands the rest to ICU through ``normality``, whose
output for the scripts that matter here is worse than ICU's own (ʿ and ǝ become ``?``:
ተስፋዬ → "tas?faye"), so we do not use it for transliteration.

Three scripts get our own reviewed tables (``data/*.csv``), because ICU's output is not what
anyone writes in a passport or a watchlist:

* **Arabic script** (Arabic, Persian/Dari, Pashto, Urdu, Kurdish): ICU gives scholarly forms
  with diacritics and the ʿain sign, and knows no Pashto letters (ګ, ښ, ږ stay Arabic). Short
  vowels are not written, so no table can restore them; ours writes the consonants and long
  vowels consistently and gives a second reading of ambiguous letters (waw as w or u, yeh as y
  or i). The common romanisations come from the equivalence groups, not from guessed vowels.
* **Hebrew**: the same abjad problem; matres lectionis and begadkefat letters get two readings.
* **Ge'ez** (Tigrinya, Amharic): ICU writes every syllable's vowel (ተስፋዬ → "tasǝfaye"); names
  are written with the sixth-order vowel dropped (Tesfaye), which our syllable table does.

Devanagari and Bengali go through ICU and then lose the inherent vowel at the end of a word
(राजेश → "rajesh", not "rajesa"), as names are written.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

import icu
from anyascii import anyascii

from filet.names import _data
from filet.names._script import detect_script

_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200c\u200d]")
_HEBREW_MARKS = re.compile("[\u0591-\u05c7]")
_NOT_LETTER = re.compile("[^a-z]")
_ABJADS = {"Arabic": "arabic_script.csv", "Hebrew": "hebrew_script.csv"}
ABJAD_SCRIPTS = frozenset(_ABJADS)

# German/Nordic letters that ICAO Doc 9303 writes with two letters; Latin-ASCII drops the mark.
_ICAO_DIGRAPHS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "å": "aa", "ø": "oe"})
# Indic consonants that names write with two Latin letters (ś/ṣ → sh).
_INDIC_FOLDS = str.maketrans({"ś": "sh", "ṣ": "sh", "Ś": "Sh", "Ṣ": "Sh"})
_INDEPENDENT_VOWELS = frozenset({"A", "AA", "I", "II", "U", "UU", "E", "EE", "AI", "O", "OO", "AU"})


@cache
def _transliterator(transform_id: str) -> icu.Transliterator:
    return icu.Transliterator.createInstance(transform_id)


def _icu(text: str, transform_id: str) -> str:
    return str(_transliterator(transform_id).transliterate(text))


def _ascii(text: str) -> str:
    folded = _icu(text, "Latin-ASCII")
    return folded if folded.isascii() else str(anyascii(folded))


def _letters(text: str) -> str:
    return _NOT_LETTER.sub("", text.lower())


def _abjad_forms(token: str, table_name: str) -> tuple[str, ...]:
    table = _data.letter_table(table_name)
    letters = [char for char in token if char in table]
    primary: list[str] = []
    alternative: list[str] = []
    last = len(letters) - 1
    for index, char in enumerate(letters):
        rule = table[char]
        if index == 0:
            written = rule.initial
        elif index == last:
            written = rule.final
        else:
            written = rule.medial
        primary.append(written)
        # The Persian and Urdu s and z readings (ث ذ ض) apply at the start of a word too: Sana.
        usable = rule.alternative and (index > 0 or rule.alternative in ("s", "z"))
        alternative.append(rule.alternative if usable else written)
    forms = ["".join(primary), "".join(alternative)]
    return tuple(dict.fromkeys(form for form in forms if form))


def _ethiopic_form(token: str) -> str:
    """Ge'ez syllables to Latin, sixth order without a vowel (vowel reduction)."""
    rows = {row.start: row for row in _data.ethiopic_rows()}
    out: list[str] = []
    sixth: list[bool] = []
    for char in token:
        code = ord(char)
        row = rows.get(code & ~7)
        if row is None:
            continue
        order = code & 7
        if row.labialised:
            vowel = {0: "e", 2: "i", 3: "a", 4: "e", 5: ""}.get(order, "a")
            out.append(row.consonant.removesuffix("w") + "w" + vowel if vowel else row.consonant)
            sixth.append(order == 5)
            continue
        consonant = row.consonant
        if order == 7:
            out.append(consonant + "wa")
        elif order == 5:
            out.append(consonant if consonant else "e")
        else:
            # The laryngeal rows read a in the first order at the start of a word (አበበ Abebe)
            # and e after it (በርሀ Berhe).
            first = row.first_vowel if not out else "e"
            vowel = (first, "u", "i", "a", "e", "", "o")[order]
            out.append(consonant + vowel)
        sixth.append(order == 5 and bool(consonant))
    # A word ending in two vowelless consonants is written with an i between them (መድህን: medhin).
    if len(out) >= 3 and sixth[-1] and sixth[-2]:
        out[-1] = "i" + out[-1]
    return "".join(out)


def _indic_form(token: str, script: str) -> str:
    latin = _icu(token, f"{script}-Latin").translate(_INDIC_FOLDS)
    last = token[-1] if token else ""
    if last and unicodedata.category(last) == "Lo":
        name = unicodedata.name(last, "")
        if "LETTER" in name and name.split()[-1] not in _INDEPENDENT_VOWELS:
            latin = latin.removesuffix("a")
    return _ascii(latin)


def cyrillic_transform(text: str) -> str:
    """The ICU transform for a Cyrillic name, chosen from the letters of the whole name
    (Юрій Мельник is Ukrainian although Мельник alone could be Russian)."""
    lowered = text.lower()
    if any(char in lowered for char in "іїєґ"):
        return "Ukrainian-Latin/BGN"
    if "ў" in lowered:
        return "Belarusian-Latin/BGN"
    if any(char in lowered for char in "ђћџљњј"):
        return "Serbian-Latin/BGN"
    return "Russian-Latin/BGN"


@lru_cache(maxsize=65536)
def latin_forms(
    token: str, script: str | None = None, cyrillic: str | None = None
) -> tuple[str, ...]:
    """Latin spellings of one token: lower-case ASCII letters, the usual reading first.

    Abjad tokens get a second reading of their ambiguous letters; Latin tokens with umlauts get
    the ICAO two-letter spelling too (Müller → muller, mueller). ``cyrillic`` is the transform
    chosen for the whole name (:func:`cyrillic_transform`); by default, from the token alone.
    """
    script = script or detect_script(token)
    forms: list[str]
    if script == "Latin":
        lowered = unicodedata.normalize("NFC", token.lower())
        forms = [_ascii(lowered), _ascii(lowered.translate(_ICAO_DIGRAPHS))]
    elif script == "Arabic":
        forms = list(_abjad_forms(_ARABIC_MARKS.sub("", token), _ABJADS[script]))
    elif script == "Hebrew":
        forms = list(_abjad_forms(_HEBREW_MARKS.sub("", token), _ABJADS[script]))
    elif script == "Ethiopic":
        forms = [_ethiopic_form(token)]
    elif script == "Cyrillic":
        forms = [_ascii(_icu(token, cyrillic or cyrillic_transform(token)))]
    elif script == "Greek":
        forms = [_ascii(_icu(token, "Greek-Latin/UNGEGN"))]
    elif script in ("Devanagari", "Bengali"):
        forms = [_indic_form(token, script)]
    else:
        forms = [_ascii(_icu(token, "Any-Latin"))]
    cleaned = (_letters(form) for form in forms)
    return tuple(dict.fromkeys(form for form in cleaned if form))


def transliterate(text: str) -> str:
    """Write ``text`` in Latin letters (ASCII), token by token, in the usual reading.

    Capitalisation follows the original where the script has case; abjad and Ge'ez names come
    out in lower case. Arabic-script names keep only what the script writes (محمد → "mhmd"); use
    :func:`filet.names.analyse` for the common romanisations of known names.
    """
    out: list[str] = []
    transform = cyrillic_transform(text)
    for token in text.split():
        forms = latin_forms(token, None, transform)
        if not forms:
            continue
        form = forms[0]
        if token.isupper():
            form = form.upper()
        elif token[:1].isupper():
            form = form.capitalize()
        out.append(form)
    return " ".join(out)
