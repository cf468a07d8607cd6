"""Per-record features for linkage, computed once in Python with :mod:`filet.names`.

Splink compares columns with SQL; the knowledge about names (scripts, transliteration,
equivalence groups, consonant skeletons, name frequencies) lives in :mod:`filet.names`, which is
Python. So each record is analysed once here and the comparison columns are plain strings,
integers and string arrays that the same SQL compares on DuckDB and on Spark:

- ``name_latin``: the name in Latin letters, parts sorted (order-free: swapped fields agree);
- ``name_canon``: each part replaced by its equivalence group (``g:``) or consonant skeleton
  (``k:``), sorted, so Mohammed / Muhammad / محمد agree;
- ``name_tokens``: those canonical parts as an array (for overlap levels);
- ``name_rare``: 1 when the name carries enough information (rare parts), 0 for common names;
- birth date split into year, month and day, with a flag for conventional dates (1 January,
  1 July) that say "unknown" rather than a date;
- document number, phone and email normalised;
- blocking keys with a cap on how many records one key may gather (common names do not blow up).

The blocking keys, their caps and the feature cache are computed in DuckDB SQL (window counts
over a million records take a second there; pandas object columns took a minute).
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from filet.names import AnalysedName, analyse
from filet.settings import duckdb_config

#: The fields an identity record may carry (besides ``record_id``).
RECORD_FIELDS = (
    "given_names",
    "surname",
    "full_name",
    "birth_date",
    "sex",
    "nationality",
    "document_number",
    "document_country",
    "phone",
    "email",
    "address",
)

#: Blocking-key columns; each becomes a Splink blocking rule on equality of that column.
BLOCKING_KEYS = (
    "b_document",
    "b_name",
    "b_first_year",
    "b_last_year",
    "b_first_last",
    "b_birth_date",
    "b_phone",
    "b_email",
)

#: Changes when the features are computed differently (cached features are then recomputed).
FEATURE_VERSION = "features-3"

#: The prepared columns (before the blocking keys).
FEATURE_COLUMNS = (
    "unique_id",
    "name_latin",
    "name_canon",
    "name_tokens",
    "name_rare",
    "name_script",
    "birth_date",
    "birth_year",
    "birth_month",
    "birth_day",
    "birth_conventional",
    "sex",
    "nationality",
    "document_number",
    "document_country",
    "phone",
    "email",
    "email_user",
    "address",
    "first_token",
    "last_token",
)

#: The Arrow types of the prepared columns (the feature cache's Parquet schema).
_TYPES = {
    **{column: pa.string() for column in FEATURE_COLUMNS},
    "name_tokens": pa.list_(pa.string()),
    "name_rare": pa.int64(),
    "birth_conventional": pa.int64(),
    "is_new": pa.int64(),
    "row_number": pa.int64(),
}

_DATE = re.compile(r"^(\d{4})(?:-(\d{2}|XX|00))?(?:-(\d{2}|XX|00))?$", re.IGNORECASE)
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")
_NOT_DIGIT = re.compile(r"\D")
_SPACES = re.compile(r"\s+")
_CONVENTIONAL_DAYS = frozenset({("01", "01"), ("07", "01")})  # (month, day)


@dataclass(frozen=True, slots=True)
class BirthDate:
    """A birth date as known: year, and month and day when known (``None`` when unknown)."""

    year: str | None
    month: str | None
    day: str | None

    @property
    def conventional(self) -> bool:
        """A 1 January or 1 July date: usually written when the real date is unknown."""
        return (self.month, self.day) in _CONVENTIONAL_DAYS

    @property
    def text(self) -> str | None:
        """The known parts joined as ``YYYY[-MM[-DD]]``."""
        if self.year is None:
            return None
        return "-".join(part for part in (self.year, self.month, self.day) if part)


def parse_birth_date(value: str | None) -> BirthDate:
    """Read ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (``XX``/``00`` for unknown parts)."""
    if not value:
        return BirthDate(None, None, None)
    match = _DATE.match(value.strip())
    if match is None:
        return BirthDate(None, None, None)
    year, month, day = match.groups()
    month = month if month and month.isdigit() and month != "00" else None
    day = day if day and day.isdigit() and day != "00" and month else None
    return BirthDate(year, month, day)


def _clean(value: object) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    return text or None


def _document(value: str | None) -> str | None:
    if value is None:
        return None
    number = _NOT_ALNUM.sub("", value.upper())
    return number or None


def _phone(value: str | None) -> str | None:
    """The last nine digits: country prefixes and trunk zeros are written in many ways."""
    if value is None:
        return None
    digits = _NOT_DIGIT.sub("", value)
    return digits[-9:] if len(digits) >= 6 else None


def _address(value: str | None) -> str | None:
    if value is None:
        return None
    text = _SPACES.sub(" ", re.sub(r"[^\w ]", " ", value.lower())).strip()
    return text or None


def _canonical_part(symbols: Iterable[str], keys: Iterable[str], form: str) -> str:
    symbol_list = sorted(symbols)
    if symbol_list:
        return f"g:{symbol_list[0]}"
    key_list = sorted(keys, key=lambda key: (-len(key), key))
    return f"k:{key_list[0]}" if key_list else f"f:{form}"


@dataclass(frozen=True, slots=True)
class NameFeatures:
    """The comparison columns of one name."""

    latin: str | None
    canon: str | None
    tokens: tuple[str, ...]
    rare: int
    script: str | None


def name_features(analysed: AnalysedName, rare_bits: float) -> NameFeatures:
    """Comparison columns of an analysed name (see the module docstring)."""
    parts = [part for part in analysed.names if not part.is_initial] or list(analysed.names)
    if not parts:
        return NameFeatures(None, None, (), 0, None)
    latin = " ".join(sorted(part.latin for part in parts))
    canonical = [_canonical_part(part.symbols, part.keys, part.form) for part in parts]
    tokens = tuple(sorted(canonical))
    # A part repeated (Tesfaye Tesfaye: given name and father's name alike) says nothing new.
    information: dict[str, float] = {}
    for token, part in zip(canonical, parts, strict=True):
        information[token] = max(information.get(token, 0.0), part.bits)
    bits = sum(information.values())
    return NameFeatures(
        latin, " ".join(tokens), tokens, int(bits >= rare_bits), analysed.script or None
    )


def _analyse_record(record: Mapping[str, object]) -> AnalysedName | None:
    given = _clean(record.get("given_names"))
    surname = _clean(record.get("surname"))
    if given or surname:
        return analyse(given=given, family=surname)
    full = _clean(record.get("full_name"))
    return analyse(full) if full else None


def prepare_records(
    records: pd.DataFrame,
    *,
    max_block_size: int,
    rare_name_bits: float,
    cache: Path | None = None,
) -> pd.DataFrame:
    """The linkage table of ``records`` (a frame with ``record_id`` and any of RECORD_FIELDS).

    Blocking keys shared by more than ``max_block_size`` records are dropped for those records
    (they would compare every holder of a common name with every other); the other keys still
    bring the true matches together.

    With ``cache`` (a Parquet file), features of records whose fields have not changed since the
    last run are read back instead of analysed again, and the file is brought up to date: an
    incremental run then analyses only the new records.
    """
    if cache is None:
        return add_blocking_keys(_features_of(records, rare_name_bits), max_block_size)
    connection = duckdb.connect(config=duckdb_config())
    try:
        load_features(connection, records, rare_name_bits=rare_name_bits, cache=cache)
        frame = from_duckdb(connection.sql("SELECT * FROM features"))
    finally:
        connection.close()
    return add_blocking_keys(frame, max_block_size)


def from_duckdb(relation: duckdb.DuckDBPyRelation) -> pd.DataFrame:
    """A DuckDB result as a prepared frame (object columns, ``None`` for missing, token lists)."""
    frame = relation.to_arrow_table().to_pandas()
    if "name_tokens" in frame.columns:
        frame["name_tokens"] = frame["name_tokens"].map(
            lambda tokens: list(tokens) if tokens is not None and len(tokens) else None
        )
    frame = frame.astype(object)
    return frame.where(frame.notna(), None)


def _arrow(frame: pd.DataFrame) -> pa.Table:
    schema = pa.schema([(column, _TYPES.get(column, pa.string())) for column in frame.columns])
    return pa.Table.from_pandas(frame, schema=schema, preserve_index=False)


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def load_features(
    connection: duckdb.DuckDBPyConnection,
    records: pd.DataFrame,
    *,
    rare_name_bits: float,
    cache: Path | None,
) -> None:
    """Create the table ``features`` (the prepared columns of every record of ``records``) in
    ``connection``: read back from ``cache`` where a record is unchanged, analysed otherwise;
    the cache is then brought up to date (see :func:`prepare_records`)."""
    wanted = pd.DataFrame(
        {
            "unique_id": records["record_id"].astype(str).to_numpy(),
            "fingerprint": _fingerprints(records, rare_name_bits).to_numpy(),
        }
    )
    connection.register("wanted", _arrow(wanted))
    columns = ", ".join(f"s.{column}" for column in (*FEATURE_COLUMNS, "fingerprint"))
    if cache is not None and cache.exists():
        connection.execute(
            f"CREATE TEMP TABLE known AS SELECT {columns} FROM read_parquet({_quoted(cache)}) s "
            "JOIN wanted w ON s.unique_id = w.unique_id AND s.fingerprint = w.fingerprint"
        )
    else:
        connection.register(
            "empty", _arrow(pd.DataFrame(columns=[*FEATURE_COLUMNS, "fingerprint"]))
        )
        connection.execute("CREATE TEMP TABLE known AS SELECT * FROM empty")
    missing = connection.sql(
        "SELECT unique_id FROM wanted ANTI JOIN known USING (unique_id)"
    ).fetchnumpy()["unique_id"]
    chosen = records["record_id"].astype(str).isin(set(missing.tolist())).to_numpy()
    fresh = _features_of(records[chosen], rare_name_bits)
    fresh["fingerprint"] = wanted["fingerprint"].to_numpy()[chosen]
    connection.register("fresh", _arrow(fresh))
    connection.execute(
        "CREATE TEMP TABLE features AS SELECT * EXCLUDE (fingerprint) FROM known "
        "UNION ALL BY NAME SELECT * EXCLUDE (fingerprint) FROM fresh"
    )
    if cache is None or not len(fresh):
        return
    cache.parent.mkdir(parents=True, exist_ok=True)
    temporary = cache.with_suffix(".tmp")
    kept = (
        f"SELECT * FROM read_parquet({_quoted(cache)}) "
        "WHERE unique_id NOT IN (SELECT unique_id FROM fresh) UNION ALL BY NAME "
        if cache.exists()
        else ""
    )
    connection.execute(f"COPY ({kept}SELECT * FROM fresh) TO {_quoted(temporary)} (FORMAT parquet)")
    temporary.replace(cache)


def _fingerprints(records: pd.DataFrame, rare_name_bits: float) -> pd.Series:
    """A hash of each record's fields and of what its features depend on."""
    fields = records.reindex(columns=list(RECORD_FIELDS)).astype("string").fillna("\x00")
    hashed = pd.util.hash_pandas_object(fields, index=False)
    salt = zlib.crc32(f"{FEATURE_VERSION}:{rare_name_bits}".encode())
    return (hashed.astype("uint64") ^ salt).astype("string")


def _text(records: pd.DataFrame, column: str) -> pd.Series:
    """A field as cleaned text (NFKC, stripped), missing and empty values as NA."""
    if column not in records.columns:
        return pd.Series(pd.NA, index=records.index, dtype="string")
    values = records[column].astype("string").str.normalize("NFKC").str.strip()
    return values.mask(_true(values == ""))


def _true(condition: pd.Series) -> pd.Series:
    """A condition with missing values read as false, as plain booleans."""
    return condition.fillna(False).astype(bool)


def _birth_columns(records: pd.DataFrame) -> pd.DataFrame:
    """Year, month, day (``None`` when unknown), text and conventional flag, as
    :func:`parse_birth_date` reads them, for a whole column at once."""
    parts = _text(records, "birth_date").str.extract(_DATE)
    year, month, day = parts[0], parts[1], parts[2]
    month = month.where(_true(month.str.isdigit()) & _true(month != "00"))
    day = day.where(_true(day.str.isdigit()) & _true(day != "00") & month.notna())
    text = year.str.cat(month, sep="-", na_rep="").str.cat(day, sep="-", na_rep="")
    text = text.str.rstrip("-").where(year.notna())
    conventional = pd.Series(False, index=records.index)
    for conventional_month, conventional_day in _CONVENTIONAL_DAYS:
        conventional |= _true(month == conventional_month) & _true(day == conventional_day)
    return pd.DataFrame(
        {
            "birth_date": text,
            "birth_year": year,
            "birth_month": month,
            "birth_day": day,
            "birth_conventional": conventional.astype(int),
        },
        index=records.index,
    )


def _document_column(records: pd.DataFrame) -> pd.Series:
    number = _text(records, "document_number").str.upper().str.replace(_NOT_ALNUM, "", regex=True)
    return number.mask(_true(number == ""))


def _features_of(records: pd.DataFrame, rare_name_bits: float) -> pd.DataFrame:
    """The feature columns of ``records``: names analysed once per distinct name, the other
    fields normalised a column at a time (the same rules as the per-value helpers above)."""
    names = pd.DataFrame(
        {
            "given": _text(records, "given_names"),
            "family": _text(records, "surname"),
            "full": _text(records, "full_name"),
        },
        index=records.index,
    )
    keys = list(names.itertuples(index=False, name=None))
    analysed: dict[tuple[object, object, object], NameFeatures] = {}
    for key in set(keys):
        given, family, full = (None if pd.isna(value) else str(value) for value in key)
        record = {"given_names": given, "surname": family, "full_name": full}
        found = _analyse_record(record)
        analysed[key] = (
            name_features(found, rare_name_bits)
            if found is not None
            else NameFeatures(None, None, (), 0, None)
        )
    features = [analysed[key] for key in keys]
    email = _text(records, "email").str.lower()
    phone = _text(records, "phone").str.replace(_NOT_DIGIT, "", regex=True)
    address = (
        _text(records, "address")
        .str.lower()
        .str.replace(r"[^\w ]", " ", regex=True)
        .str.replace(_SPACES, " ", regex=True)
        .str.strip()
    )
    frame = pd.DataFrame(
        {
            "unique_id": records["record_id"].astype(str).to_numpy(),
            "name_latin": [item.latin for item in features],
            "name_canon": [item.canon for item in features],
            "name_tokens": [list(item.tokens) if item.tokens else None for item in features],
            "name_rare": [item.rare for item in features],
            "name_script": [item.script for item in features],
        }
    )
    born = _birth_columns(records).reset_index(drop=True)
    for column in born.columns:
        frame[column] = born[column]
    columns = {
        "sex": _text(records, "sex").str.upper().str[:1],
        "nationality": _text(records, "nationality").str.upper(),
        "document_number": _document_column(records),
        "document_country": _text(records, "document_country").str.upper(),
        "phone": phone.str[-9:].where(_true(phone.str.len() >= 6)),
        "email": email,
        "email_user": email.str.split("@", n=1).str[0].where(_true(email.str.contains("@"))),
        "address": address.mask(_true(address == "")),
    }
    for column, values in columns.items():
        frame[column] = values.reset_index(drop=True)
    frame["first_token"] = [item.tokens[0] if item.tokens else None for item in features]
    frame["last_token"] = [item.tokens[-1] if len(item.tokens) > 1 else None for item in features]
    frame = frame[list(FEATURE_COLUMNS)].astype(object)
    return frame.where(frame.notna(), None)


def fact_columns(records: pd.DataFrame) -> pd.DataFrame:
    """The document and birth-date columns of ``records`` as :func:`prepare_records` computes
    them, without analysing names (for re-clustering a few records from their stored links)."""
    born = _birth_columns(records)
    frame = pd.DataFrame(
        {
            "unique_id": records["record_id"].astype(str),
            "document_number": _document_column(records),
            "document_country": _text(records, "document_country").str.upper(),
            "birth_date": born["birth_date"],
            "birth_day": born["birth_day"],
            "birth_conventional": born["birth_conventional"],
        }
    ).astype(object)
    return frame.where(frame.notna(), None)


#: Each blocking key as SQL over the prepared columns (NULL when a part is missing).
_KEY_SQL = {
    "b_document": "document_number",
    "b_name": "name_canon",
    "b_first_year": "first_token || '|' || birth_year",
    "b_last_year": "last_token || '|' || birth_year",
    "b_first_last": "first_token || '|' || last_token",
    "b_birth_date": "CASE WHEN birth_day IS NOT NULL THEN birth_date END || '|' || "
    "coalesce(sex, '?')",
    "b_phone": "phone",
    "b_email": "email",
}

#: The prepared columns the blocking keys are made of.
_KEY_INPUTS = (
    "document_number",
    "name_canon",
    "first_token",
    "last_token",
    "birth_year",
    "birth_date",
    "birth_day",
    "sex",
    "phone",
    "email",
)


def blocking_keys_sql(source: str, max_block_size: int) -> str:
    """A query of every column of ``source`` (prepared records) plus the capped blocking keys:
    a key shared by more than ``max_block_size`` records is NULL for them. (The crowded values
    are found by grouping the key alone: a window over the whole rows would sort them all.)"""
    raw = ", ".join(f"({sql})::VARCHAR AS raw_{key}" for key, sql in _KEY_SQL.items())
    capped = ", ".join(
        f"CASE WHEN raw_{key} IN (SELECT raw_{key} FROM keyed WHERE raw_{key} IS NOT NULL "
        f"GROUP BY raw_{key} HAVING count(*) > {int(max_block_size)}) THEN NULL "
        f"ELSE raw_{key} END AS {key}"
        for key in BLOCKING_KEYS
    )
    dropped = ", ".join(f"raw_{key}" for key in BLOCKING_KEYS)
    return (
        f"WITH keyed AS MATERIALIZED (SELECT *, {raw} FROM {source}) "
        f"SELECT * EXCLUDE ({dropped}), {capped} FROM keyed"
    )


def add_blocking_keys(frame: pd.DataFrame, max_block_size: int) -> pd.DataFrame:
    """Add the capped blocking-key columns to a prepared frame."""
    inputs = frame[list(_KEY_INPUTS)].copy()
    inputs["row_number"] = range(len(frame))
    connection = duckdb.connect(config=duckdb_config())
    try:
        connection.register("prepared", _arrow(inputs.astype(object).where(inputs.notna(), None)))
        keys = ", ".join(BLOCKING_KEYS)
        found = from_duckdb(
            connection.sql(
                f"SELECT {keys} FROM ({blocking_keys_sql('prepared', max_block_size)}) "
                "ORDER BY row_number"
            )
        )
    finally:
        connection.close()
    for column in BLOCKING_KEYS:
        frame[column] = found[column].to_numpy()
    return frame
