"""Build the network (nodes and edges with provenance) from the store.

Tables are read through SQLAlchemy into Arrow and joined in DuckDB with one SQL statement per edge
type, so the same SQL can run on Spark over the same tables. Identity resolution may not have run:
an identity record without a person is its own person node (``record:<id>``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Literal

import duckdb
import pyarrow as pa
from sqlalchemy import String, cast, delete, insert, select, update
from sqlalchemy.orm import Session

from filet.errors import InputError, Place
from filet.settings import duckdb_config
from filet.store.schema import (
    Agency,
    ApiTraveller,
    BorderCrossing,
    Flight,
    IdentityRecord,
    IntelligenceItem,
    NetworkEdge,
    NetworkNode,
    Person,
    PnrBooking,
    PnrContact,
    PnrPayment,
    PnrTraveller,
    TravelDocument,
)

# Reliability A-F / X and credibility 1-6: the weight of an intelligence-derived edge.
_RELIABILITY = {"A": 1.0, "B": 0.8, "C": 0.6, "D": 0.4, "E": 0.3, "F": 0.2, "X": 0.3}
_CREDIBILITY = {"1": 1.0, "2": 0.8, "3": 0.6, "4": 0.4, "5": 0.3, "6": 0.2}

PERSON_KEY = (
    "CASE WHEN r.person_id IS NOT NULL THEN 'person:' || r.person_id ELSE 'record:' || r.id END"
)


@dataclass(frozen=True)
class BuildSummary:
    """What a build wrote: node and edge counts, per kind."""

    nodes: dict[str, int]
    edges: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return {"nodes": self.nodes, "edges": self.edges}


def _arrow(session: Session, columns: list[Any], name_map: list[str]) -> pa.Table:
    rows = session.execute(select(*columns)).all()
    data = {name: [row[i] for row in rows] for i, name in enumerate(name_map)}
    return pa.table(data) if rows else pa.table({n: pa.array([], pa.string()) for n in name_map})


def _tables(session: Session) -> dict[str, pa.Table]:
    """The store tables the build reads, as Arrow (intelligence items flattened into edge rows)."""
    tables: dict[str, tuple[list[Any], list[str]]] = {
        "persons": ([Person.id, Person.label, Person.category], ["id", "label", "category"]),
        "records": (
            [
                IdentityRecord.id,
                IdentityRecord.person_id,
                IdentityRecord.full_name,
                IdentityRecord.given_names,
                IdentityRecord.surname,
                IdentityRecord.phone,
                IdentityRecord.email,
                IdentityRecord.address,
            ],
            ["id", "person_id", "full_name", "given_names", "surname", "phone", "email", "address"],
        ),
        "bookings": (
            [
                PnrBooking.id,
                PnrBooking.carrier,
                PnrBooking.locator,
                PnrBooking.created_on,
                PnrBooking.agency_id,
                PnrBooking.one_way,
                PnrBooking.split_from,
            ],
            ["id", "carrier", "locator", "created_on", "agency_id", "one_way", "split_from"],
        ),
        "pax": (
            [PnrTraveller.id, PnrTraveller.booking_id, PnrTraveller.identity_record_id],
            ["id", "booking_id", "record_id"],
        ),
        "contacts": (
            [PnrContact.id, PnrContact.booking_id, PnrContact.kind, PnrContact.value],
            ["id", "booking_id", "kind", "value"],
        ),
        "payments": (
            [
                PnrPayment.id,
                PnrPayment.booking_id,
                PnrPayment.method,
                PnrPayment.card_masked,
                PnrPayment.card_fingerprint,
                PnrPayment.amount,
                PnrPayment.currency,
                PnrPayment.payer_name,
                PnrPayment.payer_phone,
                PnrPayment.paid_at,
            ],
            [
                "id",
                "booking_id",
                "method",
                "card_masked",
                "card_fingerprint",
                "amount",
                "currency",
                "payer_name",
                "payer_phone",
                "paid_at",
            ],
        ),
        "agencies": ([Agency.id, Agency.code, Agency.name], ["id", "code", "name"]),
        "flights": (
            [
                Flight.id,
                Flight.carrier,
                Flight.number,
                Flight.departure_airport,
                Flight.arrival_airport,
                Flight.departure_date,
            ],
            ["id", "carrier", "number", "dep", "arr", "day"],
        ),
        "api": (
            [
                ApiTraveller.id,
                ApiTraveller.flight_id,
                ApiTraveller.identity_record_id,
                ApiTraveller.pnr_locator,
                ApiTraveller.seat,
                ApiTraveller.document_country,
                ApiTraveller.document_type,
                ApiTraveller.document_number,
            ],
            [
                "id",
                "flight_id",
                "record_id",
                "locator",
                "seat",
                "doc_country",
                "doc_type",
                "doc_no",
            ],
        ),
        "crossings": (
            [
                BorderCrossing.id,
                BorderCrossing.crossing_key,
                BorderCrossing.identity_record_id,
                BorderCrossing.document_id,
                BorderCrossing.at,
                BorderCrossing.vehicle,
                BorderCrossing.companions_ref,
                BorderCrossing.decision,
                cast(BorderCrossing.reasons, String),
            ],
            [
                "id",
                "key",
                "record_id",
                "document_id",
                "seen_at",
                "vehicle",
                "companions",
                "decision",
                "reasons",
            ],
        ),
        "documents": (
            [
                TravelDocument.id,
                TravelDocument.issuing_state,
                TravelDocument.document_type,
                TravelDocument.number,
            ],
            ["id", "state", "type", "number"],
        ),
        "intel": (
            [
                IntelligenceItem.id,
                IntelligenceItem.reference,
                IntelligenceItem.kind,
                IntelligenceItem.occurred_at,
                IntelligenceItem.source_reliability,
                IntelligenceItem.information_credibility,
                IntelligenceItem.attributes,
            ],
            ["id", "reference", "kind", "seen_at", "reliability", "credibility", "attributes"],
        ),
    }
    loaded: dict[str, pa.Table] = {}
    for name, (columns, names) in tables.items():
        table = _arrow(session, columns, names)
        if name == "intel":
            loaded["described"] = _described(table)
            table = _intel_rows(table)
        loaded[name] = table
    return loaded


def _intel_rows(table: pa.Table) -> pa.Table:
    """Flatten intelligence items into (item, edge kind, source, target) rows with a grade weight."""
    rows: list[dict[str, Any]] = []
    for item in table.to_pylist():
        attrs = item["attributes"] or {}
        grade = _RELIABILITY.get(str(item["reliability"]), 0.3) * _CREDIBILITY.get(
            str(item["credibility"]), 0.3
        )
        base = {
            "reference": item["reference"],
            "seen_at": item["seen_at"],
            "grade": f"{item['reliability']}{item['credibility']}",
            "weight": grade,
            "amount": None,
        }
        if item["kind"] == "call" and attrs.get("from_phone") and attrs.get("to_phone"):
            rows.append(
                base
                | {
                    "edge": "called",
                    "s_kind": "phone",
                    "s_key": attrs["from_phone"],
                    "t_kind": "phone",
                    "t_key": attrs["to_phone"],
                }
            )
        elif item["kind"] == "payment" and attrs.get("payer_name"):
            target = attrs.get("beneficiary_account") or attrs.get("beneficiary_name")
            if target:
                kind = "account" if attrs.get("beneficiary_account") else "person"
                key = target if kind == "account" else mention(str(target), item["reference"])
                rows.append(
                    base
                    | {
                        "edge": "paid",
                        "s_kind": "person",
                        "s_key": mention(str(attrs["payer_name"]), item["reference"]),
                        "t_kind": kind,
                        "t_key": key,
                        "amount": float(attrs.get("amount") or 0),
                    }
                )
        elif item["kind"] == "meeting":
            people = sorted({mention(str(p), item["reference"]) for p in attrs.get("people", [])})
            for i, first in enumerate(people):
                for second in people[i + 1 :]:
                    rows.append(
                        base
                        | {
                            "edge": "met",
                            "s_kind": "person",
                            "s_key": first,
                            "t_kind": "person",
                            "t_key": second,
                        }
                    )
        elif item["kind"] == "debriefing":
            # A witness names these people as acting together (never the witness: a migrant).
            named = sorted(
                {
                    mention(str(x["name_as_known"]), item["reference"])
                    for x in attrs.get("smugglers", [])
                }
                - {mention("", item["reference"])}
                if all(isinstance(x, dict) for x in attrs.get("smugglers", []))
                else set()
            )
            for i, first in enumerate(named):
                for second in named[i + 1 :]:
                    rows.append(
                        base
                        | {
                            "edge": "named_together",
                            "s_kind": "person",
                            "s_key": first,
                            "t_kind": "person",
                            "t_key": second,
                        }
                    )
            # The debriefed migrant, when known, is the witness of the smugglers they name: the
            # edge puts the group they travelled with beside the ring (as smuggled migrants).
            witness = attrs.get("witness")
            if isinstance(witness, dict) and witness.get("person_id") is not None:
                for smuggler_key in named:
                    rows.append(
                        base
                        | {
                            "edge": "witness_of",
                            "s_kind": "person",
                            "s_key": f"person:{witness['person_id']}",
                            "t_kind": "person",
                            "t_key": smuggler_key,
                        }
                    )
            for smuggler in attrs.get("smugglers", []):
                name = smuggler.get("name_as_known")
                if name and smuggler.get("phone"):
                    rows.append(
                        base
                        | {
                            "edge": "uses_phone",
                            "s_kind": "person",
                            "s_key": mention(str(name), item["reference"]),
                            "t_kind": "phone",
                            "t_key": smuggler["phone"],
                        }
                    )
    schema = pa.schema(
        [
            ("reference", pa.string()),
            ("seen_at", pa.timestamp("us", tz="UTC")),
            ("grade", pa.string()),
            ("weight", pa.float64()),
            ("amount", pa.float64()),
            ("edge", pa.string()),
            ("s_kind", pa.string()),
            ("s_key", pa.string()),
            ("t_kind", pa.string()),
            ("t_key", pa.string()),
        ]
    )
    return pa.Table.from_pylist(rows, schema=schema)


def _described(table: pa.Table) -> pa.Table:
    """The roles debriefed migrants described for each named smuggler (lower-case words)."""
    keys: list[str] = []
    roles: list[str] = []
    for item in table.to_pylist():
        if item["kind"] != "debriefing":
            continue
        for smuggler in (item["attributes"] or {}).get("smugglers", []):
            if isinstance(smuggler, dict) and smuggler.get("name_as_known"):
                keys.append(mention(str(smuggler["name_as_known"]), item["reference"]))
                roles.append(str(smuggler.get("role_as_described") or "").lower())
    return pa.table({"key": pa.array(keys, pa.string()), "role": pa.array(roles, pa.string())})


def mention(name: str, reference: str) -> str:
    """The key of a person named in an intelligence item or debriefing: the full name when it
    has two words or more; a single word ("Ahmed", "the Captain") identifies nobody across
    reports, so it stays the mention of that one item (``named:AHMED (DEB0000001)``)."""
    key = _named(name)
    return key if " " in key else f"{key} ({reference})"


def _named(name: str) -> str:
    """The key of a person known only by a name (a payer, someone in an intelligence item)."""
    return "named:" + " ".join(name.upper().split())


# Each statement yields: kind, s_kind, s_key, s_label, t_kind, t_key, t_label, seen_at, weight, prov.
_EDGE_SQL: dict[str, str] = {
    "traveller_on": f"""
        SELECT 'person', {PERSON_KEY}, coalesce(r.full_name, r.given_names || ' ' || r.surname),
               'booking', b.carrier || ':' || b.locator, b.carrier || ' ' || b.locator,
               b.created_on, 1.0, 'pnr_traveller:' || p.id
        FROM pax p JOIN records r ON r.id = p.record_id JOIN bookings b ON b.id = p.booking_id""",
    "co_booked": f"""
        WITH x AS (SELECT p.booking_id, {PERSON_KEY} AS k FROM pax p JOIN records r ON r.id = p.record_id)
        SELECT 'person', a.k, NULL, 'person', c.k, NULL, b.created_on, 1.0,
               'pnr_booking:' || b.id
        FROM x a JOIN x c ON a.booking_id = c.booking_id AND a.k < c.k
        JOIN bookings b ON b.id = a.booking_id""",
    "contact": """
        SELECT 'booking', b.carrier || ':' || b.locator, NULL, c.kind, c.value, c.value,
               b.created_on, 1.0, 'pnr_contact:' || c.id
        FROM contacts c JOIN bookings b ON b.id = c.booking_id
        WHERE c.kind IN ('phone', 'email', 'address')""",
    "paid_with": """
        SELECT 'booking', b.carrier || ':' || b.locator, NULL,
               'card', coalesce(p.card_fingerprint, p.card_masked), p.card_masked,
               coalesce(p.paid_at, b.created_on), 1.0, 'pnr_payment:' || p.id
        FROM payments p JOIN bookings b ON b.id = p.booking_id
        WHERE coalesce(p.card_fingerprint, p.card_masked) IS NOT NULL""",
    "paid_by": """
        SELECT 'booking', b.carrier || ':' || b.locator, NULL,
               'person', 'named:' || upper(trim(regexp_replace(p.payer_name, '\\s+', ' ', 'g'))),
               p.payer_name, coalesce(p.paid_at, b.created_on), 1.0, 'pnr_payment:' || p.id
        FROM payments p JOIN bookings b ON b.id = p.booking_id WHERE p.payer_name IS NOT NULL""",
    "payer_phone": """
        SELECT 'person', 'named:' || upper(trim(regexp_replace(p.payer_name, '\\s+', ' ', 'g'))),
               p.payer_name, 'phone', p.payer_phone, p.payer_phone,
               coalesce(p.paid_at, b.created_on), 1.0, 'pnr_payment:' || p.id
        FROM payments p JOIN bookings b ON b.id = p.booking_id
        WHERE p.payer_name IS NOT NULL AND p.payer_phone IS NOT NULL""",
    "booked_through": """
        SELECT 'booking', b.carrier || ':' || b.locator, NULL, 'agency', a.code, a.name,
               b.created_on, 1.0, 'pnr_booking:' || b.id
        FROM bookings b JOIN agencies a ON a.id = b.agency_id""",
    "travelled_on": f"""
        SELECT 'person', {PERSON_KEY}, coalesce(r.full_name, r.given_names || ' ' || r.surname),
               'trip', f.carrier || f.number || ':' || f.dep || ':' || f.day,
               f.carrier || f.number || ' ' || f.dep || '-' || f.arr || ' ' || f.day,
               CAST(f.day AS TIMESTAMPTZ), 1.0, 'api_traveller:' || a.id
        FROM api a JOIN records r ON r.id = a.record_id JOIN flights f ON f.id = a.flight_id""",
    "adjacent_seats": f"""
        WITH x AS (
            SELECT a.flight_id, {PERSON_KEY} AS k,
                   TRY_CAST(regexp_extract(a.seat, '^(\\d+)', 1) AS INTEGER) AS seat_row,
                   ascii(regexp_extract(a.seat, '([A-Z])$', 1)) AS letter, a.id
            FROM api a JOIN records r ON r.id = a.record_id WHERE a.seat IS NOT NULL)
        SELECT 'person', x.k, NULL, 'person', y.k, NULL, CAST(f.day AS TIMESTAMPTZ), 1.0,
               'flight:' || f.id || ' seats ' || x.id || '/' || y.id
        FROM x JOIN x y ON x.flight_id = y.flight_id AND x.seat_row = y.seat_row
             AND abs(x.letter - y.letter) = 1 AND x.k < y.k
        JOIN flights f ON f.id = x.flight_id""",
    "travelled_with": f"""
        WITH traces AS (
            SELECT booking_id, kind || ':' || value AS t FROM contacts
            UNION SELECT booking_id, 'card:' || coalesce(card_fingerprint, card_masked) FROM payments
                WHERE coalesce(card_fingerprint, card_masked) IS NOT NULL
            UNION SELECT booking_id, 'payer:' || upper(payer_name) FROM payments
                WHERE payer_name IS NOT NULL),
        linked AS (SELECT DISTINCT a.booking_id AS b1, c.booking_id AS b2
                   FROM traces a JOIN traces c ON a.t = c.t AND a.booking_id <> c.booking_id),
        x AS (SELECT a.flight_id, b.id AS booking_id, {PERSON_KEY} AS k
              FROM api a JOIN records r ON r.id = a.record_id
              JOIN flights f ON f.id = a.flight_id
              JOIN bookings b ON b.locator = a.locator AND b.carrier = f.carrier)
        SELECT 'person', x.k, NULL, 'person', y.k, NULL, CAST(f.day AS TIMESTAMPTZ), 1.0,
               'flight:' || f.id || ' bookings ' || x.booking_id || '/' || y.booking_id
        FROM x JOIN x y ON x.flight_id = y.flight_id AND x.k < y.k
        JOIN linked l ON l.b1 = x.booking_id AND l.b2 = y.booking_id
        JOIN flights f ON f.id = x.flight_id""",
    "escorted": f"""
        WITH traces AS (
            SELECT booking_id, kind || ':' || value AS t FROM contacts
            UNION SELECT booking_id, 'card:' || coalesce(card_fingerprint, card_masked) FROM payments
                WHERE coalesce(card_fingerprint, card_masked) IS NOT NULL
            UNION SELECT booking_id, 'payer:' || upper(payer_name) FROM payments
                WHERE payer_name IS NOT NULL),
        linked AS (SELECT DISTINCT a.booking_id AS b1, c.booking_id AS b2
                   FROM traces a JOIN traces c ON a.t = c.t AND a.booking_id <> c.booking_id),
        x AS (SELECT a.flight_id, b.id AS booking_id, coalesce(b.one_way, false) AS one_way,
                     {PERSON_KEY} AS k
              FROM api a JOIN records r ON r.id = a.record_id
              JOIN flights f ON f.id = a.flight_id
              JOIN bookings b ON b.locator = a.locator AND b.carrier = f.carrier)
        SELECT 'person', x.k, NULL, 'person', y.k, NULL, CAST(f.day AS TIMESTAMPTZ), 1.0,
               'flight:' || f.id || ' bookings ' || x.booking_id || '/' || y.booking_id
        FROM x JOIN x y ON x.flight_id = y.flight_id AND x.k <> y.k
             AND NOT x.one_way AND y.one_way
        JOIN linked l ON l.b1 = x.booking_id AND l.b2 = y.booking_id
        JOIN flights f ON f.id = x.flight_id""",
    "crossed": f"""
        SELECT 'person', {PERSON_KEY}, coalesce(r.full_name, r.given_names || ' ' || r.surname),
               'crossing', c.key, c.key, c.seen_at, 1.0, 'border_crossing:' || c.id
        FROM crossings c JOIN records r ON r.id = c.record_id""",
    "same_crossing": f"""
        WITH x AS (SELECT c.companions, c.seen_at, c.id, {PERSON_KEY} AS k
                   FROM crossings c JOIN records r ON r.id = c.record_id
                   WHERE c.companions IS NOT NULL)
        SELECT 'person', x.k, NULL, 'person', y.k, NULL, x.seen_at, 1.0,
               'border_crossing:' || x.id || '/' || y.id
        FROM x JOIN x y ON x.companions = y.companions AND x.k < y.k""",
    "crossed_in": f"""
        SELECT 'person', {PERSON_KEY}, NULL, 'vehicle', upper(c.vehicle), c.vehicle, c.seen_at, 1.0,
               'border_crossing:' || c.id
        FROM crossings c JOIN records r ON r.id = c.record_id WHERE c.vehicle IS NOT NULL""",
    "drove": f"""
        WITH x AS (SELECT {PERSON_KEY} AS k, upper(c.vehicle) AS v, c.seen_at, c.id
                   FROM crossings c JOIN records r ON r.id = c.record_id
                   WHERE c.vehicle IS NOT NULL),
        repeat AS (SELECT k, v FROM x GROUP BY k, v HAVING count(DISTINCT CAST(seen_at AS DATE)) >= 2)
        SELECT 'person', x.k, NULL, 'vehicle', x.v, x.v, x.seen_at, 1.0, 'border_crossing:' || x.id
        FROM x JOIN repeat USING (k, v)""",
    "holds_document": f"""
        SELECT 'person', {PERSON_KEY}, NULL, 'document',
               a.doc_country || ':' || coalesce(a.doc_type, 'P') || ':' || a.doc_no, a.doc_no,
               CAST(f.day AS TIMESTAMPTZ), 1.0, 'api_traveller:' || a.id
        FROM api a JOIN records r ON r.id = a.record_id JOIN flights f ON f.id = a.flight_id
        WHERE a.doc_no IS NOT NULL AND a.doc_country IS NOT NULL
        UNION ALL
        SELECT 'person', {PERSON_KEY}, NULL, 'document',
               d.state || ':' || d.type || ':' || d.number, d.number, c.seen_at, 1.0,
               'border_crossing:' || c.id
        FROM crossings c JOIN records r ON r.id = c.record_id JOIN documents d ON d.id = c.document_id""",
    "has_contact": " UNION ALL ".join(
        f"""SELECT 'person', {PERSON_KEY}, NULL, '{kind}', r.{kind}, r.{kind}, NULL, 1.0,
               'identity_record:' || r.id FROM records r WHERE r.{kind} IS NOT NULL"""
        for kind in ("phone", "email", "address")
    ),
}

_COLUMNS = "s_kind, s_key, s_label, t_kind, t_key, t_label, seen_at, weight, prov"

# Facts the ring scoring reads from nodes (risk-indicators.md): a booking's payment form (12),
# one-way ticket (14), split PNR (19), payer not among its travellers (11), lead time (13); a
# crossing's decision and reasons (a referral to protection marks a migrant, never a suspect);
# a document's state and number (documents in series, 25).
_FACTS_SQL: dict[str, str] = {
    "booking": """
        WITH names AS (
            SELECT p.booking_id, list_sort(string_split(upper(trim(regexp_replace(
                       coalesce(r.full_name, r.given_names || ' ' || r.surname), '\\s+', ' ', 'g'
                   ))), ' ')) AS n
            FROM pax p JOIN records r ON r.id = p.record_id),
        payer AS (
            SELECT booking_id, list_sort(string_split(upper(trim(regexp_replace(
                       payer_name, '\\s+', ' ', 'g'))), ' ')) AS n
            FROM payments WHERE payer_name IS NOT NULL),
        outside AS (
            SELECT booking_id FROM payer
            EXCEPT SELECT payer.booking_id FROM payer JOIN names USING (booking_id, n)),
        cash AS (SELECT DISTINCT booking_id FROM payments WHERE method = 'CA'),
        dep AS (
            SELECT b.id AS booking_id, min(f.day) AS first_day
            FROM bookings b JOIN flights f ON f.carrier = b.carrier
            JOIN api a ON a.flight_id = f.id AND a.locator = b.locator GROUP BY b.id),
        size AS (SELECT booking_id, count(*) AS travellers FROM pax GROUP BY booking_id)
        SELECT b.carrier || ':' || b.locator AS key,
               cash.booking_id IS NOT NULL AS cash,
               coalesce(b.one_way, false) AS one_way,
               b.split_from IS NOT NULL AS split,
               outside.booking_id IS NOT NULL AS payer_not_travelling,
               date_diff('day', CAST(b.created_on AS DATE), CAST(dep.first_day AS DATE))
                   AS lead_days,
               coalesce(size.travellers, 0) AS travellers
        FROM bookings b LEFT JOIN cash ON cash.booking_id = b.id
        LEFT JOIN outside ON outside.booking_id = b.id
        LEFT JOIN size ON size.booking_id = b.id
        LEFT JOIN dep ON dep.booking_id = b.id""",
    "crossing": """
        SELECT key, decision, reasons FROM crossings""",
}


class _DuckDB:
    """The default analytics engine: an in-memory DuckDB database for one build."""

    def __init__(self) -> None:
        self.con = duckdb.connect(config=duckdb_config())

    def register(self, name: str, table: pa.Table) -> None:
        self.con.register(f"src_{name}", table)
        self.con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM src_{name}")

    def create(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TABLE {name} AS {sql}")

    def arrow(self, sql: str) -> pa.Table:
        return self.con.sql(sql).to_arrow_table()

    def close(self) -> None:
        self.con.close()


class _Spark:
    """The same statements on Spark: each is transpiled from DuckDB's spelling by sqlglot and
    its result kept as a cached temporary view (the tables of one build)."""

    def __init__(self) -> None:
        from filet.spark import spark_session

        self.spark = spark_session()
        self.views: list[Any] = []

    def register(self, name: str, table: pa.Table) -> None:
        from filet.spark import register_arrow

        register_arrow(f"network_{name}", table)

    def create(self, name: str, sql: str) -> None:
        frame = self.spark.sql(self._spark_sql(sql)).cache()
        frame.createOrReplaceTempView(f"network_{name}")
        self.views.append(frame)

    def arrow(self, sql: str) -> pa.Table:
        table: pa.Table = self.spark.sql(self._spark_sql(sql)).toArrow()
        return table

    def close(self) -> None:
        # Dependants first: uncaching a table Spark still sees used re-plans what depends on it.
        for frame in reversed(self.views):
            frame.unpersist()

    @staticmethod
    def _spark_sql(sql: str) -> str:
        import sqlglot
        from sqlglot import exp

        # Tables of this build are views named network_<table> (Spark's views are per session).
        tree = sqlglot.parse_one(sql, read="duckdb")
        ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
        for table in tree.find_all(exp.Table):
            if table.name in _TABLE_NAMES and table.name not in ctes:
                table.set("this", exp.to_identifier(f"network_{table.name}"))
                if not table.alias:
                    table.set("alias", exp.TableAlias(this=exp.to_identifier(table.name)))
        return tree.sql(dialect="spark")


_TABLE_NAMES = frozenset(
    [
        "persons",
        "records",
        "bookings",
        "pax",
        "contacts",
        "payments",
        "agencies",
        "flights",
        "api",
        "crossings",
        "documents",
        "intel",
        "described",
        "raw",
        "raw_traced",
        "node_table",
    ]
)

Engine = Literal["duckdb", "spark"]


def compute_network(session: Session, engine: Engine = "duckdb") -> tuple[pa.Table, pa.Table]:
    """Nodes (kind, key, label, category, facts) and edges (kind, s_kind, s_key, t_kind, t_key,
    first_seen, last_seen, count, weight, provenance) from the store, as Arrow tables.

    The statements are written once, in DuckDB's spelling; on ``engine="spark"`` they run on
    the shared Spark session (:mod:`filet.spark`) after transpilation, with the same results.
    """
    if engine == "duckdb":
        sql: _DuckDB | _Spark = _DuckDB()
    elif engine == "spark":
        sql = _Spark()
    else:
        raise InputError(
            f"unknown engine {engine!r}; expected duckdb or spark", Place(field="engine")
        )
    try:
        for name, table in _tables(session).items():
            sql.register(name, table)
        return _compute(sql)
    finally:
        sql.close()


def _compute(sql: _DuckDB | _Spark) -> tuple[pa.Table, pa.Table]:
    parts = []
    for kind, statement in _EDGE_SQL.items():
        parts.append(f"SELECT '{kind}' AS kind, * FROM ({statement}) AS q({_COLUMNS})")
    parts.append(
        """SELECT edge AS kind, s_kind, s_key,
               CASE WHEN s_kind = 'person' THEN substr(s_key, 7) END, t_kind, t_key,
               CASE WHEN t_kind = 'person' THEN substr(t_key, 7) END, seen_at, weight,
               'intelligence:' || reference || ' ' || grade FROM intel"""
    )
    sql.create("raw_traced", " UNION ALL ".join(parts))
    # A person named in a payment or intelligence item whose full name (two words or more, in
    # any order) is the name of exactly one travelling person: a hypothesis of identity, kept
    # as a weak, explained edge for the analyst to confirm or reject.
    sql.create(
        "raw",
        """
        WITH named AS (
            SELECT DISTINCT key, list_sort(string_split(substr(key, 7), ' ')) AS n
            FROM (SELECT s_key AS key FROM raw_traced WHERE s_key LIKE 'named:%'
                  UNION SELECT t_key FROM raw_traced WHERE t_key LIKE 'named:%') AS keys),
        people AS (
            SELECT DISTINCT s_key AS key, list_sort(string_split(upper(trim(regexp_replace(
                       s_label, '\\s+', ' ', 'g'))), ' ')) AS n
            FROM raw_traced
            WHERE s_kind = 'person' AND s_key NOT LIKE 'named:%' AND s_label IS NOT NULL),
        unique_people AS (SELECT n, min(key) AS key FROM people GROUP BY n HAVING count(*) = 1)
        SELECT * FROM raw_traced
        UNION ALL
        SELECT 'named_as', 'person', named.key, NULL, 'person', p.key, NULL, NULL, 0.5,
               'name:' || substr(named.key, 7)
        FROM named JOIN unique_people p ON p.n = named.n WHERE array_length(named.n) >= 2""",
    )
    edges = sql.arrow(
        """
        SELECT kind, s_kind, s_key, t_kind, t_key, min(seen_at) AS first_seen,
               max(seen_at) AS last_seen, count(DISTINCT prov) AS count,
               CAST(sum(weight) AS DOUBLE) AS weight,
               array_slice(list_sort(list(DISTINCT prov)), 1, 50) AS provenance
        FROM raw GROUP BY kind, s_kind, s_key, t_kind, t_key
        ORDER BY kind, s_kind, s_key, t_kind, t_key"""
    )
    sql.create(
        "node_table",
        """
        WITH labels AS (
            SELECT s_kind AS kind, s_key AS key, s_label AS label FROM raw
            UNION ALL SELECT t_kind, t_key, t_label FROM raw)
        SELECT l.kind, l.key, coalesce(max(l.label), max(p.label), l.key) AS label,
               max(p.category) AS category
        FROM labels l LEFT JOIN persons p
             ON l.kind = 'person' AND l.key = 'person:' || p.id
        GROUP BY l.kind, l.key""",
    )
    # The crossing's reasons stay JSON text here (their shape is free); _attributes reads them.
    facts = (
        "SELECT 'booking' AS kind, key, to_json(struct_pack(cash, one_way, split, "
        f"payer_not_travelling, lead_days, travellers)) AS facts FROM ({_FACTS_SQL['booking']}) AS b"
        " UNION ALL SELECT 'crossing', key, to_json(struct_pack(decision, reasons))"
        f" FROM ({_FACTS_SQL['crossing']}) AS c"
        " UNION ALL SELECT 'person', key, to_json(struct_pack(described := list_sort(list(DISTINCT"
        " role)))) FROM described WHERE role <> '' GROUP BY key"
    )
    nodes = sql.arrow(
        f"""SELECT n.kind, n.key, n.label, n.category, f.facts FROM node_table n
            LEFT JOIN ({facts}) f ON f.kind = n.kind AND f.key = n.key
            ORDER BY n.kind, n.key"""
    )
    return nodes, edges


def build_network(session: Session, engine: Engine = "duckdb") -> BuildSummary:
    """Compute the network and write it to ``network_nodes``/``network_edges``.

    Idempotent: nodes keep their ids across builds (natural key kind + key), edges are replaced,
    nodes no longer supported by any record are removed.
    """
    nodes, edges = compute_network(session, engine)
    existing = {
        (kind, key): node_id
        for node_id, kind, key in session.execute(
            select(NetworkNode.id, NetworkNode.kind, NetworkNode.key)
        )
    }
    wanted = {(n["kind"], n["key"]): n for n in nodes.to_pylist()}
    new = [
        {
            "kind": kind,
            "key": key,
            "label": str(node["label"])[:300],
            "attributes": _attributes(node),
        }
        for (kind, key), node in wanted.items()
        if (kind, key) not in existing
    ]
    changed = [
        {"id": existing[pair], "attributes": _attributes(node)}
        for pair, node in wanted.items()
        if pair in existing and node["facts"] is not None
    ]
    for start in range(0, len(changed), 5000):
        session.execute(update(NetworkNode), changed[start : start + 5000])
    session.execute(delete(NetworkEdge))
    gone = [node_id for pair, node_id in existing.items() if pair not in wanted]
    for start in range(0, len(gone), 500):
        session.execute(delete(NetworkNode).where(NetworkNode.id.in_(gone[start : start + 500])))
    if new:
        session.execute(insert(NetworkNode), new)
    ids = {
        (kind, key): node_id
        for node_id, kind, key in session.execute(
            select(NetworkNode.id, NetworkNode.kind, NetworkNode.key)
        )
    }
    rows = [
        {
            "kind": e["kind"],
            "source_id": ids[(e["s_kind"], e["s_key"])],
            "target_id": ids[(e["t_kind"], e["t_key"])],
            "first_seen": _aware(e["first_seen"]),
            "last_seen": _aware(e["last_seen"]),
            "count": int(e["count"]),
            "weight": float(e["weight"]),
            "provenance": list(e["provenance"]),
        }
        for e in edges.to_pylist()
    ]
    for start in range(0, len(rows), 5000):
        session.execute(insert(NetworkEdge), rows[start : start + 5000])
    session.flush()
    count_nodes: dict[str, int] = {}
    for kind, _key in wanted:
        count_nodes[kind] = count_nodes.get(kind, 0) + 1
    count_edges: dict[str, int] = {}
    for row in rows:
        count_edges[row["kind"]] = count_edges.get(row["kind"], 0) + 1
    return BuildSummary(nodes=count_nodes, edges=count_edges)


def _attributes(node: dict[str, Any]) -> dict[str, Any]:
    attributes: dict[str, Any] = json.loads(node["facts"]) if node.get("facts") else {}
    if isinstance(attributes.get("reasons"), str):  # a crossing's reasons, stored as JSON text
        with contextlib.suppress(ValueError):
            attributes["reasons"] = json.loads(attributes["reasons"])
    if node.get("category"):
        attributes["category"] = node["category"]
    return attributes


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
