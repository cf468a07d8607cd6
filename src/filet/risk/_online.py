"""Features for one booking, traveller or crossing, straight from the store: the online path.

The definitions are those of ``_batch.py`` (same catalogue, same parameters, same handling of
missing values); ``tests/risk/test_features.py`` checks that both give the same values on the same
store. A border check calls this, then evaluates the active rules in Python (``_assess.py``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from filet.risk._catalogue import feature_catalogue
from filet.store.schema import (
    Alert,
    ApiTraveller,
    BorderCrossing,
    DocumentAlert,
    IdentityRecord,
    Person,
    PnrBooking,
    PnrContact,
    PnrLeg,
    PnrPayment,
    PnrTraveller,
    ScreeningHit,
    TravelDocument,
)

_SERIES = re.compile(r"([A-Z]*)([0-9]+)")
Features = dict[str, Any]


def _ts(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    return dt.datetime.fromisoformat(text).replace(tzinfo=None)


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


def _upper(value: str | None) -> str | None:
    return None if value is None else value.upper()


def _concat(*parts: str | None) -> str | None:
    return None if any(p is None for p in parts) else " ".join(p for p in parts if p is not None)


def _unrelated_others(session: Session, booking_id: int, others: set[int]) -> int:
    """How many of ``others`` have no traveller surname in common with the booking."""
    if not others:
        return 0
    mine = select(PnrTraveller.surname).where(
        PnrTraveller.booking_id == booking_id, PnrTraveller.surname.is_not(None)
    )
    related = set(
        session.execute(
            select(PnrTraveller.booking_id)
            .where(PnrTraveller.booking_id.in_(others), PnrTraveller.surname.in_(mine))
            .distinct()
        ).scalars()
    )
    return len(others - related)


def _document_alerted(session: Session, country: str | None, number: str | None) -> bool:
    if country is None or number is None:
        return False
    rows = session.execute(
        select(DocumentAlert.document_number, DocumentAlert.number_to).where(
            DocumentAlert.issuing_state == country,
            or_(DocumentAlert.document_number == number, DocumentAlert.number_to.is_not(None)),
        )
    ).all()
    for first, last in rows:
        if first == number:
            return True
        if last is not None and len(first) == len(number) == len(last) and first <= number <= last:
            return True
    return False


def booking_features(session: Session, booking_id: int) -> Features:
    """The booking features of one booking (as ``booking_features`` in batch)."""
    cat = feature_catalogue()
    booking = session.get(PnrBooking, booking_id)
    if booking is None:
        raise KeyError(booking_id)
    legs = list(session.execute(select(PnrLeg).where(PnrLeg.booking_id == booking_id)).scalars())
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
    travellers = list(
        session.execute(select(PnrTraveller).where(PnrTraveller.booking_id == booking_id)).scalars()
    )
    names: set[str] = set()
    for t in travellers:
        for name in (
            _concat(t.surname, t.given_names),
            _concat(t.given_names, t.surname),
            t.name_as_sent,
        ):
            if name is not None:
                names.add(name.upper())
    payments = list(
        session.execute(select(PnrPayment).where(PnrPayment.booking_id == booking_id)).scalars()
    )
    contacts = session.execute(
        select(PnrContact.kind, PnrContact.value).where(
            PnrContact.booking_id == booking_id, PnrContact.kind.in_(("phone", "email"))
        )
    ).all()
    contact_others: set[int] = set()
    if contacts:
        contact_others = set(
            session.execute(
                select(PnrContact.booking_id).where(
                    or_(*(and_(PnrContact.kind == k, PnrContact.value == v) for k, v in contacts)),
                    PnrContact.booking_id != booking_id,
                )
            ).scalars()
        )
    cards = {p.card_fingerprint for p in payments if p.card_fingerprint is not None}
    card_others: set[int] = set()
    if cards:
        card_others = set(
            session.execute(
                select(PnrPayment.booking_id).where(
                    PnrPayment.card_fingerprint.in_(cards), PnrPayment.booking_id != booking_id
                )
            ).scalars()
        )
    share: float | None = None
    agency_count: int | None = None
    if booking.agency_id is not None:
        agency_bookings = select(PnrBooking.id).where(PnrBooking.agency_id == booking.agency_id)
        agency_count = session.execute(
            select(func.count()).select_from(agency_bookings.subquery())
        ).scalar_one()
        flagged_states = ("confirmed", "escalated")
        direct = select(Alert.subject_id).where(
            Alert.kind.in_(("risk", "control")),
            Alert.subject_type == "pnr_booking",
            Alert.status.in_(flagged_states),
            Alert.subject_id.in_(agency_bookings),
        )
        via_traveller = (
            select(PnrTraveller.booking_id)
            .join(Alert, Alert.subject_id == PnrTraveller.id)
            .where(
                Alert.kind.in_(("risk", "control")),
                Alert.subject_type == "pnr_traveller",
                Alert.status.in_(flagged_states),
                PnrTraveller.booking_id.in_(agency_bookings),
            )
        )
        flagged = set(session.execute(direct).scalars()) | set(
            session.execute(via_traveller).scalars()
        )
        share = len(flagged) / agency_count
    split = booking.split_from is not None or (
        session.execute(
            select(PnrBooking.id)
            .where(PnrBooking.carrier == booking.carrier, PnrBooking.split_from == booking.locator)
            .limit(1)
        ).first()
        is not None
    )
    lead = _hours(_naive(booking.created_on), _ts(first_departure))
    return {
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
        "one_way": booking.one_way,
        "group_size": sum(0 if t.infant else 1 for t in travellers),
        "split_pnr": split,
        "shared_contact_count": _unrelated_others(session, booking_id, contact_others),
        "shared_card_count": _unrelated_others(session, booking_id, card_others),
        "agency_flagged_share": share,
        "agency_booking_count": agency_count,
        "transit_count": len(gaps),
        "circuitous_routing": len(gaps) >= int(cat.param("circuitous_routing", "min_transits"))
        or revisit,
        "long_transit_hours": max(gaps) if gaps else None,
        "transit_no_show": no_show,
    }


def traveller_features(
    session: Session, traveller_id: int, booking: Features | None = None
) -> Features:
    """Every traveller feature of one PNR traveller (as ``traveller_features`` in batch)."""
    traveller = session.get(PnrTraveller, traveller_id)
    if traveller is None:
        raise KeyError(traveller_id)
    values = dict(booking or booking_features(session, traveller.booking_id))
    day = values["first_departure"][:10] if values["first_departure"] else None
    party = list(
        session.execute(
            select(PnrTraveller).where(PnrTraveller.booking_id == traveller.booking_id)
        ).scalars()
    )
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
    doc_bookings: int | None = None
    companions: int | None = None
    if traveller.document_number is not None and traveller.document_country is not None:
        holder = and_(
            PnrTraveller.document_country == traveller.document_country,
            PnrTraveller.document_number == traveller.document_number,
        )
        bookings = set(session.execute(select(PnrTraveller.booking_id).where(holder)).scalars())
        doc_bookings = len(bookings)
        companions = len(
            set(
                session.execute(
                    select(PnrTraveller.document_country, PnrTraveller.document_number).where(
                        PnrTraveller.booking_id.in_(bookings),
                        PnrTraveller.document_number.is_not(None),
                        PnrTraveller.document_country.is_not(None),
                        ~holder,
                    )
                ).all()
            )
        )
    bags = session.execute(
        select(func.max(ApiTraveller.bags)).where(
            ApiTraveller.pnr_traveller_id == traveller.id, ApiTraveller.bags.is_not(None)
        )
    ).scalar_one()
    watch = (
        session.execute(
            select(ScreeningHit.id)
            .where(
                ScreeningHit.subject_type == "pnr_traveller",
                ScreeningHit.subject_id == traveller.id,
                ScreeningHit.status != "dismissed",
            )
            .limit(1)
        ).first()
        is not None
    )
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
            "watchlist_hit": watch,
            "minimal_luggage": None if bags is None else bags == 0,
            "bookings_with_same_document": doc_bookings,
            "companions_across_bookings": companions,
            "recorded_smuggled_migrant": _is_migrant(session, traveller.identity_record_id),
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
    flagged_at_point = 0
    total_at_point = 0
    officer_flagged: int | None = None
    officer_total = 0
    at_point = list(
        session.execute(
            select(BorderCrossing).where(
                BorderCrossing.crossing_point_id == crossing.crossing_point_id
            )
        ).scalars()
    )
    if crossing.officer is not None:
        officer_flagged = 0
    for other in at_point:
        total_at_point += 1
        same_officer = crossing.officer is not None and other.officer == crossing.officer
        officer_total += 1 if same_officer else 0
        if other.decision == "admitted" and _crossing_alerted(session, other):
            flagged_at_point += 1
            if same_officer and officer_flagged is not None:
                officer_flagged += 1
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
