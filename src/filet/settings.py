"""Every tunable of filet, declared once: a typed settings object read from ``FILET_*`` variables.

Decisions record :attr:`Settings.version` so that a score can be traced to the settings it used.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """filet's configuration. Each field is read from the environment variable ``FILET_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="FILET_", extra="ignore")

    data_dir: Path = Field(
        default=Path("var"),
        description="Folder for the SQLite store, secrets, imports and exports.",
    )
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL of the operational store; default: SQLite file DATA_DIR/filet.db.",
    )
    secret_key: SecretStr = Field(
        default=SecretStr(""),
        description="Key signing sessions and tokens; default: generated once into DATA_DIR/secret_key.",
    )
    session_lifetime_minutes: int = Field(
        default=480, ge=5, description="How long a login session (cookie) stays valid."
    )
    token_lifetime_minutes: int = Field(
        default=60, ge=1, description="How long a bearer token for machine clients stays valid."
    )
    lockout_threshold: int = Field(
        default=5, ge=1, description="Failed logins in a row after which an account is locked."
    )
    lockout_minutes: int = Field(
        default=15, ge=1, description="How long a locked account stays locked."
    )
    default_language: str = Field(
        default="en", description="Language of the UI when none is chosen."
    )
    pnr_mask_after_days: int = Field(
        default=182,
        ge=1,
        description="API/PNR personal data are masked once older than this (PNR art. 12).",
    )
    pnr_delete_after_days: int = Field(
        default=1826, ge=1, description="API/PNR data are deleted once older than this (5 years)."
    )
    retention_interval_hours: float = Field(
        default=24, ge=0, description="How often the server runs retention (0: never; use cron)."
    )
    audit_retention_days: int = Field(
        default=3650,
        ge=183,
        description="Audit events are kept at least this long (AI Act: >= 6 months).",
    )
    screening_review_threshold: float = Field(
        default=0.7,
        ge=0,
        le=1,
        description="Screening score from which a hit is raised for review.",
    )
    screening_strong_threshold: float = Field(
        default=0.9, ge=0, le=1, description="Screening score from which a hit is banded 'strong'."
    )
    identity_match_threshold: float = Field(
        default=0.95,
        ge=0,
        le=1,
        description="Match probability from which two records are one person.",
    )
    identity_max_block_size: int = Field(
        default=300,
        ge=2,
        description="Identity blocking: a blocking key shared by more records than this is not used.",
    )
    identity_rare_name_bits: float = Field(
        default=12.0,
        ge=0,
        description="Identity: information (bits, from name frequencies) from which a name is rare.",
    )
    risk_alert_threshold: float = Field(
        default=1.0,
        ge=0,
        description="Risk score from which an assessment raises an alert for review.",
    )
    control_sample_rate: float = Field(
        default=0.002,
        ge=0,
        le=1,
        description="Share of unflagged travellers queued for review as a control.",
    )
    disclosure_min_cell: int = Field(
        default=11, ge=1, description="Smallest count a released statistic may show."
    )
    disclosure_rounding_base: int = Field(
        default=5, ge=1, description="Released counts are rounded to a multiple of this."
    )
    privacy_budget_epsilon: float = Field(
        default=2.0,
        gt=0,
        description="Total epsilon of each dataset's differential-privacy budget.",
    )
    privacy_budget_delta: float = Field(
        default=1e-5,
        ge=0,
        lt=1,
        description="Total delta of each dataset's differential-privacy budget.",
    )
    duckdb_memory_limit: str = Field(
        default="",
        description="Memory an analysis's DuckDB may use (identity, risk, network), e.g. '4GiB';"
        " beyond it joins and aggregates spill to DATA_DIR/duckdb-tmp. Default: a quarter of"
        " the machine's memory (DuckDB's own default is 80 %).",
    )
    duckdb_threads: int = Field(
        default=0, ge=0, description="Threads of an analysis's DuckDB; 0: one per core."
    )
    host: str = Field(default="127.0.0.1", description="Address the web server listens on.")
    port: int = Field(default=8000, description="Port the web server listens on.")

    @field_validator("screening_strong_threshold")
    @classmethod
    def _strong_above_review(cls, value: float, info: Any) -> float:
        review = info.data.get("screening_review_threshold", 0.7)
        if value < review:
            raise ValueError(f"must be at least screening_review_threshold ({review})")
        return value

    @field_validator("duckdb_memory_limit")
    @classmethod
    def _memory_size(cls, value: str) -> str:
        if value and not _MEMORY_SIZE.fullmatch(value):
            raise ValueError("must be a size such as 4GiB, 512MB or 2GB")
        return value

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'filet.db').resolve()}"

    def effective_secret_key(self) -> str:
        """The signing key; generated and kept in DATA_DIR/secret_key when not configured."""
        configured = self.secret_key.get_secret_value()
        if configured:
            return configured
        path = self.data_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key

    @property
    def version(self) -> str:
        """A short fingerprint of the decision-relevant settings, recorded with decisions."""
        relevant = {
            k: v
            for k, v in self.model_dump().items()
            if k.endswith(("threshold", "rate", "_days", "min_cell"))
        }
        digest = hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()
        return digest[:12]

    def shown(self) -> dict[str, Any]:
        """Effective values for people, with secrets hidden."""
        values = self.model_dump(mode="json")
        values["secret_key"] = "********" if self.secret_key.get_secret_value() else "(generated)"
        values["database_url"] = _hide_password(self.effective_database_url)
        return values


_MEMORY_SIZE = re.compile(r"\d+(\.\d+)?\s*(B|[KMGT]i?B)", re.IGNORECASE)
_DEFAULT_DUCKDB_SHARE = 4
DuckDBConfig = dict[str, str | bool | int | float | list[str]]
"""What ``duckdb.connect(config=...)`` takes."""


def duckdb_config(settings: Settings | None = None) -> DuckDBConfig:
    """The configuration of an analysis's DuckDB connection: ``duckdb.connect(config=...)``.

    DuckDB's default memory limit is 80 % of the machine's memory, so one analysis on a large
    store can take nearly all of it; here it is ``duckdb_memory_limit`` or a quarter of the
    memory, with spilling to DATA_DIR/duckdb-tmp rather than to a ``.tmp`` folder wherever the
    process happens to run."""
    settings = settings or get_settings()
    config: DuckDBConfig = {"temp_directory": str((settings.data_dir / "duckdb-tmp").resolve())}
    limit = settings.duckdb_memory_limit or _share_of_memory(_DEFAULT_DUCKDB_SHARE)
    if limit:
        config["memory_limit"] = limit
    if settings.duckdb_threads:
        config["threads"] = settings.duckdb_threads
    return config


def _share_of_memory(divisor: int) -> str:
    """``1/divisor`` of the physical memory as a DuckDB size, or "" where it cannot be read
    (DuckDB's default then applies)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return ""
    return f"{max(total // divisor // 2**20, 256)}MiB"


def _hide_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once from the environment)."""
    return Settings()
