"""Roles, permissions and declared purposes, loaded from the data files beside this module."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from filet.errors import ConfigError, Place


@dataclass(frozen=True)
class Permission:
    name: str
    description: str
    personal: bool


@dataclass(frozen=True)
class Role:
    name: str
    label: str
    home: str
    purpose: str
    permissions: frozenset[str]


@dataclass(frozen=True)
class Purpose:
    name: str
    label: str
    regime: str


@dataclass(frozen=True)
class AccessPolicy:
    permissions: dict[str, Permission]
    roles: dict[str, Role]
    enforcement_roles: frozenset[str]
    purposes: dict[str, Purpose]

    def allows(self, role: str, permission: str) -> bool:
        found = self.roles.get(role)
        return found is not None and permission in found.permissions

    def role(self, name: str) -> Role:
        try:
            return self.roles[name]
        except KeyError:
            known = ", ".join(sorted(self.roles))
            raise ConfigError(f"unknown role {name!r}; roles are: {known}") from None


def _load_yaml(name: str) -> Any:
    text = resources.files("filet.security").joinpath("data", name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def build_policy(roles_doc: dict[str, Any], purposes_doc: dict[str, Any]) -> AccessPolicy:
    """Check and assemble the access policy; a broken file is a clear error naming the entry."""
    where = Place(file="roles.yaml")
    permissions = {
        name: Permission(name, str(spec["description"]), bool(spec.get("personal", False)))
        for name, spec in roles_doc["permissions"].items()
    }
    roles: dict[str, Role] = {}
    for name, spec in roles_doc["roles"].items():
        granted = frozenset(spec["permissions"])
        unknown = granted - permissions.keys()
        if unknown:
            raise ConfigError(f"role {name} grants unknown permissions {sorted(unknown)}", where)
        roles[name] = Role(
            name, str(spec["label"]), str(spec["home"]), str(spec["purpose"]), granted
        )
    enforcement = frozenset(roles_doc["enforcement_roles"])
    for name in enforcement:
        leaked = sorted(p for p in roles[name].permissions if p.startswith("protection:"))
        if leaked:
            raise ConfigError(f"enforcement role {name} may not hold {leaked}", where)
    purposes = {
        name: Purpose(name, str(spec["label"]), str(spec["regime"]))
        for name, spec in purposes_doc.items()
    }
    for role in roles.values():
        if role.purpose not in purposes:
            raise ConfigError(f"role {role.name} has undeclared purpose {role.purpose}", where)
    return AccessPolicy(permissions, roles, enforcement, purposes)


@lru_cache(maxsize=1)
def access_policy() -> AccessPolicy:
    """The shipped access policy."""
    return build_policy(_load_yaml("roles.yaml"), _load_yaml("purposes.yaml"))
