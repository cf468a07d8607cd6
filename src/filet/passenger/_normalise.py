"""Normalisation of the values airlines send in many shapes: names, flight numbers, seats, phones,
e-mail addresses, card numbers, document numbers.

Phones go through ``phonenumbers`` (Google's libphonenumber tables). Names are only folded to a
comparable Latin upper-case form here (the ``filet.names`` capability does the real name analysis);
we use ``anyascii`` for transliteration.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import phonenumbers
from anyascii import anyascii

from filet.passenger._codes import codes

_FLIGHT_DIGITS = re.compile(r"^(\d{1,5})([A-Z]?)$", re.ASCII)
# a carrier designator has at least one letter: IATA two characters, ICAO three letters
_FLIGHT_PREFIXED = re.compile(
    r"^((?=[A-Z0-9]{0,2}[A-Z])[A-Z0-9]{2}[A-Z]?)\s*(\d{1,5})([A-Z]?)$", re.ASCII
)
_SEAT = re.compile(r"^0*(\d{1,3})([A-Z])$", re.ASCII)
_NON_NAME = re.compile(r"[^A-Z ]+")
_SPACES = re.compile(r"\s+")
_DOC_NUMBER = re.compile(r"^[A-Z0-9<]{1,20}$")


def is_digits(text: str) -> bool:
    """ASCII digits only (``str.isdigit`` also accepts ``²``, which ``int`` refuses)."""
    return text.isascii() and text.isdigit()


def normalise_name(name: str) -> str:
    """Upper-case Latin letters and single spaces: ``O'Leary`` becomes ``OLEARY``, ``Jean-Luc``
    becomes ``JEAN LUC``; other scripts are transliterated."""
    text = anyascii(unicodedata.normalize("NFC", name)).upper()
    text = text.replace("'", "").replace("`", "")
    text = _NON_NAME.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def normalise_given_names(names: str) -> str:
    """Given names normalised like :func:`normalise_name`, without a trailing title
    (``JOHN MR``, ``JOHNMR`` and ``John`` all become ``JOHN``)."""
    tables = codes()
    words = normalise_name(names).split(" ")
    while len(words) > 1 and words[-1] in tables.name_titles:
        words.pop()
    if words:
        last = words[-1]
        for title in tables.glued_name_titles:
            if last.endswith(title) and len(last) - len(title) >= 2:
                words[-1] = last[: -len(title)]
                break
    return " ".join(w for w in words if w)


def normalise_flight_number(number: str, carrier: str = "") -> tuple[str, str, str]:
    """Split and pad a flight number: (``"XX123"``) or (``"123"``, ``"XX"``) give
    (``"XX"``, ``"0123"``, ``""``); an operational suffix letter is returned third.

    A value that does not look like a flight number is returned unchanged (upper-cased) so that
    nothing the sender wrote is lost; the caller flags it.
    """
    carrier = carrier.strip().upper()
    raw = number.strip().upper()
    if carrier and raw.startswith(carrier) and is_digits(raw[len(carrier) :].strip()[:1]):
        raw = raw[len(carrier) :].strip()
    match = _FLIGHT_DIGITS.match(raw)
    if match is None:
        match = _FLIGHT_PREFIXED.match(raw)
        if match is None or (carrier and match.group(1) != carrier):
            return carrier, raw, ""
        carrier = match.group(1)
        digits, suffix = match.group(2), match.group(3)
    else:
        digits, suffix = match.group(1), match.group(2)
    digits = digits.lstrip("0") or "0"
    if len(digits) > 4:
        return carrier, raw, ""
    return carrier, digits.zfill(4), suffix


def normalise_seat(seat: str) -> str:
    """``074E`` becomes ``74E``; anything that is not a seat (``XXX``) is kept as sent."""
    text = seat.strip().upper()
    match = _SEAT.match(text)
    if match is None:
        return text
    return f"{int(match.group(1))}{match.group(2)}"


def mask_card_number(number: str) -> str:
    """Keep a payment card number only masked: every digit but the last four becomes ``X``."""
    text = number.strip()
    digits_seen = 0
    out: list[str] = []
    total_digits = sum(ch.isdigit() for ch in text)
    for ch in text:
        if ch.isdigit():
            digits_seen += 1
            out.append(ch if digits_seen > total_digits - 4 else "X")
        else:
            out.append(ch)
    return "".join(out)


def normalise_phone(text: str, region: str | None) -> str | None:
    """E.164 form of a phone number, or ``None`` when its country cannot be known.

    ``region`` is an ISO 3166 alpha-2 or alpha-3 code (booking address country, agency country);
    numbers written with ``+`` or ``00`` need no region.
    """
    digits = re.sub(r"[^\d+]", "", text)
    if not digits:
        return None
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    alpha2 = _alpha2(region) if region else None
    if not digits.startswith("+") and alpha2 is None:
        return None
    try:
        parsed = phonenumbers.parse(digits, None if digits.startswith("+") else alpha2)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(text: str) -> str:
    """E-mail as written in airline systems (``//`` for ``@``, ``..`` for ``_``), lower-cased."""
    value = text.strip()
    if "@" not in value and "//" in value:
        value = value.replace("//", "@")
        value = value.replace("..", "_")
    return value.lower()


def document_number_is_valid(number: str) -> bool:
    """A travel document number: 1 to 20 letters or digits (ICAO 9303 allows up to 9 in the MRZ
    field but national cards and visas run longer)."""
    return bool(_DOC_NUMBER.match(number.strip().upper()))


def _alpha2(code: str) -> str | None:
    code = code.strip().upper()
    if len(code) == 2 and code.isalpha():
        return code
    return _alpha3_table().get(code)


@cache
def _alpha3_table() -> dict[str, str]:
    """ISO 3166 alpha-3 to alpha-2 (from Babel's CLDR data) plus ICAO 9303's own codes."""
    from babel.core import get_global

    aliases = get_global("territory_aliases")
    table = {
        key: value[0]
        for key, value in aliases.items()
        if len(key) == 3 and key.isalpha() and value and len(value[0]) == 2
    }
    table.update(codes().icao_country_codes)
    return table
