"""Investigation case screens: the case list, a case page (members and roles, offence hypothesis
history, notes, graded intelligence items, forms to add each, close/reopen, case file export), the
button target that opens a case from a ring, and the debriefing form for a migrant's voluntary
debriefing (consent required)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from filet import network
from filet.errors import FiletError, InputError, Place
from filet.store.schema import InvestigationCase
from filet.web.api.cases import INTELLIGENCE, MANAGE, export_response, summary
from filet.web.deps import Principal, db_session, require
from filet.web.ui._render import N_, render

router = APIRouter(include_in_schema=False)

# Debriefing form: how many smuggler rows the form offers.
SMUGGLER_ROWS = 4
ROLE_LABELS = {
    "organiser": N_("organiser"),
    "recruiter": N_("recruiter"),
    "booker_payer": N_("booker / payer"),
    "escort": N_("escort"),
    "driver": N_("driver"),
    "document_supplier": N_("document supplier"),
    "money_collector": N_("money collector"),
    "corrupt_official": N_("corrupt official"),
    "witness": N_("witness"),
}
HYPOTHESIS_LABELS = {
    "smuggling": N_("smuggling"),
    "aggravated_smuggling": N_("aggravated smuggling"),
    "suspected_trafficking": N_("suspected trafficking"),
    "trafficking": N_("trafficking"),
    "none": N_("no offence"),
}
# The 6x6 (Admiralty) grades, as the forms and the case page explain them.
RELIABILITY_LABELS = {
    "A": N_("completely reliable"),
    "B": N_("usually reliable"),
    "C": N_("fairly reliable"),
    "D": N_("not usually reliable"),
    "E": N_("unreliable"),
    "F": N_("reliability cannot be judged"),
    "X": N_("reliability cannot be judged"),
}
CREDIBILITY_LABELS = {
    "1": N_("confirmed by other sources"),
    "2": N_("probably true"),
    "3": N_("possibly true"),
    "4": N_("doubtful"),
    "5": N_("improbable"),
    "6": N_("truth cannot be judged"),
}
SIGN_LABELS = {
    "danger_to_life": N_("Danger to life or safety (e.g. overcrowded boat, locked lorry)"),
    "inhuman_treatment": N_("Inhuman or degrading treatment"),
    "exploitation": N_("Exploitation"),
    "DebtBondage": N_("Fee turned into a debt to work off"),
    "TakesEarnings": N_("Earnings taken"),
    "Threats": N_("Threats (including of denunciation)"),
    "PhysicalAbuse": N_("Physical abuse"),
    "SexualAbuse": N_("Sexual abuse"),
    "RestrictsMovement": N_("Confinement or watched movement"),
    "WithholdsDocuments": N_("Documents withheld"),
    "WithholdsNecessities": N_("Food, water or care withheld"),
    "UsesChildren": N_("Children involved"),
    "ransom": N_("Kidnapping for ransom or extortion of relatives"),
}


def _back(path: str, message: str = "", error: str = "") -> Response:
    query = f"?error={quote(error)}" if error else (f"?message={quote(message)}" if message else "")
    return RedirectResponse(path + query, status.HTTP_303_SEE_OTHER)


def _text(form: FormData, name: str) -> str:
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def _number(form: FormData, name: str) -> int:
    raw = _text(form, name)
    try:
        return int(raw)
    except ValueError:
        raise InputError(f"{raw!r} is not a number", Place(field=name)) from None


async def _work(
    request: Request,
    session: Session,
    reference: str,
    work: Callable[[InvestigationCase, FormData], object],
    done: str,
) -> Response:
    path = f"/cases/{quote(reference)}"
    form = await request.form()
    try:
        case = network.get_case(session, reference)
        work(case, form)
    except FiletError as error:
        session.rollback()
        return _back(path, error=str(error))
    session.commit()
    return _back(path, message=done)


@router.get("/cases", response_class=HTMLResponse)
def cases_page(
    request: Request,
    principal: Principal = Depends(require(MANAGE)),
    session: Session = Depends(db_session),
    show: str = "",
    message: str = "",
    error: str = "",
) -> Response:
    rows = [
        summary(c)
        for c in network.list_cases(session, show if show in {"open", "closed"} else None)
    ]
    return render(
        request,
        "cases/cases.html",
        principal,
        rows=rows,
        show=show,
        hypotheses=HYPOTHESIS_LABELS,
        message=message,
        error=error,
    )


@router.post("/network/rings/{reference}/case")
async def open_from_ring(
    request: Request,
    reference: str,
    principal: Principal = Depends(require(MANAGE)),
    session: Session = Depends(db_session),
) -> Response:
    """The ring page's "open a case" button."""
    return _open_case(session, principal, reference, await request.form())


@router.post("/cases")
async def open_case(
    request: Request,
    principal: Principal = Depends(require(MANAGE)),
    session: Session = Depends(db_session),
) -> Response:
    """The case list's form: open a case from the ring named in the form."""
    form = await request.form()
    return _open_case(session, principal, _text(form, "ring"), form)


def _open_case(session: Session, principal: Principal, ring: str, form: FormData) -> Response:
    title = _text(form, "title") or f"Ring {ring}"
    hypothesis = _text(form, "hypothesis") or "smuggling"
    try:
        case = network.open_case_from_stored_ring(session, ring, principal.actor, title, hypothesis)
    except FiletError as error:
        session.rollback()
        return _back("/cases", error=str(error))
    session.commit()
    return _back(f"/cases/{case.reference}", message=N_("case opened"))


@router.get("/cases/{reference}", response_class=HTMLResponse)
def case_page(
    request: Request,
    reference: str,
    principal: Principal = Depends(require(MANAGE)),
    session: Session = Depends(db_session),
    message: str = "",
    error: str = "",
) -> Response:
    try:
        case = network.get_case(session, reference)
    except FiletError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such case") from None
    return render(
        request,
        "cases/case.html",
        principal,
        case=network.case_file(session, case),
        roles=ROLE_LABELS,
        hypotheses=HYPOTHESIS_LABELS,
        item_kinds=network.ITEM_KINDS,
        signs=SIGN_LABELS,
        reliability=RELIABILITY_LABELS,
        credibility=CREDIBILITY_LABELS,
        message=message,
        error=error,
    )


@router.post("/cases/{reference}/members")
async def add_member(
    request: Request,
    reference: str,
    principal: Principal = Depends(require(MANAGE)),
    session: Session = Depends(db_session),
) -> Response:
    def work(case: InvestigationCase, form: FormData) -> None:
        network.add_member(
            session,
            case,
            _number(form, "person_id"),
            _text(form, "role"),
            _text(form, "reason"),
            principal.actor,
            _text(form, "override"),
        )

    return await _work(request, session, reference, work, N_("member recorded"))


@router.post("/cases/{reference}/relations")
async def declare_relation(
    request: Request,
    reference: str,
    principal: Principal = Depends(require(MANAGE)),
    session: Session = Depends(db_session),
) -> Response:
    def work(case: InvestigationCase, form: FormData) -> None:
        network.declare_relation(
            session,
            case,
            _number(form, "person_id"),
            _text(form, "relation"),
            _text(form, "reason"),
            principal.actor,
        )

    return await _work(request, session, reference, work, N_("relation recorded"))


@router.post("/cases/{reference}/members/{person_id}/remove")
async def remove_member(
    request: Request,
    reference: str,
    person_id: int,
    principal: Principal = Depends(require(MANAGE)),
    session: Session = Depends(db_session),
) -> Response:
    def work(case: InvestigationCase, form: FormData) -> None:
        network.remove_member(session, case, person_id, _text(form, "reason"), principal.actor)

    return await _work(request, session, reference, work, N_("member removed"))


@router.post("/cases/{reference}/notes")
async def add_note(
    request: Request,
    reference: str,
    principal: Principal = Depends(require(MANAGE)),
    session: Session = Depends(db_session),
) -> Response:
    def work(case: InvestigationCase, form: FormData) -> None:
        network.add_note(session, case, _text(form, "text"), principal.actor)

    return await _work(request, session, reference, work, N_("note added"))


@router.post("/cases/{reference}/hypothesis")
async def change_hypothesis(
    request: Request,
    reference: str,
    principal: Principal = Depends(require(MANAGE)),
    session: Session = Depends(db_session),
) -> Response:
    def work(case: InvestigationCase, form: FormData) -> None:
        items = [i.strip() for i in _text(form, "items").replace(",", " ").split() if i.strip()]
        network.set_offence_hypothesis(
            session,
            case,
            _text(form, "hypothesis"),
            _text(form, "evidence"),
            principal.actor,
            reason=_text(form, "reason"),
            items=items,
        )

    return await _work(request, session, reference, work, N_("hypothesis changed"))


@router.post("/cases/{reference}/intelligence")
async def attach_item(
    request: Request,
    reference: str,
    principal: Principal = Depends(require(MANAGE)),
    session: Session = Depends(db_session),
) -> Response:
    def work(case: InvestigationCase, form: FormData) -> None:
        network.attach_item(
            session, case, _text(form, "reference"), principal.actor, _text(form, "note")
        )

    return await _work(request, session, reference, work, N_("item attached"))


@router.post("/cases/{reference}/intelligence/new")
async def new_item(
    request: Request,
    reference: str,
    principal: Principal = Depends(require(INTELLIGENCE)),
    session: Session = Depends(db_session),
) -> Response:
    """Record a graded item and attach it to the case (needs both permissions)."""
    if not principal.can(MANAGE):
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"your role may not {MANAGE}")

    def work(case: InvestigationCase, form: FormData) -> None:
        kind = _text(form, "kind")
        attributes: dict[str, Any] = {}
        if kind == "call":
            attributes = {
                "from_phone": _text(form, "from_phone"),
                "to_phone": _text(form, "to_phone"),
            }
        elif kind == "meeting":
            attributes = {
                "people": [p.strip() for p in _text(form, "people").split(",") if p.strip()]
            }
        elif kind == "payment":
            attributes = {
                "payer_name": _text(form, "payer_name"),
                "beneficiary_name": _text(form, "beneficiary_name") or None,
            }
        item = network.record_item(
            session,
            principal.actor,
            kind,
            _text(form, "grading_system") or "6x6",
            _text(form, "source_reliability"),
            _text(form, "information_credibility"),
            _text(form, "content"),
            {k: v for k, v in attributes.items() if v},
            handling_code=_text(form, "handling_code") or None,
        )
        network.attach_item(session, case, item.reference, principal.actor)

    return await _work(request, session, reference, work, N_("graded item recorded"))


@router.post("/cases/{reference}/close")
async def close_case(
    request: Request,
    reference: str,
    principal: Principal = Depends(require(MANAGE)),
    session: Session = Depends(db_session),
) -> Response:
    def work(case: InvestigationCase, form: FormData) -> None:
        network.close_case(session, case, _text(form, "reason"), principal.actor)

    return await _work(request, session, reference, work, N_("case closed"))


@router.post("/cases/{reference}/reopen")
async def reopen_case(
    request: Request,
    reference: str,
    principal: Principal = Depends(require(MANAGE)),
    session: Session = Depends(db_session),
) -> Response:
    def work(case: InvestigationCase, form: FormData) -> None:
        network.reopen_case(session, case, _text(form, "reason"), principal.actor)

    return await _work(request, session, reference, work, N_("case reopened"))


@router.get("/cases/{reference}/file.{fmt}")
def case_file(
    reference: str,
    fmt: str,
    principal: Principal = Depends(require(MANAGE)),
    session: Session = Depends(db_session),
) -> Response:
    """Download the case file (``pdf`` or ``json``); audited as an export."""
    try:
        case = network.get_case(session, reference)
    except FiletError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such case") from None
    return export_response(session, case, fmt, principal)


@router.get("/intelligence/debriefing", response_class=HTMLResponse)
def debriefing_page(
    request: Request,
    principal: Principal = Depends(require(INTELLIGENCE)),
    case: str = "",
    item: str = "",
    message: str = "",
    error: str = "",
) -> Response:
    return render(
        request,
        "cases/debriefing.html",
        principal,
        case_reference=case,
        item=item,
        rows=range(SMUGGLER_ROWS),
        aggravating={k: SIGN_LABELS[k] for k in network.AGGRAVATING},
        control_signs={k: SIGN_LABELS[k] for k in network.CONTROL_SIGNS},
        reliability=RELIABILITY_LABELS,
        credibility=CREDIBILITY_LABELS,
        message=message,
        error=error,
    )


def debriefing_from_form(form: FormData, officer: str) -> network.Debriefing:
    """The form's fields as a debriefing (refused without the migrant's consent)."""
    smugglers = []
    for row in range(SMUGGLER_ROWS):
        name = _text(form, f"smuggler_{row}_name")
        if name:
            smugglers.append(
                {
                    "name_as_known": name,
                    "phone": _text(form, f"smuggler_{row}_phone") or None,
                    "role_as_described": _text(form, f"smuggler_{row}_role"),
                }
            )
    witness = _text(form, "witness_person_id")
    price = _text(form, "price_amount")
    data: dict[str, Any] = {
        "consent": form.get("consent") == "yes",
        "officer": officer,
        "officer_trained": form.get("officer_trained") == "yes",
        "date": _text(form, "date") or None,
        "place": _text(form, "place"),
        "circumstance": _text(form, "circumstance") or "intercepted",
        "route": [p for p in _text(form, "route").splitlines() if p.strip()],
        "transport": _text(form, "transport"),
        "price_amount": price or None,
        "price_currency": _text(form, "price_currency"),
        "paid_to": _text(form, "paid_to"),
        "smugglers": smugglers,
        "aggravating": [str(v) for v in form.getlist("aggravating")],
        "methods_of_control": [str(v) for v in form.getlist("methods_of_control")],
        "ransom": form.get("ransom") == "yes",
        "narrative": _text(form, "narrative"),
        "witness_person_id": witness or None,
        "grading_system": "6x6",
        "source_reliability": _text(form, "source_reliability") or "F",
        "information_credibility": _text(form, "information_credibility") or "3",
    }
    return network.debriefing_from_json(data)


@router.post("/intelligence/debriefing")
async def record_debriefing(
    request: Request,
    principal: Principal = Depends(require(INTELLIGENCE)),
    session: Session = Depends(db_session),
) -> Response:
    form = await request.form()
    case_reference = _text(form, "case")
    page = "/intelligence/debriefing" + (f"?case={quote(case_reference)}" if case_reference else "")
    try:
        debriefing = debriefing_from_form(form, principal.user.username)
        item = network.record_debriefing(session, debriefing, principal.actor)
        if case_reference:
            if not principal.can(MANAGE):
                raise InputError(f"your role may not {MANAGE}", Place(field="case"))
            case = network.get_case(session, case_reference)
            network.attach_item(session, case, item.reference, principal.actor)
    except FiletError as error:
        session.rollback()
        joiner = "&" if "?" in page else "?"
        return RedirectResponse(
            f"{page}{joiner}error={quote(str(error))}", status.HTTP_303_SEE_OTHER
        )
    session.commit()
    done = N_("debriefing recorded")
    if case_reference:
        return _back(f"/cases/{quote(case_reference)}", message=done)
    return RedirectResponse(
        f"/intelligence/debriefing?message={quote(done)}&item={quote(item.reference)}",
        status.HTTP_303_SEE_OTHER,
    )
