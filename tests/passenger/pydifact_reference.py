"""The segment reader as it was built on pydifact's tokenizer: the reference our own tokenizer
(``filet.passenger._edifact.read_segments``) is checked against in ``test_tokenizer.py``."""

from __future__ import annotations

from pydifact.control.characters import Characters
from pydifact.exceptions import EDISyntaxError
from pydifact.token import Token
from pydifact.tokenizer import Tokenizer

from filet.errors import InputError, Place
from filet.passenger._edifact import (
    DEFAULT_UNA,
    Segment,
    _check_service_characters,
    _make_segment,
)


def read_segments_pydifact(text: str) -> tuple[str, list[Segment]]:
    """Cut EDIFACT text into segments with pydifact's tokenizer (the reader's first version)."""
    text = text.lstrip("\ufeff \t\r\n")
    service = DEFAULT_UNA
    if text.startswith("UNA"):
        service = text[3:9]
        _check_service_characters(service)
        text = text[9:]
    if "\n" not in service and "\r" not in service:
        text = text.replace("\r", "").replace("\n", "")
    text = text.lstrip(" ")
    characters = Characters.from_str("UNA" + service)
    terminator = service[5]
    segments: list[Segment] = []
    elements: list[list[str]] = []
    components: list[str] = [""]
    started = False
    tokens = Tokenizer().get_tokens(text, characters)
    content = Token.Type.CONTENT
    component_sep = Token.Type.COMPONENT_SEPARATOR
    data_sep = Token.Type.DATA_SEPARATOR
    try:
        for token in tokens:
            kind = token.type
            if kind is content:
                components[-1] += token.value
                started = True
            elif kind is component_sep:
                components.append("")
                started = True
            elif kind is data_sep:
                elements.append(components)
                components = [""]
                started = True
            else:
                elements.append(components)
                segments.append(_make_segment(elements, len(segments) + 1))
                elements, components, started = [], [""], False
    except EDISyntaxError as error:
        raise InputError(
            f"EDIFACT syntax error: {_pydifact_reason(error)}",
            _pending_place(elements, components, len(segments) + 1),
        ) from None
    if started:
        raise InputError(
            f"segment is not terminated by {terminator!r} (the message ends inside it)",
            _pending_place(elements, components, len(segments) + 1),
        )
    if not segments:
        raise InputError("no EDIFACT segments found", Place(segment=1))
    return service, segments


def _pydifact_reason(error: EDISyntaxError) -> str:
    text = str(error)
    if "Unexpected end" in text:
        return "the text ends inside this segment (no terminator, or a release character last)"
    prefix = "EDIFACT Syntax Error: "
    return text[len(prefix) :] if text.startswith(prefix) else text


def _pending_place(elements: list[list[str]], components: list[str], number: int) -> Place:
    first = elements[0] if elements else components
    tag = first[0][:3] if first and first[0] else None
    return Place(segment=number, tag=tag)
