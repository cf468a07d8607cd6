"""``filet resolve``: identity resolution over the store or over a CSV file of records."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from filet.errors import InputError, Place

console = Console()

_ENGINES = ("duckdb", "spark")


def _read_records(path: Path) -> pd.DataFrame:
    from filet.identity import RECORD_FIELDS

    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as error:
        raise InputError(f"cannot read {path}: {error}", Place(field="input")) from error
    if "record_id" not in frame.columns:
        raise InputError(
            f"{path}: no record_id column; expected record_id plus any of "
            + ", ".join(RECORD_FIELDS),
            Place(line=1, field="record_id"),
        )
    known = {"record_id", *RECORD_FIELDS}
    unknown = [column for column in frame.columns if column not in known]
    if unknown:
        raise InputError(
            f"{path}: unknown column(s) {', '.join(unknown)}; expected record_id plus any of "
            + ", ".join(RECORD_FIELDS),
            Place(line=1, field=unknown[0]),
        )
    duplicated = frame["record_id"].duplicated()
    if duplicated.any():
        line = int(duplicated.to_numpy().nonzero()[0][0]) + 2
        raise InputError(
            f"{path}: record_id {frame['record_id'][line - 2]!r} appears twice; ids must be unique",
            Place(line=line, field="record_id"),
        )
    return frame.replace("", None)


def resolve(
    input_path: Path | None = typer.Option(
        None, "--input", help="CSV of records (record_id plus name, birth, document, ... columns)."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="CSV to write: record_id, person_id, match_probability."
    ),
    engine: str = typer.Option("duckdb", "--engine", help="duckdb or spark."),
    incremental: bool = typer.Option(
        False, "--incremental", help="Store: link only records without a person yet."
    ),
    parameters_path: Path | None = typer.Option(
        None, "--parameters", help="Model parameter file (JSON); default: the shipped one."
    ),
    train: bool = typer.Option(
        False, "--train", help="Estimate the model's parameters on these records first."
    ),
    save_parameters: Path | None = typer.Option(
        None, "--save-parameters", help="Write the (trained) parameters to this JSON file."
    ),
    threshold: float | None = typer.Option(
        None, "--threshold", help="Match probability to join records (default from settings)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Resolve identity records into persons (the store, or --input CSV to --out CSV)."""
    from filet.identity import IdentityResolver, ModelParameters
    from filet.settings import get_settings

    if engine not in _ENGINES:
        raise InputError(
            f"unknown engine {engine!r}; expected duckdb or spark", Place(field="engine")
        )
    settings = get_settings()
    parameters = (
        ModelParameters.load(parameters_path) if parameters_path else ModelParameters.default()
    )
    resolver = IdentityResolver(
        parameters,
        engine=engine,  # type: ignore[arg-type]
        settings=settings,
        threshold=threshold,
    )
    # The store's records keep their analysed features between runs (incremental runs analyse
    # only the new records).
    feature_cache = settings.data_dir / "identity" / "features.parquet"
    if input_path is not None:
        if out is None:
            raise InputError("--input needs --out (the clusters CSV to write)", Place(field="out"))
        frame = _read_records(input_path)
        # The clusters file holds no explanations: only the links at the threshold are kept,
        # without Splink's intermediate columns.
        resolver = IdentityResolver(
            resolver.train(frame, source=str(input_path)) if train else resolver.parameters,
            engine=resolver.engine,
            settings=settings,
            threshold=threshold,
            explain=False,
        )
        resolution = resolver.resolve(frame)
        strongest = resolution.strongest_link()
        clusters = resolution.clustering.cluster_of
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["record_id", "person_id", "match_probability"])
            for record_id in frame["record_id"]:
                writer.writerow(
                    [record_id, clusters[str(record_id)], f"{strongest[str(record_id)]:.6f}"]
                )
        summary: dict[str, Any] = {
            "records": len(frame),
            "persons": len(resolution.clustering.clusters()),
            "links": len(resolution.links),
            "refused_links": len(resolution.clustering.refused),
            "engine": engine,
            "out": str(out),
        }
    else:
        from filet.cli.system import _current_sessions
        from filet.identity._store import resolve_store, store_records
        from filet.security import SYSTEM
        from filet.store import transaction

        with transaction(_current_sessions()) as session:
            resolver = IdentityResolver(
                resolver.train(store_records(session), source="store")
                if train
                else resolver.parameters,
                engine=resolver.engine,
                settings=settings,
                threshold=threshold,
                feature_cache=feature_cache,
            )
            run = resolve_store(session, resolver, incremental=incremental, actor=SYSTEM)
        summary = {
            "records": run.records,
            "new_records": run.new_records,
            "links": run.links,
            "persons": run.persons,
            "persons_created": run.persons_created,
            "refused_links": run.refused_links,
            "engine": engine,
        }
    if save_parameters is not None:
        resolver.parameters.save(save_parameters)
        summary["parameters"] = str(save_parameters)
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
        return
    table = Table("", "", title="identity resolution")
    for key, value in summary.items():
        table.add_row(key.replace("_", " "), str(value))
    console.print(table)
