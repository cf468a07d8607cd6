"""A small world in the store for research tests: crossings at real crossing points over eight
months (admitted, refused, fraudulent documents, facilitators), debriefings with fees, incidents,
protection referrals and cases against facilitators. Deterministic (seeded)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

from filet.settings import Settings
from filet.store import transaction
from filet.store.schema import (
    BorderCrossing,
    CaseMember,
    CrossingPoint,
    IdentityRecord,
    IntelligenceItem,
    InvestigationCase,
    MigrantIncident,
    Person,
    ProtectionCase,
    Referral,
    ServiceProvider,
    TravelDocument,
)

POINTS = [
    ("GR-MJT", "Mytilene (Lesvos)", "GRC", "sea", 39.1048, 26.5562),
    ("IT-LMP", "Lampedusa", "ITA", "sea", 35.4990, 12.6050),
    ("HU-ROS", "Roszke", "HUN", "land", 46.1867, 20.0592),
    ("DE-FRA", "Frankfurt airport", "DEU", "air", 50.0379, 8.5622),
]
NATIONALITIES = ["SYR", "AFG", "IRQ", "ERI", "PAK", "D"]
FRAUD = ["counterfeit_document", "forged_visa", "impostor_suspected"]


def populate(session: Session, seed: int = 7, crossings: int = 1500) -> None:
    rng = random.Random(seed)
    points = [
        CrossingPoint(code=c, name=n, country=k, kind=m, latitude=la, longitude=lo)
        for c, n, k, m, la, lo in POINTS
    ]
    session.add_all(points)
    session.flush()
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    records, documents, events = [], [], []
    for i in range(crossings):
        point = rng.choices(points, weights=[5, 3, 2, 8])[0]
        nationality = rng.choices(NATIONALITIES, weights=[4, 4, 2, 1, 1, 6])[0]
        records.append(
            {
                "id": i + 1,
                "source_type": "crossing",
                "source_key": f"X{i}",
                "surname": f"SURNAME{i}",
                "given_names": "GIVEN",
                "nationality": nationality,
                "birth_date": "1990-01-01",
                "document_number": f"P{i:07d}",
                "phone": f"+3069{i:08d}",
            }
        )
        documents.append(
            {
                "id": i + 1,
                "document_type": rng.choice(["P", "P", "I", "V"]),
                "issuing_state": nationality,
                "number": f"P{i:07d}",
            }
        )
        roll = rng.random()
        reasons: list[str] = []
        decision = "admitted"
        if roll < 0.08:
            decision, reasons = "refused", [rng.choice(FRAUD)]
        elif roll < 0.15:
            decision, reasons = "refused", ["no_visa"]
        elif roll < 0.17:
            decision, reasons = "second_line", ["suspected_facilitator"]
        events.append(
            {
                "crossing_key": f"C{i}",
                "identity_record_id": i + 1,
                "document_id": i + 1,
                "crossing_point_id": point.id,
                "direction": "entry",
                "at": start + dt.timedelta(days=rng.randint(0, 239), hours=rng.randint(0, 23)),
                "mode": point.kind,
                "decision": decision,
                "reasons": reasons,
            }
        )
    session.execute(insert(IdentityRecord), records)
    session.execute(insert(TravelDocument), documents)
    session.execute(insert(BorderCrossing), events)
    journeys = [["Izmir", "Mytilene (Lesvos)"], ["Zuwara", "Lampedusa"], ["Subotica", "Roszke"]]
    for i in range(90):
        journey = rng.choice(journeys)
        session.add(
            IntelligenceItem(
                reference=f"DEB{i:05d}",
                kind="debriefing",
                occurred_at=start + dt.timedelta(days=rng.randint(0, 239)),
                source_reliability="B",
                information_credibility="2",
                attributes={
                    "route": journey,
                    "transport": "rubber_boat" if "Lampedusa" in journey[-1] else "truck",
                    "price_paid": {"amount": rng.randint(8, 40) * 100, "currency": "USD"},
                },
            )
        )
    for i in range(40):
        session.add(
            MigrantIncident(
                source="filet",
                source_id=f"INC{i}",
                incident_type="Incident",
                region="Mediterranean",
                incident_date=dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 239)),
                dead=rng.randint(0, 12),
                missing=rng.randint(0, 20),
                cause_of_death=rng.choice(
                    ["Drowning", "Vehicle accident / death linked to hazardous transport"]
                ),
                migration_route=rng.choice(["central_mediterranean", "eastern_mediterranean"]),
                latitude=35.123456,
                longitude=12.654321,
            )
        )
    provider = ServiceProvider(name="Shelter Lesvos", services=["shelter", "medical", "legal"])
    session.add(provider)
    session.flush()
    for i in range(120):
        case = ProtectionCase(
            reference=f"PC{i:04d}", trigger="border", child_track=rng.random() < 0.2
        )
        session.add(case)
        session.flush()
        session.add(
            Referral(
                case_id=case.id,
                provider_id=provider.id,
                service=rng.choice(["shelter", "medical", "legal"]),
                status=rng.choice(["accepted", "done", "in_progress"]),
            )
        )
    for i in range(30):
        case = InvestigationCase(
            reference=f"IC{i:04d}",
            title=f"Network {i}",
            status=rng.choice(["open", "prosecuted", "convicted", "closed"]),
        )
        session.add(case)
        session.flush()
        for j in range(rng.randint(1, 4)):
            person = Person(key=f"P{i}-{j}", label=f"Person {i}-{j}", category="suspect")
            session.add(person)
            session.flush()
            session.add(
                CaseMember(
                    case_id=case.id,
                    person_id=person.id,
                    role=rng.choice(["organiser", "driver", "escort", "witness"]),
                )
            )
    session.flush()


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    with transaction(sessions) as session:
        populate(session)
    return sessions


@pytest.fixture
def research_settings(tmp_path: object) -> Settings:
    return Settings(data_dir=tmp_path, privacy_budget_epsilon=1.0, privacy_budget_delta=1e-6)  # type: ignore[arg-type]
