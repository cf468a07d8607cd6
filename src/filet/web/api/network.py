"""Network API: rings (with roles, facilitators and money) and a node's neighbourhood with the
reason for every edge, for the link chart. Smuggled migrants are never listed as suspects."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy.orm import Session

from filet.network import Network, analyse_network
from filet.web.deps import Principal, db_session, require

router = APIRouter(prefix="/api/v1", tags=["network"])


@router.get("/network/rings")
def rings(
    principal: Principal = Depends(require("network:read")),
    session: Session = Depends(db_session),
) -> dict[str, Any]:
    """Rings with score, reasons, suspects and their roles, facilitators and money flows."""
    return analyse_network(session).as_dict()


@router.get("/network/nodes/{node_id}/neighbourhood")
def neighbourhood(
    node_id: int,
    principal: Principal = Depends(require("network:read")),
    session: Session = Depends(db_session),
) -> dict[str, Any]:
    """The node, its neighbours and the edges between them, each with why it exists."""
    network = Network.load(session)
    if node_id not in network.nodes:
        raise HTTPException(status_code=404, detail=f"no network node {node_id}")
    edges = [e for e in network.edges if node_id in (e.source, e.target)]
    ids = {node_id} | {e.source for e in edges} | {e.target for e in edges}
    return {
        "nodes": [
            {
                "id": n,
                "kind": network.nodes[n][0],
                "key": network.nodes[n][1],
                "label": network.nodes[n][2],
            }
            for n in sorted(ids)
        ],
        "edges": [
            {
                "source": e.source,
                "target": e.target,
                "kind": e.kind,
                "count": e.count,
                "weight": e.weight,
                "first_seen": e.first_seen.isoformat() if e.first_seen else None,
                "last_seen": e.last_seen.isoformat() if e.last_seen else None,
                "provenance": e.provenance,
            }
            for e in edges
        ],
    }
