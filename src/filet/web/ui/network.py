"""Network screens: the list of stored rings, a ring's page (link chart, map of its routes,
timeline, members with roles and reasons, the "open an investigation case" button) and a node's
own link chart. The chart, map and timeline are drawn in the browser (``static/network.js``) from
the network API. A smuggled migrant is shown as such, never as a suspect."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from filet.network import EXPORT_FORMATS, stored_rings
from filet.store.schema import NetworkNode
from filet.web import i18n
from filet.web.api.network import ring_detail, ring_summary
from filet.web.deps import Principal, db_session, require
from filet.web.ui._render import N_, render

router = APIRouter(include_in_schema=False)

# Words shown for edge kinds, roles and chart messages (translated where shown).
EDGE_LABELS = {
    "traveller_on": N_("traveller on booking"),
    "co_booked": N_("on the same booking"),
    "contact": N_("booking contact"),
    "paid_with": N_("paid with card"),
    "paid_by": N_("paid by"),
    "payer_phone": N_("payer's phone"),
    "booked_through": N_("booked through agency"),
    "travelled_on": N_("travelled on flight"),
    "adjacent_seats": N_("adjacent seats"),
    "travelled_with": N_("travelled with (linked bookings)"),
    "crossed": N_("crossed the border"),
    "same_crossing": N_("same crossing"),
    "crossed_in": N_("crossed in vehicle"),
    "drove": N_("drove (repeat crossings)"),
    "holds_document": N_("holds document"),
    "has_contact": N_("contact on identity record"),
    "called": N_("called (intelligence)"),
    "paid": N_("paid (intelligence)"),
    "met": N_("met (intelligence)"),
    "uses_phone": N_("uses phone (debriefing)"),
}
ROLE_LABELS = {
    "organiser": N_("organiser"),
    "recruiter": N_("recruiter"),
    "booker_payer": N_("booker / payer"),
    "escort": N_("escort"),
    "driver": N_("driver"),
    "document_supplier": N_("document supplier"),
    "money_collector": N_("money collector"),
    "smuggled_migrant": N_("smuggled migrant (protection, not a suspect)"),
}
CHART_TEXT = {
    "shown": N_("nodes and edges shown"),
    "nodes": N_("nodes"),
    "edges": N_("edges"),
    "kind": N_("Kind"),
    "key": N_("Key"),
    "role": N_("Role"),
    "count": N_("Times seen"),
    "first_seen": N_("First seen"),
    "last_seen": N_("Last seen"),
    "provenance": N_("Where it comes from"),
    "why": N_("Why this link exists"),
    "expanded": N_("neighbours added"),
    "truncated": N_("only the strongest links are shown"),
    "failed": N_("could not load the network"),
    "pin": N_("Pin"),
    "unpin": N_("Unpin"),
    "hide": N_("Hide"),
    "open": N_("Open this node's chart"),
    "flights": N_("flights"),
    "crossings": N_("crossings"),
}
HYPOTHESES = {
    "smuggling": N_("smuggling"),
    "aggravated_smuggling": N_("aggravated smuggling"),
    "suspected_trafficking": N_("suspected trafficking"),
}


def _translated(texts: dict[str, str]) -> dict[str, str]:
    return {key: i18n.gettext(text) for key, text in texts.items()}


def _chart_words() -> dict[str, Any]:
    return {
        "edge_labels": _translated(EDGE_LABELS),
        "role_labels_network": _translated(ROLE_LABELS),
        "chart_text": _translated(CHART_TEXT),
        "formats": EXPORT_FORMATS,
    }


@router.get("/network", response_class=HTMLResponse)
def rings_page(
    request: Request,
    vanished: bool = False,
    principal: Principal = Depends(require("network:read")),
    session: Session = Depends(db_session),
) -> Response:
    rings = [ring_summary(r) for r in stored_rings(session, include_vanished=vanished)]
    return render(request, "network/rings.html", principal, rings=rings, vanished=vanished)


@router.get("/network/rings/{reference}", response_class=HTMLResponse)
def ring_page(
    request: Request,
    reference: str,
    principal: Principal = Depends(require("network:read")),
    session: Session = Depends(db_session),
) -> Response:
    ring = ring_detail(session, reference)
    return render(
        request,
        "network/ring.html",
        principal,
        ring=ring,
        hypotheses=HYPOTHESES,
        can_open_case=principal.can("cases:manage"),
        **_chart_words(),
    )


@router.get("/network/nodes/{node_id}", response_class=HTMLResponse)
def node_page(
    request: Request,
    node_id: int,
    principal: Principal = Depends(require("network:read")),
    session: Session = Depends(db_session),
) -> Response:
    node = session.get(NetworkNode, node_id)
    if node is None:
        raise HTTPException(status_code=404, detail=f"no network node {node_id}")
    return render(
        request,
        "network/node.html",
        principal,
        node=node,
        **_chart_words(),
    )
