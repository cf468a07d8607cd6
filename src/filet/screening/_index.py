"""An in-memory watchlist index: candidate retrieval by blocking keys, then the scorer.

Every listed name (and alias) is analysed once; its blocking keys (``filet.names.name_keys``:
consonant skeletons and equivalence symbols, across scripts) and the document number point to the
entry. A traveller's candidates are the entries that share keys with
name parts carrying at least ``min_cover`` of the name's frequency weight (sharing only a common
given name cannot reach the review band, so such entries are not scored), and any entry with the
same document number; keys shared by more than ``block_cap`` entries are ignored. Only candidates are scored, so one traveller takes milliseconds against
a large list. Blocks are numpy arrays: a million entries fit in a few hundred megabytes.

The online path (:meth:`WatchlistIndex.screen`) and the batch path
(:meth:`WatchlistIndex.screen_many`) use the same retrieval and the same scorer, so they give the
same scores; the batch path analyses each distinct traveller name once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

import numpy as np
import numpy.typing as npt

from filet.names import name_keys
from filet.screening._model import ListedPerson, ScreeningMatch, Traveller, normalise_document
from filet.screening._score import (
    PartialDate,
    PreparedEntry,
    PreparedTraveller,
    ScreeningSettings,
    prepare_entry,
    prepare_traveller,
    score_pair,
)

DEFAULT_BLOCK_CAP = 200_000  # a key shared by more entries than this says nothing
DEFAULT_MIN_COVER = 0.5  # share of the name's weight a candidate must share keys with


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
        for entry in entries:
            prepared = prepare_entry(entry)
            position = len(self.entries)
            self.entries.append(prepared)
            keys: set[str] = set()
            for name in prepared.names:
                keys.update(name_keys(name))
            if prepared.document:
                keys.add("d:" + prepared.document)
            for key in keys:
                building[key].append(position)
        self._blocks: dict[str, npt.NDArray[np.int32]] = {
            key: np.asarray(positions, dtype=np.int32) for key, positions in building.items()
        }

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

    def _score(self, prepared: PreparedTraveller, threshold: float) -> list[ScreeningMatch]:
        matches = [
            score_pair(prepared, self.entries[position], self.settings)
            for position in self.candidates(prepared)
        ]
        kept = [m for m in matches if m.score >= threshold]
        kept.sort(key=lambda m: (-m.score, m.entry.list_name, m.entry.entry_key))
        return kept

    def screen(self, traveller: Traveller, threshold: float | None = None) -> list[ScreeningMatch]:
        """The online path: one traveller's matches at or above ``threshold`` (default: review)."""
        limit = self.settings.review_threshold if threshold is None else threshold
        return self._score(prepare_traveller(traveller), limit)

    def screen_many(
        self, travellers: Iterable[Traveller], threshold: float | None = None
    ) -> Iterator[tuple[Traveller, list[ScreeningMatch]]]:
        """The batch path: a flight or a file; each distinct name is analysed once."""
        limit = self.settings.review_threshold if threshold is None else threshold
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
