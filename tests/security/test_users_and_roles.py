"""Users, passwords, lock-out and the role policy."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from filet.errors import ConfigError, ConflictError, InputError
from filet.security import LoginRefused, access_policy, authenticate, create_user, set_active
from filet.security._roles import _load_yaml, build_policy
from filet.settings import Settings


def test_enforcement_roles_hold_no_protection_permission() -> None:
    policy = access_policy()
    assert policy.enforcement_roles == {"border_officer", "analyst", "investigator"}
    for name in policy.enforcement_roles:
        assert not [p for p in policy.roles[name].permissions if p.startswith("protection:")]
    assert policy.allows("protection_officer", "protection:read")


def test_a_policy_leaking_protection_data_to_enforcement_is_refused() -> None:
    roles = _load_yaml("roles.yaml")
    roles["roles"]["investigator"]["permissions"].append("protection:read")
    with pytest.raises(ConfigError, match="investigator may not hold"):
        build_policy(roles, _load_yaml("purposes.yaml"))


def test_every_role_has_a_declared_purpose_and_known_permissions() -> None:
    policy = access_policy()
    assert set(policy.roles) == {
        "border_officer",
        "analyst",
        "investigator",
        "supervisor",
        "protection_officer",
        "researcher",
        "admin",
        "auditor",
    }
    for role in policy.roles.values():
        assert role.purpose in policy.purposes
        assert role.permissions <= policy.permissions.keys()


def test_passwords_are_hashed_with_argon2(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        user = create_user(session, "hiwet", "protection_officer", "a long passphrase")
    assert user.password_hash.startswith("$argon2id$")
    assert "a long passphrase" not in user.password_hash


def test_bad_users_are_refused(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        create_user(session, "omar", "admin", "a long passphrase")
        with pytest.raises(ConflictError):
            create_user(session, "omar", "admin", "a long passphrase")
        with pytest.raises(ConfigError, match="unknown role"):
            create_user(session, "x", "king", "a long passphrase")
        with pytest.raises(InputError, match="at least 10"):
            create_user(session, "y", "admin", "short")


def test_lockout_after_repeated_failures(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    with sessions.begin() as session:
        create_user(session, "mei", "auditor", "a long passphrase")
    for _ in range(settings.lockout_threshold):
        with sessions() as session:
            with pytest.raises(LoginRefused):
                authenticate(session, settings, "mei", "wrong password", "127.0.0.1")
            session.commit()
    with sessions() as session, pytest.raises(LoginRefused):
        authenticate(session, settings, "mei", "a long passphrase", "127.0.0.1")


def test_a_disabled_user_cannot_log_in(sessions: sessionmaker[Session], settings: Settings) -> None:
    with sessions.begin() as session:
        create_user(session, "lena", "researcher", "a long passphrase")
        set_active(session, "lena", False)
    with sessions() as session, pytest.raises(LoginRefused):
        authenticate(session, settings, "lena", "a long passphrase", None)
