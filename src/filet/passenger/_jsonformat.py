"""PNR JSON: the booking model as a JSON document, for agencies whose systems do not speak
EDIFACT, and the JSON printed by ``filet passenger parse --json``.

The schema is the model itself (validated with pydantic over the dataclasses, unknown keys
rejected); ``docs/formats.md`` documents it with examples. Values the readers derive (normalised
names and contacts, masked card numbers, data-quality flags) are recomputed, whatever the file says.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter, ValidationError

from filet.errors import InputError, Place
from filet.passenger._model import CrossingRecord, FlightManifest, PnrMessage
from filet.passenger._pnrgov import complete_booking

PNR_JSON_FORMAT = "filet-pnr-json"
PNR_JSON_VERSION = 1

_MESSAGES = TypeAdapter(list[PnrMessage])
_MANIFESTS = TypeAdapter(list[FlightManifest])
_CROSSINGS = TypeAdapter(list[CrossingRecord])


def read_pnr_json(data: bytes | str) -> list[PnrMessage]:
    """Read a PNR JSON document (``{"format": "filet-pnr-json", "version": 1, "messages": []}``)."""
    try:
        document = json.loads(data)
    except json.JSONDecodeError as error:
        raise InputError(
            f"not valid JSON: {error.msg}", Place(line=error.lineno, position=error.colno)
        ) from None
    except UnicodeDecodeError:
        raise InputError("PNR JSON must be UTF-8 text", Place(position=0)) from None
    except RecursionError:
        raise InputError("PNR JSON is nested too deeply", Place(line=1)) from None
    if not isinstance(document, dict):
        raise InputError("PNR JSON must be an object with a 'messages' list", Place(line=1))
    if document.get("format") != PNR_JSON_FORMAT:
        raise InputError(
            f"'format' must be {PNR_JSON_FORMAT!r}, found {document.get('format')!r}",
            Place(field="format"),
        )
    if document.get("version") != PNR_JSON_VERSION:
        raise InputError(
            f"'version' must be {PNR_JSON_VERSION}, found {document.get('version')!r}",
            Place(field="version"),
        )
    extra = set(document) - {"format", "version", "messages"}
    if extra:
        raise InputError(f"unknown keys {sorted(extra)}", Place(field=sorted(extra)[0]))
    try:
        messages = _MESSAGES.validate_python(document.get("messages"))
    except ValidationError as error:
        raise _input_error(error, "messages") from None
    for message in messages:
        for booking in message.bookings:
            complete_booking(booking)
    return messages


def write_pnr_json(messages: list[PnrMessage], indent: int | None = 2) -> str:
    """Write PNR messages as a PNR JSON document (the reader reads it back to equal messages)."""
    body = _MESSAGES.dump_python(messages, mode="json")
    document = {"format": PNR_JSON_FORMAT, "version": PNR_JSON_VERSION, "messages": body}
    return json.dumps(document, indent=indent, ensure_ascii=False) + "\n"


def parsed_document(
    detected: str,
    manifests: list[FlightManifest] | None = None,
    messages: list[PnrMessage] | None = None,
    crossings: list[CrossingRecord] | None = None,
) -> dict[str, Any]:
    """The JSON document ``filet passenger parse --json`` prints (documented in formats.md)."""
    return {
        "format": detected,
        "manifests": _MANIFESTS.dump_python(manifests or [], mode="json"),
        "pnr_messages": _MESSAGES.dump_python(messages or [], mode="json"),
        "crossings": _CROSSINGS.dump_python(crossings or [], mode="json"),
    }


def _input_error(error: ValidationError, root: str) -> InputError:
    first = error.errors()[0]
    path = ".".join(str(part) for part in (root, *first["loc"]))
    more = error.error_count() - 1
    suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    return InputError(f"{first['msg']}{suffix}", Place(field=path))


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of a PNR JSON document (``"pnr-json"``) or of the document printed by
    ``filet passenger parse --json`` (``"parse"``)."""
    definitions: dict[str, Any] = {}

    def hoist(schema: dict[str, Any]) -> dict[str, Any]:
        definitions.update(schema.pop("$defs", {}))
        return schema

    if kind == "pnr-json":
        properties: dict[str, Any] = {
            "format": {"const": PNR_JSON_FORMAT},
            "version": {"const": PNR_JSON_VERSION},
            "messages": hoist(_MESSAGES.json_schema()),
        }
        title = "filet PNR JSON"
    elif kind == "parse":
        properties = {
            "format": {"enum": ["paxlst", "pnrgov", "pnr-json", "crossing-csv"]},
            "manifests": hoist(_MANIFESTS.json_schema(mode="serialization")),
            "pnr_messages": hoist(_MESSAGES.json_schema(mode="serialization")),
            "crossings": hoist(_CROSSINGS.json_schema(mode="serialization")),
        }
        title = "filet passenger parse --json"
    else:
        raise ValueError(f"no schema named {kind!r} (pnr-json, parse)")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "type": "object",
        "required": list(properties),
        "additionalProperties": False,
        "properties": properties,
        "$defs": definitions,
    }
