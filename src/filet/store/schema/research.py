"""Statistics releases with their disclosure-control parameters, privacy budgets, and incidents of
death and disappearance (fields compatible with IOM's Missing Migrants Project)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from filet.store.schema._base import Base, CreatedMixin, IdMixin


class StatisticsRelease(IdMixin, CreatedMixin, Base):
    """A released table: topic, dimensions, period, disclosure-control parameters and the output."""

    __tablename__ = "statistics_releases"

    reference: Mapped[str] = mapped_column(String(32), unique=True)
    topic: Mapped[str] = mapped_column(String(64))
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    epsilon: Mapped[float | None]
    delta: Mapped[float | None]
    dataset: Mapped[str | None] = mapped_column(String(64))
    output: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class PrivacyBudget(IdMixin, Base):
    """The (epsilon, delta) budget of one dataset and how much of it releases have spent."""

    __tablename__ = "privacy_budgets"

    dataset: Mapped[str] = mapped_column(String(64), unique=True)
    epsilon_total: Mapped[float]
    delta_total: Mapped[float]
    epsilon_spent: Mapped[float] = mapped_column(default=0.0)
    delta_spent: Mapped[float] = mapped_column(default=0.0)


class MigrantIncident(IdMixin, CreatedMixin, Base):
    """A death or disappearance incident; fields as in the Missing Migrants Project's public data."""

    __tablename__ = "migrant_incidents"

    source: Mapped[str] = mapped_column(String(32))  # filet|missing_migrants_project
    source_id: Mapped[str] = mapped_column(String(64))
    incident_type: Mapped[str | None] = mapped_column(String(64))
    region: Mapped[str | None] = mapped_column(String(64))
    incident_date: Mapped[dt.date | None]
    dead: Mapped[int | None]
    missing: Mapped[int | None]
    survivors: Mapped[int | None]
    females: Mapped[int | None]
    males: Mapped[int | None]
    children: Mapped[int | None]
    country_of_origin: Mapped[str | None] = mapped_column(String(200))
    cause_of_death: Mapped[str | None] = mapped_column(String(200))
    migration_route: Mapped[str | None] = mapped_column(String(100))
    location: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    information_source: Mapped[str | None] = mapped_column(Text)
    source_quality: Mapped[int | None]
    url: Mapped[str | None] = mapped_column(Text)
    attribution: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("source", "source_id"),)
