"""The border: document alerts in the store, the border check, crossings and their decisions,
entry-exit matching with overstays, and the escort pattern.

- :func:`import_alerts` stores lost/stolen/revoked lists (idempotent); :func:`alert_index` is the
  in-memory index the check reads (built from the store, refreshed with new rows).
- :class:`BorderChecker` runs :meth:`~BorderChecker.check` on one MRZ and gives a
  :class:`BorderCheck`: the parsed document, every :class:`CheckReason` (red, amber, info), the safe
  protection flags, screening and risk sections, and the status green / amber / red.
- :func:`record_crossing` stores the officer's decision (:class:`CrossingInput`) with reasons from
  the declared list (:func:`border_knowledge`); :func:`list_crossings` lists them.
- :func:`match_entries_exits` pairs entries and exits (:class:`Stay`, overstays);
  :func:`repeat_companions` finds people crossing again and again with different companions
  (:class:`EscortCandidate`).

See ``docs/border.md``.
"""

from filet.border._alerts import AlertImportSummary, alert_index, import_alerts, warm_alert_index
from filet.border._check import (
    BorderCheck,
    BorderChecker,
    CheckReason,
    CheckSection,
    earlier_crossings,
)
from filet.border._crossings import (
    CrossingInput,
    CrossingView,
    EscortCandidate,
    Stay,
    crossing_from_check,
    crossing_points,
    list_crossings,
    match_entries_exits,
    record_crossing,
    repeat_companions,
)
from filet.border._data import BorderKnowledge, DecisionReason, border_knowledge

__all__ = [
    "AlertImportSummary",
    "BorderCheck",
    "BorderChecker",
    "BorderKnowledge",
    "CheckReason",
    "CheckSection",
    "CrossingInput",
    "CrossingView",
    "DecisionReason",
    "EscortCandidate",
    "Stay",
    "alert_index",
    "border_knowledge",
    "crossing_from_check",
    "crossing_points",
    "earlier_crossings",
    "import_alerts",
    "list_crossings",
    "match_entries_exits",
    "record_crossing",
    "repeat_companions",
    "warm_alert_index",
]
