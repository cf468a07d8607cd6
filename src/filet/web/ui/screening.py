"""Screening screens: the open hits, and one hit with the traveller and the listed person side by
side (matched name parts highlighted, original script and Latin reading), with the review form;
watchlist management (lists with source, validity and entry counts; import a file from the
browser; view and search a list's entries; deactivate a list)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from filet.errors import FiletError
from filet.names import transliterate
from filet.screening import (
    WatchlistFormat,
    deactivate_watchlist,
    hit_view,
    import_watchlist,
    list_watchlists,
    open_hits,
    read_watchlist,
    review_hit,
    watchlist_entries,
)
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


MAX_UPLOAD_BYTES = 200 * 1024 * 1024
FORMATS: dict[str, WatchlistFormat] = {"csv": "csv", "ftm": "ftm", "interpol": "interpol"}


def _back(path: str, message: str) -> Response:
    return RedirectResponse(
        f"{path}?message={quote(message)}", status_code=status.HTTP_303_SEE_OTHER
    )


@router.get("/screening/watchlists", response_class=HTMLResponse)
def watchlists_page(
    request: Request,
    message: str | None = None,
    principal: Principal = Depends(require("watchlists:manage")),
    session: Session = Depends(db_session),
) -> Response:
    return render(
        request,
        "screening/watchlists.html",
        principal,
        watchlists=list_watchlists(session),
        formats=FORMATS,
        message=message,
    )


@router.post("/screening/watchlists/import")
async def watchlist_upload(
    file: UploadFile = File(...),
    format: str = Form(default=""),
    list_name: str = Form(default=""),
    source: str = Form(default=""),
    valid_from: str = Form(default=""),
    valid_to: str = Form(default=""),
    principal: Principal = Depends(require("watchlists:manage")),
    session: Session = Depends(db_session),
) -> Response:
    body = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(body) > MAX_UPLOAD_BYTES:
        return _back("/screening/watchlists", "the file is larger than 200 MB")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _back("/screening/watchlists", f"{file.filename}: the file is not UTF-8")
    try:
        start = dt.date.fromisoformat(valid_from) if valid_from else None
        end = dt.date.fromisoformat(valid_to) if valid_to else None
    except ValueError:
        return _back("/screening/watchlists", "validity dates must be written YYYY-MM-DD")
    chosen = FORMATS.get(format)
    try:
        entries = read_watchlist(text, file.filename or "upload", chosen, list_name or None)
        summary = import_watchlist(
            session, entries, principal.actor, source=source, valid_from=start, valid_to=end
        )
    except FiletError as error:
        session.rollback()
        return _back("/screening/watchlists", str(error))
    session.commit()
    done = "; ".join(
        f"{name}: {counts['added']} added, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged"
        for name, counts in summary.lists.items()
    )
    return _back("/screening/watchlists", f"{file.filename}: {done or 'no entries'}")


@router.get("/screening/watchlists/{list_name}", response_class=HTMLResponse)
def watchlist_page(
    list_name: str,
    request: Request,
    q: str = "",
    message: str | None = None,
    principal: Principal = Depends(require("watchlists:manage")),
    session: Session = Depends(db_session),
) -> Response:
    try:
        info, entries, total = watchlist_entries(session, list_name, q)
    except FiletError as error:
        return render(request, "error.html", principal, status_code=404, message=str(error))
    return render(
        request,
        "screening/watchlist.html",
        principal,
        watchlist=info,
        entries=entries,
        total=total,
        q=q,
        message=message,
    )


@router.post("/screening/watchlists/{list_name}/deactivate")
def watchlist_deactivate(
    list_name: str,
    principal: Principal = Depends(require("watchlists:manage")),
    session: Session = Depends(db_session),
) -> Response:
    try:
        info = deactivate_watchlist(session, list_name, principal.actor)
    except FiletError as error:
        session.rollback()
        return _back("/screening/watchlists", str(error))
    session.commit()
    return _back("/screening/watchlists", f"{info.name}: deactivated (valid to {info.valid_to})")
