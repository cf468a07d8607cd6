"""Screening performance: batch (a file of travellers against a large watchlist: time, memory,
recall of planted matches) and online (one traveller: p50/p99 latency), with pairwise scoring
throughput beside nomenklatura's logic-v2 on the same pairs in the same run.

Entries and travellers are drawn (seeded) from the synthetic world's name lists in every script;
by default (``--world distinct``) most family names are made up from halves of two names of the
culture, as on a real list where family names are far more varied than given names
(``--world pool``: every part from the short lists, so a million entries repeat each name dozens
of times). A share of travellers are planted variants of listed persons (another romanisation or
script, a 1 January or year-only birth date, name order swapped).

    .venv/bin/python benchmarks/bench_screening.py [--travellers 2000 --entries 20000 --world distinct]

Targets (issue 6): 100,000 travellers x 1,000,000 entries in under 5 minutes; online p99 < 20 ms.
The batch runs in ``--workers`` forked processes (default 2, the cores of the reference machine);
CPU seconds are printed beside wall time because the machine may be shared.

Figures (before/after, worlds, scales, machine load) are in docs/screening.md.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import random
import resource
import statistics
import time
import unicodedata
from pathlib import Path

import yaml

import filet
from filet.screening import (
    ListedPerson,
    ScreeningSettings,
    Traveller,
    WatchlistIndex,
    score_traveller,
)

SYNTH_NAMES = Path(filet.__file__).parent / "synth" / "data" / "names"


def _lists() -> list[tuple[list[list[str]], list[list[str]], bool]]:
    out = []
    for path in sorted(SYNTH_NAMES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        given = [list(map(str, e)) for e in (data.get("male") or []) + (data.get("female") or [])]
        family = [list(map(str, e)) for e in data.get("family") or []] or given
        out.append((given, family, data.get("script") != "Latn"))
    return out


def _date(rng: random.Random) -> str:
    return f"{rng.randint(1950, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _mix(first: str, second: str) -> str:
    """A made-up name: the first half of one name and the second half of another, cut at a
    letter (never before a combining vowel sign or mark), spaces dropped."""
    first, second = first.replace(" ", ""), second.replace(" ", "")
    cut_a = max(1, (len(first) + 1) // 2)
    while cut_a < len(first) and unicodedata.category(first[cut_a]).startswith("M"):
        cut_a += 1
    cut_b = min(len(second) - 1, len(second) // 2)
    while cut_b > 0 and unicodedata.category(second[cut_b]).startswith("M"):
        cut_b -= 1
    return first[:cut_a] + second[max(0, cut_b) :]


def build(
    entries: int,
    travellers: int,
    planted_share: float,
    seed: int = 9,
    world: str = "distinct",
    common_share: float = 0.2,
) -> tuple[list[ListedPerson], list[Traveller], dict[str, str]]:
    """A watchlist and travellers; ``planted`` maps planted travellers to their listed entry.

    ``world="pool"``: every part from the synthetic world's short name lists (a few hundred
    names in all, so at a million entries the same full name is listed dozens of times).
    ``world="distinct"`` (default): given and father's names from those lists, family names
    from them only for ``common_share`` of the people and otherwise made up (half of one name
    of the culture + half of another, in its script or romanised), as on a real list where
    family names are far more varied than given names. Planted travellers are variants of
    entries whose parts all come from the lists, so that another romanisation is known.
    """
    rng = random.Random(seed)
    cultures = _lists()
    listed: list[ListedPerson] = []
    parts: list[tuple[list[str], list[str], list[str], bool]] = []
    targets: list[int] = []

    def family_of(
        given: list[list[str]], family: list[list[str]], column: int
    ) -> tuple[list[str] | None, str | None]:
        """(a listed family name with its spellings, or None and a made-up one written in
        spelling ``column``: 0 the original script, 1 and up romanisations)."""
        if world == "pool" or rng.random() < common_share:
            return rng.choice(family), None
        sources = given + family
        a, b = rng.choice(sources), rng.choice(sources)
        return None, _mix(a[min(column, len(a) - 1)], b[min(column, len(b) - 1)])

    for number in range(entries):
        given, family, native = rng.choice(cultures)
        g, father = rng.choice(given), rng.choice(given)
        spelling = 0 if native and rng.random() < 0.5 else rng.randrange(1 if native else 0, len(g))
        f, made_up = family_of(given, family, spelling)
        words = [e[min(spelling, len(e) - 1)] for e in (g, father)]
        words.append((made_up or "") if f is None else f[min(spelling, len(f) - 1)])
        listed.append(ListedPerson("bench", f"E{number}", " ".join(words), birth_date=_date(rng)))
        parts.append((g, father, f or [made_up or ""], native))
        if f is not None:
            targets.append(number)
    people: list[Traveller] = []
    planted: dict[str, str] = {}
    for number in range(travellers):
        key = f"T{number}"
        if rng.random() < planted_share and targets:
            target = rng.choice(targets)
            g, father, f, native = parts[target]
            roman = [rng.choice(e[1:] if native and len(e) > 1 else e) for e in (g, father, f)]
            birth = listed[target].birth_date or ""
            style = rng.random()
            date = birth[:4] if style < 0.3 else f"{birth[:4]}-01-01" if style < 0.5 else birth
            swap = rng.random() < 0.2
            people.append(
                Traveller(
                    key,
                    surname=roman[0] if swap else roman[2],
                    given_names=f"{roman[2] if swap else roman[0]} {roman[1]}",
                    birth_date=date,
                )
            )
            planted[key] = listed[target].entry_key
        else:
            given, family, native = rng.choice(cultures)
            g, father = rng.choice(given), rng.choice(given)
            f, made_up = family_of(given, family, 1 if native else 0)
            roman = [rng.choice(e[1:] if native and len(e) > 1 else e) for e in (g, father)]
            surname = made_up if f is None else rng.choice(f[1:] if native and len(f) > 1 else f)
            people.append(
                Traveller(
                    key,
                    surname=surname,
                    given_names=f"{roman[0]} {roman[1]}",
                    birth_date=_date(rng),
                )
            )
    return listed, people, planted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--travellers", type=int, default=2000)
    parser.add_argument("--entries", type=int, default=20000)
    parser.add_argument("--planted", type=float, default=0.05, help="share of planted matches")
    parser.add_argument("--workers", type=int, default=2, help="processes for the batch path")
    parser.add_argument("--online", type=int, default=300, help="travellers timed one by one")
    parser.add_argument(
        "--warm-up",
        type=int,
        default=3000,
        help="travellers screened (not timed) before the warm online figures",
    )
    parser.add_argument(
        "--pairs", type=int, default=2000, help="pairs for the throughput comparison"
    )
    parser.add_argument(
        "--world",
        choices=("distinct", "pool"),
        default="distinct",
        help="distinct: most family names made up, as on a real list; pool: every part from the "
        "short synthetic name lists (each full name listed dozens of times at a million)",
    )
    parser.add_argument(
        "--common-share",
        type=float,
        default=0.2,
        help="distinct world: share of listed family names",
    )
    args = parser.parse_args()
    settings = ScreeningSettings()
    entries, travellers, planted = build(
        args.entries,
        args.travellers,
        args.planted,
        world=args.world,
        common_share=args.common_share,
    )
    print(
        f"world: {args.world}"
        + (
            f" (listed family names for {args.common_share:.0%})"
            if args.world == "distinct"
            else ""
        )
        + f"; {len({e.name for e in entries}):,} distinct listed names"
    )

    start = time.perf_counter()
    index = WatchlistIndex(entries, settings)
    built = time.perf_counter() - start

    def cpu() -> float:
        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    cpu_start = cpu()
    start = time.perf_counter()
    found: dict[str, set[str]] = {}
    hits = 0
    for traveller, matches in index.screen_many(travellers, workers=args.workers):
        found[traveller.traveller_id] = {m.entry.entry_key for m in matches}
        hits += len(matches)
    batch = time.perf_counter() - start
    batch_cpu = cpu() - cpu_start
    memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    recalled = sum(1 for t, e in planted.items() if e in found.get(t, set()))
    print(
        f"batch: {args.travellers:,} travellers x {args.entries:,} entries, {args.workers} processes"
    )
    print(f"  index build {built:.1f} s ({built / args.entries * 1e6:.0f} µs per entry)")
    print(
        f"  screening   {batch:.1f} s ({batch / args.travellers * 1e3:.2f} ms per traveller), {hits} hits at >= {settings.review_threshold}"
    )
    print(f"  CPU time of the batch (all processes) {batch_cpu:.1f} s")
    print(f"  peak memory {memory:.0f} MB (whole process)")
    print(
        f"  recall of planted matches {recalled}/{len(planted)} = {recalled / max(1, len(planted)):.3f}"
    )
    screening = batch / args.travellers * 100_000
    building = built / args.entries * 1_000_000
    full_size = args.entries >= 1_000_000 and args.travellers >= 100_000
    print(
        ("  at this size" if full_size else "  linear extrapolation to 100,000 x 1,000,000")
        + f": screening {screening / 60:.1f} min (target 5 min), with the index build"
        f" {(screening + building) / 60:.1f} min"
        + ("" if full_size else " (blocks grow with the list, so this is a lower bound)")
    )

    rng = random.Random(3)
    sample = rng.sample(travellers, min(args.online, len(travellers)))

    def online(label: str, people: list[Traveller]) -> None:
        latencies = []
        cpu_latencies = []
        for traveller in people:
            start = time.perf_counter()
            cpu_at = time.process_time()
            index.screen(traveller)
            latencies.append((time.perf_counter() - start) * 1000)
            cpu_latencies.append((time.process_time() - cpu_at) * 1000)
        latencies.sort()
        cpu_latencies.sort()
        cpu_p99 = cpu_latencies[min(len(cpu_latencies) - 1, int(len(cpu_latencies) * 0.99))]
        p50 = statistics.median(latencies)
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        print(
            f"online, {label}: {len(people)} travellers one by one: p50 {p50:.1f} ms, p99 {p99:.1f} ms (target p99 < 20 ms)"
            f"; CPU p50 {statistics.median(cpu_latencies):.1f} ms, p99 {cpu_p99:.1f} ms"
        )

    # The batch ran in worker processes: this process has screened no one yet, so its
    # caches of part scores are cold, as in a server just started. A server that has been
    # screening for a while has them warm: the same figures after ``--warm-up`` travellers
    # (none of those timed).
    online("cold (first screenings of the process)", sample)
    timed = {traveller.traveller_id for traveller in sample}
    others = [traveller for traveller in travellers if traveller.traveller_id not in timed]
    warm_up = others[: args.warm_up]
    for traveller in warm_up:
        index.screen(traveller)
    # Timed: travellers neither in the cold sample nor among those screened to warm up.
    online(
        f"warm (after {len(warm_up):,} other screenings)",
        others[len(warm_up) : len(warm_up) + args.online] or sample,
    )

    pairs = [
        (t, entries[rng.randrange(len(entries))]) for t in itertools.islice(travellers, args.pairs)
    ]
    # After a large run the process holds millions of objects: one full collection of the
    # garbage collector inside the timed loop would decide the figure, so collect before
    # each timing (for both matchers).
    gc.collect()
    start = time.perf_counter()
    for traveller, entry in pairs:
        score_traveller(traveller, entry, settings)
    ours = len(pairs) / (time.perf_counter() - start)
    print(f"pairwise scoring (analysis included): filet {ours:,.0f} pairs/s", end="")
    try:
        from followthemoney import model
        from nomenklatura.matching import get_algorithm
        from nomenklatura.matching.types import ScoringConfig
    except ImportError:
        print("; nomenklatura not installed (pip install nomenklatura)")
        return
    algorithm = get_algorithm("logic-v2")
    assert algorithm is not None
    config = ScoringConfig.defaults()

    def person(key: str, name: str, birth: str | None):  # type: ignore[no-untyped-def]
        proxy = model.make_entity("Person")
        proxy.id = key
        proxy.add("name", name)
        if birth:
            proxy.add("birthDate", birth)
        return proxy

    algorithm.compare(person("w1", "Warm Up", None), person("w2", "Warm Up", None), config)
    gc.collect()
    start = time.perf_counter()
    for number, (traveller, entry) in enumerate(pairs):
        algorithm.compare(
            person(f"q{number}", traveller.display_name, traveller.birth_date),
            person(f"c{number}", entry.name, entry.birth_date),
            config,
        )
    theirs = len(pairs) / (time.perf_counter() - start)
    print(f"; nomenklatura logic-v2 {theirs:,.0f} pairs/s (same pairs)")


if __name__ == "__main__":
    main()
