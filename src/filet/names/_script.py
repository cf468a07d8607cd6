"""Which writing system a character, a token or a name is written in.

ICU's script property (via PyICU) is the authority: it knows every Unicode script, including
Ethiopic, Bengali and the Arabic-script letters of Pashto and Urdu. We only add the rule for a
whole name: the script of most of its letters, ignoring punctuation, digits and marks that
belong to no script ("Common", "Inherited").
"""

from __future__ import annotations

from functools import lru_cache

import icu

UNKNOWN = "Unknown"
_NEUTRAL = frozenset({"Common", "Inherited", "Unknown"})


@lru_cache(maxsize=4096)
def script_of_char(char: str) -> str:
    """The Unicode script of one character, e.g. ``"Arabic"``, ``"Ethiopic"``, ``"Common"``."""
    name = icu.Script.getScript(ord(char)).getName()
    return str(name)


def detect_script(text: str) -> str:
    """The script of most letters of ``text`` (``"Latin"``, ``"Arabic"``, ``"Cyrillic"``, ...).

    Returns ``"Unknown"`` when the text has no letter of any script.
    """
    counts: dict[str, int] = {}
    for char in text:
        script = script_of_char(char)
        if script not in _NEUTRAL:
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return UNKNOWN
    return max(counts, key=counts.__getitem__)
