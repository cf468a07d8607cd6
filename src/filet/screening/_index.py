"""An in-memory watchlist index: candidate retrieval by blocking keys, then the scorer.

Every listed name (and alias) is analysed once; its blocking keys (``filet.names.name_keys``:
consonant skeletons and equivalence symbols, across scripts) and the document number point to the
entry. A traveller's candidates are the entries that share keys with
name parts carrying at least ``min_cover`` of the name's frequency weight (sharing only a common
given name cannot reach the review band, so such entries are not scored), and any entry with the
same document number; keys shared by more than ``block_cap`` entries are ignored. Only candidates are scored, so one traveller takes milliseconds against
a large list. Blocks are numpy arrays: a million entries fit in a few hundred megabytes.

Before the full, explained comparison, every candidate gets a cheap *upper bound* of its name
score, computed for all candidates at once with numpy: each distinct listed name is a row of
token ids (its parts and its adjacent parts joined), each traveller part is scored once against
each distinct token among the candidates (cached across travellers), and the bound is the
weighted sum of each traveller part's best token score, over the part weights that the score
divides by. One-to-one alignment, unmatched-part penalties and the evidence factor only lower the
real score, so an entry whose bound is below the threshold cannot reach it and is not compared
(unless it has the traveller's document number, which lifts a score): the result is exactly the
one of comparing every candidate. Identical listed names are analysed once.

The online path (:meth:`WatchlistIndex.screen`) and the batch path
(:meth:`WatchlistIndex.screen_many`) use the same retrieval, bound and scorer, so they give the
same scores; the batch path analyses each distinct traveller name once and may spread the
travellers over several processes.
"""

from __future__ import annotations

import multiprocessing
from collections import defaultdict
from collections.abc import Iterable, Iterator

import numpy as np
import numpy.typing as npt

from filet.names import (
    DEFAULT_SETTINGS,
    AnalysedName,
    NameComparison,
    NamePart,
    analyse,
    name_keys,
    score_parts,
)
from filet.screening._model import ListedPerson, ScreeningMatch, Traveller, normalise_document
from filet.screening._score import (
    PartialDate,
    PreparedEntry,
    PreparedTraveller,
    ScreeningSettings,
    prepare_traveller,
    score_pair,
)

DEFAULT_BLOCK_CAP = 200_000  # a key shared by more entries than this says nothing
DEFAULT_MIN_COVER = 0.5  # share of the name's weight a candidate must share keys with
_ROW_CACHE_LIMIT = 50_000  # traveller parts whose token scores are kept
_SLACK = 1e-9  # floating-point margin of the bound


class WatchlistIndex:
    """Listed persons of one or more watchlists, ready to screen travellers against."""

    def __init__(
        self,
        entries: Iterable[ListedPerson],
        settings: ScreeningSettings | None = None,
        block_cap: int = DEFAULT_BLOCK_CAP,
        min_cover: float = DEFAULT_MIN_COVER,
    ) -> None:
        self.settings = settings or ScreeningSettings.from_settings()
        self.block_cap = block_cap
        self.min_cover = min_cover
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
                blocking.update(name_keys(name))
            if prepared.document:
                blocking.add("d:" + prepared.document)
            for block_key in blocking:
                building[block_key].append(position)
        self._blocks: dict[str, npt.NDArray[np.int32]] = {
            key: np.asarray(positions, dtype=np.int32) for key, positions in building.items()
        }
        width = max((len(row) for row in name_tokens), default=1)
        self._name_tokens = np.full((len(name_tokens), max(width, 1)), -1, dtype=np.int32)
        for row_number, row in enumerate(name_tokens):
            self._name_tokens[row_number, : len(row)] = row
        # Entries' names as a compressed list: names of entry e are
        # _entry_name_ids[_entry_offsets[e]:_entry_offsets[e + 1]].
        counts = np.asarray([len(ids) for ids in entry_names], dtype=np.int64)
        self._entry_offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        self._entry_name_ids = np.asarray([i for ids in entry_names for i in ids], dtype=np.int32)
        self._token_bits = np.asarray([part.bits for part in self._tokens], dtype=np.float64)
        self._rows: dict[tuple[str, str], dict[int, float]] = {}

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

    def _token_scores(
        self, part: NamePart, tokens: npt.NDArray[np.int32]
    ) -> npt.NDArray[np.float64]:
        """The score of one traveller part against each listed token (cached across travellers)."""
        key = (part.text, part.form)
        row = self._rows.get(key)
        if row is None:
            if len(self._rows) > _ROW_CACHE_LIMIT:
                self._rows.clear()
            row = self._rows[key] = {}
        out = np.empty(len(tokens), dtype=np.float64)
        settings = DEFAULT_SETTINGS  # the name settings score_pair compares with
        for index, token in enumerate(tokens.tolist()):
            found = row.get(token)
            if found is None:
                found = row[token] = score_parts(part, self._tokens[token], settings)[0]
            out[index] = found
        return out

    def _bounds(
        self, name: AnalysedName, name_ids: npt.NDArray[np.int32]
    ) -> npt.NDArray[np.float64]:
        """An upper bound of the name score of ``name`` against each listed name: a bound of
        the matched share times a bound of the evidence factor (both only grow with part
        scores, and each part's best token is at least what alignment gives it)."""
        parts = name.names
        weights = name.weights
        floor = name.total_weight - sum(
            weight for part, weight in zip(parts, weights, strict=True) if part.optional
        )
        if not parts or floor <= 0:
            return np.ones(len(name_ids), dtype=np.float64)
        rows = self._name_tokens[name_ids]
        present = rows >= 0
        tokens, inverse = np.unique(rows[present], return_inverse=True)
        token_bits = self._token_bits[tokens]
        scores = np.zeros(rows.shape, dtype=np.float64)
        informed = np.zeros(rows.shape, dtype=np.float64)
        best: list[npt.NDArray[np.float64]] = []
        best_bits: list[npt.NDArray[np.float64]] = []
        for part in parts:
            row = self._token_scores(part, tokens)
            scores[present] = row[inverse]
            informed[present] = (row * np.minimum(token_bits, part.bits))[inverse]
            best.append(scores.max(axis=1))
            best_bits.append(informed.max(axis=1))
        matched = np.zeros(len(name_ids), dtype=np.float64)
        bits = np.zeros(len(name_ids), dtype=np.float64)
        for weight, value, value_bits in zip(weights, best, best_bits, strict=True):
            matched += weight * value
            bits += value_bits
        for index, joined in name.joins:
            row = self._token_scores(joined, tokens)
            pair_bits = max(parts[index].bits, parts[index + 1].bits)
            scores[present] = row[inverse]
            informed[present] = (row * np.minimum(token_bits, pair_bits))[inverse]
            pair = (weights[index] + weights[index + 1]) * scores.max(axis=1)
            separate = weights[index] * best[index] + weights[index + 1] * best[index + 1]
            matched += np.maximum(pair - separate, 0.0)
            bits += np.maximum(informed.max(axis=1) - best_bits[index] - best_bits[index + 1], 0.0)
        settings = DEFAULT_SETTINGS
        evidence = 1.0 - (1.0 - settings.evidence_floor) * np.exp(
            -bits / settings.evidence_scale_bits
        )
        bound: npt.NDArray[np.float64] = matched / floor * evidence
        return bound

    def __len__(self) -> int:
        return len(self.entries)

    def candidates(self, traveller: PreparedTraveller) -> list[int]:
        """Positions of the entries worth scoring for this traveller.

        An entry is a candidate when it shares keys with name parts carrying at least
        ``min_cover`` of the name's weight (a listed name sharing only a common given name
        cannot reach the review band), or has the same document number.
        """
        found: set[int] = set()
        if traveller.document:
            block = self._blocks.get("d:" + traveller.document)
            if block is not None:
                found.update(block.tolist())
        names = [p for p in traveller.name.names if not p.is_initial]
        total = sum(p.weight for p in names)
        if not names or total <= 0:
            return sorted(found)
        hits: list[npt.NDArray[np.int32]] = []
        weights: list[float] = []
        covers: list[tuple[float, frozenset[str], frozenset[str]]] = [
            (p.weight, p.keys, p.symbols) for p in names
        ]
        for index, joined in traveller.name.joins:
            first = traveller.name.names[index]
            second = traveller.name.names[index + 1]
            if not (first.is_initial or second.is_initial):
                covers.append((first.weight + second.weight, joined.keys, joined.symbols))
        for weight, skeletons, symbols in covers:
            keys = {f"k:{k}" for k in skeletons if len(k) >= 2} | {f"g:{s}" for s in symbols}
            blocks = [
                b
                for k in keys
                if (b := self._blocks.get(k)) is not None and len(b) <= self.block_cap
            ]
            if blocks:
                hits.append(np.unique(np.concatenate(blocks)))
                weights.append(weight)
        if hits:
            values, inverse = np.unique(np.concatenate(hits), return_inverse=True)
            per_hit = np.repeat(np.asarray(weights), [len(h) for h in hits])
            covered = np.bincount(inverse, weights=per_hit)
            found.update(values[covered >= self.min_cover * total].tolist())
        return sorted(found)

    def _worth_scoring(self, prepared: PreparedTraveller, threshold: float) -> list[int]:
        """Candidates whose name-score bound reaches ``threshold`` (or that share the
        traveller's document number)."""
        positions = self.candidates(prepared)
        if not positions or threshold <= 0:
            return positions
        chosen = np.asarray(positions, dtype=np.int64)
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
        bounds = self._bounds(prepared.name, unique_names)[inverse]
        per_entry = np.zeros(len(chosen), dtype=np.float64)
        np.maximum.at(per_entry, owner, bounds)
        keep = per_entry >= threshold - _SLACK
        if prepared.document:
            block = self._blocks.get("d:" + prepared.document)
            if block is not None:
                keep |= np.isin(chosen, block)
        kept: list[int] = chosen[keep].tolist()
        return kept

    def _score(self, prepared: PreparedTraveller, threshold: float) -> list[ScreeningMatch]:
        comparisons: dict[int, NameComparison] = {}
        matches = [
            score_pair(prepared, self.entries[position], self.settings, comparisons)
            for position in self._worth_scoring(prepared, threshold)
        ]
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


_CHUNK = 500  # travellers per task of a forked batch
_FORKED_INDEX: WatchlistIndex | None = None


def _screen_chunk(
    task: tuple[list[Traveller], float],
) -> list[tuple[Traveller, list[ScreeningMatch]]]:
    """A forked worker's task: the index is the parent's, inherited at fork."""
    travellers, limit = task
    assert _FORKED_INDEX is not None
    return list(_FORKED_INDEX.screen_many(travellers, limit))
