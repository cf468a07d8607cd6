"""Where the world goes: files written as the generator runs, never held whole in memory.

Every file is opened once, written row by row and closed at the end; byte-for-byte identical
output for the same seed depends on writing in a deterministic order (the generator guarantees
it) and on never writing clocks, hostnames or absolute paths.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import IO, Any

from filet.errors import ConfigError, Place

WATCHLIST_COLUMNS = (
    "id",
    "name",
    "aliases",
    "birth_date",
    "nationality",
    "sex",
    "document_number",
    "list",
    "reason",
)
LOST_STOLEN_COLUMNS = (
    "issuing_state",
    "document_number",
    "document_type",
    "status",
    "reported_date",
    "source",
    "number_to",
)

TRUTH_TABLES: dict[str, tuple[str, ...]] = {
    "persons": (
        "person_id",
        "kind",
        "nationality",
        "sex",
        "birth_date",
        "document_birth_date",
        "culture",
        "script",
        "native_name",
        "latin_name",
        "network_id",
        "operation_id",
        "group_id",
    ),
    "records": (
        "record_id",
        "source",
        "file",
        "identity_person_id",
        "physical_person_id",
        "operation_id",
        "group_id",
        "variations",
    ),
    "bookings": ("record_locator", "operation_id", "group_id", "kind", "split_group"),
    "operations": (
        "operation_id",
        "network_id",
        "modus_operandi",
        "route_id",
        "mode",
        "date",
        "migrants",
        "children",
        "intercepted",
        "aggravation",
        "trafficking",
        "crossing_point",
        "price_usd",
    ),
    "networks": ("network_id", "name", "region", "agency_iata", "organiser_person_id"),
    "facilitators": ("person_id", "network_id", "role", "phone", "card_number", "detail"),
    "watchlist": ("entry_id", "person_id", "listed_as", "relation"),
    "documents": (
        "document_id",
        "doc_type",
        "issuing_state",
        "document_number",
        "holder_person_id",
        "used_by_person_id",
        "fraud",
        "fraud_detail",
        "mrz_expectation",
        "operation_id",
    ),
    "vulnerable": ("person_id", "operation_id", "reasons"),
    "hard_negatives": ("group_id", "kind", "description", "members", "record_locators"),
    "intelligence": ("item_id", "true", "network_id", "operation_id", "about_person_ids"),
    "lost_stolen": ("issuing_state", "document_number", "reason", "person_id", "operation_id"),
    "mrz": ("mrz_id", "document_id", "doc_type", "document_number", "fraud", "mrz_expectation"),
}


class OutputFiles:
    """Open CSV/JSONL files under the output directory and the ``truth/`` folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        if root.exists() and any(root.iterdir()):
            raise ConfigError(
                "the output directory is not empty; choose a new one so that worlds do not mix",
                Place(file=str(root)),
            )
        (root / "truth").mkdir(parents=True, exist_ok=True)
        self._handles: list[IO[str]] = []
        self._folders: set[Path] = {root, root / "truth"}
        self.bytes_written = 0
        self.truth: dict[str, Any] = {}
        for table, columns in TRUTH_TABLES.items():
            self.truth[table] = self._csv(f"truth/{table}.csv", columns)
        self.watchlist = self._csv("watchlist.csv", WATCHLIST_COLUMNS)
        self.lost_stolen = self._csv("lost_stolen.csv", LOST_STOLEN_COLUMNS)
        self.watchlist_ftm = self.open_text("watchlist.ftm.jsonl")
        self.mrz = self.open_text("mrz.jsonl")
        self.intelligence = self.open_text("intelligence.jsonl")
        self.debriefings = self.open_text("debriefings.jsonl")

    def _folder(self, path: Path) -> None:
        if path.parent not in self._folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(path.parent)

    def open_text(self, relative: str) -> IO[str]:
        path = self.root / relative
        self._folder(path)
        handle = path.open("w", encoding="utf-8", newline="")
        self._handles.append(handle)
        return handle

    def _csv(self, relative: str, columns: tuple[str, ...]) -> Any:
        writer = csv.writer(self.open_text(relative), lineterminator="\n")
        writer.writerow(columns)
        return writer

    def truth_row(self, table: str, *values: object) -> None:
        self.truth[table].writerow(["" if v is None else v for v in values])

    @staticmethod
    def jsonl(handle: IO[str], obj: dict[str, Any]) -> None:
        handle.write(json.dumps(obj, ensure_ascii=False, sort_keys=True) + "\n")

    def write_text(self, relative: str, text: str) -> None:
        path = self.root / relative
        self._folder(path)
        data = text.encode("utf-8")
        with path.open("wb") as handle:
            handle.write(data)
        self.bytes_written += len(data)

    def close(self, other_bytes: int = 0) -> None:
        """Close every file; ``bytes_written`` counts them all, plus ``other_bytes`` written
        elsewhere (the flights' message files)."""
        for handle in self._handles:
            handle.close()
        self.bytes_written += sum(os.path.getsize(h.name) for h in self._handles) + other_bytes
