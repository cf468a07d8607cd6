"""Which passenger-data format a file is in, from its first bytes (for ``filet ingest``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from filet.errors import InputError, Place
from filet.passenger._crossing import REQUIRED

Format = Literal["paxlst", "pnrgov", "pnr-json", "crossing-csv"]
_HEAD = 8192
_EDIFACT_START = re.compile(r"^(UNA.{6}\s*)?(UNB|UNG|UNH)", re.DOTALL)


def detect_format(source: bytes | str | Path) -> Format:
    """``"paxlst"``, ``"pnrgov"``, ``"pnr-json"`` or ``"crossing-csv"``.

    ``source`` is the content (bytes) or a path (``str`` or :class:`~pathlib.Path`). Only the
    first 8 KiB are read. Raises :class:`InputError` when the content is none of them.
    """
    if isinstance(source, bytes):
        head = source[:_HEAD]
        where = Place()
    else:
        path = Path(source)
        where = Place(file=str(path))
        try:
            with path.open("rb") as stream:
                head = stream.read(_HEAD)
        except OSError as error:
            raise InputError(f"cannot read the file: {error.strerror}", where) from None
    text = head.decode("latin-1").lstrip("\ufeff\xef\xbb\xbf \t\r\n")
    if _EDIFACT_START.match(text):
        una = text[3:9] if text.startswith("UNA") else ":+.? '"
        data_sep = re.escape(una[1])
        found = re.search(rf"UNH{data_sep}[^{data_sep}]*{data_sep}(PAXLST|PNRGOV)", text)
        if found is None:
            raise InputError(
                "EDIFACT, but no PAXLST or PNRGOV message header (UNH) in the first 8 KiB",
                where,
            )
        return "paxlst" if found.group(1) == "PAXLST" else "pnrgov"
    if text.startswith("{"):
        if re.search(r'"format"\s*:\s*"filet-pnr-json"', text):
            return "pnr-json"
        raise InputError("JSON, but not a PNR JSON document (no 'format': 'filet-pnr-json')", where)
    first_line = text.split("\n", 1)[0].strip().lower()
    columns = {c.strip().strip('"') for c in first_line.split(",")}
    if all(c in columns for c in REQUIRED):
        return "crossing-csv"
    raise InputError("not PAXLST, PNRGOV, PNR JSON or crossing CSV (see docs/formats.md)", where)
