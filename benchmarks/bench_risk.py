"""Risk rules at scale and at the border.

Batch: R rules over N synthetic bookings on DuckDB (tables generated in a temporary DuckDB file
with the store's columns, features computed by the same SQL as ``filet risk run``, rules compiled
to SQL): wall and CPU time, peak memory (RSS), bytes written to disk, DuckDB threads and memory
limit (``--memory-limit auto``: 60 % of the memory available at start), and the machine load.
What is timed (the target): the feature SQL (``create_feature_views``: the booking, traveller and
crossing features materialised as temporary tables) plus the rules (one scoring query per
target, run to the end). Not timed: generating the tables, which stands in for the extract of the
store that ``filet risk run`` reads (``load_store``).
Peer, same run, at a smaller N (``--peer-rows``): the same rules as Python closures over fetched
feature rows.
Online: one traveller through all active rules (features from a SQLite store + evaluation):
p50/p99, with and without writing the assessment.

    python benchmarks/bench_risk.py --bookings 100000 --rules 50
    flock /tmp/bench.lock nice -n 5 python benchmarks/bench_risk.py --bookings 10000000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

import duckdb

from filet.risk import (
    RuleSet,
    Target,
    assess_traveller,
    check_rule,
    starter_rules_path,
    validate_rules,
)
from filet.risk._batch import create_feature_views
from filet.risk._library import activate_rule, approve_rule, import_rules
from filet.security import SYSTEM
from filet.settings import Settings
from filet.store import make_engine, session_factory, transaction, upgrade
from filet.store.schema import (
    PnrBooking,
    PnrContact,
    PnrLeg,
    PnrPayment,
    PnrTraveller,
    User,
)

GENERATE = """
CREATE TABLE pnr_bookings AS
SELECT i AS id, 'TK' AS carrier, 'L' || CAST(i AS VARCHAR) AS locator,
       TIMESTAMP '2026-01-01' + to_hours(CAST(hash(i) % 2000 AS INTEGER)) AS created_on,
       CAST(hash(i * 3) % 500 AS BIGINT) AS agency_id,
       CASE WHEN i % 50 = 0 THEN 'L' || CAST(i - 1 AS VARCHAR) END AS split_from,
       i % 3 = 0 AS one_way
FROM range(1, {n} + 1) t(i);
CREATE TABLE pnr_travellers AS
SELECT b.id * 4 + k AS id, b.id AS booking_id, 'SURNAME' || CAST(hash(b.id + k) % 50000 AS VARCHAR) AS surname,
       'GIVEN' AS given_names, CAST(NULL AS VARCHAR) AS name_as_sent, FALSE AS infant,
       CAST(1950 + hash(b.id * 7 + k) % 70 AS VARCHAR) || '-06-15' AS birth_date,
       CASE WHEN (b.id + k) % 2 = 0 THEN 'F' ELSE 'M' END AS sex,
       'C' || CAST(hash(b.id) % 30 AS VARCHAR) AS nationality,
       'P' || LPAD(CAST(hash(b.id * 11 + k) % 90000000 AS VARCHAR), 8, '0') AS document_number,
       'C' || CAST(hash(b.id) % 30 AS VARCHAR) AS document_country,
       CAST(NULL AS BIGINT) AS identity_record_id
FROM pnr_bookings b, range(0, 3) r(k) WHERE k = 0 OR hash(b.id * 13 + k) % 4 = 0;
CREATE TABLE pnr_legs AS
SELECT b.id AS booking_id, s AS seq, 'A' || CAST(s AS VARCHAR) AS departure_airport,
       'A' || CAST(s + 1 AS VARCHAR) AS arrival_airport,
       strftime(TIMESTAMP '2026-04-01' + to_hours(CAST(s * (3 + hash(b.id) % 30) AS INTEGER)), '%Y-%m-%dT%H:%M') AS departure_local,
       strftime(TIMESTAMP '2026-04-01' + to_hours(CAST(s * (3 + hash(b.id) % 30) + 2 AS INTEGER)), '%Y-%m-%dT%H:%M') AS arrival_local,
       CASE WHEN s > 1 AND hash(b.id) % 40 = 0 THEN 'NO' ELSE 'HK' END AS status
FROM pnr_bookings b, range(1, 4) r(s) WHERE s = 1 OR hash(b.id * 5 + s) % 3 = 0;
CREATE TABLE pnr_contacts AS
SELECT id AS booking_id, 'phone' AS kind, '+90' || CAST(hash(id) % ({n} * 9 / 10 + 1) AS VARCHAR) AS value FROM pnr_bookings;
CREATE TABLE pnr_payments AS
SELECT id AS booking_id, CASE WHEN hash(id) % 7 = 0 THEN 'CA' ELSE 'CC' END AS method,
       CASE WHEN hash(id) % 7 = 0 THEN NULL ELSE 'fp' || CAST(hash(id * 17) % ({n} + 1) AS VARCHAR) END AS card_fingerprint,
       CASE WHEN hash(id) % 11 = 0 THEN 'PAYER ' || CAST(id AS VARCHAR) END AS payer_name
FROM pnr_bookings;
CREATE TABLE api_travellers AS
SELECT CASE WHEN t.id % 2 = 0 THEN t.id END AS pnr_traveller_id, b.locator AS pnr_locator,
       t.document_country, t.document_number, CAST(hash(t.id) % 3 AS BIGINT) AS bags
FROM pnr_travellers t JOIN pnr_bookings b ON b.id = t.booking_id;
CREATE TABLE alerts AS SELECT 'risk' AS kind, 'pnr_traveller' AS subject_type, id AS subject_id,
       'confirmed' AS status FROM pnr_travellers WHERE hash(id) % 1000 = 0;
CREATE TABLE screening_hits AS SELECT 'pnr_traveller' AS subject_type, id AS subject_id, 'open' AS status
  FROM pnr_travellers WHERE hash(id) % 5000 = 0;
CREATE TABLE document_alerts AS SELECT document_country AS issuing_state, document_number, CAST(NULL AS VARCHAR) AS number_to
  FROM pnr_travellers WHERE hash(id) % 3000 = 0;
CREATE TABLE identity_records (id BIGINT, person_id BIGINT, birth_date VARCHAR, sex VARCHAR, nationality VARCHAR);
CREATE TABLE persons (id BIGINT, category VARCHAR);
CREATE TABLE travel_documents (id BIGINT, issuing_state VARCHAR, number VARCHAR);
CREATE TABLE border_crossings (id BIGINT, identity_record_id BIGINT, document_id BIGINT, crossing_point_id BIGINT,
  direction VARCHAR, "at" TIMESTAMP, officer VARCHAR, decision VARCHAR, companions_ref VARCHAR);
"""


def make_rules(count: int) -> RuleSet:
    """``count`` rules: the starter library's booking and traveller rules with varied thresholds."""
    base, _ = validate_rules(starter_rules_path())
    templates = [r for r in base if r.document.target in ("booking", "traveller")]
    rules = []
    for i in range(count):
        template = templates[i % len(templates)]
        condition = template.document.condition
        if i >= len(templates):
            condition = f"({condition}) or group_size >= {3 + i % 5}"
        document = template.document.model_copy(
            update={"id": f"{template.key}-{i}"[:64], "condition": condition}
        )
        checked = check_rule(document)
        rules.append(type(checked)(checked.document, checked.condition, checked.evaluate, 1))
    return RuleSet(rules)


def available_memory() -> int:
    """Bytes of memory available now (Linux ``MemAvailable``), 8 GiB when unknown."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 8 * 2**30


def disk_written() -> int:
    """Bytes this process caused to be written to storage so far (Linux), 0 when unknown."""
    try:
        for line in Path("/proc/self/io").read_text().splitlines():
            if line.startswith("write_bytes:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class ThreadStates:
    """Samples the state of this process's other threads (Linux ``/proc/self/task``) every
    ``interval`` seconds, per phase: how often 0, 1, 2... of them were running or runnable (R).
    One runnable thread while another DuckDB thread sleeps is a serial phase; on a busy machine a
    runnable thread may still wait for a core, so the shares say what DuckDB could use, not what
    it got."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval = interval
        self.phase = ""
        self.counts: dict[str, dict[int, int]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = str(threading.get_native_id())
        tasks = Path("/proc/self/task")
        while not self._stop.wait(self.interval):
            phase = self.phase
            if not phase:
                continue
            running = 0
            try:
                for task in tasks.iterdir():
                    if task.name == me:
                        continue
                    try:
                        stat = (task / "stat").read_text()
                    except OSError:
                        continue
                    running += stat[stat.rindex(")") + 2] == "R"
            except OSError:
                return
            counts = self.counts.setdefault(phase, {})
            counts[running] = counts.get(running, 0) + 1

    def __enter__(self) -> ThreadStates:
        if tasks_readable():
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def report(self) -> str:
        lines = []
        for phase, counts in self.counts.items():
            total = sum(counts.values())
            shares = ", ".join(
                f"{n} runnable {counts[n] / total:4.0%}" for n in sorted(counts) if counts[n]
            )
            lines.append(f"    {phase:10s} {total:6d} samples: {shares}")
        return "\n".join(lines)


def tasks_readable() -> bool:
    return Path("/proc/self/task").is_dir()


def batch(bookings: int, rule_count: int, peer_rows: int, memory_limit: str, threads: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-risk-"))
    # The generated tables live in a DuckDB file, as an extract of a national store would: its
    # pages can leave memory, so the memory limit is left to the feature SQL's joins. (In memory,
    # 10 million bookings' tables took 5.5 of the 6 GB and every join spilled.)
    connection = duckdb.connect(str(folder / "bench.duckdb"))
    if memory_limit == "auto":
        memory_limit = f"{available_memory() * 6 // 10 // 2**20}MB"
    connection.execute(f"SET memory_limit = '{memory_limit}'")
    connection.execute(f"SET threads = {threads}")
    connection.execute(f"SET temp_directory = '{folder / 'spill'}'")
    started = time.perf_counter()
    connection.execute(GENERATE.format(n=bookings))
    connection.execute("CHECKPOINT")
    generated = time.perf_counter() - started
    travellers = connection.execute("SELECT COUNT(*) FROM pnr_travellers").fetchone()[0]  # type: ignore[index]
    ruleset = make_rules(rule_count)
    states = ThreadStates()
    with states:
        started = time.perf_counter()
        cpu_started = time.process_time()
        written_before = disk_written()
        states.phase = "features"
        create_feature_views(connection)
        features = time.perf_counter() - started
        states.phase = "rules"
        started = time.perf_counter()
        flagged = {}
        targets: tuple[Target, ...] = ("booking", "traveller")
        for target in targets:
            row = connection.execute(
                f"SELECT COUNT(*), COALESCE(SUM(score), 0) FROM ({ruleset.score_sql(target)})"
            ).fetchone()
            flagged[target] = row[0] if row else 0
        scoring = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        states.phase = ""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    written = disk_written() - written_before
    print(
        f"batch: {bookings:,} bookings, {travellers:,} travellers, {rule_count} rules "
        f"(DuckDB {duckdb.__version__}, threads {threads}, memory_limit {memory_limit})"
    )
    print(
        f"  generate tables          {generated:8.2f} s   (not timed: stands in for the store extract)"
    )
    print(f"  features (SQL, DuckDB)   {features:8.2f} s")
    print(f"  rules (SQL, DuckDB)      {scoring:8.2f} s   flagged {flagged}")
    print(
        f"  features + rules         {features + scoring:8.2f} s wall, {cpu:.2f} s CPU (all threads)"
        "   <- the timed figure (target: under 60 s for 10 million bookings)"
    )
    print(f"  peak memory (RSS)        {peak:8.0f} MiB")
    print(f"  written to disk          {written / 2**20:8.0f} MiB (feature tables and spills)")
    print(f"  machine load (1/5/15 min) {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(
        "  threads of this process runnable (sampled every 20 ms; with 2 DuckDB threads,"
        " '1 runnable' is time one core had no DuckDB work):"
    )
    print(states.report())
    # Peer: the same rules as Python closures over the traveller feature rows.
    names = list(connection.execute("SELECT * FROM traveller_features LIMIT 0").fetchdf().columns)
    started = time.perf_counter()
    result = connection.execute(
        f"SELECT * FROM traveller_features ORDER BY traveller_id LIMIT {peer_rows}"
    )
    python_flagged = 0
    rules = ruleset.by_target["traveller"]
    while chunk := result.fetchmany(50_000):
        for row in chunk:
            values = dict(zip(names, row, strict=True))
            if any(rule.evaluate(values) is True for rule in rules):
                python_flagged += 1
    peer = time.perf_counter() - started
    sql_rows = (travellers + bookings) / scoring if scoring else 0.0
    shown = min(peer_rows, travellers)
    sql_flagged = connection.execute(
        f"SELECT COUNT(*) FROM ({ruleset.score_sql('traveller')}) s WHERE traveller_id IN "
        f"(SELECT traveller_id FROM traveller_features ORDER BY traveller_id LIMIT {peer_rows})"
    ).fetchone()
    print(f"  rules in SQL: {sql_rows:,.0f} targets/s")
    print(
        f"  peer (measured at a smaller N, {shown:,} of {travellers:,} travellers): the same "
        f"traveller rules as Python closures over fetched rows: "
        f"{peer:.2f} s, {shown / peer:,.0f} targets/s (flagged {python_flagged:,}; "
        f"SQL on the same rows {sql_flagged[0] if sql_flagged else 0:,})"
    )
    connection.close()
    shutil.rmtree(folder, ignore_errors=True)


def online(bookings: int, calls: int) -> None:
    random.seed(7)
    folder = Path(tempfile.mkdtemp(prefix="bench-risk-"))
    engine = make_engine(f"sqlite:///{folder / 'filet.db'}")
    upgrade(engine)
    sessions = session_factory(engine)
    settings = Settings(data_dir=folder, secret_key="x" * 40)
    traveller_ids: list[int] = []
    with transaction(sessions) as session:
        author = User(username="ana", role="analyst", password_hash="!")
        approver = User(username="sam", role="supervisor", password_hash="!")
        session.add_all([author, approver])
        session.flush()
        rules, _ = validate_rules(starter_rules_path())
        import_rules(session, rules, author, SYSTEM)
        for rule in rules:
            approve_rule(session, rule.key, approver, SYSTEM)
            activate_rule(session, rule.key, approver, SYSTEM)
        start = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
        for i in range(bookings):
            booking = PnrBooking(
                carrier="TK",
                locator=f"B{i:06d}",
                created_on=start - dt.timedelta(hours=random.randint(5, 900)),
                agency_id=None,
                one_way=random.random() < 0.4,
                received_at=start,
            )
            session.add(booking)
            session.flush()
            for seq in range(1, random.randint(2, 4)):
                session.add(
                    PnrLeg(
                        booking_id=booking.id,
                        seq=seq,
                        carrier="TK",
                        number=str(seq),
                        departure_airport=f"A{seq}",
                        arrival_airport=f"A{seq + 1}",
                        departure_local=f"2026-03-0{seq}T10:00",
                        arrival_local=f"2026-03-0{seq}T14:00",
                        status="HK",
                    )
                )
            for k in range(random.randint(1, 4)):
                traveller = PnrTraveller(
                    booking_id=booking.id,
                    reference=str(k),
                    surname=f"S{random.randint(1, 500)}",
                    given_names="G",
                    birth_date=f"{random.randint(1950, 2015)}-05-05",
                    sex="F",
                    nationality="XXA",
                    document_number=f"P{random.randint(1, 10**7):08d}",
                    document_country="XXA",
                )
                session.add(traveller)
                session.flush()
                traveller_ids.append(traveller.id)
            session.add(
                PnrContact(
                    booking_id=booking.id, kind="phone", value=f"+90{random.randint(1, bookings)}"
                )
            )
            session.add(
                PnrPayment(
                    booking_id=booking.id,
                    method=random.choice(["CA", "CC"]),
                    card_fingerprint=f"fp{random.randint(1, bookings)}",
                )
            )
    with sessions() as session:
        ruleset = RuleSet.active(session)
        for store, label in ((False, "features + rules"), (True, "features + rules + store")):
            times = []
            for _ in range(calls):
                chosen = random.choice(traveller_ids)
                started = time.perf_counter()
                assess_traveller(session, chosen, settings, ruleset, store=store)
                times.append((time.perf_counter() - started) * 1000)
            session.rollback()
            times.sort()
            p99 = times[int(len(times) * 0.99) - 1]
            print(
                f"online ({label}, {len(ruleset.rules)} active rules, SQLite store of "
                f"{bookings} bookings): p50 {statistics.median(times):.2f} ms, p99 {p99:.2f} ms"
            )
        values = assess_traveller(session, traveller_ids[0], settings, ruleset, store=False)
        features = {f.rule: f.values for f in values.fired}
        del features
        from filet.risk import traveller_features

        one = traveller_features(session, traveller_ids[0])
        started = time.perf_counter()
        for _ in range(calls):
            ruleset.assess("traveller", traveller_ids[0], one)
        each = (time.perf_counter() - started) * 1000 / calls
        print(f"online (rules only, features given): {each * 1000:.1f} µs per traveller")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=100_000)
    parser.add_argument("--rules", type=int, default=50)
    parser.add_argument("--online-bookings", type=int, default=500)
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument(
        "--memory-limit",
        default="auto",
        help="DuckDB memory limit, spills beyond (auto: 60%% of the memory available at start)",
    )
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2, help="DuckDB threads")
    parser.add_argument("--peer-rows", type=int, default=50_000)
    args = parser.parse_args()
    batch(args.bookings, args.rules, args.peer_rows, args.memory_limit, args.threads)
    online(args.online_bookings, args.calls)


if __name__ == "__main__":
    main()
