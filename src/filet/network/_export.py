"""Export the stored network: FollowTheMoney entities (JSON lines), GraphML and GEXF (via NetworkX,
for Gephi), CSV (nodes and edges, for link-chart tools).

FtM has no border crossing, booking, flight or screening types: those are exported as FtM ``Event``
entities whose ``keywords`` carry the namespaced filet type (``filet:BorderCrossing``, ...), so every
line loads with the ``followthemoney`` library and our additions stay recognisable.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx
from followthemoney import model
from sqlalchemy.orm import Session

from filet.errors import InputError, NotFoundError, Place
from filet.network._analysis import Network
from filet.network._rings import _edges_touching, _load_nodes, edge_json

EXPORT_FORMATS = ("ftm", "graphml", "gexf", "csv")

_FILET_TYPES = {
    "booking": "filet:Booking",
    "trip": "filet:Flight",
    "crossing": "filet:BorderCrossing",
    "phone": "filet:Phone",
    "email": "filet:Email",
    "card": "filet:PaymentCard",
    "document": "filet:TravelDocument",
}


def _make_id(*parts: str) -> str:
    """A stable FtM entity id (like ``EntityProxy.make_id``: a SHA-1 of the parts)."""
    return (
        "filet-"
        + hashlib.sha1("\x00".join(parts).encode("utf-8"), usedforsecurity=False).hexdigest()
    )


def _entity_id(kind: str, key: str) -> str:
    return _make_id(kind, key)


def ftm_entities(network: Network) -> list[dict[str, Any]]:
    entities: list[dict[str, Any]] = []
    ids: dict[int, str] = {}
    for node_id, (kind, key, label, _attrs) in sorted(network.nodes.items()):
        if kind == "person":
            entity = model.make_entity("Person")
            entity.add("name", label or key)
        elif kind == "agency":
            entity = model.make_entity("Organization")
            entity.add("name", label or key)
            entity.add("registrationNumber", key)
        elif kind == "vehicle":
            entity = model.make_entity("Vehicle")
            entity.add("registrationNumber", key)
        elif kind == "account":
            entity = model.make_entity("BankAccount")
            entity.add("accountNumber", key)
        elif kind == "address":
            entity = model.make_entity("Address")
            entity.add("full", key)
        else:
            entity = model.make_entity("Event")
            entity.add("name", f"{_FILET_TYPES.get(kind, 'filet:' + kind)} {label or key}")
            entity.add("keywords", _FILET_TYPES.get(kind, f"filet:{kind}"))
        entity.id = _entity_id(kind, key)
        ids[node_id] = entity.id
        entities.append(entity.to_dict())
    for edge in network.edges:
        source, target = network.nodes[edge.source], network.nodes[edge.target]
        if edge.kind == "paid" and target[0] in {"account", "person"}:
            link = model.make_entity("Payment")
            link.add("payer", ids[edge.source])
            link.add("beneficiary", ids[edge.target])
        elif edge.kind == "called":
            link = model.make_entity("Call")
            link.add("callerNumber", source[1])
            link.add("receiverNumber", target[1])
        else:
            link = model.make_entity("UnknownLink")
            link.add("subject", ids[edge.source])
            link.add("object", ids[edge.target])
            link.add("role", f"filet:{edge.kind}")
        for moment, prop in ((edge.first_seen, "startDate"), (edge.last_seen, "endDate")):
            if moment is not None:
                link.add(prop, moment.date().isoformat())
        link.add("summary", "; ".join(edge.provenance[:10]))
        link.id = _make_id("edge", edge.kind, ids[edge.source], ids[edge.target])
        entities.append(link.to_dict())
    return entities


def _nx(network: Network) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for node_id, (kind, key, label, _attrs) in network.nodes.items():
        graph.add_node(str(node_id), kind=kind, key=key, label=label)
    for edge in network.edges:
        graph.add_edge(
            str(edge.source),
            str(edge.target),
            kind=edge.kind,
            weight=edge.weight,
            count=edge.count,
            first_seen=edge.first_seen.isoformat() if edge.first_seen else "",
            last_seen=edge.last_seen.isoformat() if edge.last_seen else "",
            provenance="; ".join(edge.provenance[:10]),
        )
    return graph


CHART_LIMIT = 20_000


def chart_network(session: Session, node_ids: Iterable[int], edge_ids: Iterable[str]) -> Network:
    """The link chart as the analyst sees it: the nodes shown and, of the stored edges between
    them, those shown (edge ids as the chart names them, ``kind:source:target``). Filters, hidden
    nodes and expansions made on the chart are thus what an export of the chart holds."""
    ids = set(node_ids)
    if not ids:
        raise InputError("a chart export needs at least one node", Place(field="nodes"))
    if len(ids) > CHART_LIMIT:
        raise InputError(
            f"a chart export holds at most {CHART_LIMIT} nodes, not {len(ids)}",
            Place(field="nodes"),
        )
    nodes = _load_nodes(session, ids)
    missing = sorted(ids - set(nodes))
    if missing:
        raise NotFoundError(f"no network node {missing[0]}", Place(field="nodes"))
    wanted = set(edge_ids)
    edges = [
        e
        for e in _edges_touching(session, sorted(ids))
        if e.source in ids and e.target in ids and edge_json(e)["id"] in wanted
    ]
    return Network(nodes, edges)


def export_network(network: Network, fmt: str, out: Path) -> list[Path]:
    """Write the network in ``fmt``; returns the files written (CSV writes nodes and edges)."""
    if fmt not in EXPORT_FORMATS:
        raise InputError(
            f"unknown format {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}",
            Place(field="format"),
        )
    if fmt == "ftm":
        with out.open("w", encoding="utf-8") as handle:
            for entity in ftm_entities(network):
                handle.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
        return [out]
    if fmt == "graphml":
        nx.write_graphml(_nx(network), out)
        return [out]
    if fmt == "gexf":
        nx.write_gexf(_nx(network), out)
        return [out]
    nodes_path = out.with_name(out.stem + ".nodes.csv")
    edges_path = out.with_name(out.stem + ".edges.csv")
    with nodes_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "kind", "key", "label"])
        for node_id, (kind, key, label, _attrs) in sorted(network.nodes.items()):
            writer.writerow([node_id, kind, key, label])
    with edges_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["source", "target", "kind", "weight", "count", "first_seen", "last_seen", "provenance"]
        )
        for edge in network.edges:
            writer.writerow(
                [
                    edge.source,
                    edge.target,
                    edge.kind,
                    edge.weight,
                    edge.count,
                    edge.first_seen.isoformat() if edge.first_seen else "",
                    edge.last_seen.isoformat() if edge.last_seen else "",
                    "; ".join(edge.provenance),
                ]
            )
    return [nodes_path, edges_path]
