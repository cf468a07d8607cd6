"""Name-matching quality across scripts: filet's screening scorer beside nomenklatura's
``logic-v2`` and ``name-based`` matchers and a RapidFuzz token-sort baseline, on the same labelled
pairs in the same run.

Pairs are built (seeded) from our own reviewed variant lists: the synthetic world's name lists
(``filet/synth/data/names/*.yaml``: each entry is [original script, romanisation, ...]) and, for
Greek and Hebrew, the equivalence groups of ``filet/names/data/equivalences.yaml``. For each
culture:

- *match*: the same person's name, original script against romanisations (both directions), or
  two romanisations, sometimes with the family name written first;
- *near*: a different person sharing the given name or the family name (one part differs);
- *non*: two unrelated names of the same culture.

Precision, recall and F1 at the review threshold (0.7 for every matcher; nomenklatura's own
review bar is 0.7 too) per script and per name culture.

    .venv/bin/python benchmarks/bench_names_quality.py [--per-culture 60] [--no-nomenklatura]

nomenklatura is a benchmark-only dependency: ``.venv/bin/pip install nomenklatura``.
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml
from rapidfuzz import fuzz

import filet
from filet.screening import ListedPerson, ScreeningSettings, Traveller, score_traveller

PACKAGE = Path(filet.__file__).parent
SYNTH_NAMES = PACKAGE / "synth" / "data" / "names"
EQUIVALENCES = PACKAGE / "names" / "data" / "equivalences.yaml"
SCRIPT_OF = {
    "arabic": "Arabic",
    "persian": "Persian",
    "dari": "Persian",
    "pashto": "Pashto",
    "urdu": "Urdu",
    "amharic": "Ge'ez",
    "tigrinya": "Ge'ez",
    "cyrillic": "Cyrillic",
    "bengali": "Bengali",
    "hindi": "Devanagari",
    "chinese": "Han",
}


@dataclass(frozen=True)
class Pair:
    query: str
    candidate: str
    label: str  # match | near | non
    script: str
    culture: str


def _culture_pairs(path: Path, count: int, rng: random.Random) -> list[Pair]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    culture = data["culture"]
    given = [list(map(str, e)) for e in (data.get("male") or []) + (data.get("female") or [])]
    family = [list(map(str, e)) for e in data.get("family") or []] or [
        list(map(str, e)) for e in data.get("male") or []
    ]
    native_script = data.get("script") != "Latn"
    script = SCRIPT_OF.get(culture, "Latin")
    pairs: list[Pair] = []

    def native(e: list[str]) -> str:
        return e[0]

    def roman(e: list[str]) -> str:
        options = e[1:] if native_script and len(e) > 1 else e
        return rng.choice(options)

    for _ in range(count):
        g, f = rng.choice(given), rng.choice(family)
        if g == f:
            continue
        swap = rng.random() < 0.25
        if native_script and rng.random() < 0.6:
            a, b = native, roman
        else:
            a, b = roman, roman
        if rng.random() < 0.5:
            a, b = b, a
        query = f"{a(g)} {a(f)}"
        # the same person, maybe another romanisation, maybe family first
        pairs.append(
            Pair(query, f"{b(f)} {b(g)}" if swap else f"{b(g)} {b(f)}", "match", script, culture)
        )
        other_f = rng.choice([e for e in family if e != f and e != g])
        other_g = rng.choice([e for e in given if e != g and e != f])
        near = f"{b(g)} {b(other_f)}" if rng.random() < 0.5 else f"{b(other_g)} {b(f)}"
        pairs.append(Pair(query, near, "near", script, culture))
        third_f = rng.choice([e for e in family if e not in (f, g)])
        pairs.append(Pair(query, f"{b(other_g)} {b(third_f)}", "non", script, culture))
    return pairs


def _group_pairs(script: str, pattern: str, count: int, rng: random.Random) -> list[Pair]:
    """Pairs for scripts without a synthetic name list (Greek, Hebrew) from equivalence groups."""
    groups = yaml.safe_load(EQUIVALENCES.read_text(encoding="utf-8"))["groups"]
    letters = re.compile(pattern)
    usable = [
        ([n for n in g.get("native", []) if letters.search(n)], g["latin"])
        for g in groups
        if any(letters.search(n) for n in g.get("native", []))
    ]
    pairs: list[Pair] = []
    for _ in range(count):
        (n1, l1), (n2, l2), (_, l3), (_, l4) = rng.sample(usable, 4)
        query = f"{rng.choice(n1)} {rng.choice(n2)}"
        pairs.append(
            Pair(query, f"{rng.choice(l1)} {rng.choice(l2)}", "match", script, script.lower())
        )
        pairs.append(
            Pair(query, f"{rng.choice(l1)} {rng.choice(l3)}", "near", script, script.lower())
        )
        pairs.append(
            Pair(query, f"{rng.choice(l3)} {rng.choice(l4)}", "non", script, script.lower())
        )
    return pairs


def build_pairs(per_culture: int, seed: int = 6) -> list[Pair]:
    rng = random.Random(seed)
    pairs: list[Pair] = []
    for path in sorted(SYNTH_NAMES.glob("*.yaml")):
        pairs.extend(_culture_pairs(path, per_culture, rng))
    pairs.extend(_group_pairs("Greek", "[\u0370-\u03ff]", per_culture, rng))
    pairs.extend(_group_pairs("Hebrew", "[\u0590-\u05ff]", per_culture, rng))
    return pairs


def filet_scorer() -> Callable[[str, str], float]:
    settings = ScreeningSettings()

    def score(a: str, b: str) -> float:
        return score_traveller(
            Traveller("q", full_name=a), ListedPerson("l", "e", b), settings
        ).score

    return score


def rapidfuzz_scorer() -> Callable[[str, str], float]:
    def score(a: str, b: str) -> float:
        return float(fuzz.token_sort_ratio(a.casefold(), b.casefold())) / 100.0

    return score


def nomenklatura_scorer(name: str) -> Callable[[str, str], float]:
    from followthemoney import model
    from nomenklatura.matching import get_algorithm
    from nomenklatura.matching.types import ScoringConfig

    algorithm = get_algorithm(name)
    if algorithm is None:
        raise SystemExit(f"nomenklatura has no matcher {name}")
    config = ScoringConfig.defaults()

    def entity(key: str, text: str):  # type: ignore[no-untyped-def]
        proxy = model.make_entity("Person")
        proxy.id = key
        proxy.add("name", text)
        return proxy

    counter = itertools.count()

    def score(a: str, b: str) -> float:
        # nomenklatura caches name analysis per entity id: every entity gets its own id
        number = next(counter)
        return float(
            algorithm.compare(entity(f"q{number}", a), entity(f"c{number}", b), config).score
        )

    return score


def metrics(rows: list[tuple[Pair, float]], threshold: float) -> tuple[float, float, float, int]:
    tp = sum(1 for p, s in rows if s >= threshold and p.label == "match")
    fp = sum(1 for p, s in rows if s >= threshold and p.label != "match")
    fn = sum(1 for p, s in rows if s < threshold and p.label == "match")
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--per-culture", type=int, default=40, help="persons per culture (3 pairs each)"
    )
    parser.add_argument("--threshold", type=float, default=0.7)
    parser.add_argument("--no-nomenklatura", action="store_true")
    args = parser.parse_args()
    pairs = build_pairs(args.per_culture)
    matchers: dict[str, Callable[[str, str], float]] = {"filet": filet_scorer()}
    if not args.no_nomenklatura:
        try:
            matchers["nk-logic-v2"] = nomenklatura_scorer("logic-v2")
            matchers["nk-name-based"] = nomenklatura_scorer("name-based")
        except ImportError as error:
            print(f"nomenklatura not installed ({error}): peers skipped", file=sys.stderr)
    matchers["rapidfuzz-token-sort"] = rapidfuzz_scorer()
    results: dict[str, list[tuple[Pair, float]]] = {}
    timings: dict[str, float] = {}
    for name, scorer in matchers.items():
        scorer(pairs[0].query, pairs[0].candidate)  # load data outside the timing
        start = time.perf_counter()
        results[name] = [(p, scorer(p.query, p.candidate)) for p in pairs]
        timings[name] = (time.perf_counter() - start) / len(pairs) * 1e6
    names = list(matchers)
    print(f"{len(pairs)} labelled pairs, threshold {args.threshold}; F1 (precision/recall)\n")
    for title, key in (("script", lambda p: p.script), ("culture", lambda p: p.culture)):
        groups: dict[str, list[int]] = defaultdict(list)
        for i, p in enumerate(pairs):
            groups[key(p)].append(i)
        header = f"{title:<14}{'pairs':>6}  " + "".join(f"{n:>24}" for n in names)
        print(header)
        for group in sorted(groups, key=str.lower):
            cells = []
            for n in names:
                rows = [results[n][i] for i in groups[group]]
                precision, recall, f1, _ = metrics(rows, args.threshold)
                cells.append(f"{f1:.3f} ({precision:.2f}/{recall:.2f})")
            best = max(
                names,
                key=lambda n: metrics([results[n][i] for i in groups[group]], args.threshold)[2],
            )
            print(
                f"{group:<14}{len(groups[group]):>6}  "
                + "".join(f"{c:>24}" for c in cells)
                + f"  best: {best}"
            )
        print()
    cells = []
    for n in names:
        precision, recall, f1, _ = metrics(results[n], args.threshold)
        cells.append(f"{f1:.3f} ({precision:.2f}/{recall:.2f})")
    print(f"{'overall':<14}{len(pairs):>6}  " + "".join(f"{c:>24}" for c in cells))
    print("\nmean score by label (calibration):")
    for n in names:
        means = []
        for label in ("match", "near", "non"):
            values = [s for p, s in results[n] if p.label == label]
            means.append(f"{label} {sum(values) / len(values):.3f}")
        print(f"  {n:<22}" + "  ".join(means))
    print("\npairwise scoring time per pair (µs):")
    for n in names:
        print(f"  {n:<22}{timings[n]:>10.1f}")


if __name__ == "__main__":
    main()
