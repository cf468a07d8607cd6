"""The index: online and batch paths give the same scores, and retrieval misses nothing that
scoring every entry would have found."""

from __future__ import annotations

import itertools
import random

import pytest

from filet.screening import (
    ListedPerson,
    ScreeningSettings,
    Traveller,
    WatchlistIndex,
    score_traveller,
)

GIVEN = [
    "محمد",
    "Ahmed",
    "ተስፋዬ",
    "Olena",
    "Gholam",
    "Yonas",
    "Hussein",
    "Abdul Aziz",
    "Dawit",
    "Fatima",
]
FAMILY = [
    "عبد الرحمن",
    "Gebremedhin",
    "Шевченко",
    "Ahmadi",
    "Haile",
    "Farah",
    "Rahimi",
    "Kidane",
    "Nouri",
    "Osman",
]
TRAVELLER_NAMES = [
    ("ABDELRAHMAN", "MOHAMED"),
    ("GEBREMEDHIN", "TESFAY"),
    ("SHEVCHENKO", "ELENA"),
    ("AHMADI", "GHOLAM"),
    ("HAILE", "YONAS"),
    ("FARAH", "HUSSEIN"),
    ("RAHIMI", "ABDULAZIZ"),
    ("NOVAK", "PETR"),
    ("KIDANE", "DAWIT"),
    ("OSMAN", "FATIMA"),
]


def _entries() -> list[ListedPerson]:
    rng = random.Random(7)
    entries = []
    for number, (given, family) in enumerate(itertools.product(GIVEN, FAMILY)):
        entries.append(
            ListedPerson(
                "list",
                f"E{number}",
                f"{given} {family}",
                birth_date=f"{rng.randint(1960, 2000)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                document_number=f"P{number:07d}",
            )
        )
    return entries


def _travellers() -> list[Traveller]:
    rng = random.Random(11)
    travellers = []
    for number, (surname, given) in enumerate(TRAVELLER_NAMES * 3):
        travellers.append(
            Traveller(
                f"T{number}",
                surname=surname,
                given_names=given,
                birth_date=f"{rng.randint(1960, 2000)}" if number % 2 else None,
                document_number="P0000042" if number == 5 else None,
            )
        )
    return travellers


def test_online_and_batch_give_the_same_scores_and_retrieval_misses_nothing() -> None:
    settings = ScreeningSettings()
    entries = _entries()
    index = WatchlistIndex(entries, settings)
    travellers = _travellers()
    batch = {
        t.traveller_id: [(m.entry.entry_key, m.score) for m in found]
        for t, found in index.screen_many(travellers, 0.5)
    }
    found_any = 0
    for traveller in travellers:
        online = [(m.entry.entry_key, m.score) for m in index.screen(traveller, 0.5)]
        assert online == batch[traveller.traveller_id]
        exhaustive = sorted(
            (
                (e.entry_key, m.score)
                for e in entries
                if (m := score_traveller(traveller, e, settings)).score >= settings.review_threshold
            ),
            key=lambda pair: (-pair[1], pair[0]),
        )
        reviewed = [pair for pair in online if pair[1] >= settings.review_threshold]
        assert sorted(reviewed) == sorted(exhaustive), traveller
        found_any += bool(reviewed)
    assert found_any >= 20


def test_a_document_number_alone_retrieves_its_entry() -> None:
    index = WatchlistIndex(_entries(), ScreeningSettings())
    matches = index.screen(
        Traveller("t", surname="NOVAK", given_names="PETR", document_number="p 0000042")
    )
    assert [m.entry.entry_key for m in matches] == ["E42"]


def test_common_keys_alone_do_not_retrieve_everyone() -> None:
    entries = [ListedPerson("l", f"E{i}", f"Mohammed Rarename{i}x{i * 7}") for i in range(50)]
    index = WatchlistIndex(entries, ScreeningSettings(), block_cap=10)
    prepared = __import__(
        "filet.screening._score", fromlist=["prepare_traveller"]
    ).prepare_traveller(Traveller("t", full_name="Mohamed Ali"))
    assert index.candidates(prepared) == []


def test_the_bound_only_skips_candidates_that_cannot_reach_the_threshold() -> None:
    from filet.screening._score import prepare_traveller, score_pair

    settings = ScreeningSettings()
    index = WatchlistIndex(_entries(), settings)
    skipped = 0
    for traveller in _travellers():
        prepared = prepare_traveller(traveller)
        every = [
            score_pair(prepared, index.entries[p], settings) for p in index.candidates(prepared)
        ]
        for threshold in (0.5, 0.7, 0.9):
            full = sorted((m.entry.entry_key, m.score) for m in every if m.score >= threshold)
            bounded = sorted(
                (m.entry.entry_key, m.score) for m in index.screen(traveller, threshold)
            )
            assert bounded == full, (traveller, threshold)
        skipped += len(every) - len(index._worth_scoring(prepared, 0.7))
    assert skipped > 0  # the bound does skip work


def test_a_forked_batch_gives_the_same_results_in_the_same_order() -> None:
    index = WatchlistIndex(_entries(), ScreeningSettings())
    travellers = _travellers() * 3
    one = [
        (t.traveller_id, [(m.entry.entry_key, m.score) for m in found])
        for t, found in index.screen_many(travellers, 0.6)
    ]
    two = [
        (t.traveller_id, [(m.entry.entry_key, m.score) for m in found])
        for t, found in index.screen_many(travellers, 0.6, workers=2)
    ]
    assert one == two


def test_the_two_thread_paths_of_a_large_candidate_set_give_the_same_results(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A common name's thousands of candidates are bounded, and their similarities computed,
    on two threads online, and their tokens found by marking the vocabulary; forced here on
    a small list, the results are those of one thread and of sorting."""
    from filet.screening import _index

    index = WatchlistIndex(_entries(), ScreeningSettings())
    travellers = _travellers()
    monkeypatch.setattr(_index, "_similarity_threads", 1)
    one = [[(m.entry.entry_key, m.score) for m in index.screen(t, 0.5)] for t in travellers]
    monkeypatch.setattr(_index, "_similarity_threads", 2)
    monkeypatch.setattr(_index, "_THREADED_NAMES", 2)
    monkeypatch.setattr(_index, "_THREADED_PAIRS", 1)
    monkeypatch.setattr(_index, "_MARKED_TOKENS", 1)
    index._rows.clear()
    two = [[(m.entry.entry_key, m.score) for m in index.screen(t, 0.5)] for t in travellers]
    assert one == two
    assert any(one)


def test_the_token_prefilter_lets_through_every_token_that_scores() -> None:
    from filet.names import DEFAULT_SETTINGS, score_parts
    from filet.screening._score import prepare_traveller

    index = WatchlistIndex(_entries(), ScreeningSettings())
    vocabulary = index._vocabulary
    everything = list(range(len(vocabulary.tokens)))
    passed = scoring = 0
    for traveller in _travellers()[:10]:
        name = prepare_traveller(traveller).name
        for part in (*name.names, *(joined for _, joined in name.joins)):
            flags = vocabulary.may_match(part, everything, DEFAULT_SETTINGS)
            for token, possible in zip(vocabulary.tokens, flags, strict=True):
                score = score_parts(part, token, DEFAULT_SETTINGS)[0]
                assert possible or score == 0.0, (part.text, token.text, score)
                passed += possible
                scoring += score > 0
    assert scoring > 0
    assert passed < len(everything) * 10  # it does filter


def _covering_entries(
    index: WatchlistIndex, traveller: Traveller, share: float | None = None
) -> list[int]:
    """The candidates by their definition, gathering every block: entries covering name parts
    that carry at least min_cover of the name's weight, each part counted once and parts
    sharing a key (Marco Marko) once together, at the heaviest, and no part for more than
    the weight of the two-letter skeleton key it is covered by; an entry
    covers a part when it shares one of the index's keys with it or with a joined pair
    holding it."""
    from filet.screening._index import _part_keys
    from filet.screening._score import prepare_traveller

    name = prepare_traveller(traveller).name
    named = [i for i, p in enumerate(name.names) if not p.is_initial]
    total = sum(name.names[i].weight for i in named)
    # Parts sharing a key, transitively, are one group (brute force: merge until stable).
    groups = [({i}, set(_part_keys(name.names[i]))) for i in named]
    merged = True
    while merged:
        merged = False
        for a, b in itertools.combinations(range(len(groups)), 2):
            if not groups[a][1].isdisjoint(groups[b][1]):
                groups[a] = (groups[a][0] | groups[b][0], groups[a][1] | groups[b][1])
                del groups[b]
                merged = True
                break
    for number, joined in name.joins:
        if number not in named or number + 1 not in named:
            continue
        pair_keys = _part_keys(joined, (name.names[number], name.names[number + 1]))
        for members, keys in groups:
            if number in members or number + 1 in members:
                keys |= pair_keys
    covered: dict[int, float] = {}
    for members, keys in groups:
        weight = max(name.names[i].weight for i in members)
        best: dict[int, float] = {}
        for key in keys:
            block = index._block(key)
            if block is not None and len(block) <= index.block_cap:
                # A key is worth no more than its own weight in the list.
                skeleton = key.startswith("k:") and len(key) == 4  # a two-letter skeleton
                cap = min(weight, index._key_weight(len(block))) if skeleton else weight
                for entry in block.tolist():
                    best[entry] = max(best.get(entry, 0.0), cap)
        for entry, cap in best.items():
            covered[entry] = covered.get(entry, 0.0) + cap
    share = index.min_cover if share is None else share
    # ... and never more than an entry can cover (alike parts once).
    reachable = sum(max(name.names[i].weight for i in members) for members, _ in groups)
    needed = min(share * total, reachable)
    return sorted(e for e, c in covered.items() if c >= needed - 1e-9)


def test_the_prefix_filter_finds_exactly_the_covering_entries() -> None:
    from filet.screening._score import prepare_traveller

    rng = random.Random(5)
    names = GIVEN + FAMILY + ["Mohammed", "Ali", "Hassan", "Rahim", "Tesfaye", "Olga"]
    entries = [
        ListedPerson("l", f"E{i}", " ".join(rng.choice(names) for _ in range(rng.randint(2, 4))))
        for i in range(600)
    ]
    travellers = _travellers() + [
        Traveller(f"R{i}", full_name=" ".join(rng.choice(names) for _ in range(rng.randint(1, 4))))
        for i in range(60)
    ]
    for cap in (50, 200_000):
        index = WatchlistIndex(entries, ScreeningSettings(), block_cap=cap)
        found = 0
        for traveller in travellers:
            expected = _covering_entries(index, traveller)
            assert index.candidates(prepare_traveller(traveller)) == expected, traveller
            found += len(expected)
        assert found > 0
    # Past pool_limit entries in the seed blocks, the share is the threshold's.
    strict = WatchlistIndex(entries, ScreeningSettings(), pool_limit=0)
    fewer = 0
    for traveller in travellers:
        prepared = prepare_traveller(traveller)
        expected = _covering_entries(strict, traveller, 0.7)
        assert strict.candidates(prepared, 0.7) == expected, traveller
        assert strict.candidates(prepared) == expected  # the review threshold by default
        fewer += len(_covering_entries(strict, traveller)) - len(expected)
    assert fewer > 0


def test_the_upper_token_scores_are_never_below_the_real_scores() -> None:
    import numpy as np

    from filet.names import DEFAULT_SETTINGS, score_parts
    from filet.screening._score import prepare_traveller

    index = WatchlistIndex(_entries(), ScreeningSettings())
    vocabulary = index._vocabulary
    everything = np.arange(len(vocabulary.tokens), dtype=np.int32)
    below_one = 0
    compounds = 0
    for traveller in _travellers()[:10]:
        name = prepare_traveller(traveller).name
        for part in (*name.names, *(joined for _, joined in name.joins)):
            upper = vocabulary.upper_scores(part, everything, DEFAULT_SETTINGS)
            for token, bound in zip(vocabulary.tokens, upper.tolist(), strict=True):
                score = score_parts(part, token, DEFAULT_SETTINGS)[0]
                assert bound >= score, (part.text, token.text, score, bound)
                below_one += bound < 1.0
        # A joined pair's bound holds where it can be used: against a listed part, from the
        # compound threshold up.
        for _, joined in name.joins:
            upper = vocabulary.upper_scores(joined, everything, DEFAULT_SETTINGS, joined=True)
            for token, bound, single in zip(
                vocabulary.tokens, upper.tolist(), vocabulary.single.tolist(), strict=True
            ):
                score = score_parts(joined, token, DEFAULT_SETTINGS)[0]
                if single and score >= DEFAULT_SETTINGS.compound_threshold:
                    assert bound >= score, (joined.text, token.text, score, bound)
                    compounds += 1
    assert below_one > 0  # it is tighter than 1 for some tokens
    assert compounds > 0


def test_both_bounds_are_above_the_score_of_every_candidate_name() -> None:
    import numpy as np

    from filet.names import compare
    from filet.screening._index import _UpperScores
    from filet.screening._score import prepare_traveller

    rng = random.Random(3)
    words = [*GIVEN, *FAMILY, "Chun", "Yan", "Wang", "Juan", "Jun", "Mohammad", "Reza", "Mac"]
    words += ["Donald", "Abdool", "Choudhury", "秀英", "王", "军", "Al", "Sheikh", "Jim"]
    entries = [
        ListedPerson("l", f"E{i}", " ".join(rng.choice(words) for _ in range(rng.randint(2, 4))))
        for i in range(400)
    ]
    index = WatchlistIndex(entries, ScreeningSettings())
    checked = 0
    for number in range(80):
        traveller = Traveller(
            f"T{number}", full_name=" ".join(rng.choice(words) for _ in range(rng.randint(1, 4)))
        )
        prepared = prepare_traveller(traveller)
        # One name per entry (no aliases): an entry's position is its name's row.
        names = np.unique(index._entry_name_ids[np.asarray(index.candidates(prepared), dtype=int)])
        if not len(names):
            continue
        exact = index._bounds(prepared.name, names)
        upper = index._bounds(prepared.name, names, _UpperScores(index._vocabulary, prepared.name))
        for name_id, bound, looser in zip(names.tolist(), exact, upper, strict=True):
            score = compare(prepared.name, index._names[name_id]).score
            assert bound >= score - 1e-9, (traveller.full_name, index._names[name_id].text)
            assert looser >= bound - 1e-9, (traveller.full_name, index._names[name_id].text)
            checked += 1
    assert checked > 500


def test_the_compiled_name_scores_are_those_of_compare() -> None:
    import numpy as np

    from filet.names import compare_score
    from filet.screening._score import prepare_traveller

    rng = random.Random(5)
    words = [*GIVEN, *FAMILY, "Chun", "Yan", "Wang", "Juan", "Jun", "Mohammad", "Reza", "Mac"]
    words += ["Donald", "Abdool", "Choudhury", "秀英", "王", "军", "Al", "Sheikh", "Jim", "Chuan"]
    words += ["Abdulaziz", "Abdul", "Aziz", "MacDonald", "Yung", "Nee", "Molla", "bin", "J"]
    entries = [
        ListedPerson("l", f"E{i}", " ".join(rng.choice(words) for _ in range(rng.randint(1, 5))))
        for i in range(300)
    ]
    index = WatchlistIndex(entries, ScreeningSettings())
    every_name = np.arange(len(index._names), dtype=np.int32)
    reaching = 0
    for number in range(100):
        traveller = Traveller(
            f"T{number}", full_name=" ".join(rng.choice(words) for _ in range(rng.randint(1, 5)))
        )
        name = prepare_traveller(traveller).name
        compiled = index._name_scores(name, every_name, index._token_scores)
        for name_id, score in zip(every_name.tolist(), compiled.tolist(), strict=True):
            expected = compare_score(name, index._names[name_id])
            assert score == pytest.approx(expected, abs=1e-12), (
                traveller.full_name,
                index._names[name_id].text,
            )
            reaching += expected >= 0.7
    assert reaching > 30


def test_a_rare_name_sharing_only_a_common_key_does_not_bring_in_its_holders() -> None:
    from filet.screening._score import prepare_traveller

    rng = random.Random(11)
    letters = "bdfgklmnprstvz"

    def made_up() -> str:
        return "".join(rng.choice(letters) + rng.choice("aeiou") for _ in range(4)).title()

    # 20,000 people called Sam: Sima shares their skeleton (SM), not their name.
    entries = [ListedPerson("l", f"S{i}", f"Sam {made_up()}") for i in range(20_000)]
    entries.append(ListedPerson("l", "SIMA", "Sima Tesfalidet"))
    index = WatchlistIndex(entries, ScreeningSettings())
    assert index._key_weight(1) == 1.0
    assert index._key_weight(20_000) < 0.4 < index._key_weight(100)
    candidates = index.candidates(prepare_traveller(Traveller("t", full_name="Sima Tesfalidet")))
    assert [index.entries[c].entry.entry_key for c in candidates] == ["SIMA"]


def test_a_name_written_with_a_part_twice_is_found_at_the_threshold_share() -> None:
    # Almaz counts once (alike parts), so the share needed is capped at what one listed
    # Almaz Almaz Selamawit can cover: the name as written is still a candidate.
    entries = [*_entries(), ListedPerson("l", "ALMAZ", "Almaz Almaz Selamawit")]
    strict = WatchlistIndex(entries, ScreeningSettings(), pool_limit=0)
    matches = strict.screen(Traveller("t", full_name="Almaz Almaz Selamawit"))
    assert [m.entry.entry_key for m in matches][:1] == ["ALMAZ"]
