"""Screening screens: the open hits, and one hit with the traveller and the listed person side by
side (matched name parts highlighted, original script and Latin reading), with the review form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from filet.errors import FiletError
from filet.names import transliterate
from filet.screening import hit_view, open_hits, review_hit
from filet.web.deps import Principal, db_session, require
from filet.web.ui._render import render

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Token:
    text: str
    matched: bool
    rule: str


@dataclass(frozen=True)
class ShownName:
    """A name as tokens (matched ones marked) and its Latin reading when written otherwise."""

    tokens: list[Token]
    latin: str | None


def _shown(name: str | None, matched: dict[str, str]) -> ShownName | None:
    if not name:
        return None
    tokens = []
    for word in name.split():
        rule = matched.get(word.casefold(), "")
        tokens.append(Token(word, bool(rule), rule))
    latin = transliterate(name)
    return ShownName(tokens, latin if latin.casefold() != name.casefold() else None)


def _matched(explanation: dict[str, Any], side: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in explanation.get("name", {}).get("matches", []):
        for word in str(match.get(side, "")).split():
            found[word.casefold()] = str(match.get("rule", ""))
    return found


@router.get("/screening/hits", response_class=HTMLResponse)
def hits_page(
    request: Request,
    message: str | None = None,
    principal: Principal = Depends(require("hits:review")),
    session: Session = Depends(db_session),
) -> Response:
    return render(
        request, "screening/hits.html", principal, hits=open_hits(session), message=message
    )


@router.get("/screening/hits/{hit_id}", response_class=HTMLResponse)
def hit_page(
    hit_id: int,
    request: Request,
    message: str | None = None,
    principal: Principal = Depends(require("hits:review")),
    session: Session = Depends(db_session),
) -> Response:
    try:
        view = hit_view(session, hit_id)
    except FiletError as error:
        return render(request, "error.html", principal, status_code=404, message=str(error))
    query_words = _matched(view.explanation, "query")
    entry_words = _matched(view.explanation, "candidate")
    traveller = view.traveller
    traveller_name = " ".join(
        p for p in (traveller.get("given_names"), traveller.get("surname")) if p
    ) or traveller.get("full_name")
    names = [_shown(view.entry["name"], entry_words)] + [
        _shown(alias, entry_words) for alias in view.entry["aliases"]
    ]
    return render(
        request,
        "screening/hit.html",
        principal,
        hit=view,
        traveller_name=_shown(traveller_name, query_words),
        entry_names=[n for n in names if n is not None],
        message=message,
    )


@router.post("/screening/hits/{hit_id}/review")
def hit_review(
    hit_id: int,
    decision: str = Form(...),
    reason: str = Form(default=""),
    exonerating_considered: bool = Form(default=False),
    principal: Principal = Depends(require("hits:review")),
    session: Session = Depends(db_session),
) -> Response:
    try:
        review_hit(session, hit_id, decision, reason, principal.actor, exonerating_considered)
    except FiletError as error:
        session.rollback()
        return RedirectResponse(
            f"/screening/hits/{hit_id}?message={quote(str(error))}",
            status_code=status.HTTP_303_SEE_OTHER,
        )
    session.commit()
    return RedirectResponse(
        f"/screening/hits?message={quote(f'hit {hit_id}: {decision}')}",
        status_code=status.HTTP_303_SEE_OTHER,
    )
