"""Features for one booking, traveller or crossing, straight from the store: the online path.

The definitions are those of ``_batch.py`` (same catalogue, same parameters, same handling of
missing values); ``tests/risk/test_features.py`` checks that both give the same values on the same
store. A border check calls this, then evaluates the active rules in Python (``_assess.py``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import Boolean, and_, bindparam, or_, select, text
from sqlalchemy.orm import Session

from filet.risk._catalogue import feature_catalogue
from filet.store.schema import (
    BorderCrossing,
    DocumentAlert,
    IdentityRecord,
    Person,
    PnrLeg,
    PnrPayment,
    PnrTraveller,
    TravelDocument,
    UTCDateTime,
)

_SERIES = re.compile(r"([A-Z]*)([0-9]+)")
Features = dict[str, Any]


def _ts(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    return dt.datetime.fromisoformat(value).replace(tzinfo=None)


def _naive(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    if value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _hours(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    if start is None or end is None:
        return None
    # DuckDB's date_diff('second') counts whole seconds: do the same.
    return int((end - start).total_seconds()) / 3600.0


def age_on(birth: str | None, day: str | None) -> int | None:
    """Whole years between a YYYY-MM-DD birth date and a day (both as text), as in the SQL."""
    if birth is None or day is None or len(birth) != 10:
        return None
    return int(day[:4]) - int(birth[:4]) - (1 if day[5:10] < birth[5:10] else 0)


def _concat(*parts: str | None) -> str | None:
    return None if any(p is None for p in parts) else " ".join(p for p in parts if p is not None)


_FLAGGED = "('confirmed', 'escalated')"
_ALERT_KINDS = "('risk', 'control')"

# Prepared once: the online path runs four statements per traveller (the target with every
# count over other rows as correlated subqueries, its legs, its party, its payments) and a fifth
# when the document must be checked against the alert lists; the ORM's statement building would
# cost more than the queries themselves.
_BOOKING_COLUMNS = f"""
  b.id, b.carrier, b.locator, b.created_on, b.agency_id, b.split_from, b.one_way,
  (SELECT COUNT(DISTINCT c2.booking_id) FROM pnr_contacts c1 JOIN pnr_contacts c2
     ON c1.kind = c2.kind AND c1.value = c2.value AND c2.booking_id <> c1.booking_id
   WHERE c1.booking_id = b.id AND c1.kind IN ('phone', 'email') AND NOT EXISTS (
     SELECT 1 FROM pnr_travellers t1 JOIN pnr_travellers t2 ON t1.surname = t2.surname
     WHERE t1.booking_id = b.id AND t2.booking_id = c2.booking_id)),
  (SELECT COUNT(DISTINCT p2.booking_id) FROM pnr_payments p1 JOIN pnr_payments p2
     ON p1.card_fingerprint = p2.card_fingerprint AND p2.booking_id <> p1.booking_id
   WHERE p1.booking_id = b.id AND NOT EXISTS (
     SELECT 1 FROM pnr_travellers t1 JOIN pnr_travellers t2 ON t1.surname = t2.surname
     WHERE t1.booking_id = b.id AND t2.booking_id = p2.booking_id)),
  (SELECT COUNT(*) FROM pnr_bookings s WHERE s.carrier = b.carrier AND s.split_from = b.locator),
  (SELECT COUNT(*) FROM pnr_bookings g WHERE g.agency_id = b.agency_id),
  (SELECT COUNT(DISTINCT x.booking_id) FROM (
     SELECT a.subject_id AS booking_id FROM alerts a
     WHERE a.kind IN {_ALERT_KINDS} AND a.subject_type = 'pnr_booking' AND a.status IN {_FLAGGED}
     UNION
     SELECT t.booking_id FROM alerts a JOIN pnr_travellers t ON t.id = a.subject_id
     WHERE a.kind IN {_ALERT_KINDS} AND a.subject_type = 'pnr_traveller'
       AND a.status IN {_FLAGGED}) x
   JOIN pnr_bookings g ON g.id = x.booking_id WHERE g.agency_id = b.agency_id)"""
_BOOKING = text(f"SELECT {_BOOKING_COLUMNS} FROM pnr_bookings b WHERE b.id = :id").columns(
    created_on=UTCDateTime(), one_way=Boolean()
)
_TRAVELLER = text(
    f"""
SELECT {_BOOKING_COLUMNS},
  (SELECT MAX(bags) FROM api_travellers WHERE pnr_traveller_id = r.id AND bags IS NOT NULL),
  (SELECT MAX(bags) FROM api_travellers WHERE pnr_locator = b.locator
     AND document_country = r.document_country AND document_number = r.document_number
     AND bags IS NOT NULL),
  (SELECT COUNT(*) FROM screening_hits
   WHERE subject_type = 'identity_record' AND subject_id = r.identity_record_id
     AND status <> 'dismissed'),
  (SELECT p.category FROM identity_records ir JOIN persons p ON p.id = ir.person_id
   WHERE ir.id = r.identity_record_id),
  (SELECT COUNT(DISTINCT booking_id) FROM pnr_travellers
   WHERE document_country = r.document_country AND document_number = r.document_number),
  (SELECT COUNT(*) FROM (
     SELECT DISTINCT t2.document_country, t2.document_number
     FROM pnr_travellers t1 JOIN pnr_travellers t2 ON t1.booking_id = t2.booking_id
     WHERE t1.document_country = r.document_country AND t1.document_number = r.document_number
       AND t2.document_number IS NOT NULL AND t2.document_country IS NOT NULL
       AND NOT (t2.document_country = r.document_country
                AND t2.document_number = r.document_number)) x)
FROM pnr_travellers r JOIN pnr_bookings b ON b.id = r.booking_id WHERE r.id = :id
"""
).columns(created_on=UTCDateTime(), one_way=Boolean())
_LEGS = select(
    PnrLeg.seq,
    PnrLeg.departure_airport,
    PnrLeg.arrival_airport,
    PnrLeg.departure_local,
    PnrLeg.arrival_local,
    PnrLeg.status,
).where(PnrLeg.booking_id == bindparam("id"))
_PARTY = select(
    PnrTraveller.id,
    PnrTraveller.surname,
    PnrTraveller.given_names,
    PnrTraveller.name_as_sent,
    PnrTraveller.infant,
    PnrTraveller.birth_date,
    PnrTraveller.sex,
    PnrTraveller.nationality,
    PnrTraveller.document_number,
    PnrTraveller.document_country,
    PnrTraveller.identity_record_id,
).where(PnrTraveller.booking_id == bindparam("id"))
_PAYMENTS = select(PnrPayment.method, PnrPayment.payer_name).where(
    PnrPayment.booking_id == bindparam("id")
)
_DOCUMENT_ALERTS = select(DocumentAlert.document_number, DocumentAlert.number_to).where(
    DocumentAlert.issuing_state == bindparam("country"),
    or_(
        DocumentAlert.document_number == bindparam("number"),
        DocumentAlert.number_to.is_not(None),
    ),
)


def _document_alerted(session: Session, country: str | None, number: str | None) -> bool:
    if country is None or number is None:
        return False
    rows = session.connection().execute(_DOCUMENT_ALERTS, {"country": country, "number": number})
    for first, last in rows:
        if first == number:
            return True
        if last is not None and len(first) == len(number) == len(last) and first <= number <= last:
            return True
    return False


def _booking(session: Session, row: Any) -> tuple[Features, list[Any]]:
    """The booking features from a row of ``_BOOKING_COLUMNS`` (and the booking's party)."""
    cat = feature_catalogue()
    conn = session.connection()
    booking_id, _carrier, _locator, created_on, agency_id, split_from, one_way = row[:7]
    contacts, cards, splits, agency_count, agency_flagged = row[7:12]
    legs = list(conn.execute(_LEGS, {"id": booking_id}))
    by_seq = {leg.seq: leg for leg in legs}
    first = by_seq[min(by_seq)] if by_seq else None
    first_departure = first.departure_local if first else None
    max_gap = float(cat.param("transit_count", "max_connection_hours"))
    gaps: list[float] = []
    for leg in legs:
        onward = by_seq.get(leg.seq + 1)
        if (
            onward is None
            or onward.departure_airport != leg.arrival_airport
            or leg.arrival_local is None
            or onward.departure_local is None
        ):
            continue
        gap = _hours(_ts(leg.arrival_local), _ts(onward.departure_local))
        if gap is not None and 0 <= gap <= max_gap:
            gaps.append(gap)
    revisit = any(
        b.seq > a.seq
        and b.arrival_airport == a.departure_airport
        and any(c.seq > b.seq for c in legs)
        for a in legs
        for b in legs
    )
    statuses = set(cat.param("transit_no_show", "statuses"))
    no_show = first is not None and any(
        leg.seq > first.seq and leg.status in statuses for leg in legs
    )
    party = list(conn.execute(_PARTY, {"id": booking_id}))
    names: set[str] = set()
    for t in party:
        for name in (
            _concat(t.surname, t.given_names),
            _concat(t.given_names, t.surname),
            t.name_as_sent,
        ):
            if name is not None:
                names.add(name.upper())
    payments = list(conn.execute(_PAYMENTS, {"id": booking_id}))
    lead = _hours(_naive(created_on), _ts(first_departure))
    features: Features = {
        "first_departure": first_departure,
        "booking_lead_time_hours": lead,
        "last_minute_booking": None
        if lead is None
        else lead < float(cat.param("last_minute_booking", "hours")),
        "paid_cash": any(p.method == "CA" for p in payments),
        "paid_by_non_traveller": any(
            p.payer_name is not None
            and p.payer_name.strip() != ""
            and p.payer_name.strip().upper() not in names
            for p in payments
        ),
        "one_way": one_way,
        "group_size": sum(0 if t.infant else 1 for t in party),
        "split_pnr": split_from is not None or splits > 0,
        "shared_contact_count": int(contacts),
        "shared_card_count": int(cards),
        "agency_flagged_share": None if agency_id is None else agency_flagged / agency_count,
        "agency_booking_count": None if agency_id is None else int(agency_count),
        "transit_count": len(gaps),
        "circuitous_routing": len(gaps) >= int(cat.param("circuitous_routing", "min_transits"))
        or revisit,
        "long_transit_hours": max(gaps) if gaps else None,
        "transit_no_show": no_show,
    }
    return features, party


def booking_features(session: Session, booking_id: int) -> Features:
    """The booking features of one booking (as ``booking_features`` in batch)."""
    row = session.connection().execute(_BOOKING, {"id": booking_id}).first()
    if row is None:
        raise KeyError(booking_id)
    return _booking(session, row)[0]


def traveller_features(session: Session, traveller_id: int) -> Features:
    """Every traveller feature of one PNR traveller (as ``traveller_features`` in batch)."""
    conn = session.connection()
    row = conn.execute(_TRAVELLER, {"id": traveller_id}).first()
    if row is None:
        raise KeyError(traveller_id)
    values, party = _booking(session, row)
    linked_bags, same_document_bags, hits, category, doc_bookings, companions = row[12:18]
    found_bags = [b for b in (linked_bags, same_document_bags) if b is not None]
    bags = max(found_bags) if found_bags else None
    traveller = next(t for t in party if t.id == traveller_id)
    day = values["first_departure"][:10] if values["first_departure"] else None
    ages = {t.id: age_on(t.birth_date, day) for t in party}
    age = ages[traveller.id]
    adults = [t for t in party if (a := ages[t.id]) is not None and a >= 18]
    minor: bool | None
    if age is None:
        minor = None
    elif age >= 18:
        minor = False
    else:
        minor = bool(adults) and not any(
            a.surname is not None and a.surname == traveller.surname for a in adults
        )
    gap: int | None = None
    mine = _SERIES.fullmatch(traveller.document_number or "")
    if mine and traveller.document_country is not None and len(mine.group(2)) <= 18:
        for other in party:
            if other.id == traveller.id or other.document_country != traveller.document_country:
                continue
            theirs = _SERIES.fullmatch(other.document_number or "")
            if (
                theirs
                and theirs.group(1) == mine.group(1)
                and len(theirs.group(2)) == len(mine.group(2))
            ):
                diff = abs(int(mine.group(2)) - int(theirs.group(2)))
                gap = diff if gap is None else min(gap, diff)
    has_document = traveller.document_number is not None and traveller.document_country is not None
    values.update(
        {
            "age_years": age,
            "nationality": traveller.nationality,
            "sex": traveller.sex,
            "minor_with_unrelated_adults": minor,
            "document_series_gap": gap,
            "document_alert": _document_alerted(
                session, traveller.document_country, traveller.document_number
            ),
            "watchlist_hit": hits > 0,
            "minimal_luggage": None if bags is None else bags == 0,
            "bookings_with_same_document": int(doc_bookings) if has_document else None,
            "companions_across_bookings": int(companions) if has_document else None,
            "recorded_smuggled_migrant": category == "smuggled_migrant",
        }
    )
    return values


def _is_migrant(session: Session, record_id: int | None) -> bool:
    if record_id is None:
        return False
    category = session.execute(
        select(Person.category)
        .join(IdentityRecord, IdentityRecord.person_id == Person.id)
        .where(IdentityRecord.id == record_id)
    ).scalar_one_or_none()
    return category == "smuggled_migrant"


def _subject(session: Session, crossing: BorderCrossing) -> tuple[str | None, Any]:
    """The person key the batch SQL partitions by, and the filter selecting their crossings."""
    record = (
        session.get(IdentityRecord, crossing.identity_record_id)
        if crossing.identity_record_id is not None
        else None
    )
    if record is not None and record.person_id is not None:
        same = select(IdentityRecord.id).where(IdentityRecord.person_id == record.person_id)
        return f"p{record.person_id}", BorderCrossing.identity_record_id.in_(same)
    if crossing.identity_record_id is not None:
        return f"r{crossing.identity_record_id}", and_(
            BorderCrossing.identity_record_id == crossing.identity_record_id
        )
    if crossing.document_id is not None:
        return f"d{crossing.document_id}", and_(
            BorderCrossing.identity_record_id.is_(None),
            BorderCrossing.document_id == crossing.document_id,
        )
    return None, None


def _subject_key(record: IdentityRecord | None, crossing: BorderCrossing) -> str | None:
    if record is not None and record.person_id is not None:
        return f"p{record.person_id}"
    if crossing.identity_record_id is not None:
        return f"r{crossing.identity_record_id}"
    if crossing.document_id is not None:
        return f"d{crossing.document_id}"
    return None


_ALERTED_DOCUMENT = """EXISTS (SELECT 1 FROM document_alerts da
  WHERE da.issuing_state = td.issuing_state AND (da.document_number = td.number
    OR (da.number_to IS NOT NULL AND LENGTH(da.document_number) = LENGTH(td.number)
        AND LENGTH(da.number_to) = LENGTH(td.number)
        AND td.number BETWEEN da.document_number AND da.number_to)))"""
_POINT_STATS = text(
    f"""
SELECT COUNT(*),
  SUM(CASE WHEN c.officer = :officer THEN 1 ELSE 0 END),
  SUM(CASE WHEN c.decision = 'admitted' AND td.id IS NOT NULL AND {_ALERTED_DOCUMENT}
      THEN 1 ELSE 0 END),
  SUM(CASE WHEN c.decision = 'admitted' AND c.officer = :officer AND td.id IS NOT NULL
       AND {_ALERTED_DOCUMENT} THEN 1 ELSE 0 END)
FROM border_crossings c LEFT JOIN travel_documents td ON td.id = c.document_id
WHERE c.crossing_point_id = :point
"""
)


def _crossing_alerted(session: Session, crossing: BorderCrossing) -> bool:
    if crossing.document_id is None:
        return False
    document = session.get(TravelDocument, crossing.document_id)
    if document is None:
        return False
    return _document_alerted(session, document.issuing_state, document.number)


def crossing_features(session: Session, crossing_id: int) -> Features:
    """Every crossing feature of one border crossing (as ``crossing_features`` in batch)."""
    crossing = session.get(BorderCrossing, crossing_id)
    if crossing is None:
        raise KeyError(crossing_id)
    record = (
        session.get(IdentityRecord, crossing.identity_record_id)
        if crossing.identity_record_id is not None
        else None
    )
    subject, mine = _subject(session, crossing)
    entry_without_exit: bool | None = None
    with_companions: int | None = None
    mates: int | None = None
    if subject is not None:
        history = list(session.execute(select(BorderCrossing).where(mine)).scalars())
        history.sort(key=lambda c: (_naive(c.at), c.id))
        position = [c.id for c in history].index(crossing.id)
        previous = history[position - 1].direction if position > 0 else None
        entry_without_exit = crossing.direction == "entry" and previous == "entry"
        refs = {c.companions_ref for c in history if c.companions_ref is not None}
        with_companions = sum(1 for c in history if c.companions_ref is not None)
        others: set[str] = set()
        if refs:
            rows = session.execute(
                select(BorderCrossing, IdentityRecord)
                .outerjoin(IdentityRecord, IdentityRecord.id == BorderCrossing.identity_record_id)
                .where(BorderCrossing.companions_ref.in_(refs))
            ).all()
            for other, other_record in rows:
                key = _subject_key(other_record, other)
                if key is not None and key != subject:
                    others.add(key)
        mates = len(others)
    total_at_point, officer_total, flagged_at_point, officer_flagged_count = (
        session.connection()
        .execute(_POINT_STATS, {"point": crossing.crossing_point_id, "officer": crossing.officer})
        .one()
    )
    officer_flagged = None if crossing.officer is None else int(officer_flagged_count or 0)
    flagged_at_point = int(flagged_at_point or 0)
    officer_total = int(officer_total or 0)
    concentration: float | None = None
    if officer_flagged is not None and flagged_at_point > 0 and officer_total > 0:
        concentration = (officer_flagged * total_at_point) / (flagged_at_point * officer_total)
    day = _naive(crossing.at)
    return {
        "age_years": age_on(
            record.birth_date if record else None, day.date().isoformat() if day else None
        ),
        "nationality": record.nationality if record else None,
        "sex": record.sex if record else None,
        "recorded_smuggled_migrant": _is_migrant(session, crossing.identity_record_id),
        "crossing_document_alert": _crossing_alerted(session, crossing),
        "entry_without_exit": entry_without_exit,
        "crossings_with_companions": with_companions,
        "distinct_companions": mates,
        "officer_flagged_admissions": officer_flagged,
        "officer_clearance_concentration": concentration,
    }
