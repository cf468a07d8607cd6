"""Border check end to end through the API (``POST /api/v1/checks``) with N lost/stolen records in
the store: time to load the list, time to build the in-memory index, check latency p50/p99 and
memory. Beside it, the peer a simple system would use: looking the document up in the store by SQL
on every check (same documents, same run).

Half of the checked documents are on the list (exact numbers or inside stolen-blank ranges), half
are not. Alerts are drawn (seeded) over real ICAO state codes.

    .venv/bin/python benchmarks/bench_border_check.py [--alerts 1000000] [--checks 1000] [--store DIR]

``--store DIR`` keeps the loaded store (and the sample of listed documents) in DIR and reuses it on
the next run with the same ``--alerts``, so the latency can be measured again without reloading
ten million rows.

Target (issue 3): 10,000,000 records, p99 under 50 ms on the reference machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import statistics
import string
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from filet.border import alert_index, import_alerts
from filet.documents import AlertStatus, DocumentAlertRecord, DocumentData, MRZFormat, write_mrz
from filet.security import SYSTEM, create_user
from filet.settings import Settings
from filet.store import make_engine, session_factory, transaction, upgrade
from filet.store.schema import DocumentAlert
from filet.web import create_app

STATES = ["D", "FRA", "ITA", "ESP", "NLD", "SYR", "IRQ", "AFG", "ERI", "NGA", "TUR", "PAK"]
ALPHABET = string.ascii_uppercase + string.digits


def _number(rng: random.Random) -> str:
    return rng.choice(string.ascii_uppercase) + "".join(rng.choices(ALPHABET, k=8))


def _alerts(
    n: int, rng: random.Random, sample: list[tuple[str, str]]
) -> Iterator[DocumentAlertRecord]:
    statuses = [AlertStatus.LOST, AlertStatus.STOLEN, AlertStatus.REVOKED]
    ranges = max(1, n // 1000)
    for i in range(n - ranges):
        state, number = rng.choice(STATES), _number(rng)
        if i % max(1, n // 500) == 0:
            sample.append((state, number))
        yield DocumentAlertRecord(
            state,
            number,
            "P",
            statuses[i % 3],
            dt.date(2024, 1, 1) + dt.timedelta(i % 700),
            f"NCB-{state}",
        )
    for i in range(ranges):
        state = rng.choice(STATES)
        start = 1_000_000 + i * 2_000
        if i % max(1, ranges // 50) == 0:
            sample.append((state, f"B{start + 500:07d}"))
        yield DocumentAlertRecord(
            state,
            f"B{start:07d}",
            "P",
            AlertStatus.STOLEN_BLANK,
            dt.date(2023, 6, 1),
            f"NCB-{state}",
            f"B{start + 999:07d}",
        )


def _mrz(state: str, number: str) -> str:
    lines = write_mrz(
        DocumentData(
            MRZFormat.TD3,
            state,
            "Haddad",
            "Sami",
            number,
            state,
            dt.date(1990, 7, 21),
            "M",
            dt.date.today() + dt.timedelta(days=900),
        )
    )
    return "\n".join(lines)


def _rss_mb() -> float:
    """Resident memory now (Linux), in MB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 1e6


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--alerts", type=int, default=100_000, help="lost/stolen records")
    parser.add_argument("--checks", type=int, default=1_000, help="checks to time")
    parser.add_argument("--sql-checks", type=int, default=50, help="peer SQL look-ups to time")
    parser.add_argument("--store", type=Path, help="keep (and reuse) the loaded store here")
    args = parser.parse_args()
    rng = random.Random(3)
    folder = args.store or Path(tempfile.mkdtemp(prefix="bench-border-"))
    folder.mkdir(parents=True, exist_ok=True)
    sample_file = folder / f"listed-{args.alerts}.json"
    engine = make_engine(f"sqlite:///{folder / 'filet.db'}")
    upgrade(engine)
    sessions = session_factory(engine)
    listed: list[tuple[str, str]] = []
    started = time.perf_counter()
    if sample_file.exists():
        listed = [(s, n) for s, n in json.loads(sample_file.read_text())]
        load_s = float("nan")
    else:
        with transaction(sessions) as session:
            create_user(session, "officer", "border_officer", "a long enough passphrase", "Officer")
            import_alerts(session, _alerts(args.alerts, rng, listed), SYSTEM, "bench")
        load_s = time.perf_counter() - started
        sample_file.write_text(json.dumps(listed))
    rss_before = _rss_mb()
    started = time.perf_counter()
    with sessions() as session:
        index = alert_index(session)
    build_s = time.perf_counter() - started
    rss_index = _rss_mb()

    documents = [(s, n, True) for s, n in listed]
    # documents not on the list come from their own stream, so that they are the same whether the
    # store was loaded in this run or reused
    probe = random.Random(11)
    documents += [(probe.choice(STATES), _number(probe), False) for _ in range(len(documents))]
    mrzs = [(_mrz(s, n), hit) for s, n, hit in documents]
    probe.shuffle(mrzs)
    settings = Settings(data_dir=folder, secret_key="bench-" + "k" * 40)
    app = create_app(settings, engine)
    latencies: list[float] = []
    inside: list[float] = []
    baseline: list[float] = []
    reds = wrong = 0
    with TestClient(app) as client:
        token = client.post(
            "/api/v1/auth/token",
            data={"username": "officer", "password": "a long enough passphrase"},
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", "X-Filet-Purpose": "border_control"}
        for i in range(args.checks + 20):
            mrz, hit = mrzs[i % len(mrzs)]
            t0 = time.perf_counter()
            response = client.post("/api/v1/checks", json={"mrz": mrz}, headers=headers)
            elapsed = (time.perf_counter() - t0) * 1000
            body = response.json()
            if i >= 20:  # the first requests warm caches
                latencies.append(elapsed)
                inside.append(body["elapsed_ms"])
                reds += body["status"] == "red"
                wrong += (body["status"] == "red") != hit
        for _ in range(200):
            t0 = time.perf_counter()
            client.get("/api/v1/me", headers=headers)
            baseline.append((time.perf_counter() - t0) * 1000)
    latencies.sort()
    inside.sort()
    baseline.sort()
    p50 = statistics.median(latencies)
    p99 = latencies[int(len(latencies) * 0.99) - 1]

    sql_times: list[float] = []
    with sessions() as session:
        for state, number, _hit in documents[: args.sql_checks]:
            t0 = time.perf_counter()
            session.execute(
                select(DocumentAlert.id).where(
                    DocumentAlert.issuing_state == state, DocumentAlert.document_number == number
                )
            ).all()
            sql_times.append((time.perf_counter() - t0) * 1000)
    sql_times.sort()

    print(f"alert records           {args.alerts:>12,}  (index holds {len(index):,})")
    print(f"store load              {load_s:>12.1f} s   (nan: reused the store in {folder})")
    print(
        f"index build from store  {build_s:>12.1f} s   arrays {index.nbytes / 1e6:,.1f} MB, "
        f"process RSS {rss_before:,.0f} -> {rss_index:,.0f} MB"
    )
    print(f"checks through the API  {len(latencies):>12,}  ({reds} red, {wrong} wrong status)")
    print(f"check latency p50       {p50:>12.2f} ms")
    print(f"check latency p99       {p99:>12.2f} ms   (target < 50 ms at 10 million)")
    print(
        f"  of which the check      p50 {statistics.median(inside):.2f} ms, "
        f"p99 {inside[int(len(inside) * 0.99) - 1]:.2f} ms (parse, alerts, store look-ups, "
        "screening, risk)"
    )
    print(
        f"  HTTP + authentication   p50 {statistics.median(baseline):.2f} ms for GET /api/v1/me "
        "(the same client, token and server: the floor of any request)"
    )
    print(f"peak RSS                {_peak_mb():>12,.0f} MB")
    print(
        f"peer: SQL look-up in the store (no index on state+number), "
        f"{len(sql_times)} look-ups: p50 {statistics.median(sql_times):.2f} ms, "
        f"max {sql_times[-1]:.2f} ms (look-up only, without the HTTP round trip)"
    )


if __name__ == "__main__":
    main()
