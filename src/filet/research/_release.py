"""Building a statistics table with disclosure control, recording it as a release, exporting it.

``compute`` gives what would be released (suppression and rounding applied) without recording it;
``release`` records the table with all its parameters, spends privacy budget for differentially
private tables, writes an audit event, and returns the stored release. Aggregation runs in DuckDB
over the non-nominal microdata that ``_sources`` reads with SQLAlchemy Core.
"""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from filet.errors import FiletError, InputError, Place
from filet.research._catalogue import TIME_DIMENSIONS, Topic, topic
from filet.research._disclosure import TOTAL, Cube, build_cube, protect, round_to
from filet.research._privacy import NoiseSpec, budget, noisy_counts, spend
from filet.research._sources import SOURCES, UNKNOWN, Period
from filet.security import Actor, record
from filet.settings import Settings
from filet.store.schema import StatisticsRelease

MAX_DIMENSIONS = 4

# Column names that identify a person: an extract carrying one is refused (non-nominal extracts).
FORBIDDEN_FIELDS = frozenset(
    {
        "name",
        "names",
        "surname",
        "given_names",
        "full_name",
        "document_number",
        "passport_number",
        "phone",
        "email",
        "address",
        "birth_date",
        "date_of_birth",
        "latitude",
        "longitude",
        "coordinates",
        "day",
        "date",
    }
)


@dataclass
class StatisticsTable:
    """A table as it would be released: every combination of its dimensions, disclosure-controlled."""

    topic: Topic
    dimensions: tuple[str, ...]
    period: Period
    parameters: dict[str, Any]
    cells: list[dict[str, Any]]
    cube: Cube = field(repr=False)

    def suppressed(self) -> int:
        return sum(1 for c in self.cells if c["count"] is None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "topic": self.topic.key,
            "title": self.topic.title,
            "measure": self.topic.measure,
            "dimensions": list(self.dimensions),
            "period": self.period.as_dict(),
            "goals": self.topic.goals(),
            "parameters": self.parameters,
            "cells": self.cells,
        }

    def rows(self) -> list[dict[str, Any]]:
        """One flat row per cell: dimension columns, count, status, reason (and fee statistics)."""
        out = []
        for cell in self.cells:
            row: dict[str, Any] = dict(cell["dimensions"])
            row["count"] = cell["count"]
            for key in ("median", "q1", "q3"):
                if key in cell:
                    row[key] = cell[key]
            row["status"] = cell["status"]
            row["reason"] = cell["reason"] or ""
            out.append(row)
        return out


def _check_dimensions(chosen: Topic, by: list[str]) -> tuple[str, ...]:
    if not by:
        return ()
    unknown = [d for d in by if d not in chosen.dimensions]
    if unknown:
        raise InputError(
            f"topic {chosen.key} cannot be broken down by {', '.join(unknown)}; "
            f"dimensions: {', '.join(chosen.dimensions)}",
            Place(field="by"),
        )
    if len(set(by)) != len(by):
        raise InputError("a dimension is named twice", Place(field="by"))
    if len([d for d in by if d in TIME_DIMENSIONS]) > 1:
        raise InputError("choose one of month, quarter, year", Place(field="by"))
    if len(by) > MAX_DIMENSIONS:
        raise InputError(f"at most {MAX_DIMENSIONS} dimensions in one table", Place(field="by"))
    return tuple(by)


_TIME_SQL = {
    "month": "coalesce(strftime(\"on\", '%Y-%m'), 'unknown')",
    "quarter": "coalesce(CAST(year(\"on\") AS VARCHAR) || '-Q' || CAST(quarter(\"on\") AS VARCHAR), 'unknown')",
    "year": "coalesce(CAST(year(\"on\") AS VARCHAR), 'unknown')",
}


def _with_time(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with month, quarter and year columns derived from its ``on`` date in DuckDB."""
    frame = frame.copy()
    frame["on"] = pd.to_datetime(frame["on"])
    columns = ", ".join(f"{sql} AS {name}" for name, sql in _TIME_SQL.items())
    with duckdb.connect() as connection:
        connection.register("records", frame)
        result: pd.DataFrame = connection.sql(f"SELECT *, {columns} FROM records").df()
    return result


def _finest(
    frame: pd.DataFrame, dims: tuple[str, ...], bound: int | None
) -> list[tuple[tuple[str, ...], float]]:
    """(key, value) per finest cell, values clamped per record to ``bound`` when given."""
    if frame.empty:
        return []
    records = _with_time(frame)
    value = f"least(value, {int(bound)})" if bound is not None else "value"
    keys = ", ".join(f"coalesce(CAST({d} AS VARCHAR), '{UNKNOWN}')" for d in dims)
    select_keys = f"{keys}, " if dims else ""
    group = "GROUP BY ALL" if dims else ""
    with duckdb.connect() as connection:
        connection.register("records", records)
        result = connection.sql(f"SELECT {select_keys}sum({value}) FROM records {group}").fetchall()
    return [(tuple(str(v) for v in row[:-1]), float(row[-1])) for row in result]


def _fee_statistics(frame: pd.DataFrame, cube: Cube) -> dict[tuple[str, ...], dict[str, int]]:
    """Median and quartiles of the fee in each published cell, keyed by the cell's labels."""
    table = _with_time(frame)
    out: dict[tuple[str, ...], dict[str, int]] = {}
    dims = cube.dimensions
    for subset in itertools.chain.from_iterable(
        itertools.combinations(dims, n) for n in range(len(dims) + 1)
    ):
        groups = table.groupby(list(subset), dropna=False) if subset else [((), table)]
        for key, group in groups:
            key_tuple = key if isinstance(key, tuple) else (key,)
            labels = dict(zip(subset, (str(k) for k in key_tuple), strict=True))
            full = tuple(labels.get(d, TOTAL) for d in dims)
            amounts = group["amount"].astype(float)
            out[full] = {
                "median": round_to(float(amounts.median()), 10),
                "q1": round_to(float(amounts.quantile(0.25)), 10),
                "q3": round_to(float(amounts.quantile(0.75)), 10),
            }
    return out


def _build(
    session: Session,
    topic_key: str,
    by: list[str],
    period: Period,
    settings: Settings,
    min_cell: int | None,
    rounding_base: int | None,
    noise: NoiseSpec | None,
) -> StatisticsTable:
    chosen = topic(topic_key)
    dims = _check_dimensions(chosen, by)
    min_cell = settings.disclosure_min_cell if min_cell is None else min_cell
    rounding_base = settings.disclosure_rounding_base if rounding_base is None else rounding_base
    if min_cell < settings.disclosure_min_cell:
        raise InputError(
            f"the minimum cell size may be raised, not lowered below {settings.disclosure_min_cell}",
            Place(field="min_cell"),
        )
    if rounding_base < 1:
        raise InputError("the rounding base must be at least 1", Place(field="rounding_base"))
    frame = SOURCES[chosen.source](session, period)
    parameters: dict[str, Any] = {
        "min_cell": min_cell,
        "rounding_base": rounding_base,
        "unit": chosen.unit,
        "dataset": chosen.dataset,
        "settings_version": settings.version,
        "complementary_suppression": "two per line to a fixed point, audited by elimination and "
        "non-negative bounds",
    }
    if noise is not None and chosen.kind == "distribution":
        raise InputError(
            "differentially private fee distributions are not offered; release counts instead",
            Place(field="epsilon"),
        )
    bound = chosen.contribution_bound if chosen.contribution_bound > 1 else None
    finest = _finest(frame, dims, bound if noise else None)
    if noise is not None:
        categories = tuple(tuple(sorted({key[i] for key, _ in finest})) for i in range(len(dims)))
        template = build_cube(finest, dims, categories)
        cells_index = list(itertools.product(*(range(len(c)) for c in categories)))
        values = [int(template.true[i]) for i in cells_index]
        sensitivity = chosen.contribution_bound * chosen.rows_per_record
        noisy, scale = noisy_counts(values, noise, sensitivity)
        finest = [
            (tuple(categories[d][i[d]] for d in range(len(dims))), float(max(v, 0)))
            for i, v in zip(cells_index, noisy, strict=True)
        ]
        parameters["differential_privacy"] = {
            "mechanism": noise.mechanism,
            "epsilon": noise.epsilon,
            "delta": noise.delta,
            "sensitivity": sensitivity,
            "contribution_bound": chosen.contribution_bound,
            "noise_scale": scale,
            "library": "OpenDP",
            "applied_to": "finest cells; margins are sums of noisy cells, negatives set to 0",
        }
        cube = build_cube(finest, dims, categories)
    else:
        cube = build_cube(finest, dims)
    protect(cube, min_cell, rounding_base)
    cells = cube.cells()
    if chosen.kind == "distribution" and not frame.empty:
        stats = _fee_statistics(frame, cube)
        for cell in cells:
            if cell["count"] is not None and cell["count"] > 0:
                key = tuple(cell["dimensions"][d] for d in dims)
                cell.update(stats.get(key, {}))
    parameters["cells"] = len(cells)
    parameters["suppressed_primary"] = int((cube.status == 1).sum())
    parameters["suppressed_secondary"] = int((cube.status == 2).sum())
    return StatisticsTable(chosen, dims, period, parameters, cells, cube)


def compute(
    session: Session,
    topic_key: str,
    by: list[str],
    period: Period,
    settings: Settings,
    *,
    min_cell: int | None = None,
    rounding_base: int | None = None,
) -> StatisticsTable:
    """What would be released for ``topic_key`` broken down by ``by`` (nothing recorded)."""
    return _build(session, topic_key, by, period, settings, min_cell, rounding_base, None)


def release(
    session: Session,
    topic_key: str,
    by: list[str],
    period: Period,
    settings: Settings,
    actor: Actor,
    *,
    noise: NoiseSpec | None = None,
    min_cell: int | None = None,
    rounding_base: int | None = None,
    recipient: str | None = None,
    note: str = "",
) -> StatisticsRelease:
    """Build, record and audit a release; a differentially private one spends its dataset's budget
    first (refused with :class:`BudgetExhausted` when it would overspend)."""
    chosen = topic(topic_key)
    if noise is not None:
        noise.check()
        spend(
            budget(
                session,
                chosen.dataset,
                settings.privacy_budget_epsilon,
                settings.privacy_budget_delta,
            ),
            noise,
        )
    table = _build(session, topic_key, by, period, settings, min_cell, rounding_base, noise)
    parameters = {
        **table.parameters,
        "dimensions": list(table.dimensions),
        "period": table.period.as_dict(),
        "recipient": recipient,
        "note": note,
    }
    row = StatisticsRelease(
        reference=f"REL-{dt.datetime.now(dt.UTC):%Y%m%d}-{secrets.token_hex(3).upper()}",
        topic=chosen.key,
        parameters=parameters,
        epsilon=noise.epsilon if noise else None,
        delta=noise.delta if noise else None,
        dataset=chosen.dataset,
        output=table.as_dict(),
        created_by=actor.user_id,
    )
    session.add(row)
    session.flush()
    record(
        session,
        actor,
        "disclose" if recipient else "create",
        "statistics_release",
        [row.id],
        {"reference": row.reference, "topic": chosen.key, "recipient": recipient},
    )
    return row


def releases(session: Session, limit: int = 100) -> list[StatisticsRelease]:
    """Recorded releases, newest first."""
    return list(
        session.scalars(
            select(StatisticsRelease).order_by(StatisticsRelease.id.desc()).limit(limit)
        )
    )


def find_release(session: Session, reference: str) -> StatisticsRelease:
    found = session.scalars(
        select(StatisticsRelease).where(StatisticsRelease.reference == reference)
    ).one_or_none()
    if found is None:
        raise FiletError(f"no release {reference!r}", Place(field="reference"))
    return found


def extract_rows(output: dict[str, Any]) -> list[dict[str, Any]]:
    """The flat rows of a recorded release, checked to be non-nominal (see FORBIDDEN_FIELDS)."""
    rows = []
    for cell in output.get("cells", []):
        row: dict[str, Any] = dict(cell["dimensions"])
        row["count"] = cell["count"]
        for key in ("median", "q1", "q3"):
            if key in cell:
                row[key] = cell[key]
        row["status"] = cell["status"]
        row["reason"] = cell.get("reason") or ""
        rows.append(row)
    check_non_nominal(rows)
    return rows


def check_non_nominal(rows: list[dict[str, Any]]) -> None:
    """Refuse an extract with a column that identifies a person or a value that is an exact date."""
    for number, row in enumerate(rows, start=1):
        bad = sorted(FORBIDDEN_FIELDS.intersection(k.lower() for k in row))
        if bad:
            raise InputError(
                f"an extract shared outside may not carry {', '.join(bad)}",
                Place(line=number, field=bad[0]),
            )
        for key, value in row.items():
            if isinstance(value, str) and _looks_like_day(value):
                raise InputError(
                    f"an extract may not carry exact dates ({value})", Place(line=number, field=key)
                )


def _looks_like_day(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def export(output: dict[str, Any], parameters: dict[str, Any], fmt: str) -> bytes:
    """A release as CSV, JSON or Parquet, with its parameters (CSV: comment lines on top)."""
    import json

    rows = extract_rows(output)
    if fmt == "json":
        return json.dumps(
            {
                **{k: v for k, v in output.items() if k != "cells"},
                "parameters": parameters,
                "rows": rows,
            },
            ensure_ascii=False,
            indent=2,
        ).encode()
    frame = pd.DataFrame(rows)
    for column in ("count", "median", "q1", "q3"):
        if column in frame:
            frame[column] = frame[column].astype("Int64")
    if fmt == "csv":
        header = "".join(
            f"# {k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in parameters.items()
        )
        return (header + str(frame.to_csv(index=False))).encode()
    if fmt == "parquet":
        import io

        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(frame, preserve_index=False)
        table = table.replace_schema_metadata(
            {"filet_parameters": json.dumps(parameters, ensure_ascii=False)}
        )
        buffer = io.BytesIO()
        pq.write_table(table, buffer)
        return buffer.getvalue()
    raise InputError(
        f"unknown format {fmt!r}; expected csv, json or parquet", Place(field="format")
    )
