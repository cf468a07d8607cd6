"""The rule library in the store: versions, the draft -> approved -> active -> retired workflow,
four-eyes approval and the impact-assessment check before activation.

Every change, including a change of status, writes a new row of ``risk_rules`` (a new version); old
versions are never altered, so an assessment can always be reproduced from the versions it names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from filet.errors import ConflictError, NotFoundError, PermissionDenied
from filet.risk._catalogue import Target
from filet.risk._rules import CheckedRule, RuleDocument, check_rule
from filet.security import Actor, record
from filet.store.schema import RiskRule, User
from filet.store.schema._base import utcnow

APPROVER_ROLE = "supervisor"
STATUSES = ("draft", "approved", "active", "retired")


@dataclass(frozen=True)
class RuleVersion:
    """One stored version of a rule, for listing."""

    key: str
    version: int
    title: str
    target: str
    status: str
    author: str | None
    approver: str | None
    approved_at: dt.datetime | None
    created_at: dt.datetime
    definition: dict[str, object]


def _document(row: RiskRule) -> RuleDocument:
    return RuleDocument.model_validate(row.definition)


def checked_version(row: RiskRule) -> CheckedRule:
    """The stored version compiled again (its definition was validated when it was stored)."""
    checked = check_rule(_document(row))
    return CheckedRule(checked.document, checked.condition, checked.evaluate, row.version)


def _latest(session: Session, key: str) -> RiskRule | None:
    return session.execute(
        select(RiskRule).where(RiskRule.rule_key == key).order_by(RiskRule.version.desc()).limit(1)
    ).scalar_one_or_none()


def _require_latest(session: Session, key: str) -> RiskRule:
    row = _latest(session, key)
    if row is None:
        raise NotFoundError(f"no rule {key!r}")
    return row


def _new_version(
    session: Session, previous: RiskRule | None, document: RuleDocument, status: str
) -> RiskRule:
    row = RiskRule(
        rule_key=document.id,
        version=(previous.version + 1) if previous else 1,
        title=document.title,
        target=document.target,
        status=status,
        definition=document.model_dump(mode="json"),
        author_id=previous.author_id if previous else None,
        approver_id=previous.approver_id if previous else None,
        approved_at=previous.approved_at if previous else None,
        dpia_reference=document.dpia_reference,
        fria_reference=document.fria_reference,
    )
    session.add(row)
    return row


def save_rule(session: Session, rule: CheckedRule, author: User, actor: Actor) -> RiskRule | None:
    """Store a rule as a new draft version; None when the latest version already says the same.

    Any change of the text sends the rule back to draft: it needs approval again.
    """
    previous = _latest(session, rule.key)
    definition = rule.document.model_dump(mode="json")
    if previous is not None and previous.definition == definition and previous.status != "retired":
        return None
    row = _new_version(session, previous, rule.document, "draft")
    row.author_id = author.id
    row.approver_id = None
    row.approved_at = None
    session.flush()
    record(
        session,
        actor,
        "create",
        "risk_rule",
        [row.id],
        {"rule": row.rule_key, "version": row.version, "status": "draft"},
    )
    return row


def import_rules(
    session: Session, rules: Sequence[CheckedRule], author: User, actor: Actor
) -> list[RiskRule]:
    """Store every rule that changed as a new draft version (idempotent on unchanged rules)."""
    saved = [save_rule(session, rule, author, actor) for rule in rules]
    return [row for row in saved if row is not None]


def _transition(
    session: Session, key: str, user: User, actor: Actor, wanted: str, status: str
) -> RiskRule:
    previous = _require_latest(session, key)
    if previous.status != wanted:
        raise ConflictError(
            f"rule {key} version {previous.version} is {previous.status}; it must be {wanted}"
        )
    row = _new_version(session, previous, _document(previous), status)
    session.flush()
    record(
        session,
        actor,
        "update",
        "risk_rule",
        [row.id],
        {"rule": key, "version": row.version, "status": status, "by": user.username},
    )
    return row


def approve_rule(session: Session, key: str, approver: User, actor: Actor) -> RiskRule:
    """Approve the draft: by a supervisor who is not the author (four eyes)."""
    previous = _require_latest(session, key)
    if approver.role != APPROVER_ROLE:
        raise PermissionDenied(
            f"rule {key}: only a {APPROVER_ROLE} may approve (you are {approver.role})"
        )
    if previous.author_id == approver.id:
        raise PermissionDenied(f"rule {key}: the author may not approve their own rule")
    row = _transition(session, key, approver, actor, "draft", "approved")
    row.approver_id = approver.id
    row.approved_at = utcnow()
    return row


def activate_rule(session: Session, key: str, user: User, actor: Actor) -> RiskRule:
    """Put an approved rule into use; it must cite its DPIA and fundamental-rights assessment."""
    previous = _require_latest(session, key)
    if user.role != APPROVER_ROLE:
        raise PermissionDenied(f"rule {key}: only a {APPROVER_ROLE} may activate")
    missing = [
        name
        for name, value in (
            ("dpia_reference", previous.dpia_reference),
            ("fria_reference", previous.fria_reference),
        )
        if not (value or "").strip()
    ]
    if missing:
        raise ConflictError(
            f"rule {key}: activation needs references to the impact assessments ({', '.join(missing)})"
        )
    return _transition(session, key, user, actor, "approved", "active")


def retire_rule(session: Session, key: str, user: User, actor: Actor) -> RiskRule:
    """Stop using a rule (its versions stay for audit and reproduction)."""
    previous = _require_latest(session, key)
    if user.role != APPROVER_ROLE and user.id != previous.author_id:
        raise PermissionDenied(f"rule {key}: only a {APPROVER_ROLE} or the author may retire it")
    if previous.status == "retired":
        raise ConflictError(f"rule {key} is already retired")
    return _transition(session, key, user, actor, previous.status, "retired")


def _latest_rows(session: Session) -> list[RiskRule]:
    newest = (
        select(RiskRule.rule_key, func.max(RiskRule.version).label("version"))
        .group_by(RiskRule.rule_key)
        .subquery()
    )
    return list(
        session.execute(
            select(RiskRule)
            .join(
                newest,
                (newest.c.rule_key == RiskRule.rule_key) & (newest.c.version == RiskRule.version),
            )
            .order_by(RiskRule.rule_key)
        ).scalars()
    )


def list_rules(
    session: Session, history: bool = False, key: str | None = None
) -> list[RuleVersion]:
    """The latest version of every rule, or every version (``history``) of all or one rule."""
    if history or key is not None:
        query = select(RiskRule).order_by(RiskRule.rule_key, RiskRule.version)
        if key is not None:
            query = query.where(RiskRule.rule_key == key)
        rows = list(session.execute(query).scalars())
    else:
        rows = _latest_rows(session)
    names = {u.id: u.username for u in session.execute(select(User)).scalars()}
    return [
        RuleVersion(
            key=r.rule_key,
            version=r.version,
            title=r.title,
            target=r.target,
            status=r.status,
            author=names.get(r.author_id) if r.author_id else None,
            approver=names.get(r.approver_id) if r.approver_id else None,
            approved_at=r.approved_at,
            created_at=r.created_at,
            definition=dict(r.definition),
        )
        for r in rows
    ]


def active_rules(
    session: Session, target: Target | None = None, on: dt.date | None = None
) -> list[CheckedRule]:
    """The rules in use on a day (latest version active and within its validity period)."""
    day = on or dt.date.today()
    found: list[CheckedRule] = []
    for row in _latest_rows(session):
        if row.status != "active" or (target is not None and row.target != target):
            continue
        checked = checked_version(row)
        if checked.document.valid_on(day):
            found.append(checked)
    return found


def rule_versions(session: Session, versions: dict[str, int]) -> list[CheckedRule]:
    """Exactly the rule versions named (e.g. by an assessment), compiled again."""
    found: list[CheckedRule] = []
    for key, version in sorted(versions.items()):
        row = session.execute(
            select(RiskRule).where(RiskRule.rule_key == key, RiskRule.version == version)
        ).scalar_one_or_none()
        if row is None:
            raise NotFoundError(f"no rule {key!r} version {version}")
        found.append(checked_version(row))
    return found
