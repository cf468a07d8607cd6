"""ICAO Doc 9303 part 3 transliteration of names into MRZ characters (``A``-``Z`` and ``<``).

The tables are data files in ``data/transliteration/`` (Latin letters that do not simply lose their
diacritic, Cyrillic, Greek, Arabic with Persian/Urdu/Pashto letters), each row with the recommended
MRZ form and the alternatives Doc 9303 allows, so that a reviewer can check them against the
standard. A Latin letter that is not in the table is written as its base letter (``É`` -> ``E``),
which is the Doc 9303 rule for every diacritic not listed.

General transliteration libraries (ICU, anyascii) do not follow Doc 9303 (``Ä`` -> ``AE``, Arabic
``X`` escapes, ``Х`` -> ``KH``), hence these tables.
"""

from __future__ import annotations

import csv
import itertools
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from filet.errors import InputError, Place

__all__ = ["mrz_name_variants", "transliterate_mrz_name"]

_TABLES = ("latin", "cyrillic", "greek", "arabic")
_SEPARATORS = frozenset(" -\u2010\u2011\u2012\u2013\u00a0,")
_DROPPED = frozenset("'’ʼ‘`´.")
_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_MAX_VARIANTS = 32


@dataclass(frozen=True, slots=True)
class _Entry:
    mrz: str
    alternatives: tuple[str, ...]
    final: str | None
    """The MRZ form when the character ends a name component (Arabic teh marbuta)."""
    double: bool
    """The character doubles the preceding letter (Arabic shadda)."""


@lru_cache(maxsize=1)
def _table() -> dict[str, _Entry]:
    rows: list[dict[str, str]] = []
    folder = resources.files("filet.documents").joinpath("data", "transliteration")
    for name in _TABLES:
        text = folder.joinpath(f"{name}.csv").read_text(encoding="utf-8")
        rows.extend(csv.DictReader(text.splitlines()))
    table: dict[str, _Entry] = {}
    finals: dict[str, str] = {}
    for row in rows:
        source = unicodedata.normalize("NFC", row["source"])
        if row["rule"] == "final":
            finals[source] = row["mrz"]
            continue
        alternatives = tuple(a for a in row["alternatives"].split("|") if a)
        table[source] = _Entry(row["mrz"], alternatives, None, row["rule"] == "double")
    for source, mrz in finals.items():
        entry = table[source]
        table[source] = _Entry(entry.mrz, entry.alternatives, mrz, entry.double)
    return table


def _units(name: str, field: str | None) -> list[tuple[str, ...]]:
    """The name as a list of units, each the tuple of its allowed MRZ forms (first preferred)."""
    table = _table()
    text = unicodedata.normalize("NFC", name).upper()
    units: list[tuple[str, ...]] = []
    index = 0
    while index < len(text):
        pair = text[index : index + 2]
        entry = table.get(pair) if len(pair) == 2 else None
        width = 2 if entry else 1
        char = text[index]
        if entry is None:
            entry = table.get(char)
        if entry is not None:
            if entry.double:
                if units and units[-1] != ("<",):
                    units.append(units[-1])
            else:
                following = text[index + width : index + width + 1]
                at_end = not following or following in _SEPARATORS
                if entry.final is not None and at_end:
                    units.append((entry.final, entry.mrz))
                else:
                    units.append((entry.mrz, *entry.alternatives))
        elif char in _ASCII_LETTERS:
            units.append((char,))
        elif char in _SEPARATORS or char.isspace():
            units.append(("<",))
        elif char in _DROPPED or unicodedata.category(char) == "Mn":
            pass
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFD", char) if unicodedata.category(c) != "Mn"
            )
            if base and all(c in _ASCII_LETTERS for c in base):
                units.append((base,))
            else:
                what = "digits" if char.isdigit() else f"{char!r} (U+{ord(char):04X})"
                raise InputError(
                    f"no MRZ transliteration for {what}: expected letters of the Latin, Cyrillic, "
                    "Greek or Arabic script, spaces, hyphens or apostrophes",
                    Place(position=index + 1, field=field),
                )
        index += width
    return units


def _join(parts: list[str]) -> str:
    return "<".join(p for p in "".join(parts).split("<") if p)


def transliterate_mrz_name(name: str, *, field: str | None = None) -> str:
    """The MRZ form of one name (a primary or a secondary identifier) by Doc 9303 part 3.

    Letters are upper-cased and transliterated (``Müller`` -> ``MUELLER``, ``Ерёменко`` ->
    ``EREMENKO``, ``Παπαδόπουλος`` -> ``PAPADOPOULOS``, ``محمد`` -> ``MXHMD``); spaces and hyphens
    become ``<`` and apostrophes are dropped. Raises :class:`~filet.errors.InputError` naming the
    position of a character that has no MRZ form (``field`` is put in the error's place).
    """
    return _join([unit[0] for unit in _units(name, field)])


def mrz_name_variants(name: str, *, field: str | None = None) -> tuple[str, ...]:
    """Every MRZ spelling Doc 9303 allows for ``name`` (``Jürgen`` -> ``JUERGEN``, ``JURGEN``,
    ``JUXXRGEN``), the recommended one first; at most 32."""
    units = _units(name, field)
    out: list[str] = []
    seen: set[str] = set()
    for combination in itertools.islice(itertools.product(*units), _MAX_VARIANTS * 4):
        spelled = _join(list(combination))
        if spelled not in seen:
            seen.add(spelled)
            out.append(spelled)
        if len(out) == _MAX_VARIANTS:
            break
    return tuple(out)
