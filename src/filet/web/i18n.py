"""Translations of the web UI (gettext catalogues edited with Babel).

The ``.po`` catalogues under ``web/i18n/<lang>/LC_MESSAGES/`` are compiled in memory at start-up
(no compiled ``.mo`` files to keep in step). The current language lives in a context variable so
one Jinja2 environment serves every request.
"""

from __future__ import annotations

import io
from contextvars import ContextVar
from functools import cache
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français", "ar": "العربية"}
RTL_LANGUAGES = frozenset({"ar"})

current_language: ContextVar[str] = ContextVar("current_language", default="en")


@cache
def translations(language: str) -> NullTranslations:
    if language == "en" or language not in LANGUAGES:
        return NullTranslations()
    path = resources.files("filet.web").joinpath("i18n", language, "LC_MESSAGES", "messages.po")
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def gettext(message: str) -> str:
    return translations(current_language.get()).ugettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_language.get()).ungettext(singular, plural, n)


def pick_language(cookie: str | None, user_language: str | None, accept: str, default: str) -> str:
    """The language to use: the user's choice, then the cookie, then the browser's, then default."""
    for candidate in (user_language, cookie):
        if candidate in LANGUAGES:
            return candidate
    for part in accept.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return default if default in LANGUAGES else "en"


def direction(language: str) -> str:
    return "rtl" if language in RTL_LANGUAGES else "ltr"
