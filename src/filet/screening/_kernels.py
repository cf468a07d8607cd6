"""Compiled loops of the screening index's hot path (Numba).

Why our own code, and why compiled: the name-score bound of :mod:`filet.screening._index` is
a small computation per (listed name, token column, traveller part) — a maximum here, a sum
there, a short dynamic programme over the traveller's parts. Written as numpy array
operations it took some forty whole-array passes per traveller part: a fixed cost of a few
milliseconds per traveller even for a handful of candidates, and, for a common name with ten
thousand candidates, as many passes over arrays that no longer fit in the cache. No library
computes this bound (it is ours, derived from ``filet.names.compare``); Numba compiles the
one loop that does all of it in a single pass, keeping the code in Python.

The functions are compiled on first use and cached on disk next to this file
(``cache=True``): the first index built after an install pays the compilation (about ten
seconds for all of them on a slow two-core machine), later processes load them from the
cache (:func:`warm_up`, when an index is built).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from numba import njit

_MAX_ALIGNED = 10  # listed parts past which the alignment is not searched (2^10 states)


@njit(cache=True, nogil=True)
def name_bounds(
    name_ids: npt.NDArray[np.int64],
    name_tokens: npt.NDArray[np.int32],
    joined_column: npt.NDArray[np.bool_],
    joined_before: npt.NDArray[np.int32],
    joined_after: npt.NDArray[np.int32],
    leftover_penalty: npt.NDArray[np.float64],
    min_weight: npt.NDArray[np.float64],
    position: npt.NDArray[np.int32],
    scores: npt.NDArray[np.float64],
    informed: npt.NDArray[np.float64],
    weights: npt.NDArray[np.float64],
    optional: npt.NDArray[np.bool_],
    join_of: npt.NDArray[np.int64],
    join_first: npt.NDArray[np.int64],
    floor: float,
    compound: float,
    least_penalty: float,
    conflict_penalty: float,
    evidence_floor: float,
    evidence_scale_bits: float,
    refine_above: float,
) -> npt.NDArray[np.float64]:
    """The upper bound of the name score of one traveller name against each listed name.

    ``scores[q, position[t]]`` is traveller part ``q``'s score against token ``t`` (the
    parts first, then the joined pairs; ``position`` is set for the tokens of the listed
    names), ``informed[q, position[t]]`` that score times the least of the two parts'
    bits; ``join_of[k]`` the row of the joined pair of parts ``k`` and ``k + 1`` (-1 when
    there is none) and ``join_first[j]`` the first part of joined pair ``j``. A bound at or
    above ``refine_above`` is tightened by the best one-to-one alignment (:func:`_aligned`).
    The listed-name arrays are the index's, indexed by ``name_ids``. What the bound is and
    why it holds is said in ``WatchlistIndex._bounds``.
    """
    count = len(name_ids)
    width = name_tokens.shape[1]
    parts = len(weights)
    pairs = scores.shape[0] - parts
    out = np.empty(count, dtype=np.float64)
    best = np.empty(parts, dtype=np.float64)
    best_bits = np.empty(parts, dtype=np.float64)
    pair_best = np.empty(max(pairs, 1), dtype=np.float64)
    pair_bits = np.empty(max(pairs, 1), dtype=np.float64)
    column_matched = np.empty(width, dtype=np.float64)
    column_bits = np.empty(width, dtype=np.float64)
    partnered = np.empty(width + 1, dtype=np.bool_)
    local = np.empty(width, dtype=np.int64)
    # A listed name of L parts has 2L - 1 columns: at most (width + 1) // 2 parts.
    states = 1 << min(_MAX_ALIGNED, (width + 1) // 2)
    table = np.empty((parts + 1, states, parts + 1), dtype=np.float64)
    for n in range(count):
        name = name_ids[n]
        for w in range(width):
            token = name_tokens[name, w]
            local[w] = -1 if token < 0 else position[token]
            column_matched[w] = 0.0
            column_bits[w] = 0.0
            partnered[w] = False
        partnered[width] = False
        # Each traveller part (q < parts) and joined pair against each column: a part meets
        # a joined pair only as a compound (from ``compound`` up), two joined pairs never.
        for q in range(parts + pairs):
            single = q < parts
            top = 0.0
            top_bits = 0.0
            if single:
                weight = weights[q]
            else:
                first = join_first[q - parts]
                weight = weights[first] + weights[first + 1]
            for w in range(width):
                t = local[w]
                if t < 0:
                    continue
                score = scores[q, t]
                if single:
                    if joined_column[name, w] and score < compound:
                        continue
                elif joined_column[name, w] or score < compound:
                    continue
                if score <= 0.0:
                    continue
                bits = informed[q, t]
                partnered[w] = True
                top = max(top, score)
                top_bits = max(top_bits, bits)
                column_matched[w] = max(column_matched[w], weight * score)
                column_bits[w] = max(column_bits[w], bits)
            if single:
                best[q] = top
                best_bits[q] = top_bits
            else:
                pair_best[q - parts] = top
                pair_bits[q - parts] = top_bits
        # The best tiling of the traveller's parts into singles and adjacent joined pairs.
        matched_before = 0.0
        bits_before = 0.0
        matched = weights[0] * best[0]
        bits = best_bits[0]
        for k in range(2, parts + 1):
            single_matched = matched + weights[k - 1] * best[k - 1]
            single_bits = bits + best_bits[k - 1]
            pair = join_of[k - 2]
            if pair >= 0:
                single_matched = max(
                    single_matched,
                    matched_before + (weights[k - 2] + weights[k - 1]) * pair_best[pair],
                )
                single_bits = max(single_bits, bits_before + pair_bits[pair])
            matched_before, bits_before = matched, bits
            matched, bits = single_matched, single_bits
        # One to one: each column takes at most one traveller part or pair.
        matched = min(matched, column_matched.sum())
        bits = min(bits, column_bits.sum())
        evidence = 1.0 - (1.0 - evidence_floor) * math.exp(-bits / evidence_scale_bits)
        # Listed parts nothing can match are left over, at their least penalty ...
        leftover = 0.0
        left = 0
        for w in range(width):
            penalty = leftover_penalty[name, w]
            if penalty > 0.0 and not (
                partnered[w]
                or partnered[joined_before[name, w]]
                or partnered[joined_after[name, w]]
            ):
                leftover += penalty
                left += 1
        # ... or at the conflict penalty, facing traveller parts nothing can match either.
        if conflict_penalty > least_penalty and left > 0:
            alone = 0
            for k in range(parts):
                if optional[k] or best[k] > 0.0:
                    continue
                if k > 0 and join_of[k - 1] >= 0 and pair_best[join_of[k - 1]] > 0.0:
                    continue
                if join_of[k] >= 0 and pair_best[join_of[k]] > 0.0:
                    continue
                alone += 1
            leftover += min(alone, left) * min_weight[name] * (conflict_penalty - least_penalty)
        bound = matched / (floor + leftover) * evidence
        if bound >= refine_above:
            listed = 0
            for w in range(width):
                if local[w] >= 0 and not joined_column[name, w]:
                    listed += 1
            if listed <= _MAX_ALIGNED:
                share = _aligned(
                    local,
                    listed,
                    scores,
                    weights,
                    optional,
                    join_of,
                    compound,
                    leftover_penalty[name],
                    min_weight[name],
                    max(conflict_penalty - least_penalty, 0.0),
                    floor,
                    table,
                )
                bound = min(bound, share * evidence)
        out[n] = bound
    return out


@njit(cache=True, nogil=True)
def _aligned(
    local: npt.NDArray[np.int64],
    listed: int,
    scores: npt.NDArray[np.float64],
    weights: npt.NDArray[np.float64],
    optional: npt.NDArray[np.bool_],
    join_of: npt.NDArray[np.int64],
    compound: float,
    penalties: npt.NDArray[np.float64],
    smallest: float,
    extra: float,
    floor: float,
    table: npt.NDArray[np.float64],
) -> float:
    """An upper bound of the matched share (before the evidence factor) of the traveller's
    name against one listed name, over every one-to-one alignment.

    ``local`` gives the listed name's columns' token positions: its ``listed`` parts first,
    then the joined pair of each two adjacent ones. In an alignment each traveller part is
    left out, or takes a free listed part (score above 0) or a free joined pair (from
    ``compound`` up); a traveller joined pair takes a free listed part (from ``compound``
    up). ``compare`` aligns greedily, best pair first, among these same options. A dynamic
    programme over the traveller's parts in order keeps, for each set of listed parts taken
    and each count of traveller parts (not title-or-name words) left out, the largest matched
    weight; with those two known, the listed parts left over cost at least their least
    penalty (``penalties``), and as many of them as there are traveller parts left out pay
    the conflict penalty instead (``extra`` more, on at least ``smallest`` of weight).
    ``table``: scratch of at least ``parts + 1`` by ``2 ** listed`` by ``parts + 1``."""
    parts = len(weights)
    size = 1 << listed
    for k in range(parts + 1):
        for mask in range(size):
            for out in range(parts + 1):
                table[k, mask, out] = -1.0
    table[0, 0, 0] = 0.0
    for k in range(parts):
        weight = weights[k]
        pair = join_of[k] if k + 1 < parts else -1
        pair_weight = weight + weights[k + 1] if pair >= 0 else 0.0
        skipped = 0 if optional[k] else 1
        for mask in range(size):
            for out in range(k + 1):
                value = table[k, mask, out]
                if value < 0.0:
                    continue
                if value > table[k + 1, mask, out + skipped]:
                    table[k + 1, mask, out + skipped] = value
                for j in range(listed):
                    if mask & (1 << j):
                        continue
                    score = scores[k, local[j]]
                    if score > 0.0:
                        taken = mask | (1 << j)
                        if value + weight * score > table[k + 1, taken, out]:
                            table[k + 1, taken, out] = value + weight * score
                    if j + 1 < listed and not mask & (1 << (j + 1)) and local[listed + j] >= 0:
                        score = scores[k, local[listed + j]]
                        if score >= compound:
                            taken = mask | (3 << j)
                            if value + weight * score > table[k + 1, taken, out]:
                                table[k + 1, taken, out] = value + weight * score
                    if pair >= 0:
                        score = scores[parts + pair, local[j]]
                        if score >= compound:
                            taken = mask | (1 << j)
                            if value + pair_weight * score > table[k + 2, taken, out]:
                                table[k + 2, taken, out] = value + pair_weight * score
    best = 0.0
    for mask in range(size):
        leftover = 0.0
        left = 0
        for j in range(listed):
            if not mask & (1 << j) and penalties[j] > 0.0:
                leftover += penalties[j]
                left += 1
        for out in range(parts + 1):
            value = table[parts, mask, out]
            if value <= 0.0:
                continue
            cost = leftover + min(out, left) * smallest * extra
            best = max(best, value / (floor + cost))
    return best


@njit(cache=True, nogil=True)
def name_scores(
    name_ids: npt.NDArray[np.int64],
    name_tokens: npt.NDArray[np.int32],
    listed_weight: npt.NDArray[np.float64],
    listed_bits: npt.NDArray[np.float64],
    listed_optional: npt.NDArray[np.bool_],
    position: npt.NDArray[np.int32],
    scores: npt.NDArray[np.float64],
    compound_scores: npt.NDArray[np.float64],
    weights: npt.NDArray[np.float64],
    bits: npt.NDArray[np.float64],
    optional: npt.NDArray[np.bool_],
    join_first: npt.NDArray[np.int64],
    total_weight: float,
    compound: float,
    search_below: float,
    conflict_penalty: float,
    unmatched_penalty: float,
    evidence_floor: float,
    evidence_scale_bits: float,
) -> npt.NDArray[np.float64]:
    """The name score of one traveller name against each listed name, as
    ``filet.names.compare_score`` computes it from the part scores: the same options (each
    part pair scoring above 0; a part against a joined pair and a joined pair against a part
    from ``compound`` up, searched only when the names differ in length or a traveller part's
    best match is below ``search_below``), the same greedy alignment (best option first, a
    single before a compound at equal score, ties in the order they were listed), the same
    left-over penalties and evidence factor.

    ``scores[q, position[t]]`` is traveller part ``q``'s score against token ``t`` (the
    parts, then the joined pairs, ``join_first[k]`` the first part of pair ``k``); ``compound_scores`` the
    same as a compound (0 where ``compare`` would not look for one). ``listed_weight``,
    ``listed_bits`` and ``listed_optional`` describe each listed name's parts (its first
    columns in ``name_tokens``; the joined pairs follow)."""
    count = len(name_ids)
    width = name_tokens.shape[1]
    parts = len(weights)
    pairs = scores.shape[0] - parts
    most = listed_weight.shape[1]
    capacity = max(parts * most + most * parts + pairs * most, 1)
    option_score = np.empty(capacity, dtype=np.float64)
    option_single = np.empty(capacity, dtype=np.int64)
    option_q = np.empty((capacity, 2), dtype=np.int64)
    option_c = np.empty((capacity, 2), dtype=np.int64)
    order = np.empty(capacity, dtype=np.int64)
    used_q = np.empty(parts, dtype=np.bool_)
    used_c = np.empty(max(most, 1), dtype=np.bool_)
    local = np.empty(width, dtype=np.int64)
    out = np.empty(count, dtype=np.float64)
    for n in range(count):
        name = name_ids[n]
        columns = 0
        for w in range(width):
            token = name_tokens[name, w]
            if token < 0:
                local[w] = -1
            else:
                local[w] = position[token]
                columns += 1
        listed = (columns + 1) // 2
        if parts == 0 or listed == 0:
            out[n] = 0.0
            continue
        options = 0
        weakest = 1.0
        for i in range(parts):
            best = 0.0
            for j in range(listed):
                score = scores[i, local[j]]
                if score > 0.0:
                    option_score[options] = score
                    option_single[options] = 1
                    option_q[options, 0] = i
                    option_q[options, 1] = -1
                    option_c[options, 0] = j
                    option_c[options, 1] = -1
                    options += 1
                    if score > best:
                        best = score
            if best < weakest:
                weakest = best
        if parts != listed or weakest < search_below:
            for j in range(listed - 1):
                t = local[listed + j]
                for i in range(parts):
                    score = compound_scores[i, t]
                    if score >= compound:
                        option_score[options] = score
                        option_single[options] = 0
                        option_q[options, 0] = i
                        option_q[options, 1] = -1
                        option_c[options, 0] = j
                        option_c[options, 1] = j + 1
                        options += 1
            for k in range(pairs):
                i = join_first[k]
                for j in range(listed):
                    score = compound_scores[parts + k, local[j]]
                    if score >= compound:
                        option_score[options] = score
                        option_single[options] = 0
                        option_q[options, 0] = i
                        option_q[options, 1] = i + 1
                        option_c[options, 0] = j
                        option_c[options, 1] = -1
                        options += 1
        # Best first, a single before a compound at equal score, otherwise as listed (a
        # stable insertion sort: Python's sort(reverse=True) keeps equal items in order).
        for a in range(options):
            score = option_score[a]
            single = option_single[a]
            b = a
            while b > 0:
                previous = order[b - 1]
                if option_score[previous] < score or (
                    option_score[previous] == score and option_single[previous] < single
                ):
                    order[b] = previous
                    b -= 1
                else:
                    break
            order[b] = a
        for i in range(parts):
            used_q[i] = False
        for j in range(listed):
            used_c[j] = False
        matched = 0.0
        informed = 0.0
        for a in range(options):
            o = order[a]
            q0 = option_q[o, 0]
            q1 = option_q[o, 1]
            c0 = option_c[o, 0]
            c1 = option_c[o, 1]
            if used_q[q0] or (q1 >= 0 and used_q[q1]) or used_c[c0] or (c1 >= 0 and used_c[c1]):
                continue
            used_q[q0] = True
            used_c[c0] = True
            query_weight = weights[q0]
            query_bits = bits[q0]
            listed_part_bits = listed_bits[name, c0]
            if q1 >= 0:
                used_q[q1] = True
                query_weight = query_weight + weights[q1]
                query_bits = max(query_bits, bits[q1])
            if c1 >= 0:
                used_c[c1] = True
                listed_part_bits = max(listed_part_bits, listed_bits[name, c1])
            matched += option_score[o] * query_weight
            informed += option_score[o] * min(query_bits, listed_part_bits)
        # The left-over parts, as ``compare`` charges them.
        free_q = True
        for j in range(listed):
            if not used_c[j] and not listed_optional[name, j]:
                free_q = False
        free_c = True
        for i in range(parts):
            if not used_q[i] and not optional[i]:
                free_c = False
        query_total = total_weight
        conflicts = 0
        for i in range(parts):
            if not used_q[i]:
                if optional[i] and free_q:
                    query_total -= weights[i]
                else:
                    conflicts += 1
        penalty_total = 0.0
        for j in range(listed):
            if used_c[j]:
                continue
            if listed_optional[name, j] and free_c:
                penalty = 0.0
            elif conflicts > 0:
                conflicts -= 1
                penalty = listed_weight[name, j] * conflict_penalty
            else:
                penalty = listed_weight[name, j] * unmatched_penalty
            penalty_total += penalty
        denominator = query_total + penalty_total
        quality = matched / denominator if denominator > 0 else 0.0
        evidence = 1.0 - (1.0 - evidence_floor) * math.exp(-informed / evidence_scale_bits)
        out[n] = quality * evidence
    return out


@njit(cache=True, nogil=True)
def shares_feature(
    chosen: npt.NDArray[np.int64],
    offsets: npt.NDArray[np.int64],
    features: npt.NDArray[np.int32],
    is_initial: npt.NDArray[np.bool_],
    syllable: npt.NDArray[np.bool_],
    wanted: npt.NDArray[np.int32],
    wanted_by_syllables: npt.NDArray[np.int32],
) -> npt.NDArray[np.bool_]:
    """For each token of ``chosen``, whether one of its feature ids
    (``features[offsets[t]:offsets[t + 1]]``) is in the sorted ``wanted`` (in
    ``wanted_by_syllables`` for a token flagged in ``syllable``), or it is an initial."""
    out = np.zeros(len(chosen), dtype=np.bool_)
    for i in range(len(chosen)):
        token = chosen[i]
        if is_initial[token]:
            out[i] = True
            continue
        looked = wanted_by_syllables if syllable[token] else wanted
        size = len(looked)
        for k in range(offsets[token], offsets[token + 1]):
            feature = features[k]
            at = np.searchsorted(looked, feature)
            if at < size and looked[at] == feature:
                out[i] = True
                break
    return out


@njit(cache=True, nogil=True)
def _gallop(values: npt.NDArray[np.int32], low: int, high: int, wanted: int) -> int:
    """The first index in ``values[low:high]`` (sorted) holding ``wanted`` or more: an
    exponential search from ``low``, then a binary one, so a short step costs little."""
    step = 1
    while low + step < high and values[low + step] < wanted:
        step *= 2
    start = low + step // 2
    end = min(low + step + 1, high)
    return start + int(np.searchsorted(values[start:end], wanted))


@njit(cache=True, nogil=True)
def covering(
    postings: npt.NDArray[np.int32],
    offsets: npt.NDArray[np.int64],
    blocks: npt.NDArray[np.int64],
    caps: npt.NDArray[np.float64],
    groups: npt.NDArray[np.int64],
    seeds: npt.NDArray[np.int64],
    needed: float,
) -> npt.NDArray[np.int32]:
    """The entries of the ``seeds`` blocks that the ``blocks`` cover for at least ``needed``.

    Block ``b`` holds ``postings[offsets[b]:offsets[b + 1]]`` (sorted entry positions).
    ``blocks[i]`` covers its entries for ``caps[i]``, in cover group ``groups[i]``: an
    entry's cover is the sum over groups of the largest cap of a block of the group holding
    it. Only the seed blocks are read whole; the others are intersected with the sorted seed
    entries by galloping through both, so a block of a hundred thousand entries costs about
    as many steps as there are seed entries, times a logarithm.
    """
    total = 0
    for s in seeds:
        total += offsets[s + 1] - offsets[s]
    gathered = np.empty(total, dtype=np.int32)
    at = 0
    for s in seeds:
        for k in range(offsets[s], offsets[s + 1]):
            gathered[at] = postings[k]
            at += 1
    gathered.sort()
    pool = np.empty(total, dtype=np.int32)
    size = 0
    for entry in gathered:
        if size == 0 or pool[size - 1] != entry:
            pool[size] = entry
            size += 1
    count = 0
    for group in groups:
        count = max(count, group + 1)
    best = np.zeros((size, count), dtype=np.float64)
    for i in range(len(blocks)):
        group = groups[i]
        cap = caps[i]
        j = offsets[blocks[i]]
        end = offsets[blocks[i] + 1]
        p = 0
        while p < size and j < end:
            entry = pool[p]
            value = postings[j]
            if value == entry:
                if cap > best[p, group]:
                    best[p, group] = cap
                p += 1
                j += 1
            elif value < entry:
                j = _gallop(postings, j, end, entry)
            else:
                p = _gallop(pool, p, size, value)
    out = np.empty(size, dtype=np.int32)
    kept = 0
    for p in range(size):
        if best[p].sum() >= needed:
            out[kept] = pool[p]
            kept += 1
    return out[:kept]


@njit(cache=True, nogil=True)
def raise_to_similarity(
    upper: npt.NDArray[np.float64],
    rows: npt.NDArray[np.int64],
    columns: npt.NDArray[np.int64],
    similarity: npt.NDArray[np.float64],
    query_offsets: npt.NDArray[np.int64],
    choice_offsets: npt.NDArray[np.int64],
    threshold: float,
    least: float,
    factor: float,
    slack: float,
) -> None:
    """Raise ``upper[rows[i], columns[t]]`` to what the best similarity between the strings
    of part ``i`` (rows ``query_offsets[i]:query_offsets[i + 1]`` of ``similarity``) and of
    token ``t`` (columns ``choice_offsets[t]:choice_offsets[t + 1]``) gives, where it reaches
    ``threshold``: ``max(best, least) * factor`` plus ``slack``."""
    for i in range(len(rows)):
        row = rows[i]
        for t in range(len(choice_offsets) - 1):
            best = 0.0
            for q in range(query_offsets[i], query_offsets[i + 1]):
                for c in range(choice_offsets[t], choice_offsets[t + 1]):
                    best = max(best, similarity[q, c])
            if best >= threshold:
                value = max(best, least) * factor + slack
                if value > upper[row, columns[t]]:
                    upper[row, columns[t]] = value


def warm_up() -> None:
    """Compile (or load from the disk cache) every kernel for the argument types the index
    passes, with empty inputs: done once when an index is built, so that neither the first
    online screening nor each forked batch worker pays it (a few hundred milliseconds)."""
    none64 = np.zeros(0, dtype=np.int64)
    none32 = np.zeros(0, dtype=np.int32)
    floats = np.zeros(0, dtype=np.float64)
    flags = np.zeros(0, dtype=np.bool_)
    grid32 = np.zeros((0, 1), dtype=np.int32)
    grid = np.zeros((0, 1), dtype=np.float64)
    offsets = np.zeros(1, dtype=np.int64)
    name_bounds(
        none64,
        grid32,
        np.zeros((0, 1), dtype=np.bool_),
        grid32,
        grid32,
        grid,
        floats,
        none32,
        np.zeros((1, 0), dtype=np.float64),
        np.zeros((1, 0), dtype=np.float64),
        np.ones(1, dtype=np.float64),
        np.zeros(1, dtype=np.bool_),
        np.full(1, -1, dtype=np.int64),
        none64,
        1.0,
        0.0,
        0.0,
        0.0,
        0.0,
        1.0,
        0.0,
    )
    name_scores(
        none64,
        grid32,
        grid,
        grid,
        np.zeros((0, 1), dtype=np.bool_),
        none32,
        np.zeros((1, 0), dtype=np.float64),
        np.zeros((1, 0), dtype=np.float64),
        np.ones(1, dtype=np.float64),
        np.ones(1, dtype=np.float64),
        np.zeros(1, dtype=np.bool_),
        none64,
        1.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        1.0,
    )
    covering(none32, offsets, none64, floats, none64, none64, 0.0)
    shares_feature(none64, offsets, none32, flags, flags, none32, none32)
    raise_to_similarity(grid, none64, none64, grid, offsets, offsets, 1.0, 0.0, 1.0, 0.0)
