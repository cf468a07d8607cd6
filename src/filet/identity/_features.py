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
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from filet.names import AnalysedName, analyse

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
FEATURE_VERSION = "features-2"

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
    fingerprints = _fingerprints(records, rare_name_bits)
    stored = pd.DataFrame(columns=[*FEATURE_COLUMNS, "fingerprint"])
    if cache.exists():
        stored = pd.read_parquet(cache)
    known = stored.merge(
        pd.DataFrame({"unique_id": records["record_id"].astype(str), "fingerprint": fingerprints}),
        on=["unique_id", "fingerprint"],
    )
    missing = records[~records["record_id"].astype(str).isin(known["unique_id"])]
    fresh = _features_of(missing, rare_name_bits).assign(
        fingerprint=fingerprints[missing.index].to_numpy()
    )
    frame = pd.concat([known, fresh], ignore_index=True) if len(known) else fresh
    if len(fresh):
        kept = stored[~stored["unique_id"].isin(fresh["unique_id"])]
        cache.parent.mkdir(parents=True, exist_ok=True)
        temporary = cache.with_suffix(".tmp")
        (pd.concat([kept, fresh], ignore_index=True) if len(kept) else fresh).to_parquet(
            temporary, index=False
        )
        temporary.replace(cache)
    frame = frame.drop(columns=["fingerprint"])
    frame["name_tokens"] = frame["name_tokens"].map(
        lambda tokens: list(tokens) if tokens is not None and len(tokens) else None
    )
    frame = frame.astype(object).where(frame.notna(), None)
    return add_blocking_keys(frame, max_block_size)


def _fingerprints(records: pd.DataFrame, rare_name_bits: float) -> pd.Series:
    """A hash of each record's fields and of what its features depend on."""
    fields = records.reindex(columns=list(RECORD_FIELDS)).astype("string").fillna("\x00")
    hashed = pd.util.hash_pandas_object(fields, index=False)
    salt = zlib.crc32(f"{FEATURE_VERSION}:{rare_name_bits}".encode())
    return (hashed.astype("uint64") ^ salt).astype("string")


def _features_of(records: pd.DataFrame, rare_name_bits: float) -> pd.DataFrame:
    rows: list[dict[str, object]] = []
    name_cache: dict[tuple[str | None, str | None, str | None], NameFeatures] = {}
    for record in records.to_dict("records"):
        key = (
            _clean(record.get("given_names")),
            _clean(record.get("surname")),
            _clean(record.get("full_name")),
        )
        features = name_cache.get(key)
        if features is None:
            analysed = _analyse_record(record)
            features = (
                name_features(analysed, rare_name_bits)
                if analysed is not None
                else NameFeatures(None, None, (), 0, None)
            )
            name_cache[key] = features
        born = parse_birth_date(_clean(record.get("birth_date")))
        document = _document(_clean(record.get("document_number")))
        email = (_clean(record.get("email")) or "").lower() or None
        rows.append(
            {
                "unique_id": str(record["record_id"]),
                "name_latin": features.latin,
                "name_canon": features.canon,
                "name_tokens": list(features.tokens) if features.tokens else None,
                "name_rare": features.rare,
                "name_script": features.script,
                "birth_date": born.text,
                "birth_year": born.year,
                "birth_month": born.month,
                "birth_day": born.day,
                "birth_conventional": int(born.conventional),
                "sex": (_clean(record.get("sex")) or "").upper()[:1] or None,
                "nationality": (_clean(record.get("nationality")) or "").upper() or None,
                "document_number": document,
                "document_country": (_clean(record.get("document_country")) or "").upper() or None,
                "phone": _phone(_clean(record.get("phone"))),
                "email": email,
                "email_user": email.split("@", 1)[0] if email and "@" in email else None,
                "address": _address(_clean(record.get("address"))),
                "first_token": features.tokens[0] if features.tokens else None,
                "last_token": features.tokens[-1] if len(features.tokens) > 1 else None,
            }
        )
    return pd.DataFrame(rows, columns=list(FEATURE_COLUMNS))


def fact_columns(records: pd.DataFrame) -> pd.DataFrame:
    """The document and birth-date columns of ``records`` as :func:`prepare_records` computes
    them, without analysing names (for re-clustering a few records from their stored links)."""
    rows = []
    for record in records.to_dict("records"):
        born = parse_birth_date(_clean(record.get("birth_date")))
        rows.append(
            {
                "unique_id": str(record["record_id"]),
                "document_number": _document(_clean(record.get("document_number"))),
                "document_country": (_clean(record.get("document_country")) or "").upper() or None,
                "birth_date": born.text,
                "birth_day": born.day,
                "birth_conventional": int(born.conventional),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "unique_id",
            "document_number",
            "document_country",
            "birth_date",
            "birth_day",
            "birth_conventional",
        ],
    )


def _joined(*columns: pd.Series) -> pd.Series:
    result = columns[0].astype("string")
    for column in columns[1:]:
        result = result + "|" + column.astype("string")
    return result


def add_blocking_keys(frame: pd.DataFrame, max_block_size: int) -> pd.DataFrame:
    """Add the capped blocking-key columns to a prepared frame."""
    full_date = frame["birth_date"].where(frame["birth_day"].notna())
    keys = {
        "b_document": frame["document_number"].astype("string"),
        "b_name": frame["name_canon"].astype("string"),
        "b_first_year": _joined(frame["first_token"], frame["birth_year"]),
        "b_last_year": _joined(frame["last_token"], frame["birth_year"]),
        "b_first_last": _joined(frame["first_token"], frame["last_token"]),
        "b_birth_date": _joined(full_date, frame["sex"].fillna("?")),
        "b_phone": frame["phone"].astype("string"),
        "b_email": frame["email"].astype("string"),
    }
    for column, values in keys.items():
        counts = values.map(values.value_counts())
        frame[column] = values.where(counts.le(max_block_size)).astype(object)
        frame[column] = frame[column].where(frame[column].notna(), None)
    return frame
