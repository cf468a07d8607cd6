"""Writing an MRZ from document data: field layout, check digits, name transliteration, truncation.

Extended document numbers (over 9 characters, TD1 and TD2 only) are written the Doc 9303 way: the
first 9 characters in the number field, ``<`` in its check digit position, the rest and the check
digit (computed over the whole number, without the ``<``) at the start of the optional data.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from filet.documents._checkdigit import check_digit
from filet.documents._layout import LAYOUTS, Layout, MRZFormat, Pos, Span
from filet.documents._transliteration import transliterate_mrz_name
from filet.errors import InputError, Place
from filet.model.countries import icao_code, is_valid_icao_code, mrz_country_field

_ALNUM = re.compile(r"[A-Z0-9]+")
_OPTIONAL = re.compile(r"[A-Z0-9<]*")
_DATE_WITH_UNKNOWN = re.compile(r"(\d\d|<<|XX)(\d\d|<<|XX)(\d\d|<<|XX)")
_DEFAULT_CODE = {
    MRZFormat.TD1: "I",
    MRZFormat.TD2: "I",
    MRZFormat.TD3: "P",
    MRZFormat.MRV_A: "V",
    MRZFormat.MRV_B: "V",
}
_CODE_FIRST = {
    MRZFormat.TD1: "ACI",
    MRZFormat.TD2: "ACI",
    MRZFormat.TD3: "P",
    MRZFormat.MRV_A: "V",
    MRZFormat.MRV_B: "V",
}


@dataclass(frozen=True, slots=True)
class DocumentData:
    """What a travel document says about its holder, as needed to write its MRZ.

    Names are given as printed (any supported script); the writer transliterates them. A birth date
    may be a ``YYMMDD`` string with ``<<`` or ``XX`` for unknown parts.
    """

    format: MRZFormat
    issuing_state: str
    surname: str
    """The primary identifier."""
    given_names: str
    """The secondary identifier ('' when the holder has a single name)."""
    document_number: str
    nationality: str
    birth_date: dt.date | str
    sex: str
    """``M``, ``F``, ``X``, or ``<``/'' for unspecified."""
    expiry_date: dt.date
    document_code: str | None = None
    """One or two letters; default ``P`` (TD3), ``V`` (visas), ``I`` (TD1, TD2)."""
    optional_data: str = ""
    """Personal number (TD3) or optional data of line 1 (TD1) / line 2 (the others)."""
    optional_data_2: str = ""
    """Optional data of TD1 line 2."""


def _bad(message: str, field: str) -> InputError:
    return InputError(message, Place(field=field))


def mrz_name_field(primary: str, secondary: str, width: int) -> tuple[str, bool]:
    """The name field (primary ``<<`` secondary, filled with ``<``) and whether it was truncated.

    Truncation follows Doc 9303 part 3: the name is cut at the field edge, so a truncated name ends
    with a letter in the last position; when the primary identifier alone is too long it is cut so
    that ``<<`` and the first letter of the secondary identifier still fit.
    """
    full = f"{primary}<<{secondary}" if secondary else primary
    if len(full) <= width:
        return full.ljust(width, "<"), False
    if not secondary or len(primary) + 2 < width:
        return full[:width], True
    return f"{primary[: width - 3]}<<{secondary[0]}", True


def write_mrz(document: DocumentData, *, specimen: bool = False) -> tuple[str, ...]:
    """The MRZ lines of ``document``.

    Raises :class:`~filet.errors.InputError` naming the field that cannot be written (unknown
    country code, document number too long for the format, a name character with no MRZ form, ...).
    ``specimen`` allows the specimen state ``UTO``.
    """
    layout = LAYOUTS[MRZFormat(document.format)]
    lines = [["<"] * layout.width for _ in range(layout.lines)]

    def put(span: Span, text: str) -> None:
        line, start, end = span
        lines[line][start : start + len(text)] = list(text)
        assert start + len(text) <= end

    def put_at(pos: Pos, char: str) -> None:
        lines[pos[0]][pos[1]] = char

    def text(span: Span) -> str:
        line, start, end = span
        return "".join(lines[line][start:end])

    put(layout.document_code, _document_code(document, layout))
    put(layout.issuing_state, _country(document.issuing_state, "issuing_state", specimen))
    put(layout.nationality, _country(document.nationality, "nationality", specimen))

    primary = _transliterated(document.surname, "surname")
    secondary = _transliterated(document.given_names, "given_names")
    if not primary:
        raise _bad("expected a surname (primary identifier)", "surname")
    _, name_start, name_end = layout.name
    name, _ = mrz_name_field(primary, secondary, name_end - name_start)
    put(layout.name, name)

    number = "".join(document.document_number.split()).upper().replace("<", "")
    if not _ALNUM.fullmatch(number):
        raise _bad(
            f"document number {document.document_number!r}: expected letters and digits",
            "document_number",
        )
    optional = _optional(document.optional_data, "optional_data")
    _, opt_start, opt_end = layout.optional_data
    room = opt_end - opt_start
    if len(number) <= 9:
        put(layout.document_number, number)
        put_at(layout.document_number_check, check_digit(text(layout.document_number)))
    elif layout.extended_number:
        overflow = number[9:] + check_digit(number)
        put(layout.document_number, number[:9])
        optional = overflow + ("<" + optional if optional else "")
    else:
        raise _bad(
            f"document number {number!r} has {len(number)} characters: a {layout.format} "
            "number has at most 9 (only TD1 and TD2 carry extended numbers)",
            "document_number",
        )
    if len(optional) > room:
        raise _bad(
            f"optional data {optional!r} has {len(optional)} characters: at most {room} fit "
            f"({layout.format})",
            "optional_data",
        )
    put(layout.optional_data, optional)

    if layout.optional_data_2 is not None:
        optional_2 = _optional(document.optional_data_2, "optional_data_2")
        _, o2_start, o2_end = layout.optional_data_2
        if len(optional_2) > o2_end - o2_start:
            raise _bad(
                f"optional data 2 has {len(optional_2)} characters: at most {o2_end - o2_start}",
                "optional_data_2",
            )
        put(layout.optional_data_2, optional_2)
    elif document.optional_data_2:
        raise _bad(f"a {layout.format} MRZ has no second optional data field", "optional_data_2")

    put(layout.birth_date, _birth_date(document.birth_date))
    put_at(layout.birth_date_check, check_digit(text(layout.birth_date)))
    put(layout.expiry_date, _date(document.expiry_date, "expiry_date"))
    put_at(layout.expiry_date_check, check_digit(text(layout.expiry_date)))
    put_at(layout.sex, _sex(document.sex))
    if layout.optional_data_check is not None:
        data = text(layout.optional_data)
        put_at(layout.optional_data_check, check_digit(data) if data.strip("<") else "<")
    if layout.composite_check is not None:
        composite = "".join(text(span) for span in layout.composite_spans)
        put_at(layout.composite_check, check_digit(composite))
    return tuple("".join(line) for line in lines)


def _document_code(document: DocumentData, layout: Layout) -> str:
    code = (document.document_code or _DEFAULT_CODE[layout.format]).strip().upper()
    first = _CODE_FIRST[layout.format]
    if not 1 <= len(code) <= 2 or code[0] not in first or not all(c.isalpha() for c in code):
        raise _bad(
            f"document code {code!r}: a {layout.format} code is {' or '.join(first)}, "
            "optionally followed by a letter",
            "document_code",
        )
    return code


@lru_cache(maxsize=8192)
def _transliterated(name: str, field: str) -> str:
    """:func:`transliterate_mrz_name`, remembered: writers of many documents meet the same
    names again and again (an error is raised again each time, never remembered)."""
    return transliterate_mrz_name(name, field=field)


@lru_cache(maxsize=1024)
def _country(code: str, field: str, specimen: bool) -> str:
    known = icao_code(code)
    if known is None or not is_valid_icao_code(known, specimen=specimen):
        hint = " (the specimen state: pass specimen mode)" if code.strip().upper() == "UTO" else ""
        raise _bad(f"{code!r} is not an ICAO country code{hint}", field)
    return mrz_country_field(known)


def _optional(value: str, field: str) -> str:
    cleaned = "<".join(value.upper().split())
    if not _OPTIONAL.fullmatch(cleaned):
        raise _bad(f"{value!r}: expected letters, digits and '<'", field)
    return cleaned.rstrip("<")


def _date(value: dt.date, field: str) -> str:
    if not isinstance(value, dt.date):
        raise _bad(f"expected a date, found {value!r}", field)
    return value.strftime("%y%m%d")


def _birth_date(value: dt.date | str) -> str:
    if isinstance(value, dt.date):
        return value.strftime("%y%m%d")
    raw = value.strip().upper()
    if not _DATE_WITH_UNKNOWN.fullmatch(raw):
        raise _bad(
            f"birth date {value!r}: expected a date or YYMMDD with '<<' or 'XX' for unknown parts",
            "birth_date",
        )
    return raw


def _sex(value: str) -> str:
    sex = value.strip().upper() or "<"
    if sex not in ("M", "F", "X", "<"):
        raise _bad(f"sex {value!r}: expected M, F, X or '<' (unspecified)", "sex")
    return sex
