"""Person screens: find a person, see every linked record, why and how sure, the travel
history, and record split / merge judgements. Protection data is never shown here."""

from __future__ import annotations

import json
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from filet.errors import FiletError
from filet.identity import Verdict, judge, person_view
from filet.network import SUSPECT_ROLES
from filet.store.schema.border import IdentityRecord, Person
from filet.store.schema.investigation import NetworkNode, NetworkRing, NetworkRingMember
from filet.web import i18n
from filet.web.api.identity import person_json
from filet.web.deps import Principal, app_context, db_session, require
from filet.web.ui._render import render
from filet.web.ui.network import ROLE_LABELS

router = APIRouter(include_in_schema=False)

_PAGE = 100


@router.get("/persons", response_class=HTMLResponse)
def persons_page(
    request: Request,
    q: str = "",
    principal: Principal = Depends(require("persons:read")),
    session: Session = Depends(db_session),
) -> Response:
    count = func.count(IdentityRecord.id)
    query = (
        select(Person, count)
        .join(IdentityRecord, IdentityRecord.person_id == Person.id)
        .group_by(Person.id)
        .order_by(count.desc(), Person.id)
        .limit(_PAGE)
    )
    if q.strip():
        query = query.where(Person.label.ilike(f"%{q.strip()}%"))
    rows = list(session.execute(query).tuples())
    return render(request, "identity/persons.html", principal, rows=rows, q=q)


@router.get("/persons/{person_id}", response_class=HTMLResponse)
def person_page(
    person_id: int,
    request: Request,
    message: str | None = None,
    principal: Principal = Depends(require("persons:read")),
    session: Session = Depends(db_session),
) -> Response:
    try:
        view = person_view(session, person_id)
    except FiletError as error:
        return render(request, "error.html", principal, status_code=404, message=str(error))
    data = person_json(view)
    node, rings = _network_of(session, principal, person_id)
    return render(
        request,
        "identity/person.html",
        principal,
        view=view,
        record_ids={row.id for row in view.records},
        travel_data=json.dumps(data["travel"], ensure_ascii=False),
        can_judge=principal.can("identity:judge"),
        network_node=node,
        rings=rings,
        message=message,
    )


def _network_of(
    session: Session, principal: Principal, person_id: int
) -> tuple[NetworkNode | None, list[tuple[NetworkRing, str]]]:
    """The person's node in the network and the rings where they hold a suspect role, for a
    reader of the network. A ring where the person is a smuggled migrant is not listed: that is
    protection information, and enforcement readers of this page must not learn it here."""
    if not principal.can("network:read"):
        return None, []
    key = f"person:{person_id}"
    node = session.scalars(
        select(NetworkNode).where(NetworkNode.kind == "person", NetworkNode.key == key)
    ).first()
    rings = list(
        session.execute(
            select(NetworkRing, NetworkRingMember.role)
            .join(NetworkRingMember, NetworkRingMember.ring_id == NetworkRing.id)
            .where(
                NetworkRingMember.node_kind == "person",
                NetworkRingMember.node_key == key,
                NetworkRingMember.role.in_(sorted(SUSPECT_ROLES)),
            )
            .order_by(NetworkRing.reference)
        ).all()
    )
    return node, [
        (ring, i18n.gettext(ROLE_LABELS.get(role or "", role or ""))) for ring, role in rings
    ]


@router.post("/persons/{person_id}/judgements")
def person_judgement(
    person_id: int,
    request: Request,
    record_a_id: int = Form(...),
    record_b_id: int = Form(...),
    verdict: str = Form(...),
    reason: str = Form(default=""),
    principal: Principal = Depends(require("identity:judge")),
    session: Session = Depends(db_session),
) -> Response:
    try:
        judge(
            session,
            record_a_id,
            record_b_id,
            Verdict(verdict),
            reason,
            user_id=principal.user.id,
            actor=principal.actor,
            threshold=app_context(request).settings.identity_match_threshold,
        )
    except (FiletError, ValueError) as error:
        session.rollback()
        return RedirectResponse(
            f"/persons/{person_id}?message={quote(str(error))}", status.HTTP_303_SEE_OTHER
        )
    session.commit()
    record = session.get(IdentityRecord, record_a_id)
    target = record.person_id if record is not None and record.person_id else person_id
    return RedirectResponse(
        f"/persons/{target}?message={quote(verdict)}", status.HTTP_303_SEE_OTHER
    )
