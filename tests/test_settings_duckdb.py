"""DuckDB's configuration for the analyses: a bounded memory limit, spilling under DATA_DIR."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from pydantic import ValidationError

from filet.settings import Settings, duckdb_config


def _setting(connection: duckdb.DuckDBPyConnection, name: str) -> str:
    row = connection.execute(f"SELECT current_setting('{name}')").fetchone()
    assert row is not None
    return str(row[0])


def test_default_limit_is_a_quarter_of_the_memory_not_duckdbs_80_percent(tmp_path: Path) -> None:
    config = duckdb_config(Settings(data_dir=tmp_path))
    ours = duckdb.connect(config=config)
    own = duckdb.connect()
    # DuckDB reports sizes as text ("18.8 GiB"): ours is a quarter, its own is 80 %.
    ours_gib = _gib(_setting(ours, "memory_limit"))
    assert ours_gib == pytest.approx(_gib(_setting(own, "memory_limit")) / 4 / 0.8, rel=0.05)
    assert _setting(ours, "temp_directory") == str((tmp_path / "duckdb-tmp").resolve())


def _gib(text: str) -> float:
    number, unit = text.split()
    return float(number) * {"MiB": 1 / 1024, "GiB": 1.0, "TiB": 1024.0}[unit]


def test_configured_limit_and_threads_are_applied(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, duckdb_memory_limit="512MiB", duckdb_threads=1)
    connection = duckdb.connect(config=duckdb_config(settings))
    assert _setting(connection, "memory_limit") == "512.0 MiB"
    assert _setting(connection, "threads") == "1"


def test_a_query_larger_than_the_limit_spills_instead_of_failing(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, duckdb_memory_limit="64MiB", duckdb_threads=1)
    connection = duckdb.connect(config=duckdb_config(settings))
    row = connection.execute(
        "SELECT count(*) FROM (SELECT DISTINCT i, repeat('x', 40) || i AS s"
        " FROM range(3000000) t(i) ORDER BY s)"
    ).fetchone()
    assert row == (3_000_000,)


def test_a_limit_that_is_not_a_size_is_refused() -> None:
    with pytest.raises(ValidationError, match="must be a size"):
        Settings(duckdb_memory_limit="lots")
