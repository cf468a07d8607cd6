"""`filet evaluate`: what filet concluded, in the store, against the synthetic world's truth.

The synthetic world (``filet synth``) names every record (``paxlst:A…``, ``pnrgov:LOC:2``,
``crossing:N``) and says who really stood behind it (``truth/records.csv``). Here the store's
identity records are mapped back to those ids, and each detector that exists is measured:
identity resolution (pairwise and cluster precision/recall/F1 by nationality and script),
watchlist screening, risk rules (flagged bookings and travellers), protection (recall of
vulnerable people by nationality and sex), and network analysis when it has run. Records of the
truth that never reached the store count as missed, so an empty store scores zero recall.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from filet.errors import InputError, Place
from filet.store.schema import (
    ApiTraveller,
    BorderCrossing,
    IdentityRecord,
    ScreeningHit,
    WatchlistEntry,
)


@dataclass(frozen=True)
class Truth:
    """The parts of a synthetic world's ``truth/`` folder the measures need."""

    folder: Path
    records: dict[str, dict[str, str]]
    persons: dict[str, dict[str, str]]

    @classmethod
    def load(cls, folder: Path) -> Truth:
        if not (folder / "records.csv").exists():
            raise InputError(
                "not a truth folder (no records.csv): give the truth/ folder written by filet synth",
                Place(file=str(folder)),
            )
        return cls(
            folder,
            {row["record_id"]: row for row in read_rows(folder / "records.csv")},
            {row["person_id"]: row for row in read_rows(folder / "persons.csv")},
        )

    def person_of(self, record_id: str) -> str | None:
        row = self.records.get(record_id)
        return row["physical_person_id"] if row else None


def read_rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def record_ids(session: Session) -> dict[int, str]:
    """Store identity record id → the synthetic world's record id."""
    mapping: dict[int, str] = {}
    for record_id, reference in session.execute(
        select(ApiTraveller.identity_record_id, ApiTraveller.passenger_ref).where(
            ApiTraveller.identity_record_id.is_not(None), ApiTraveller.passenger_ref.is_not(None)
        )
    ).tuples():
        assert record_id is not None
        mapping[record_id] = f"paxlst:{reference}"
    for record_id, key in session.execute(
        select(IdentityRecord.id, IdentityRecord.source_key).where(
            IdentityRecord.source_type == "pnr"
        )
    ).tuples():
        _carrier, locator, reference = key.split(":", 2)
        mapping[record_id] = f"pnrgov:{locator}:{reference}"
    for record_id, result in session.execute(
        select(BorderCrossing.identity_record_id, BorderCrossing.check_result).where(
            BorderCrossing.identity_record_id.is_not(None)
        )
    ).tuples():
        line = result.get("line") if result else None
        if record_id is not None and isinstance(line, int):
            mapping[record_id] = f"crossing:{line - 1}"
    return mapping


def person_map(session: Session, truth: Truth, ids: Mapping[int, str]) -> dict[int, str]:
    """Store person → the real person most of its records belong to."""
    votes: dict[int, Counter[str]] = {}
    for record_id, person_id in session.execute(
        select(IdentityRecord.id, IdentityRecord.person_id).where(
            IdentityRecord.person_id.is_not(None)
        )
    ).tuples():
        real = truth.person_of(ids.get(record_id, ""))
        if real and person_id is not None:
            votes.setdefault(person_id, Counter())[real] += 1
    return {person: counts.most_common(1)[0][0] for person, counts in votes.items()}


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _f1(precision: float | None, recall: float | None) -> float | None:
    if not precision or not recall:
        return 0.0 if precision is not None and recall is not None else None
    return round(2 * precision * recall / (precision + recall), 4)


def measure_identity(session: Session, truth: Truth, ids: Mapping[int, str]) -> dict[str, Any]:
    from filet.identity import evaluate_clusters

    clusters = {
        ids[record_id]: f"p{person_id}" if person_id is not None else f"r{record_id}"
        for record_id, person_id in session.execute(
            select(IdentityRecord.id, IdentityRecord.person_id)
        ).tuples()
        if record_id in ids
    }
    wanted = {
        rid: row["physical_person_id"]
        for rid, row in truth.records.items()
        if rid.split(":", 1)[0] in ("paxlst", "pnrgov", "crossing")
    }
    predicted = {rid: clusters.get(rid, f"missing:{rid}") for rid in wanted}
    breakdown = {
        attribute: {
            rid: truth.persons.get(person, {}).get(attribute, "") or "unknown"
            for rid, person in wanted.items()
        }
        for attribute in ("nationality", "script")
    }
    report = evaluate_clusters(predicted, wanted, breakdown)
    result: dict[str, Any] = report.to_json()
    result["records_in_truth"] = len(wanted)
    result["records_found"] = sum(1 for rid in wanted if rid in clusters)
    return result


TRAVEL_SOURCES = frozenset({"paxlst", "pnrgov", "crossing"})


def measure_screening(session: Session, truth: Truth, ids: Mapping[int, str]) -> dict[str, Any]:
    listed = {row["entry_id"]: row for row in read_rows(truth.folder / "watchlist.csv")}
    # Listed facilitators who travelled: a record from a passenger list, a booking or a crossing
    # (every listed person also has a record from the watchlist itself, and some from debriefings,
    # which are not travel and are never screened).
    travelled = {
        row["physical_person_id"]
        for row in truth.records.values()
        if row["source"] in TRAVEL_SOURCES
    }
    wanted = {
        row["person_id"]
        for row in listed.values()
        if row.get("relation") == "facilitator" and row["person_id"] in travelled
    }
    hits = (
        session.execute(
            select(
                ScreeningHit.subject_type, ScreeningHit.subject_id, WatchlistEntry.entry_key
            ).join(WatchlistEntry, WatchlistEntry.id == ScreeningHit.entry_id)
        )
        .tuples()
        .all()
    )
    correct = 0
    found: set[str] = set()
    for subject_type, subject_id, entry in hits:
        real = (
            truth.person_of(ids.get(subject_id, "")) if subject_type == "identity_record" else None
        )
        listed_person = listed.get(entry, {}).get("person_id")
        if real is not None and real == listed_person:
            correct += 1
            found.add(real)
    precision = _rate(correct, len(hits))
    recall = _rate(len(found & wanted), len(wanted)) if wanted else None
    return {
        "hits": len(hits),
        "correct_hits": correct,
        "listed_travellers": len(wanted),
        "found": len(found & wanted),
        "precision": precision,
        "recall": recall,
        "f1": _f1(precision, recall),
    }


def measure_risk(session: Session, truth: Truth, ids: Mapping[int, str]) -> dict[str, Any]:
    from filet.risk import evaluate_against_truth

    return {
        name: {
            "positives": d.positives,
            "flagged": d.flagged,
            "true_positives": d.true_positives,
            "precision": d.precision,
            "recall": d.recall,
            "f1": _f1(d.precision, d.recall),
        }
        for name, d in evaluate_against_truth(session, truth.folder).items()
    }


def measure_protection(session: Session, truth: Truth, ids: Mapping[int, str]) -> dict[str, Any]:
    from filet.protection import recall_by_group, truth_from_rows
    from filet.store.schema import ProtectionCase

    vulnerable = [row["person_id"] for row in read_rows(truth.folder / "vulnerable.csv")]
    people = person_map(session, truth, ids)
    identified = {
        people[person_id]
        for person_id in session.execute(
            select(ProtectionCase.person_id).where(ProtectionCase.person_id.is_not(None))
        ).scalars()
        if person_id in people
    }
    groups = recall_by_group(truth_from_rows(vulnerable, truth.persons), identified)
    return {
        "vulnerable": len(set(vulnerable)),
        "groups": [
            {
                "dimension": g.dimension,
                "group": g.group,
                "vulnerable": g.vulnerable,
                "identified": g.identified,
                "recall": g.recall,
                "miss_rate": g.miss_rate,
                "wilson_low": g.low,
                "wilson_high": g.high,
                "suppressed": g.suppressed,
            }
            for g in groups
        ],
    }


def named_persons(session: Session, truth: Truth) -> dict[str, str]:
    """Network ``named:`` nodes (payers, people named in intelligence and debriefings) → the real
    person, by the provenance that named them: the debriefing's smuggler at that position
    (``debriefing:DEB…:n`` in the truth records), the intelligence item's parties in order, a phone
    the truth gives to a facilitator, else a name that exactly one truth person bears. Without
    this every organiser and payer — who never travel — would count as a miss."""
    from filet.network._build import _named, mention
    from filet.store.schema import IntelligenceItem, NetworkEdge, NetworkNode

    votes: dict[str, Counter[str]] = {}

    def vote(name: object, reference: str, person: str | None, weight: int = 1) -> None:
        if name and person:
            votes.setdefault(mention(str(name), reference), Counter())[person] += weight

    about = {
        row["item_id"]: row["about_person_ids"].split(";")
        for row in read_rows(truth.folder / "intelligence.csv")
    }
    for reference, kind, attributes in session.execute(
        select(IntelligenceItem.reference, IntelligenceItem.kind, IntelligenceItem.attributes)
    ).tuples():
        attrs = attributes or {}
        if kind == "debriefing":
            for index, smuggler in enumerate(attrs.get("smugglers", []), start=1):
                vote(
                    smuggler.get("name_as_known"),
                    reference,
                    truth.person_of(f"debriefing:{reference}:{index}"),
                    3,
                )
        elif reference in about:
            parties = about[reference]
            if kind == "payment" and parties:
                vote(attrs.get("payer_name"), reference, parties[0], 3)
            for name, person in zip(attrs.get("people", []), parties, strict=False):
                vote(name, reference, person, 3)
    phones = {
        row["phone"]: row["person_id"]
        for row in read_rows(truth.folder / "facilitators.csv")
        if row.get("phone")
    }
    keys = {
        node_id: (kind, key)
        for node_id, kind, key in session.execute(
            select(NetworkNode.id, NetworkNode.kind, NetworkNode.key)
        ).tuples()
    }
    for source, target in session.execute(
        select(NetworkEdge.source_id, NetworkEdge.target_id).where(
            NetworkEdge.kind.in_(("payer_phone", "uses_phone"))
        )
    ).tuples():
        (s_kind, s_key), (t_kind, t_key) = keys[source], keys[target]
        if s_kind == "person" and s_key.startswith("named:") and t_kind == "phone":
            holder = phones.get(t_key)
            if holder:
                votes.setdefault(s_key, Counter())[holder] += 2
    by_name: dict[str, set[str]] = {}
    for person_id, row in truth.persons.items():
        for name in (row.get("latin_name"), row.get("native_name")):
            if name:
                by_name.setdefault(_named(name), set()).add(person_id)
    for kind, key in keys.values():
        if kind == "person" and key.startswith("named:") and len(by_name.get(key, ())) == 1:
            votes.setdefault(key, Counter())[next(iter(by_name[key]))] += 1
    return {key: counts.most_common(1)[0][0] for key, counts in votes.items()}


# The truth records of travel (API manifests, PNR, border crossings), as against reports.
_TRAVEL_SOURCES = ("paxlst", "pnrgov", "crossing")


def measure_network(session: Session, truth: Truth, ids: Mapping[int, str]) -> dict[str, Any]:
    """Rings against the truth networks whose operations reached the store, restricted to the
    persons the store can show at all (a corrupt official or an organiser never named in any
    record cannot be found by anyone), paired one to one (``evaluate_network``),
    and the facilitator ranking, where a ranked node that maps to no real person counts as a
    wrong answer, never as a skipped one."""
    from filet.network import Network, detect_rings, evaluate_network, facilitators, infer_roles

    network = Network.load(session)
    people = person_map(session, truth, ids)
    named = named_persons(session, truth)

    def real(key: str) -> str | None:
        kind, _, value = key.partition(":")
        if kind == "person" and value.isdigit():
            return people.get(int(value))
        if kind == "record" and value.isdigit():
            return truth.person_of(ids.get(int(value), ""))
        if kind == "named":
            return named.get(key)
        return None

    rings = detect_rings(network) if network.nodes else []
    for ring in rings:
        infer_roles(ring, network)
    predicted = [
        {person for node in ring.persons if (person := real(network.nodes[node][1]))}
        for ring in rings
    ]
    players = facilitators(network, rings, top=50) if network.nodes else []
    ranked = [real(player.node) or f"unmapped:{player.node}" for player in players]
    network_of = {
        row["operation_id"]: row["network_id"] for row in read_rows(truth.folder / "operations.csv")
    }
    members: dict[str, set[str]] = {}
    helpers = read_rows(truth.folder / "facilitators.csv")
    for row in helpers:
        members.setdefault(row["network_id"], set()).add(row["person_id"])
    travelled: dict[str, set[str]] = {}  # persons on the records of a network's operations
    for record_id, row in truth.records.items():
        network_id = network_of.get(row.get("operation_id") or "")
        if network_id:
            members.setdefault(network_id, set()).add(row["physical_person_id"])
            if record_id.split(":", 1)[0] in _TRAVEL_SOURCES:
                travelled.setdefault(network_id, set()).add(row["physical_person_id"])
    observable = {
        person
        for _node_id, (kind, key, _label, _attrs) in network.nodes.items()
        if kind == "person" and (person := real(key))
    }
    # A network is to be found when one of its operations reached the store (a person of its
    # bookings, manifests or crossings is in the graph); one that moved nobody in the period,
    # seen at most through a name in a report, leaves no ring to find.
    visible = {
        nid: m & observable for nid, m in members.items() if travelled.get(nid, set()) & observable
    }
    migrants = {key for key, row in truth.persons.items() if row.get("kind") == "smuggled_migrant"}
    judged = [(ring, persons) for ring, persons in zip(rings, predicted, strict=True) if persons]
    quality = evaluate_network(
        [persons for _ring, persons in judged],
        visible,
        ranked,
        {row["person_id"] for row in helpers},
        migrants,
    )
    return {
        "rings": len(rings),
        "truth_networks": len(visible),
        "truth_networks_all": len(members),
        "truth_members_observable": sum(len(m) for m in visible.values()),
        "truth_members_all": sum(len(m) for m in members.values()),
        "named_nodes_mapped": len(named),
        "ring_precision": quality.ring_precision,
        "ring_recall": quality.ring_recall,
        "ring_f1": quality.ring_f1,
        "facilitator_precision_at_k": quality.facilitator_precision_at_k,
        "k": quality.k,
        "facilitators_ranked": len(ranked),
        "migrants_ranked_as_facilitators": quality.migrants_ranked_as_facilitators,
        "ring_matches": [
            {
                "ring": judged[m.ring][0].ring_id,
                "score": round(judged[m.ring][0].score, 3),
                "persons": len(judged[m.ring][0].persons),
                "persons_mapped": m.persons,
                "nodes_unmapped": sum(
                    1 for node in judged[m.ring][0].persons if real(network.nodes[node][1]) is None
                ),
                "network": m.network,
                "jaccard": m.jaccard,
                "best_network": m.best_network,
                "shared_with_best": m.shared,
                "best_network_members": len(visible[m.best_network]) if m.best_network else 0,
            }
            for m in quality.matches
        ],
    }


Measure = Callable[[Session, Truth, Mapping[int, str]], dict[str, Any]]

MEASURES: dict[str, Measure] = {
    "identity": measure_identity,
    "screening": measure_screening,
    "risk": measure_risk,
    "protection": measure_protection,
    "network": measure_network,
}


def evaluate(
    session: Session, truth_folder: Path, detectors: Iterable[str] | None = None
) -> dict[str, Any]:
    """Every measure (or those named) of the store against ``truth_folder``."""
    truth = Truth.load(truth_folder)
    ids = record_ids(session)
    chosen = list(detectors) if detectors else list(MEASURES)
    unknown = [d for d in chosen if d not in MEASURES]
    if unknown:
        raise InputError(
            f"unknown detectors {unknown}; known: {sorted(MEASURES)}", Place(field="--detector")
        )
    return {
        "truth": str(truth_folder),
        "records_mapped": len(ids),
        **{name: MEASURES[name](session, truth, ids) for name in chosen},
    }


__all__ = ["MEASURES", "Truth", "evaluate", "person_map", "record_ids"]
