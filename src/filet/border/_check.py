"""The border check: one call that reads an MRZ and tells the officer, with reasons, whether the
document is sound, on an alert list, expired, used by someone else, or disagrees with the airline's
data, together with the safe protection flags, watchlist screening and risk rules.

Every reason carries a level (red, amber, info), a sentence an officer reads, and the evidence.
The sentence is a message template (marked with :func:`N_` for the translation catalogue) and its
parameters, so the web UI shows it in the officer's language; :attr:`CheckReason.message` is the
English sentence the API and the CLI print.
Nothing here decides: the officer records the decision (:mod:`filet.border._crossings`). The
hot path reads in-memory indexes (alert list, watchlists) and a few indexed rows.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from filet.border._alerts import alert_index
from filet.documents import AlertStatus, DocumentValidity, MRZResult, parse_mrz
from filet.model.countries import alpha2, alpha3
from filet.settings import Settings
from filet.store.schema import (
    ApiTraveller,
    BorderCrossing,
    Flight,
    IdentityRecord,
    PnrLeg,
    PnrTraveller,
)

Level = Literal["red", "amber", "info"]
Status = Literal["green", "amber", "red"]


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Mark a message template for the translation catalogue (translated where it is shown)."""
    return message


_STATUS_WORDS = {
    AlertStatus.LOST: N_("reported lost"),
    AlertStatus.STOLEN: N_("reported stolen"),
    AlertStatus.STOLEN_BLANK: N_("in a series of stolen blank documents"),
    AlertStatus.REVOKED: N_("revoked"),
    AlertStatus.INVALIDATED: N_("invalidated"),
}
_LEVEL_WORDS = {"red": N_("RED"), "amber": N_("AMBER"), "info": N_("INFO"), "green": N_("GREEN")}
_FIELD_WORDS = {
    "surname": N_("surname"),
    "given_names": N_("given names"),
    "birth_date": N_("birth date"),
    "sex": N_("sex"),
    "nationality": N_("nationality"),
    "expiry_date": N_("expiry date"),
}
GREEN_HEADLINE = N_("GREEN: no alert on this document")
_LETTERS = re.compile(r"[^A-Z]")
_AROUND = dt.timedelta(days=1)

# The hot path's statements, built once (building SQLAlchemy expressions costs more than running
# these indexed look-ups).
_EARLIER_RECORDS = (
    select(IdentityRecord)
    .where(
        IdentityRecord.document_country.in_(bindparam("states", expanding=True)),
        IdentityRecord.document_number == bindparam("number"),
    )
    .order_by(IdentityRecord.id)
    .limit(200)
)
_API_ROWS = (
    select(ApiTraveller, Flight)
    .join(Flight, Flight.id == ApiTraveller.flight_id)
    .where(
        ApiTraveller.document_number == bindparam("number"),
        Flight.departure_date.between(bindparam("first"), bindparam("last")),
    )
)
_PNR_ROWS = (
    select(PnrTraveller, Flight)
    .join(PnrLeg, PnrLeg.booking_id == PnrTraveller.booking_id)
    .join(Flight, Flight.id == PnrLeg.flight_id)
    .where(
        PnrTraveller.document_number == bindparam("number"),
        Flight.departure_date.between(bindparam("first"), bindparam("last")),
    )
    .order_by(PnrTraveller.id.desc())
)


@dataclass(frozen=True)
class CheckReason:
    """One reason in a check result: what was found, how serious, and the evidence.

    ``template`` is an English message with ``%(name)s`` placeholders filled from ``params``;
    the parameters named in ``words`` are themselves catalogue messages (translated too).
    """

    code: str
    level: Level
    template: str
    params: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, Any] = field(default_factory=dict)
    words: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        """The sentence in English."""
        return self.translated(lambda text: text)

    def translated(self, gettext: Callable[[str], str]) -> str:
        """The sentence in the language ``gettext`` translates into (a tuple parameter is a list
        of words, joined with commas)."""
        params: dict[str, Any] = {}
        for key, value in self.params.items():
            if isinstance(value, tuple):
                words = [gettext(v) if key in self.words else str(v) for v in value]
                params[key] = ", ".join(words)
            else:
                params[key] = gettext(value) if key in self.words else value
        return gettext(self.template) % params

    @property
    def text(self) -> str:
        """The reason as shown, the level in words (colour is never the only signal)."""
        return f"{self.level.upper()}: {self.message}"

    def translated_text(self, gettext: Callable[[str], str]) -> str:
        line = gettext(N_("%(level)s: %(reason)s"))
        return line % {
            "level": gettext(_LEVEL_WORDS[self.level]),
            "reason": self.translated(gettext),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "level": self.level,
            "message": self.message,
            "text": self.text,
            "evidence": self.evidence,
        }


@dataclass
class CheckSection:
    """Results of one check that plugs in (screening, risk, protection)."""

    available: bool
    note: str = ""
    items: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"available": self.available, "note": self.note, "items": self.items}


@dataclass
class BorderCheck:
    """What the officer sees: the document, every reason, the sections, and the overall status."""

    document: MRZResult
    reasons: list[CheckReason]
    protection: CheckSection
    screening: CheckSection
    risk: CheckSection
    checked_at: dt.datetime
    point: str | None
    direction: str | None
    person_id: int | None
    age: int | None
    elapsed_ms: float = 0.0

    @property
    def status(self) -> Status:
        levels = {r.level for r in self.reasons}
        if "red" in levels:
            return "red"
        if "amber" in levels:
            return "amber"
        return "green"

    @property
    def headline(self) -> str:
        """One line for the officer: the status in words and the most serious reason."""
        worst = next((r for r in self.reasons if r.level == self.status), None)
        if worst is None:
            return GREEN_HEADLINE
        return worst.text

    def translated_headline(self, gettext: Callable[[str], str]) -> str:
        """The headline in the language ``gettext`` translates into."""
        worst = next((r for r in self.reasons if r.level == self.status), None)
        return gettext(GREEN_HEADLINE) if worst is None else worst.translated_text(gettext)

    def as_dict(self) -> dict[str, Any]:
        doc = self.document
        return {
            "status": self.status,
            "headline": self.headline,
            "checked_at": self.checked_at.isoformat(),
            "point": self.point,
            "direction": self.direction,
            "document": doc.to_dict(),
            "age": self.age,
            "alerts": [r.as_dict() for r in self.reasons],
            "protection": self.protection.as_dict(),
            "screening": self.screening.as_dict(),
            "risk": self.risk.as_dict(),
            "elapsed_ms": round(self.elapsed_ms, 2),
        }


def _states(code: str) -> list[str]:
    """The forms a state code takes in stored data (``D`` and ``DEU``)."""
    forms = {code}
    two = alpha2(code)
    three = alpha3(two) if two else None
    if three:
        forms.add(three)
    return sorted(forms)


def _letters(value: str | None) -> str:
    if not value:
        return ""
    plain = unicodedata.normalize("NFKD", value.upper())
    return _LETTERS.sub("", "".join(c for c in plain if not unicodedata.combining(c)))


def _same_name(mrz: str, other: str | None, truncated: bool) -> bool | None:
    """Whether two names agree (None when one is missing); a truncated MRZ name may be a prefix."""
    a, b = _letters(mrz), _letters(other)
    if not a or not b:
        return None
    if a == b:
        return True
    return truncated and b.startswith(a)


def _age(birth: dt.date | None, on: dt.date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _differences(
    doc: MRZResult,
    surname: str | None,
    given: str | None,
    birth: str | None,
    sex: str | None,
    nationality: str | None = None,
) -> list[dict[str, str]]:
    """The biographic fields on which another record disagrees with the MRZ."""
    found: list[dict[str, str]] = []
    mrz_birth = doc.birth_date.iso if doc.birth_date else ""
    if _same_name(doc.primary_identifier, surname, doc.names_truncated) is False:
        found.append({"field": "surname", "mrz": doc.primary_identifier, "other": surname or ""})
    if given and _same_name(doc.secondary_identifier, given, doc.names_truncated) is False:
        found.append(
            {"field": "given_names", "mrz": doc.secondary_identifier, "other": given or ""}
        )
    if birth and mrz_birth and "X" not in mrz_birth and birth[:10] != mrz_birth[: len(birth)]:
        found.append({"field": "birth_date", "mrz": mrz_birth, "other": birth})
    if sex and doc.sex in ("M", "F") and sex.upper()[:1] in ("M", "F") and sex[:1] != doc.sex:
        found.append({"field": "sex", "mrz": doc.sex, "other": sex})
    if nationality and doc.nationality and nationality not in _states(doc.nationality):
        found.append({"field": "nationality", "mrz": doc.nationality, "other": nationality})
    return found


class BorderChecker:
    """Runs border checks on one store; holds what the hot path reuses between checks."""

    def __init__(self, settings: Settings, *, specimen: bool = False) -> None:
        self.settings = settings
        self.specimen = specimen

    def check(
        self,
        session: Session,
        mrz: str | list[str],
        *,
        point: str | None = None,
        direction: str | None = None,
        at: dt.datetime | None = None,
    ) -> BorderCheck:
        """Check one document. Raises :class:`~filet.errors.InputError` for an unreadable MRZ."""
        started = time.perf_counter()
        when = at or dt.datetime.now(dt.UTC)
        doc = parse_mrz(mrz, specimen=self.specimen, today=when.date())
        reasons: list[CheckReason] = []
        reasons.extend(self._alert_reasons(session, doc))
        reasons.extend(self._mrz_reasons(doc))
        records = self._earlier_records(session, doc)
        reasons.extend(self._reuse_reasons(doc, records))
        disagreements, booked = self._api_pnr_reasons(session, doc, when)
        reasons.extend(disagreements)
        age = _age(doc.birth_date.date if doc.birth_date else None, when.date())
        if age is not None and age < 18:
            reasons.append(
                CheckReason(
                    "child",
                    "amber",
                    N_(
                        "traveller is a child (age %(age)s): check who accompanies the child and "
                        "whether they have the right to"
                    ),
                    {"age": age},
                    {"age": age},
                )
            )
        person_id = next((r.person_id for r in records if r.person_id is not None), None)
        protection = self._protection(session, person_id)
        screening = self._screening(session, doc, reasons)
        risk = self._risk(session, booked, reasons)
        result = BorderCheck(
            doc, reasons, protection, screening, risk, when, point, direction, person_id, age
        )
        result.elapsed_ms = (time.perf_counter() - started) * 1000
        return result

    # --- the document itself ------------------------------------------------------------------

    def _mrz_reasons(self, doc: MRZResult) -> list[CheckReason]:
        out: list[CheckReason] = []
        for problem in doc.problems:
            out.append(
                CheckReason(
                    "mrz_invalid",
                    "amber",
                    N_("MRZ does not validate: %(problem)s"),
                    {"problem": str(problem)},
                    problem.as_dict(),
                )
            )
        for correction in doc.corrections:
            out.append(
                CheckReason(
                    "mrz_corrected",
                    "info",
                    N_(
                        "read error corrected in %(field)s: %(found)s → %(corrected)s "
                        "(line %(line)s, position %(position)s)"
                    ),
                    {
                        "field": correction.field,
                        "found": correction.from_char,
                        "corrected": correction.to_char,
                        "line": correction.line,
                        "position": correction.position,
                    },
                    correction.as_dict(),
                )
            )
        if doc.validity is DocumentValidity.EXPIRED and doc.expiry_date is not None:
            out.append(
                CheckReason(
                    "expired",
                    "red",
                    N_("document expired on %(date)s"),
                    {"date": doc.expiry_date.iso},
                    {"expiry_date": doc.expiry_date.iso, "today": doc.today.isoformat()},
                )
            )
        elif doc.validity is DocumentValidity.UNKNOWN:
            out.append(CheckReason("expiry_unknown", "amber", N_("expiry date cannot be read")))
        return out

    def _alert_reasons(self, session: Session, doc: MRZResult) -> list[CheckReason]:
        index = alert_index(session, specimen=self.specimen)
        out: list[CheckReason] = []
        for alert in index.lookup(doc.issuing_state, doc.document_number):
            params = {
                "status": _STATUS_WORDS[alert.status],
                "source": alert.source,
                "reported": alert.reported_date.isoformat()
                if alert.reported_date
                else N_("date unknown"),
                "first": alert.document_number,
                "last": alert.number_to or "",
            }
            template = (
                N_("document %(status)s (range %(first)s–%(last)s): %(source)s, %(reported)s")
                if alert.number_to
                else N_("document %(status)s: %(source)s, %(reported)s")
            )
            words = ("status",) if alert.reported_date else ("status", "reported")
            out.append(
                CheckReason("document_alert", "red", template, params, alert.as_dict(), words)
            )
        return out

    # --- the document with other data -----------------------------------------------------------

    def _earlier_records(self, session: Session, doc: MRZResult) -> list[IdentityRecord]:
        params = {"states": _states(doc.issuing_state), "number": doc.document_number}
        return list(session.execute(_EARLIER_RECORDS, params).scalars())

    def _reuse_reasons(self, doc: MRZResult, records: list[IdentityRecord]) -> list[CheckReason]:
        """Indicators #3/#4: the same document number seen with other biographic data."""
        out: list[CheckReason] = []
        for rec in records:
            differences = [
                d
                for d in _differences(doc, rec.surname, rec.given_names, rec.birth_date, rec.sex)
                if d["field"] in ("surname", "birth_date", "sex")
            ]
            if differences:
                fields = tuple(_FIELD_WORDS[d["field"]] for d in differences)
                out.append(
                    CheckReason(
                        "document_reused",
                        "amber",
                        N_(
                            "this document number was seen before with a different %(fields)s "
                            "(%(source)s record): possible impostor or fraudulently obtained "
                            "document"
                        ),
                        {"fields": fields, "source": rec.source_type},
                        {
                            "source_type": rec.source_type,
                            "record_id": rec.id,
                            "seen_at": rec.created_at.isoformat() if rec.created_at else None,
                            "differences": differences,
                        },
                        ("fields",),
                    )
                )
        return out

    def _api_pnr_reasons(
        self, session: Session, doc: MRZResult, when: dt.datetime
    ) -> tuple[list[CheckReason], int | None]:
        """API travellers and PNR SSR DOCS for this document on a flight around the check time;
        with the latest PNR traveller holding the document (for the risk rules)."""
        states = _states(doc.issuing_state)
        params = {
            "number": doc.document_number,
            "first": (when - _AROUND).date(),
            "last": (when + _AROUND).date(),
        }
        out: list[CheckReason] = []
        api_rows = session.execute(_API_ROWS, params).all()
        for traveller, flight in api_rows:
            if traveller.document_country and traveller.document_country not in states:
                continue
            differences = _differences(
                doc,
                traveller.surname,
                traveller.given_names,
                traveller.birth_date,
                traveller.sex,
                traveller.nationality,
            )
            mrz_expiry = doc.expiry_date.iso if doc.expiry_date else ""
            if traveller.document_expiry and mrz_expiry and traveller.document_expiry != mrz_expiry:
                differences.append(
                    {"field": "expiry_date", "mrz": mrz_expiry, "other": traveller.document_expiry}
                )
            if differences:
                out.append(self._disagreement("api", flight, differences, traveller.id))
        pnr_rows = session.execute(_PNR_ROWS, params).all()
        holder = next(
            (row.id for row, _ in pnr_rows if row.document_country in (None, *states)), None
        )
        seen: set[int] = set()
        for booked, flight in pnr_rows:
            if booked.id in seen:
                continue
            seen.add(booked.id)
            if booked.document_country and booked.document_country not in states:
                continue
            differences = _differences(
                doc,
                booked.surname,
                booked.given_names,
                booked.birth_date,
                booked.sex,
                booked.nationality,
            )
            if differences:
                out.append(self._disagreement("pnr", flight, differences, booked.id))
        return out, holder

    @staticmethod
    def _disagreement(
        source: str, flight: Flight, differences: list[dict[str, str]], row_id: int
    ) -> CheckReason:
        fields = "; ".join(
            f"{d['field'].replace('_', ' ')}: {d['mrz']} ≠ {d['other']}" for d in differences
        )
        return CheckReason(
            f"{source}_disagrees",
            "amber",
            N_("MRZ disagrees with API data of flight %(flight)s %(date)s (MRZ ≠ API): %(fields)s")
            if source == "api"
            else N_(
                "MRZ disagrees with PNR SSR DOCS of flight %(flight)s %(date)s (MRZ ≠ PNR): "
                "%(fields)s"
            ),
            {
                "flight": f"{flight.carrier}{flight.number}",
                "date": flight.departure_date.isoformat(),
                "fields": fields,
            },
            {
                "source": source,
                "id": row_id,
                "flight": f"{flight.carrier}{flight.number}",
                "date": flight.departure_date.isoformat(),
                "differences": differences,
            },
        )

    # --- plug-ins: protection, screening, risk ------------------------------------------------

    def _protection(self, session: Session, person_id: int | None) -> CheckSection:
        from filet.protection import knowledge, protection_flags

        if person_id is None:
            return CheckSection(True, N_("no resolved person for this document yet"))
        labels = knowledge().triggers.safe_flags
        flags = protection_flags(session, person_id)
        return CheckSection(
            True,
            "",
            [{"flag": f, "text": f"PROTECTION: {labels.get(f, f)}"} for f in flags],
        )

    def _screening(
        self, session: Session, doc: MRZResult, reasons: list[CheckReason]
    ) -> CheckSection:
        try:
            from filet.screening import Traveller, has_active_watchlist, screen_traveller
        except ImportError:
            return CheckSection(False, N_("not available: watchlist screening is not installed"))
        if not has_active_watchlist(session):
            return CheckSection(True, N_("no active watchlist"))
        traveller = Traveller(
            traveller_id=f"check:{doc.issuing_state}:{doc.document_number}",
            surname=doc.primary_identifier.title() or None,
            given_names=doc.secondary_identifier.title() or None,
            birth_date=doc.birth_date.iso.replace("-XX", "") if doc.birth_date else None,
            nationality=doc.nationality or None,
            sex=doc.sex if doc.sex in ("M", "F", "X") else None,
            document_number=doc.document_number,
        )
        matches = screen_traveller(session, traveller)
        items: list[dict[str, Any]] = []
        for match in matches:
            strong = match.band == "strong"
            reasons.append(
                CheckReason(
                    "watchlist_hit",
                    "red" if strong else "amber",
                    N_("watchlist %(list)s: %(name)s (score %(score)s, %(band)s): %(reason)s"),
                    {
                        "list": match.entry.list_name,
                        "name": match.entry.name,
                        "score": f"{match.score:.2f}",
                        "band": match.band,
                        "reason": match.entry.reason or N_("no reason given"),
                    },
                    {"entry_key": match.entry.entry_key, "summary": match.summary()},
                    () if match.entry.reason else ("reason",),
                )
            )
            items.append(
                {
                    "list": match.entry.list_name,
                    "entry_key": match.entry.entry_key,
                    "name": match.entry.name,
                    "score": round(match.score, 4),
                    "band": match.band,
                    "explanation": match.explanation(),
                }
            )
        return CheckSection(True, "" if items else N_("no hit"), items)

    def _risk(
        self, session: Session, traveller_id: int | None, reasons: list[CheckReason]
    ) -> CheckSection:
        try:
            from filet.risk import RuleSet, assess_traveller
        except ImportError:
            return CheckSection(False, N_("not available: risk rules are not installed"))
        if traveller_id is None:
            return CheckSection(
                True, N_("no booking with this document around the check time: no rule to run")
            )
        assessment = assess_traveller(
            session, traveller_id, self.settings, RuleSet.active(session), store=False
        )
        items = [f.as_json() for f in assessment.fired]
        for fired in assessment.fired:
            reasons.append(
                CheckReason(
                    "risk_rule",
                    "amber",
                    N_(
                        "risk rule %(rule)s v%(version)s: %(title)s "
                        "(a reason to look, not a decision)"
                    ),
                    {"rule": fired.rule, "version": fired.version, "title": fired.title},
                    fired.as_json(),
                )
            )
        note = f"score {assessment.score:.2f}" if items else N_("no rule fired")
        return CheckSection(True, note, items)


def earlier_crossings(session: Session, doc: MRZResult, limit: int = 10) -> list[BorderCrossing]:
    """The latest crossings recorded with this document (for the check screen)."""
    return list(
        session.execute(
            select(BorderCrossing)
            .join(IdentityRecord, IdentityRecord.id == BorderCrossing.identity_record_id)
            .where(
                IdentityRecord.document_country.in_(_states(doc.issuing_state)),
                IdentityRecord.document_number == doc.document_number,
            )
            .order_by(BorderCrossing.at.desc())
            .limit(limit)
        ).scalars()
    )
