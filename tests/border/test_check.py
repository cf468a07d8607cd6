"""The border check over a real store: alert list (exact, range), expiry, the same document with
other biographic data, and MRZ data that disagree with API and PNR data for the same flight."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy.orm import Session, sessionmaker

from filet.border import BorderChecker, alert_index, import_alerts
from filet.documents import read_alert_csv
from filet.errors import InputError
from filet.security import SYSTEM
from filet.settings import Settings
from filet.store import transaction
from filet.store.schema import (
    ApiTraveller,
    AuditEvent,
    Flight,
    IdentityRecord,
    PnrBooking,
    PnrLeg,
    PnrTraveller,
)
from tests.border.conftest import NOW, TODAY, passport

ALERTS = """issuing_state,document_number,document_type,status,reported_date,source,number_to
DEU,C01X00T47,P,stolen,2025-11-02,BKA,
D,C4000100,P,stolen_blank,2024-05-01,BKA,C4000999
FRA,18CX00001,P,lost,2026-01-15,DCPAF,
"""


def _load(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as session:
        summary = import_alerts(session, read_alert_csv(io.StringIO(ALERTS)), SYSTEM, "test.csv")
    assert summary.as_dict() == {"read": 3, "added": 3, "already_stored": 0}


def _check(sessions: sessionmaker[Session], settings: Settings, mrz: list[str]):  # type: ignore[no-untyped-def]
    with sessions() as session:
        return BorderChecker(settings).check(session, mrz)


def test_clean_document_is_green(sessions: sessionmaker[Session], settings: Settings) -> None:
    _load(sessions)
    result = _check(sessions, settings, passport("C01X00T48"))
    assert result.status == "green"
    assert result.headline == "GREEN: no alert on this document"
    assert result.document.document_number == "C01X00T48"
    assert result.as_dict()["screening"]["available"] is True


def test_stolen_document_is_red_with_the_reason(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    _load(sessions)
    result = _check(sessions, settings, passport("C01X00T47"))
    assert result.status == "red"
    assert result.headline == "RED: document reported stolen: BKA, 2025-11-02"
    (reason,) = [r for r in result.reasons if r.code == "document_alert"]
    assert reason.evidence["source"] == "BKA"


def test_number_in_a_stolen_blank_range_is_red(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    _load(sessions)
    inside = _check(sessions, settings, passport("C4000517"))
    assert inside.status == "red"
    assert "stolen blank" in inside.headline and "C4000100–C4000999" in inside.headline
    assert _check(sessions, settings, passport("C4001000")).status == "green"


def test_expired_document_is_red(sessions: sessionmaker[Session], settings: Settings) -> None:
    expired = TODAY - dt.timedelta(days=3)
    result = _check(sessions, settings, passport("C77700012", expiry=expired))
    assert result.status == "red"
    assert result.headline == f"RED: document expired on {expired.isoformat()}"


def test_import_is_idempotent_and_reaches_the_index(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    _load(sessions)
    with transaction(sessions) as session:
        again = import_alerts(session, read_alert_csv(io.StringIO(ALERTS)), SYSTEM)
        assert again.added == 0 and again.already_stored == 3
        assert session.query(AuditEvent).filter_by(object_type="document_alert").count() == 2
        before = len(alert_index(session))
        extra = ALERTS.splitlines()[0] + "\nFRA,18CX00002,P,revoked,2026-02-01,DCPAF,\n"
        import_alerts(session, read_alert_csv(io.StringIO(extra)), SYSTEM)
    with sessions() as session:
        assert len(alert_index(session)) == before + 1
    result = _check(sessions, settings, passport("18CX00002", state="FRA", nationality="FRA"))
    assert result.headline == "RED: document revoked: DCPAF, 2026-02-01"


def test_same_number_with_other_biographic_data_is_an_impostor_signal(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    with transaction(sessions) as session:
        session.add(
            IdentityRecord(
                source_type="crossing",
                source_key="x1",
                surname="MUELLER",
                given_names="JUERGEN",
                birth_date="1985-03-01",
                sex="M",
                document_number="C55500017",
                document_country="DEU",
            )
        )
    assert _check(sessions, settings, passport("C55500017")).status == "green"
    with transaction(sessions) as session:
        session.add(
            IdentityRecord(
                source_type="api",
                source_key="x2",
                surname="HADDAD",
                given_names="SAMI",
                birth_date="1990-07-21",
                sex="M",
                document_number="C55500017",
                document_country="D",
            )
        )
    result = _check(sessions, settings, passport("C55500017"))
    assert result.status == "amber"
    (reason,) = [r for r in result.reasons if r.code == "document_reused"]
    assert {d["field"] for d in reason.evidence["differences"]} == {"surname", "birth_date"}
    assert "possible impostor" in reason.text and reason.text.startswith("AMBER: ")


def _flight(session: Session) -> Flight:
    flight = Flight(
        carrier="LH",
        number="631",
        departure_airport="DXB",
        arrival_airport="FRA",
        departure_date=NOW.date(),
    )
    session.add(flight)
    session.flush()
    return flight


def test_mrz_disagreeing_with_api_data_is_amber(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    with transaction(sessions) as session:
        flight = _flight(session)
        session.add(
            ApiTraveller(
                flight_id=flight.id,
                traveller_key="k1",
                role="passenger",
                surname="MUELLER",
                given_names="JUERGEN",
                sex="M",
                birth_date="1985-03-10",
                nationality="DEU",
                document_number="C66600019",
                document_country="DEU",
                document_type="P",
            )
        )
    result = _check(sessions, settings, passport("C66600019"))
    (reason,) = [r for r in result.reasons if r.code == "api_disagrees"]
    assert reason.evidence["differences"] == [
        {"field": "birth_date", "mrz": "1985-03-01", "other": "1985-03-10"}
    ]
    assert "flight LH631" in reason.message
    assert result.status == "amber"


def test_mrz_disagreeing_with_pnr_ssr_docs_is_amber(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    with transaction(sessions) as session:
        flight = _flight(session)
        booking = PnrBooking(carrier="LH", locator="ABC123", received_at=NOW)
        session.add(booking)
        session.flush()
        session.add(
            PnrLeg(
                booking_id=booking.id,
                seq=1,
                flight_id=flight.id,
                carrier="LH",
                number="631",
                departure_airport="DXB",
                arrival_airport="FRA",
            )
        )
        session.add(
            PnrTraveller(
                booking_id=booking.id,
                reference="1",
                surname="MUELLER",
                given_names="JUERGEN",
                sex="F",
                birth_date="1985-03-01",
                document_number="C66600019",
                document_country="DEU",
            )
        )
    result = _check(sessions, settings, passport("C66600019"))
    (reason,) = [r for r in result.reasons if r.code == "pnr_disagrees"]
    assert reason.evidence["differences"] == [{"field": "sex", "mrz": "M", "other": "F"}]
    assert result.risk.available


def test_child_is_amber_and_unreadable_mrz_is_an_input_error(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    child = TODAY.replace(year=TODAY.year - 9) - dt.timedelta(days=3)
    result = _check(sessions, settings, passport("C88800011", birth=child))
    assert result.age == 9 and result.status == "amber"
    with pytest.raises(InputError):
        _check(sessions, settings, ["P<D<<SHORT"])
