"""Which writing system a character, a token or a name is written in.

ICU's script property (via PyICU) is the authority: it knows every Unicode script, including
Ethiopic, Bengali and the Arabic-script letters of Pashto and Urdu. We only add the rule for a
whole name: the script of most of its letters, ignoring punctuation, digits and marks that
belong to no script ("Common", "Inherited").
"""

from __future__ import annotations

from collections import Counter
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
    counts = Counter(
        script for script in (script_of_char(char) for char in text) if script not in _NEUTRAL
    )
    if not counts:
        return UNKNOWN
    return counts.most_common(1)[0][0]
