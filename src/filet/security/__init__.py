"""The security backbone: users and sessions, roles and permissions as data, and the audit log.

Used by the web app (one authorisation dependency), the CLI and any capability that records an
audited action.
"""

from filet.security._audit import SYSTEM, Actor, ChainProblem, record, verify_chain
from filet.security._passwords import hash_password, verify_password
from filet.security._roles import AccessPolicy, Permission, Purpose, Role, access_policy
from filet.security._users import (
    IssuedSession,
    LoginRefused,
    authenticate,
    close_session,
    create_user,
    get_user,
    open_session,
    resolve_session,
    set_active,
    set_password,
)

__all__ = [
    "SYSTEM",
    "AccessPolicy",
    "Actor",
    "ChainProblem",
    "IssuedSession",
    "LoginRefused",
    "Permission",
    "Purpose",
    "Role",
    "access_policy",
    "authenticate",
    "close_session",
    "create_user",
    "get_user",
    "hash_password",
    "open_session",
    "record",
    "resolve_session",
    "set_active",
    "set_password",
    "verify_chain",
    "verify_password",
]
