"""What the web app holds for its lifetime: settings, the store, the access policy, templates."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from filet.security import AccessPolicy
from filet.settings import Settings


@dataclass
class AppContext:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    policy: AccessPolicy
    secret_key: str
