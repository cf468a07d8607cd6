"""An in-memory watchlist index: candidate retrieval by blocking keys, then the scorer.

Every listed name (and alias) is analysed once; its blocking keys (:func:`_part_keys`:
consonant skeletons, equivalence and familiar-form groups, and readings where a skeleton says
too little, across scripts) and the document number point to the entry. A traveller's
candidates are the entries that cover name parts carrying at least ``min_cover`` of the name's
frequency weight (sharing only a common given name cannot reach the review band, so such
entries are not scored), and any entry with the same document number. Each part counts once
(parts sharing a key, Marco Marko, once together), and a part covered only by a two-letter
skeleton key counts for no more than that key's own weight in the list, so a rare name sharing
such a skeleton with thousands of others brings none of them in. A name whose parts' blocks hold more
than ``pool_limit`` entries is retrieved at the threshold's share instead. Keys shared by more
than ``block_cap`` entries are ignored. Only candidates are scored, so one traveller takes
milliseconds against a large list. Blocks are one compressed postings array (the sorted entry
positions of each key): a million entries fit in a few hundred megabytes.

Before the full, explained comparison, every candidate gets a cheap *upper bound* of its name
score, computed for all candidates in one compiled loop (:mod:`filet.screening._kernels`,
Numba): each distinct listed name is a row of
token ids (its parts and its adjacent parts joined), each traveller part is scored once against
each distinct token among the candidates (cached across travellers), and the bound is the
weighted sum of each traveller part's best token score, over the part weights that the score
divides by plus the least penalty of each listed part that no traveller part can match.
A bound that reaches the threshold is tightened by the best one-to-one alignment, with the
left-over penalties it implies. The evidence factor and the greedy alignment of ``compare``
only lower the real score, so an entry whose bound is below the threshold cannot reach it and
is not compared
(unless it has the traveller's document number, which lifts a score): the result is exactly the
one of comparing every candidate. The bound is computed from upper bounds of the part scores;
the names it passes get their exact part scores and then their exact name score, in a
compiled loop that replays ``compare``'s greedy alignment and penalties
(:func:`filet.screening._kernels.name_scores`, checked against ``compare_score`` by the
tests), so ``compare_score`` runs in Python only for the names that reach the threshold.
Identical listed names are analysed once; the full evidence is built only for entries whose
name score reaches the threshold, and the explanation only for entries kept. Scoring a traveller part against thousands of tokens one Python call at a time was
the cold cost of the online path, so a token prefilter (:class:`_TokenVocabulary`: each
token's shared features, RapidFuzz ``cdist`` for the string similarities) passes on only the
tokens that can score above 0 (RapidFuzz has no scorer for our rule cascade, so the cascade
itself stays in ``filet.names``).

The online path (:meth:`WatchlistIndex.screen`) and the batch path
(:meth:`WatchlistIndex.screen_many`) use the same retrieval, bound and scorer, so they give the
same scores; the batch path analyses each distinct traveller name once and may spread the
travellers over several processes.
"""

from __future__ import annotations

import gc
import math
import multiprocessing
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import JaroWinkler, Levenshtein
from rapidfuzz.process import cdist

from filet.names import (
    DEFAULT_SETTINGS,
    AnalysedName,
    NameComparison,
    NameMatchSettings,
    NamePart,
    analyse,
    compare_score,
    compound_score,
    score_parts,
)
from filet.screening._kernels import (
    covering,
    name_bounds,
    name_scores,
    raise_to_similarity,
    shares_feature,
    warm_up,
)
from filet.screening._model import ListedPerson, ScreeningMatch, Traveller, normalise_document
from filet.screening._score import (
    PartialDate,
    PreparedEntry,
    PreparedTraveller,
    ScreeningSettings,
    pair_score,
    prepare_traveller,
    score_pair,
)

DEFAULT_BLOCK_CAP = 200_000  # a key shared by more entries than this says nothing
DEFAULT_MIN_COVER = 0.5  # share of the name's weight a candidate must share keys with
DEFAULT_POOL_LIMIT = 20_000  # seed-block entries past which the share is the threshold
_ROW_CACHE_LIMIT = 50_000  # traveller parts whose token scores are kept
_SLACK = 1e-9  # floating-point margin of the bound
_REFERENCE_LIST_SIZE = 1_000_000  # the least list size a key's frequency is judged against
_CAPPED_SKELETON_LENGTH = 3  # skeleton keys shorter than this count for their own weight
_SIMILARITY_SLACK = 1e-6  # margin of the vectorised similarity prefilter


class WatchlistIndex:
    """Listed persons of one or more watchlists, ready to screen travellers against."""

    def __init__(
        self,
        entries: Iterable[ListedPerson],
        settings: ScreeningSettings | None = None,
        block_cap: int = DEFAULT_BLOCK_CAP,
        min_cover: float = DEFAULT_MIN_COVER,
        pool_limit: int = DEFAULT_POOL_LIMIT,
    ) -> None:
        # The index is millions of small long-lived objects (analysed names and their parts):
        # the cyclic garbage collector would walk them all again and again while they are
        # built (a third of the build's CPU at 100,000 entries) and then during screening
        # (seconds per full collection at 300,000). It is paused while building, and what
        # the build leaves is moved out of its reach (gc.freeze), which also keeps forked
        # batch workers from touching, and so copying, the shared pages.
        collecting = gc.isenabled()
        gc.disable()
        try:
            self._build(entries, settings, block_cap, min_cover)
            self.pool_limit = pool_limit
        finally:
            if collecting:
                gc.enable()
        gc.freeze()

    def _build(
        self,
        entries: Iterable[ListedPerson],
        settings: ScreeningSettings | None,
        block_cap: int,
        min_cover: float,
    ) -> None:
        self.settings = settings or ScreeningSettings.from_settings()
        self.block_cap = block_cap
        self.min_cover = min_cover
        unlisted = DEFAULT_SETTINGS.unlisted_per_million
        self._reference_bits = math.log2(1_000_000 / unlisted)
        self.entries: list[PreparedEntry] = []
        building: dict[str, list[int]] = defaultdict(list)
        analysed: dict[tuple[str, str | None], int] = {}
        self._names: list[AnalysedName] = []
        name_tokens: list[list[int]] = []
        self._token_ids: dict[tuple[str, str], int] = {}
        self._tokens: list[NamePart] = []
        entry_names: list[list[int]] = []
        for entry in entries:
            nationality = entry.nationality or None
            ids: list[int] = []
            for text in entry.names:
                if not text:
                    continue
                key = (text, nationality)
                name_id = analysed.get(key)
                if name_id is None:
                    name = analyse(text, nationality=nationality)
                    name_id = analysed[key] = len(self._names)
                    self._names.append(name)
                    name_tokens.append(self._token_row(name))
                ids.append(name_id)
            names = tuple(self._names[i] for i in ids)
            prepared = PreparedEntry(
                entry,
                names,
                PartialDate.parse(entry.birth_date),
                normalise_document(entry.document_number),
            )
            position = len(self.entries)
            self.entries.append(prepared)
            entry_names.append(ids)
            blocking: set[str] = set()
            for name in names:
                blocking.update(_name_keys(name))
            if prepared.document:
                blocking.add("d:" + prepared.document)
            for block_key in blocking:
                building[block_key].append(position)
        # Blocks as one compressed list: block k holds
        # _postings[_block_offsets[k]:_block_offsets[k + 1]] (sorted entry positions).
        self._key_ids: dict[str, int] = {}
        sizes: list[int] = []
        for block_key, positions in building.items():
            self._key_ids[block_key] = len(sizes)
            sizes.append(len(positions))
        self._postings = np.fromiter(
            (position for positions in building.values() for position in positions),
            dtype=np.int32,
            count=sum(sizes),
        )
        del building
        self._block_offsets = np.concatenate(
            ([0], np.cumsum(np.asarray(sizes, dtype=np.int64)))
        ).astype(np.int64)
        width = max((len(row) for row in name_tokens), default=1)
        self._name_tokens = np.full((len(name_tokens), max(width, 1)), -1, dtype=np.int32)
        for row_number, row in enumerate(name_tokens):
            self._name_tokens[row_number, : len(row)] = row
        self._leftover_bounds()
        # Entries' names as a compressed list: names of entry e are
        # _entry_name_ids[_entry_offsets[e]:_entry_offsets[e + 1]].
        counts = np.asarray([len(ids) for ids in entry_names], dtype=np.int64)
        self._entry_offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        self._entry_name_ids = np.asarray([i for ids in entry_names for i in ids], dtype=np.int32)
        self._token_bits = np.asarray([part.bits for part in self._tokens], dtype=np.float64)
        self._vocabulary = _TokenVocabulary(self._tokens, self._token_single)
        self._rows: dict[tuple[str, str], dict[int, float]] = {}
        warm_up()

    def _leftover_bounds(self) -> None:
        """For each listed name, per token column: the least penalty of leaving the part
        unmatched (0 for joined pairs and title-or-name words), and the columns of the joined
        pairs it belongs to (``width`` when there is none: a column that never matches)."""
        shape = self._name_tokens.shape
        width = shape[1]
        settings = DEFAULT_SETTINGS
        least = min(settings.unmatched_candidate_penalty, settings.conflict_penalty)
        self._least_penalty = least
        self._min_weight = np.asarray(
            [min(name.weights, default=0.0) for name in self._names], dtype=np.float64
        )
        self._leftover_penalty = np.zeros(shape, dtype=np.float64)
        self._joined_before = np.full(shape, width, dtype=np.int32)
        self._joined_after = np.full(shape, width, dtype=np.int32)
        self._joined_column = np.zeros(shape, dtype=bool)
        # Each listed name's parts (its first columns), as compare_score charges them.
        most = max((width + 1) // 2, 1)
        self._listed_weight = np.zeros((shape[0], most), dtype=np.float64)
        self._listed_bits = np.zeros((shape[0], most), dtype=np.float64)
        self._listed_optional = np.zeros((shape[0], most), dtype=np.bool_)
        for row_number, name in enumerate(self._names):
            count = len(name.names)
            self._joined_column[row_number, count : count + len(name.joins)] = True
            for column, (part, weight) in enumerate(zip(name.names, name.weights, strict=True)):
                self._listed_weight[row_number, column] = weight
                self._listed_bits[row_number, column] = part.bits
                self._listed_optional[row_number, column] = part.optional
                if not part.optional:
                    self._leftover_penalty[row_number, column] = weight * least
                if column > 0:
                    self._joined_before[row_number, column] = count + column - 1
                if column < count - 1:
                    self._joined_after[row_number, column] = count + column
        # Tokens that are some listed name's joined pair (met only as compounds there), and
        # tokens that are some listed name's part.
        self._token_joined = np.zeros(len(self._tokens), dtype=np.bool_)
        self._token_joined[self._name_tokens[self._joined_column]] = True
        self._token_single = np.zeros(len(self._tokens), dtype=np.bool_)
        self._token_single[self._name_tokens[~self._joined_column & (self._name_tokens >= 0)]] = (
            True
        )

    def _token_row(self, name: AnalysedName) -> list[int]:
        """Token ids of a listed name's parts and of its adjacent parts joined."""
        row: list[int] = []
        for part in (*name.names, *(joined for _, joined in name.joins)):
            key = (part.text, part.form)
            token = self._token_ids.get(key)
            if token is None:
                token = self._token_ids[key] = len(self._tokens)
                self._tokens.append(part)
            row.append(token)
        return row

    def _score_row(self, part: NamePart) -> dict[int, float]:
        """The cached scores of one traveller part by listed token (a bounded cache)."""
        key = (part.text, part.form)
        row = self._rows.get(key)
        if row is None:
            if len(self._rows) > _ROW_CACHE_LIMIT:
                self._rows.clear()
            row = self._rows[key] = {}
        return row

    def _token_scores(
        self, part: NamePart, tokens: npt.NDArray[np.int32]
    ) -> npt.NDArray[np.float64]:
        """The score of one traveller part against each listed token (cached across travellers).

        Only the tokens :meth:`_TokenVocabulary.may_match` lets through are scored one by one;
        the others cannot score above 0.
        """
        row = self._score_row(part)
        wanted: list[int] = tokens.tolist()
        missing = [token for token in wanted if token not in row]
        if missing:
            settings = DEFAULT_SETTINGS  # the name settings score_pair compares with
            vocabulary = self._vocabulary
            for token, possible in zip(
                missing, vocabulary.may_match(part, missing, settings), strict=True
            ):
                row[token] = (
                    score_parts(part, vocabulary.tokens[token], settings)[0] if possible else 0.0
                )
        return np.fromiter((row[token] for token in wanted), dtype=np.float64, count=len(wanted))

    def _bounds(
        self,
        name: AnalysedName,
        name_ids: npt.NDArray[np.int32],
        scorer: Callable[[NamePart, npt.NDArray[np.int32]], npt.NDArray[np.float64]] | None = None,
        refine_above: float = 0.0,
    ) -> npt.NDArray[np.float64]:
        """An upper bound of the name score of ``name`` against each listed name: a bound of
        the matched share times a bound of the evidence factor (both only grow with part
        scores, and each part's best token is at least what alignment gives it).

        - The matched weight is at most the best tiling of the traveller's parts into singles
          and adjacent joined pairs, each at its best token in the listed name (alignment uses
          each part once); and at most the sum over listed columns of the best weighted score
          any traveller part or pair gives it (alignment is one to one: two spellings of one
          given name, Marco Marko, cannot both match the one Marco listed). Likewise the
          information (bits) behind the evidence factor.
        - A part meets a joined pair only as a compound, from ``compound_threshold`` up; two
          joined pairs never meet.
        - The share's denominator is at least the query's weight without title-or-name words,
          plus the least penalty of each listed part that neither it nor a joined pair holding
          it can match; while traveller parts that nothing can match remain, that many of
          those listed parts pay the conflict penalty instead, each on at least the listed
          name's smallest weight.

        - A bound at or above ``refine_above`` is then tightened: the matched weight is at
          most that of the best one-to-one alignment of the traveller's parts with the listed
          name's (a short dynamic programme; the two sums above each relax it, and Yang Yan
          Ng could take 洋 both as Yang and as the pair Yan Ng).

        ``scorer`` gives each traveller part's score against tokens (default: the exact
        :meth:`_token_scores`); the bound only grows with these scores, so an upper bound of
        them (:meth:`_TokenVocabulary.upper_scores`) gives an upper bound of the bound. The
        loop over listed names is compiled (:func:`filet.screening._kernels.name_bounds`)."""
        token_scores = scorer or self._token_scores
        parts = name.names
        weights = name.weights
        floor = name.total_weight - sum(
            weight for part, weight in zip(parts, weights, strict=True) if part.optional
        )
        if not parts or floor <= 0:
            return np.ones(len(name_ids), dtype=np.float64)
        ids = np.asarray(name_ids, dtype=np.int64)
        tokens, _, scores = self._score_table(name, ids, token_scores)
        position = self._positions(tokens)
        token_bits = self._token_bits[tokens]
        joins = name.joins
        query_bits = np.asarray(
            [
                *(part.bits for part in parts),
                *(max(parts[index].bits, parts[index + 1].bits) for index, _ in joins),
            ],
            dtype=np.float64,
        )
        informed = scores * np.minimum(token_bits[None, :], query_bits[:, None])
        join_of = np.full(len(parts), -1, dtype=np.int64)
        for number, (index, _) in enumerate(joins):
            join_of[index] = number
        join_first = np.asarray([index for index, _ in joins], dtype=np.int64)
        settings = DEFAULT_SETTINGS

        def bounds_of(chunk: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
            found: npt.NDArray[np.float64] = name_bounds(
                chunk,
                self._name_tokens,
                self._joined_column,
                self._joined_before,
                self._joined_after,
                self._leftover_penalty,
                self._min_weight,
                position,
                scores,
                informed,
                np.asarray(weights, dtype=np.float64),
                np.asarray([part.optional for part in parts], dtype=np.bool_),
                join_of,
                join_first,
                float(floor),
                settings.compound_threshold,
                self._least_penalty,
                settings.conflict_penalty,
                settings.evidence_floor,
                settings.evidence_scale_bits,
                refine_above,
            )
            return found

        return _split(bounds_of, ids)

    def _score_table(
        self,
        name: AnalysedName,
        ids: npt.NDArray[np.int64],
        token_scores: Callable[[NamePart, npt.NDArray[np.int32]], npt.NDArray[np.float64]],
    ) -> tuple[npt.NDArray[np.int32], list[NamePart], npt.NDArray[np.float64]]:
        """The distinct tokens of the listed names ``ids`` (sorted), the traveller's parts
        and joined pairs, and each one's score against each token."""
        rows = self._name_tokens[ids]
        if rows.size < _MARKED_TOKENS:
            tokens = np.unique(rows[rows >= 0])
        else:
            # Thousands of names: marking the vocabulary beats sorting their tokens.
            marked = np.zeros(len(self._tokens) + 1, dtype=np.bool_)
            marked[rows] = True  # -1 (no token) marks the extra last slot
            tokens = np.flatnonzero(marked[:-1]).astype(np.int32)
        queries = [*name.names, *(joined for _, joined in name.joins)]
        scores = np.zeros((len(queries), len(tokens)), dtype=np.float64)
        for number, part in enumerate(queries):
            scores[number] = token_scores(part, tokens)
        return tokens, queries, scores

    def _positions(self, tokens: npt.NDArray[np.int32]) -> npt.NDArray[np.int32]:
        """Each of ``tokens``' position in it, looked up by token id (the other ids are left
        unset: the kernels only look up the tokens of the names they were given)."""
        position = np.empty(len(self._tokens), dtype=np.int32)
        position[tokens] = np.arange(len(tokens), dtype=np.int32)
        return position

    def _name_scores(
        self,
        name: AnalysedName,
        name_ids: npt.NDArray[np.int32],
        token_scores: Callable[[NamePart, npt.NDArray[np.int32]], npt.NDArray[np.float64]],
    ) -> npt.NDArray[np.float64]:
        """``compare_score(name, listed)`` for each listed name of ``name_ids``, from the
        exact part scores ``token_scores`` gives (compiled,
        :func:`filet.screening._kernels.name_scores`: no Python call per listed name)."""
        ids = np.asarray(name_ids, dtype=np.int64)
        if not name.names:
            return np.zeros(len(ids), dtype=np.float64)
        settings = DEFAULT_SETTINGS  # the name settings score_pair compares with
        tokens, queries, scores = self._score_table(name, ids, token_scores)
        position = self._positions(tokens)
        # A part meets a listed joined pair, and a joined pair a listed part, only as a
        # compound, which compare scores only where the two may be one (compound_score).
        compound_scores = np.zeros_like(scores)
        parts = name.names
        possible = scores >= settings.compound_threshold
        possible[: len(parts)] &= self._token_joined[tokens]
        for row, column in zip(*np.nonzero(possible), strict=True):
            compound_scores[row, column] = compound_score(
                queries[int(row)], self._tokens[int(tokens[column])], settings
            )
        weights = np.asarray(name.weights, dtype=np.float64)
        bits = np.asarray([part.bits for part in parts], dtype=np.float64)
        optional = np.asarray([part.optional for part in parts], dtype=np.bool_)
        join_first = np.asarray([index for index, _ in name.joins], dtype=np.int64)

        def scores_of(chunk: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
            found: npt.NDArray[np.float64] = name_scores(
                chunk,
                self._name_tokens,
                self._listed_weight,
                self._listed_bits,
                self._listed_optional,
                position,
                scores,
                compound_scores,
                weights,
                bits,
                optional,
                join_first,
                float(name.total_weight),
                settings.compound_threshold,
                settings.compound_search_below,
                settings.conflict_penalty,
                settings.unmatched_candidate_penalty,
                settings.evidence_floor,
                settings.evidence_scale_bits,
            )
            return found

        return _split(scores_of, ids)

    def __len__(self) -> int:
        return len(self.entries)

    def _block(self, key: str) -> npt.NDArray[np.int32] | None:
        """The sorted positions of the entries holding blocking ``key`` (None if none)."""
        number = self._key_ids.get(key)
        if number is None:
            return None
        block: npt.NDArray[np.int32] = self._postings[
            self._block_offsets[number] : self._block_offsets[number + 1]
        ]
        return block

    def candidates(self, traveller: PreparedTraveller, threshold: float | None = None) -> list[int]:
        """Positions of the entries worth scoring for this traveller.

        An entry is a candidate when it shares keys with name parts carrying at least
        ``min_cover`` of the name's weight (a listed name sharing only a common given name
        cannot reach the review band), or has the same document number. When the parts'
        blocks would bring in more than ``pool_limit`` entries (a name made of common
        parts, Yang Yan Ng), the share is ``threshold`` instead (default: the review
        threshold): the parts not sharing a key could then only be matched by spelling, and
        a name this common is not found by a typo alone.
        """
        found: list[int] = self._candidates(traveller, threshold).tolist()
        return found

    def _candidates(
        self, traveller: PreparedTraveller, threshold: float | None = None
    ) -> npt.NDArray[np.int64]:
        """:meth:`candidates` as a sorted array."""
        documented = np.zeros(0, dtype=np.int64)
        if traveller.document:
            block = self._block("d:" + traveller.document)
            if block is not None:
                documented = block.astype(np.int64)
        parts = traveller.name.names
        named = [i for i, part in enumerate(parts) if not part.is_initial]
        total = sum(parts[i].weight for i in named)
        if not named or total <= 0:
            return documented

        offsets = self._block_offsets

        def blocks_of(keys: set[str]) -> list[tuple[int, int, bool]]:
            """The blocks of ``keys`` (number, size), each with whether its weight is capped
            (a short skeleton key's)."""
            found: list[tuple[int, int, bool]] = []
            for k in sorted(keys):
                number = self._key_ids.get(k)
                if number is None:
                    continue
                size = int(offsets[number + 1] - offsets[number])
                if size <= self.block_cap:
                    capped = k.startswith("k:") and len(k) - 2 < _CAPPED_SKELETON_LENGTH
                    found.append((number, size, capped))
            return found

        # Each part counts once: an entry covers a part when it shares a key with the part
        # or with a joined pair holding it (Abdul Aziz / Abdulaziz covers both words).
        # Parts that share a key (Ali Ali, Marco Marko, Asha Aisha) count once, at the
        # heaviest: one listed Marco covers both, but aligns with one.
        alike, alike_keys = _alike_parts(parts, named)
        part_blocks = {i: blocks_of(alike_keys[i]) for i in alike}
        owner = {j: i for i, members in alike.items() for j in members}
        for index, joined in traveller.name.joins:
            if index in owner and index + 1 in owner:
                shared = blocks_of(_part_keys(joined, (parts[index], parts[index + 1])))
                for i in {owner[index], owner[index + 1]}:
                    part_blocks[i] = part_blocks[i] + shared
        # What sharing a key is worth: the part's weight, but for a two-letter skeleton key
        # no more than the key's own weight in the list (a rare name whose only shared key is
        # a skeleton held by thousands, Sima/Sam by SM, is no evidence that the two are one
        # name; a shared reading, group, familiar form or longer skeleton is).
        cover_blocks: list[tuple[float, int, list[tuple[int, float]]]] = []
        for i, keyed in part_blocks.items():
            weight = max(parts[j].weight for j in alike[i])
            capped = [
                (number, min(weight, self._key_weight(size)) if capped_key else weight)
                for number, size, capped_key in keyed
            ]
            if capped:
                cover_blocks.append(
                    (max(cap for _, cap in capped), sum(size for _, size, _ in keyed), capped)
                )
        # Prefix filter: an entry that shares no key with the seed parts (the smallest
        # blocks first, until the other parts' weights cannot reach the share needed) cannot
        # be a candidate, so the large blocks of common names are only probed, never gathered.
        ordered = sorted(cover_blocks, key=lambda c: c[1])

        def seeds_for(needed: float) -> tuple[list[int], int]:
            remaining = sum(weight for weight, _, _ in cover_blocks)
            seeds: list[int] = []
            size = 0
            for weight, held, capped in ordered:
                if remaining + _SLACK < needed:
                    break
                seeds.extend(number for number, _ in capped)
                size += held
                remaining -= weight
            return seeds, size

        # Alike parts count once, so the share needed is capped at what an entry can cover
        # (Almaz Almaz Selamawit listed as written covers Almaz once).
        reachable = sum(max(parts[j].weight for j in members) for members in alike.values())
        needed = min(self.min_cover * total, reachable)
        seeds, size = seeds_for(needed)
        if size > self.pool_limit:
            strict = self.settings.review_threshold if threshold is None else threshold
            if strict > self.min_cover:
                needed = min(strict * total, reachable)
                seeds, size = seeds_for(needed)
        if seeds:
            numbers = [number for _, _, capped in cover_blocks for number, _ in capped]
            chosen = covering(
                self._postings,
                offsets,
                np.asarray(numbers, dtype=np.int64),
                np.asarray(
                    [cap for _, _, capped in cover_blocks for _, cap in capped], dtype=np.float64
                ),
                np.repeat(
                    np.arange(len(cover_blocks), dtype=np.int64),
                    [len(capped) for _, _, capped in cover_blocks],
                ),
                np.asarray(seeds, dtype=np.int64),
                needed - _SLACK,
            ).astype(np.int64)
            return np.union1d(chosen, documented) if len(documented) else chosen
        return documented

    def _key_weight(self, holders: int) -> float:
        """The weight of a key held by ``holders`` entries, as ``filet.names`` weighs a token
        by its frequency: its information, log2(list size / holders), over the information of
        a token not in the frequency table. The list counts as a million entries at least:
        in a smaller list a handful of holders says little about how common a key is."""
        size = max(len(self.entries), _REFERENCE_LIST_SIZE)
        return min(1.0, math.log2(size / max(holders, 1)) / self._reference_bits)

    def _live_token_scores(
        self, part: NamePart, tokens: npt.NDArray[np.int32], upper: _UpperScores
    ) -> npt.NDArray[np.float64]:
        """As :meth:`_token_scores`, for tokens among those ``upper`` was computed for: a
        token whose upper bound is 0 scores 0 (:meth:`_TokenVocabulary.may_match` would not
        let it through either), the others are scored (cached across travellers)."""
        assert upper.tokens is not None
        bound = upper.rows[id(part)][np.searchsorted(upper.tokens, tokens)]
        out = np.zeros(len(tokens), dtype=np.float64)
        live = np.flatnonzero(bound > 0)
        if not len(live):
            return out
        row = self._score_row(part)
        wanted: list[int] = tokens[live].tolist()
        settings = DEFAULT_SETTINGS  # the name settings score_pair compares with
        vocabulary = self._vocabulary
        for token in wanted:
            if token not in row:
                row[token] = score_parts(part, vocabulary.tokens[token], settings)[0]
        out[live] = np.fromiter(
            (row[token] for token in wanted), dtype=np.float64, count=len(wanted)
        )
        return out

    def _worth_scoring(
        self, prepared: PreparedTraveller, threshold: float
    ) -> list[tuple[int, float | None]]:
        """Candidates whose name score reaches ``threshold`` (or that share the traveller's
        document number), each with its best name score (below the threshold or None: not
        computed)."""
        chosen = self._candidates(prepared, threshold)
        if not len(chosen) or threshold <= 0:
            return [(position, None) for position in chosen.tolist()]
        starts = self._entry_offsets[chosen]
        ends = self._entry_offsets[chosen + 1]
        lengths = ends - starts
        owner = np.repeat(np.arange(len(chosen)), lengths)
        firsts = np.cumsum(lengths) - lengths
        flat = (
            np.arange(int(lengths.sum())) - np.repeat(firsts, lengths) + np.repeat(starts, lengths)
        )
        name_ids = self._entry_name_ids[flat]
        unique_names, inverse = np.unique(name_ids, return_inverse=True)
        # First a bound from upper bounds of the token scores, computed for all tokens at
        # once (no part pair scored one by one); the exact token scores, and from them the
        # exact name scores, only for the names that pass it.
        bounds = np.zeros(len(unique_names), dtype=np.float64)
        upper = _UpperScores(self._vocabulary, prepared.name)
        refine = threshold - _SLACK
        passing = self._bounds(prepared.name, unique_names, upper, refine) >= refine
        if passing.any():
            bounds[passing] = self._name_scores(
                prepared.name,
                unique_names[passing],
                lambda part, tokens: self._live_token_scores(part, tokens, upper),
            )
        bounds = bounds[inverse]
        per_entry = np.zeros(len(chosen), dtype=np.float64)
        np.maximum.at(per_entry, owner, bounds)
        keep = per_entry >= threshold - _SLACK
        if prepared.document:
            block = self._block("d:" + prepared.document)
            if block is not None:
                keep |= np.isin(chosen, block)
        return list(zip(chosen[keep].tolist(), per_entry[keep].tolist(), strict=True))

    def _score(self, prepared: PreparedTraveller, threshold: float) -> list[ScreeningMatch]:
        """Name scores first (from :meth:`_worth_scoring`, or compared once per listed name);
        the full evidence only for entries whose name score reaches ``threshold`` (the other
        features only subtract) or that share the traveller's document number."""
        scores: dict[int, float] = {}
        comparisons: dict[int, NameComparison] = {}
        matches: list[ScreeningMatch] = []
        for position, known in self._worth_scoring(prepared, threshold):
            entry = self.entries[position]
            if not (prepared.document and prepared.document == entry.document):
                if known is not None and known >= threshold:
                    best = known
                else:
                    best = 0.0
                    for name in entry.names:
                        score = scores.get(id(name))
                        if score is None:
                            score = scores[id(name)] = compare_score(prepared.name, name)
                        best = max(best, score)
                if best < threshold or pair_score(prepared, entry, self.settings, best) < threshold:
                    continue
            # The explained comparison only for the entries kept.
            matches.append(score_pair(prepared, entry, self.settings, comparisons))
        kept = [m for m in matches if m.score >= threshold]
        kept.sort(key=lambda m: (-m.score, m.entry.list_name, m.entry.entry_key))
        return kept

    def screen(self, traveller: Traveller, threshold: float | None = None) -> list[ScreeningMatch]:
        """The online path: one traveller's matches at or above ``threshold`` (default: review)."""
        limit = self.settings.review_threshold if threshold is None else threshold
        return self._score(prepare_traveller(traveller), limit)

    def screen_many(
        self,
        travellers: Iterable[Traveller],
        threshold: float | None = None,
        workers: int = 1,
    ) -> Iterator[tuple[Traveller, list[ScreeningMatch]]]:
        """The batch path: a flight or a file; each distinct name is analysed once.

        With ``workers`` > 1 the travellers are screened in that many forked processes sharing
        this index (copy-on-write); results come back in the travellers' order, with the same
        scores as one process.
        """
        limit = self.settings.review_threshold if threshold is None else threshold
        if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            yield from self._screen_forked(travellers, limit, workers)
            return
        analysed: dict[tuple[str | None, ...], PreparedTraveller] = {}
        for traveller in travellers:
            key = (
                traveller.given_names,
                traveller.surname,
                traveller.full_name,
                traveller.nationality,
            )
            shared = analysed.get(key)
            if shared is None:
                shared = prepare_traveller(traveller)
                analysed[key] = shared
            prepared = PreparedTraveller(
                traveller,
                shared.name,
                PartialDate.parse(traveller.birth_date),
                normalise_document(traveller.document_number),
            )
            yield traveller, self._score(prepared, limit)

    def _screen_forked(
        self, travellers: Iterable[Traveller], limit: float, workers: int
    ) -> Iterator[tuple[Traveller, list[ScreeningMatch]]]:
        global _FORKED_INDEX
        chunks: list[list[Traveller]] = []
        chunk: list[Traveller] = []
        for traveller in travellers:
            chunk.append(traveller)
            if len(chunk) == _CHUNK:
                chunks.append(chunk)
                chunk = []
        if chunk:
            chunks.append(chunk)
        _FORKED_INDEX = self
        try:
            context = multiprocessing.get_context("fork")
            with context.Pool(workers) as pool:
                for done in pool.imap(_screen_chunk, [(c, limit) for c in chunks]):
                    yield from done
        finally:
            _FORKED_INDEX = None


def _part_keys(part: NamePart, pair: tuple[NamePart, NamePart] | None = None) -> set[str]:
    """The index's blocking keys of one name part, or of the joined ``pair`` it is made of:
    its groups, its familiar-form groups (James and Jim, which share no skeleton), its
    consonant-skeleton keys and, where a skeleton says too little, its readings (``f:``).
    Unlike ``filet.names.name_keys``:

    - a Chinese syllable is keyed by its readings only: syllables match only when read alike
      (``filet.names`` scores Yan/Jun/Chun 0 although they share the skeleton AN), and their
      skeleton keys are blocks of tens of thousands of entries at a million;
    - a part whose skeleton keys are shorter than four letters (Ali, Yao, Xiuying) is also
      keyed by its readings, so that a joined pair read the same way finds it;
    - a joined pair is keyed by those of its skeleton keys that have four letters or more
      and are not a key of either word (two words make a long word, and a shorter skeleton
      of one, Chun Waao read jun-waao AN or Jerome Ma ARM, is a syllable's or a single
      word's, which would bring in everyone named Yan or Jerome), or by its readings when it
      has none (Xiu Ying / Xiuying).
    """
    keys = {f"g:{symbol}" for symbol in part.symbols}
    keys.update(f"n:{group}" for group in part.nicknames)
    readings = {f"f:{form}" for form in part.forms | {part.form}}
    if pair is not None:
        own = pair[0].keys | pair[1].keys
        long = {f"k:{k}" for k in part.keys if len(k) >= 4 and k not in own}
        # Readings only for a pair of short words (Xiu Ying / Xiuying): millions of joined
        # readings of longer names would each be a block of one.
        return keys | (long or readings)
    if part.syllable:
        return keys | readings
    keys.update(f"k:{k}" for k in part.keys if len(k) >= 2)
    if max((len(k) for k in part.keys), default=0) < 4:
        keys |= readings
    return keys


def _alike_parts(
    parts: tuple[NamePart, ...], named: list[int]
) -> tuple[dict[int, list[int]], dict[int, set[str]]]:
    """The parts ``named`` grouped by shared index keys (transitively), each group under its
    first part, and each group's keys."""
    groups: dict[int, list[int]] = {}
    group_keys: dict[int, set[str]] = {}
    for i in named:
        keys = _part_keys(parts[i])
        joining = [g for g, found in group_keys.items() if not found.isdisjoint(keys)]
        if not joining:
            groups[i], group_keys[i] = [i], set(keys)
            continue
        first = joining[0]
        groups[first].append(i)
        group_keys[first] |= keys
        for other in joining[1:]:
            groups[first].extend(groups.pop(other))
            group_keys[first] |= group_keys.pop(other)
        groups[first].sort()
    return groups, group_keys


def _name_keys(name: AnalysedName) -> set[str]:
    """The index's blocking keys of a listed name: :func:`_part_keys` of every part that is
    not an initial, and of every adjacent pair joined."""
    keys: set[str] = set()
    for part in name.names:
        if not part.is_initial:
            keys.update(_part_keys(part))
    for index, joined in name.joins:
        keys.update(_part_keys(joined, (name.names[index], name.names[index + 1])))
    return keys


_CHUNK = 500  # travellers per task of a forked batch
_FORKED_INDEX: WatchlistIndex | None = None


def _screen_chunk(
    task: tuple[list[Traveller], float],
) -> list[tuple[Traveller, list[ScreeningMatch]]]:
    """A forked worker's task: the index is the parent's, inherited at fork."""
    global _similarity_threads
    travellers, limit = task
    assert _FORKED_INDEX is not None
    _similarity_threads = 1  # the other cores run the other workers
    return list(_FORKED_INDEX.screen_many(travellers, limit))


class _UpperScores:
    """Upper bounds of one traveller's part scores against a set of tokens, computed for all
    its parts and joined pairs at the first call (every call of one :meth:`_bounds` passes
    the same tokens)."""

    def __init__(self, vocabulary: _TokenVocabulary, name: AnalysedName) -> None:
        self.vocabulary = vocabulary
        self.parts = [*name.names, *(joined for _, joined in name.joins)]
        self.joined = [False] * len(name.names) + [True] * len(name.joins)
        self.rows: dict[int, npt.NDArray[np.float64]] = {}
        self.tokens: npt.NDArray[np.int32] | None = None

    def __call__(self, part: NamePart, tokens: npt.NDArray[np.int32]) -> npt.NDArray[np.float64]:
        if self.tokens is not tokens:
            table = self.vocabulary.upper_table(self.parts, tokens, DEFAULT_SETTINGS, self.joined)
            self.rows = {id(p): row for p, row in zip(self.parts, table, strict=True)}
            self.tokens = tokens
        return self.rows[id(part)]


class _TokenVocabulary:
    """The listed name tokens, with what tells cheaply which of them a part may match at all.

    :func:`filet.names.score_parts` gives a score above 0 only when the two parts share a
    reading, a group symbol, a hypocoristic group or a consonant-skeleton key, when the query's
    cognates include the token's group, when one is an initial, when their string similarity
    (mean of Jaro-Winkler and normalised Levenshtein over their readings) reaches
    ``fuzzy_threshold``, or when the Jaro-Winkler similarity of their skeleton keys reaches
    ``skeleton_fuzzy_threshold``. The shared features are looked up in each token's compressed list of feature ids (compiled) and the
    similarities computed for all tokens at once with RapidFuzz ``cdist`` (C, not one Python
    call per pair); a token passing none of these tests scores 0 without being compared.
    """

    def __init__(self, tokens: list[NamePart], single: npt.NDArray[np.bool_]) -> None:
        self.tokens = tokens
        self.single = single  # whether each token is some listed name's part (not only a pair)
        feature_ids: dict[str, int] = {}
        token_features: list[int] = []
        feature_counts: list[int] = []
        forms: list[str] = []
        keys: list[str] = []
        form_counts: list[int] = []
        key_counts: list[int] = []
        for token in tokens:
            readings = sorted(token.forms | {token.form})
            forms.extend(readings)
            form_counts.append(len(readings))
            keys.extend(sorted(token.keys))
            key_counts.append(len(token.keys))
            own = sorted(
                {
                    feature_ids.setdefault(feature, len(feature_ids))
                    for feature in (
                        *(f"f:{form}" for form in readings),
                        *(f"s:{symbol}" for symbol in token.symbols),
                        *(f"n:{nickname}" for nickname in token.nicknames),
                        *(f"k:{key}" for key in token.keys),
                    )
                }
            )
            token_features.extend(own)
            feature_counts.append(len(own))
        # Each token's readings, keys and feature ids as compressed lists.
        self._strings = (_Strings(forms, form_counts), _Strings(keys, key_counts))
        self._feature_ids = feature_ids
        self._token_features = np.asarray(token_features, dtype=np.int32)
        self._feature_offsets = np.concatenate(
            ([0], np.cumsum(np.asarray(feature_counts, dtype=np.int64)))
        ).astype(np.int64)
        self._is_initial = np.asarray([token.is_initial for token in tokens], dtype=np.bool_)
        self._abjad = np.asarray([token.abjad for token in tokens], dtype=np.bool_)
        self._named = np.asarray([bool(token.symbols) for token in tokens], dtype=np.bool_)
        self._syllable = np.asarray([token.syllable for token in tokens], dtype=np.bool_)
        self._part_features: dict[
            tuple[str, str], tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]
        ] = {}

    def _related(self, part: NamePart, chosen: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        """For each token of ``chosen``, whether it shares a reading, group, hypocoristic group
        or key with ``part`` (or its group is one of the part's cognates), or is an initial.
        Two Chinese syllables match only when read alike (or grouped): between them a shared
        key does not count."""
        key = (part.text, part.form)
        wanted = self._part_features.get(key)
        if wanted is None:
            if len(self._part_features) > _ROW_CACHE_LIMIT:
                self._part_features.clear()
            named = {
                self._feature_ids.get(feature, -1)
                for feature in (
                    *(f"f:{form}" for form in part.forms | {part.form}),
                    *(f"s:{symbol}" for symbol in part.symbols | part.cognates),
                    *(f"n:{nickname}" for nickname in part.nicknames),
                )
            }
            keyed = named | {self._feature_ids.get(f"k:{key}", -1) for key in part.keys}
            named.discard(-1)
            keyed.discard(-1)
            every = np.asarray(sorted(keyed), dtype=np.int32)
            wanted = self._part_features[key] = (
                every,
                np.asarray(sorted(named), dtype=np.int32) if part.syllable else every,
            )
        related: npt.NDArray[np.bool_] = shares_feature(
            chosen,
            self._feature_offsets,
            self._token_features,
            self._is_initial,
            self._syllable,
            wanted[0],
            wanted[1],
        )
        return related

    def upper_scores(
        self,
        part: NamePart,
        tokens: npt.NDArray[np.int32],
        settings: NameMatchSettings,
        joined: bool = False,
    ) -> npt.NDArray[np.float64]:
        """For each token, an upper bound of ``score_parts(part, token)`` (see
        :meth:`upper_table`)."""
        row: npt.NDArray[np.float64] = self.upper_table([part], tokens, settings, [joined])[0]
        return row

    def upper_table(
        self,
        parts: list[NamePart],
        tokens: npt.NDArray[np.int32],
        settings: NameMatchSettings,
        joined: list[bool] | None = None,
    ) -> npt.NDArray[np.float64]:
        """For each part and token, an upper bound of ``score_parts(part, token)``: 1 for a
        token sharing a reading, group, hypocoristic group or key (or an initial); otherwise
        what the rules left can give, from the string similarities computed with one RapidFuzz
        ``cdist`` per scorer for each group of alike parts (written with or without vowels,
        known name or not) and the tokens a rule applies to: the readings' similarity or the
        known-apart cap when it reaches ``fuzzy_threshold``, the skeleton similarity times
        ``skeleton_score`` when it reaches ``skeleton_fuzzy_threshold``, else 0.

        A part flagged in ``joined`` (a traveller's joined pair) only ever meets a listed part
        (never a listed joined pair), as a compound, from ``compound_threshold`` up: its bound
        is only kept there (0 elsewhere, where the real score may be above 0 but is never
        used), which lets the similarities be computed with a higher cutoff, for fewer
        tokens."""
        chosen = np.asarray(tokens, dtype=np.int64)
        upper = np.zeros((len(parts), len(chosen)), dtype=np.float64)
        flags = joined or [False] * len(parts)
        wanted = [number for number, part in enumerate(parts) if not part.is_initial]
        single = self.single[chosen]
        for number, part in enumerate(parts):
            if part.is_initial:
                upper[number] = 1.0
            else:
                upper[number] = self._related(part, chosen)
            if flags[number]:
                upper[number] *= single
        # Which rule of score_parts can score an unrelated pair: between two Chinese
        # syllables none; between two known names (of different groups) only the readings'
        # similarity, up to the known-apart cap; otherwise, where either is written without
        # vowels, only the skeletons' similarity, and where neither is, only the readings'.
        # So the traveller's parts, grouped by (without vowels, known name, joined pair,
        # syllable), are compared with those tokens only.
        forms, keys = self._strings
        abjad = self._abjad[chosen]
        named = self._named[chosen]
        syllables = self._syllable[chosen]
        groups: dict[tuple[bool, bool, bool, bool], list[int]] = {}
        for n in wanted:
            part = parts[n]
            group = (part.abjad, bool(part.symbols), flags[n], part.syllable)
            groups.setdefault(group, []).append(n)
        for (part_abjad, part_named, compound, syllable), members in groups.items():
            both_named = named if part_named else np.zeros(len(chosen), dtype=np.bool_)
            unvowelled = abjad | part_abjad
            # Two Chinese syllables are not compared by spelling at all; a joined pair only
            # with listed parts.
            spelled = ~syllables if syllable else np.ones(len(chosen), dtype=np.bool_)
            if compound:
                spelled &= single
            fuzzy_threshold = settings.fuzzy_threshold
            skeleton_threshold = settings.skeleton_fuzzy_threshold
            if compound:
                fuzzy_threshold = max(fuzzy_threshold, settings.compound_threshold)
                skeleton_threshold = max(
                    skeleton_threshold, settings.compound_threshold / settings.skeleton_score
                )
            for strings, queries, scorers, threshold, columns in (
                (
                    forms,
                    [sorted(parts[n].forms | {parts[n].form}) for n in members],
                    (JaroWinkler.normalized_similarity, Levenshtein.normalized_similarity),
                    fuzzy_threshold,
                    np.flatnonzero((both_named | ~unvowelled) & spelled),
                ),
                (
                    keys,
                    [sorted(parts[n].keys) for n in members],
                    (JaroWinkler.normalized_similarity,),
                    skeleton_threshold,
                    np.flatnonzero(~both_named & unvowelled & spelled),
                ),
            ):
                query = [text for texts in queries for text in texts]
                if not query or not len(columns):
                    continue
                if strings is forms:
                    # The mean of Jaro-Winkler and Levenshtein similarity is at most
                    # (1 + shorter / longer) / 2: strings too long or too short for every
                    # query string cannot reach the threshold and are not gathered.
                    ratio = 2 * (threshold - _SIMILARITY_SLACK) - 1
                    sizes = [len(text) for text in query]
                    longest = max(sizes) / ratio if ratio > 0 else math.inf
                    choices, lengths = strings.of_counted(
                        chosen[columns], math.ceil(min(sizes) * ratio - 1e-9), longest + 1e-9
                    )
                else:
                    choices, lengths = strings.of_counted(chosen[columns])
                if not choices:
                    continue
                similarity = _mean_similarity(query, choices, scorers, threshold)
                raise_to_similarity(
                    upper,
                    np.asarray(members, dtype=np.int64),
                    columns.astype(np.int64),
                    similarity,
                    _offsets([len(texts) for texts in queries]),
                    _offsets(lengths),
                    threshold - _SIMILARITY_SLACK,
                    settings.known_apart_cap if strings is forms and not compound else 0.0,
                    1.0 if strings is forms else settings.skeleton_score,
                    _SIMILARITY_SLACK,
                )
        return np.minimum(upper, 1.0)

    def may_match(
        self, part: NamePart, tokens: list[int], settings: NameMatchSettings
    ) -> list[bool]:
        """For each token, whether ``score_parts(part, token)`` may be above 0 (its upper
        bound, :meth:`upper_table`, is)."""
        chosen = np.asarray(tokens, dtype=np.int32)
        flags: list[bool] = (self.upper_table([part], chosen, settings)[0] > 0).tolist()
        return flags


class _Strings:
    """Strings of many owners as one array: owner ``i`` has
    ``strings[offsets[i]:offsets[i + 1]]``."""

    def __init__(self, strings: list[str], counts: list[int]) -> None:
        self.strings = np.asarray(strings, dtype=object)
        sizes = np.asarray(counts, dtype=np.int64)
        self.offsets = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
        self.sizes = np.asarray([len(text) for text in strings], dtype=np.int32)

    def of_counted(
        self, owners: npt.NDArray[np.int64], shortest: int = 0, longest: float = math.inf
    ) -> tuple[list[str], npt.NDArray[np.int64]]:
        """The strings of ``owners`` that are ``shortest`` to ``longest`` characters long,
        and how many of them each has."""
        starts = self.offsets[owners]
        lengths = self.offsets[owners + 1] - starts
        firsts = np.cumsum(lengths) - lengths
        flat = np.arange(int(lengths.sum())) - np.repeat(firsts - starts, lengths)
        if shortest > 0 or longest < math.inf:
            sizes = self.sizes[flat]
            fitting = (sizes >= shortest) & (sizes <= longest)
            owner = np.repeat(np.arange(len(owners)), lengths)
            flat = flat[fitting]
            lengths = np.bincount(owner[fitting], minlength=len(owners)).astype(np.int64)
        chosen: list[str] = self.strings[flat].tolist()
        return chosen, lengths


def _mean_similarity(
    query: list[str], choices: list[str], scorers: tuple[Any, ...], threshold: float
) -> npt.NDArray[np.float64]:
    """The mean of the scorers' similarities of each query string (rows) to each choice
    (columns); a similarity below what the mean needs to reach ``threshold`` counts 0.

    A large matrix (a common name's thousands of candidate tokens) is computed by
    ``_similarity_threads`` threads (RapidFuzz ``cdist`` releases the GIL): one traveller
    screened online has both cores; a forked batch worker keeps to one."""
    # The mean of the similarities reaches the threshold only if each reaches this.
    cutoff = max(0.0, len(scorers) * (threshold - _SIMILARITY_SLACK) - len(scorers) + 1)
    workers = _similarity_threads if len(query) * len(choices) >= _THREADED_PAIRS else 1
    # The last scorer (Levenshtein: its cutoff is a bound on the edit distance, so most pairs
    # are rejected early) first, over every choice; the others only for the choices some
    # query string reaches the cutoff with.
    *others, first = scorers
    similarity = cdist(
        query,
        choices,
        scorer=first,
        dtype=np.float64,
        score_cutoff=cutoff,
        workers=workers,
    )
    if others:
        alive = np.flatnonzero((similarity > 0).any(axis=0))
        if not len(alive):
            return similarity
        kept = [choices[column] for column in alive.tolist()]
        for scorer in others:
            found = cdist(
                query, kept, scorer=scorer, dtype=np.float64, score_cutoff=cutoff, workers=workers
            )
            similarity[:, alive] += found
            # A pair one scorer rejects cannot reach the mean either.
            similarity[:, alive] *= found > 0
    return similarity / len(scorers)


_THREADED_PAIRS = 20_000  # string pairs from which a similarity matrix is worth two threads
_THREADED_NAMES = 4_000  # candidate names from which the bound is worth two threads
_MARKED_TOKENS = 20_000  # token cells from which marking the vocabulary beats sorting them
_similarity_threads = min(2, os.cpu_count() or 1)
_pool: ThreadPoolExecutor | None = None


def _threads() -> ThreadPoolExecutor:
    """The one helper thread of the online path (made when first needed)."""
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="filet-screening")
    return _pool


def _split(
    compute: Callable[[npt.NDArray[np.int64]], npt.NDArray[np.float64]],
    ids: npt.NDArray[np.int64],
) -> npt.NDArray[np.float64]:
    """``compute(ids)``; a common name's thousands of candidate names half on the helper
    thread (the kernels release the GIL)."""
    if len(ids) < _THREADED_NAMES or _similarity_threads < 2:
        return compute(ids)
    half = len(ids) // 2
    other = _threads().submit(compute, ids[half:])
    return np.concatenate((compute(ids[:half]), other.result()))


def _offsets(counts: Any) -> npt.NDArray[np.int64]:
    """Offsets of consecutive runs of ``counts`` items (one more than there are runs)."""
    sizes = np.asarray(counts, dtype=np.int64)
    offsets: npt.NDArray[np.int64] = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    return offsets
