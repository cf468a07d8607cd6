"""EDIFACT date and time values (``DTM`` format codes 101, 102, 201, 203, 204 and the
day-month-year form ``12JUL64`` of airline free text), read as given: no time-zone conversion."""

from __future__ import annotations

from datetime import date, datetime

from filet.passenger._normalise import is_digits

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    )
}
_MONTH_NAMES = {v: k for k, v in _MONTHS.items()}


def century_year(yy: int, past: bool, today: date | None = None) -> int:
    """A two-digit year in full: birth dates (``past``) are never in the future; other dates
    (expiry, flights, bookings) are taken in the 2000s up to 2069 and in the 1900s after."""
    if past:
        this = (today or date.today()).year
        year = 2000 + yy
        return year if year <= this else year - 100
    return 2000 + yy if yy < 70 else 1900 + yy


def parse_dtm(value: str, format_code: str | None, past: bool = False) -> datetime:
    """A ``DTM`` value by its format code (or by its length when the code is missing).

    Raises ``ValueError`` when the value does not fit.
    """
    text = value.strip()
    code = format_code or {6: "101", 8: "102", 10: "201", 12: "203"}.get(len(text))
    if not is_digits(text):
        raise ValueError(f"date {value!r} is not all digits")
    if code == "101" and len(text) == 6:
        return datetime(century_year(int(text[:2]), past), int(text[2:4]), int(text[4:6]))
    if code == "102" and len(text) == 8:
        return datetime(int(text[:4]), int(text[4:6]), int(text[6:8]))
    if code == "201" and len(text) == 10:
        year = century_year(int(text[:2]), past)
        return datetime(year, int(text[2:4]), int(text[4:6]), int(text[6:8]), int(text[8:10]))
    if code in {"203", "204"} and len(text) in {12, 14}:
        return datetime(
            int(text[:4]),
            int(text[4:6]),
            int(text[6:8]),
            int(text[8:10]),
            int(text[10:12]),
            int(text[12:14]) if len(text) == 14 else 0,
        )
    raise ValueError(f"date {value!r} does not match format {code}")


def parse_ddmmyy(value: str, time: str | None = None, past: bool = False) -> datetime:
    """A PNRGOV date ``DDMMYY`` with an optional time ``HHMM``."""
    text = value.strip()
    if len(text) != 6 or not is_digits(text):
        raise ValueError(f"date {value!r} is not DDMMYY")
    hour = minute = 0
    if time:
        if len(time) != 4 or not is_digits(time):
            raise ValueError(f"time {time!r} is not HHMM")
        hour, minute = int(time[:2]), int(time[2:])
    year = century_year(int(text[4:6]), past)
    return datetime(year, int(text[2:4]), int(text[:2]), hour, minute)


def parse_ddmonyy(value: str, past: bool = False) -> date:
    """A date of airline free text, ``12JUL64``."""
    text = value.strip().upper()
    if len(text) != 7 or not is_digits(text[:2]) or not is_digits(text[5:]):
        raise ValueError(f"date {value!r} is not DDMMMYY")
    month = _MONTHS.get(text[2:5])
    if month is None:
        raise ValueError(f"date {value!r} has no month name")
    return date(century_year(int(text[5:]), past), month, int(text[:2]))


def format_ddmonyy(value: date) -> str:
    return f"{value.day:02d}{_MONTH_NAMES[value.month]}{value.year % 100:02d}"


def format_ddmmyy(value: date) -> str:
    return f"{value.day:02d}{value.month:02d}{value.year % 100:02d}"


def format_yyyymmdd(value: date) -> str:
    """``DTM`` format 102; the same text as ``strftime("%Y%m%d")`` without its cost."""
    if value.year < 1000:
        return value.strftime("%Y%m%d")  # the C library decides the padding of such years
    return f"{value.year}{value.month:02d}{value.day:02d}"


def format_yyyymmddhhmm(value: datetime) -> str:
    """``DTM`` format 203; the same text as ``strftime("%Y%m%d%H%M")``."""
    return f"{format_yyyymmdd(value)}{value.hour:02d}{value.minute:02d}"


def format_hhmm(value: datetime) -> str:
    return f"{value.hour:02d}{value.minute:02d}"
