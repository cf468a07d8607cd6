"""UN/EDIFACT syntax: service string advice, segments, envelopes, writing with release characters.

We use ``pydifact``'s :class:`~pydifact.tokenizer.Tokenizer` and
:class:`~pydifact.control.Characters` to cut the text into tokens (separators, release character).
We do not use its ``Parser``/``Segment`` layer, for these reasons (pydifact 0.2):

- ``Parser.parse`` looks for a ``UNA`` anywhere in the text (``find("'UNA")``), so a released
  apostrophe followed by ``UNA`` inside data (``RFF+AVF:X?'UNA...``) is taken as a new service
  string advice and everything before it is silently dropped; we accept ``UNA`` only at the start.
- Its errors are ``ValueError``, ``ValidationError`` or ``EDISyntaxError`` without the segment
  number or tag; we need :class:`filet.errors.InputError` naming segment number, tag and reason.
- It validates segments against directory XML files it does not ship (a warning per segment) and
  turns composites into ``str``-or-``list`` values; we want one uniform shape: a segment is a tag
  and a list of elements, each a list of component strings.
- Its tokenizer refuses a line break after the release character and keeps line breaks inside a
  segment as data; airline systems wrap long lines at a fixed width, and no EDIFACT character set
  used for API/PNR (UNOA/UNOB/UNOC/UNOY) carries data line breaks, so we remove CR and LF first
  (unless the ``UNA`` makes one of them a service character; pydifact then still refuses a
  released line break, so values with line breaks cannot be sent and our writer refuses them).

The tokenizer reads character by character and is most of the parse time (about 35,000 segments
a second on the project machine; ``benchmarks/bench_passenger_parse.py`` measures it).

Envelopes (``UNB``/``UNZ``, ``UNG``/``UNE``, ``UNH``/``UNT``) are checked here: references must
match and counts must be right, or the whole interchange is rejected.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pydifact.control.characters import Characters
from pydifact.exceptions import EDISyntaxError
from pydifact.token import Token
from pydifact.tokenizer import Tokenizer

from filet.errors import InputError, Place
from filet.passenger._normalise import is_digits

DEFAULT_UNA = ":+.? '"


@dataclass(slots=True)
class Segment:
    """One segment: its tag, its elements (each a list of components) and its 1-based position
    in the interchange (the ``UNA`` service string advice is not counted)."""

    tag: str
    elements: list[list[str]]
    number: int

    def get(self, element: int, component: int = 0) -> str | None:
        """The value at ``element`` (0 = first after the tag) and ``component``; ``None`` if
        absent or empty."""
        if element >= len(self.elements):
            return None
        parts = self.elements[element]
        if component >= len(parts):
            return None
        value = parts[component]
        return value if value != "" else None

    def element(self, element: int) -> list[str]:
        return self.elements[element] if element < len(self.elements) else []

    def place(self, field: str | None = None) -> Place:
        return Place(segment=self.number, tag=self.tag, field=field)


@dataclass(slots=True)
class Message:
    """One ``UNH`` ... ``UNT`` message: header facts and the segments between them."""

    ref: str
    message_type: str
    version: str
    release: str
    agency: str
    association_code: str | None
    common_access_ref: str | None
    sequence_number: int | None
    sequence_indicator: str | None
    header: Segment
    body: list[Segment]


@dataclass(slots=True)
class Interchange:
    """A whole interchange: control characters, ``UNB`` facts and its messages."""

    characters: str
    syntax: str | None = None
    sender: str | None = None
    recipient: str | None = None
    prepared: str | None = None
    ref: str | None = None
    group_type: str | None = None
    messages: list[Message] = field(default_factory=list)


def decode(data: bytes | str) -> str:
    """EDIFACT text from bytes: UTF-8 if it decodes, Latin-1 otherwise (UNOB/UNOC senders)."""
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def read_segments(text: str) -> tuple[str, list[Segment]]:
    """Cut EDIFACT text into segments; returns the six service characters and the segments.

    Raises :class:`InputError` naming the segment number and tag for any syntax error.
    """
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


def _check_service_characters(service: str) -> None:
    place = Place(segment=0, tag="UNA")
    if len(service) != 6:
        raise InputError("UNA must be followed by exactly six service characters", place)
    used = [service[0], service[1], service[3], service[5]]
    if len(set(used)) != 4:
        raise InputError("UNA separators, release character and terminator must all differ", place)
    if any(ch.isalnum() for ch in used):
        raise InputError("UNA service characters must not be letters or digits", place)


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


def _make_segment(elements: list[list[str]], number: int) -> Segment:
    head = elements[0]
    tag = head[0]
    if len(head) != 1 or len(tag) != 3 or not tag.isalnum() or not tag.isupper():
        shown = ":".join(head)[:20]
        raise InputError(
            f"segment tag must be three upper-case letters, found {shown!r}",
            Place(segment=number, tag=tag[:3] or None),
        )
    return Segment(tag, elements[1:], number)


def read_interchange(data: bytes | str) -> Interchange:
    """Read and check the envelopes of an EDIFACT interchange.

    ``UNB``/``UNZ`` and ``UNG``/``UNE`` are optional (some feeds send bare messages); when present
    their references and counts must match. Every ``UNH`` needs its ``UNT`` with the right
    segment count and reference.
    """
    service, segments = read_segments(decode(data))
    interchange = Interchange(characters=service)
    index = 0
    count = len(segments)
    unb: Segment | None = None
    if segments[0].tag == "UNB":
        unb = segments[0]
        interchange.syntax = unb.get(0, 0)
        interchange.sender = unb.get(1, 0)
        interchange.recipient = unb.get(2, 0)
        prepared_date, prepared_time = unb.get(3, 0), unb.get(3, 1)
        interchange.prepared = f"{prepared_date or ''}:{prepared_time or ''}".strip(":") or None
        interchange.ref = unb.get(4, 0)
        index = 1
    groups = 0
    group: Segment | None = None
    group_messages = 0
    closed = False
    while index < count:
        segment = segments[index]
        tag = segment.tag
        if closed:
            raise InputError("segment after the interchange trailer UNZ", segment.place())
        if tag == "UNG":
            if group is not None:
                raise InputError("UNG inside an open group (UNE missing)", segment.place())
            group, group_messages = segment, 0
            interchange.group_type = segment.get(0, 0)
            groups += 1
            index += 1
        elif tag == "UNE":
            if group is None:
                raise InputError("UNE without UNG", segment.place())
            _check_count(segment, group_messages, "messages in the group")
            _check_ref(segment, 1, group.get(4, 0), "group reference (UNG)")
            group = None
            index += 1
        elif tag == "UNH":
            message, index = _read_message(segments, index)
            interchange.messages.append(message)
            group_messages += 1
        elif tag == "UNZ":
            if unb is None:
                raise InputError("UNZ without UNB", segment.place())
            if group is not None:
                raise InputError("UNZ before the group trailer UNE", segment.place())
            expected = groups if groups else len(interchange.messages)
            what = "groups" if groups else "messages"
            _check_count(segment, expected, f"{what} in the interchange")
            _check_ref(segment, 1, interchange.ref, "interchange reference (UNB)")
            closed = True
            index += 1
        else:
            raise InputError(
                f"segment {tag} outside a message (expected UNH, UNG, UNE or UNZ)",
                segment.place(),
            )
    last = segments[-1]
    if unb is not None and not closed:
        raise InputError("interchange trailer UNZ missing", last.place())
    if group is not None:
        raise InputError("group trailer UNE missing", last.place())
    if not interchange.messages:
        raise InputError("no message (UNH) in the interchange", last.place())
    return interchange


def _read_message(segments: list[Segment], start: int) -> tuple[Message, int]:
    header = segments[start]
    ref = header.get(0, 0)
    if ref is None:
        raise InputError("UNH has no message reference", header.place("0062"))
    message_type = header.get(1, 0)
    if message_type is None:
        raise InputError("UNH has no message type", header.place("0065"))
    end = start + 1
    count = len(segments)
    while end < count and segments[end].tag not in {"UNT", "UNH", "UNZ", "UNE", "UNG"}:
        end += 1
    if end >= count or segments[end].tag != "UNT":
        where = segments[end] if end < count else segments[-1]
        raise InputError(f"message {ref}: trailer UNT missing", where.place())
    trailer = segments[end]
    _check_count(trailer, end - start + 1, "segments in the message (UNH to UNT)")
    _check_ref(trailer, 1, ref, "message reference (UNH)")
    sequence_number: int | None = None
    raw_sequence = header.get(3, 0)
    if raw_sequence is not None:
        if not is_digits(raw_sequence):
            raise InputError(
                f"sequence of transfers must be a number, found {raw_sequence!r}",
                header.place("0070"),
            )
        sequence_number = int(raw_sequence)
    message = Message(
        ref=ref,
        message_type=message_type,
        version=header.get(1, 1) or "",
        release=header.get(1, 2) or "",
        agency=header.get(1, 3) or "",
        association_code=header.get(1, 4),
        common_access_ref=header.get(2, 0),
        sequence_number=sequence_number,
        sequence_indicator=header.get(3, 1),
        header=header,
        body=segments[start + 1 : end],
    )
    return message, end + 1


def _check_count(segment: Segment, expected: int, what: str) -> None:
    raw = segment.get(0, 0)
    if raw is None or not is_digits(raw):
        raise InputError(f"count of {what} missing or not a number", segment.place("0074"))
    if int(raw) != expected:
        raise InputError(
            f"count of {what} is {raw} but there are {expected}", segment.place("0074")
        )


def _check_ref(segment: Segment, element: int, expected: str | None, what: str) -> None:
    found = segment.get(element, 0)
    if expected is not None and found != expected:
        raise InputError(
            f"reference {found!r} does not match the {what} {expected!r}", segment.place()
        )


# --- writing --------------------------------------------------------------------------------------

Element = str | int | None | Sequence[str | int | None]


class SegmentWriter:
    """Builds EDIFACT text segment by segment, escaping with the release character.

    Trailing empty components and elements are left out, as the syntax rules require.
    """

    def __init__(self, service: str = DEFAULT_UNA, line_breaks: bool = True) -> None:
        _check_service_characters(service)
        self.service = service
        self._component, self._data, self._release, self._terminator = (
            service[0],
            service[1],
            service[3],
            service[5],
        )
        self._specials = {self._release, self._component, self._data, self._terminator}
        self._end = self._terminator + ("\n" if line_breaks else "")
        self.parts: list[str] = []
        self.count = 0

    def escape(self, value: str) -> str:
        if "\n" in value or "\r" in value:
            # readers drop line breaks (wrapped lines) and pydifact refuses a released one
            raise ValueError(f"an EDIFACT value cannot hold a line break: {value!r}")
        if not any(ch in self._specials for ch in value):
            return value
        return "".join(self._release + ch if ch in self._specials else ch for ch in value)

    def add(self, tag: str, *elements: Element) -> None:
        rendered: list[str] = []
        for element in elements:
            if element is None:
                rendered.append("")
            elif isinstance(element, str | int):
                rendered.append(self.escape(str(element)))
            else:
                comps = ["" if c is None else self.escape(str(c)) for c in element]
                while comps and comps[-1] == "":
                    comps.pop()
                rendered.append(self._component.join(comps))
        while rendered and rendered[-1] == "":
            rendered.pop()
        self.parts.append(self._data.join([tag, *rendered]) + self._end)
        self.count += 1

    def text(self, with_una: bool = True) -> str:
        head = "UNA" + self.service + ("\n" if self._end.endswith("\n") else "")
        return (head if with_una else "") + "".join(self.parts)


def write_interchange(
    messages: Iterable[tuple[str, Sequence[tuple[str, Sequence[Element]]], Sequence[Element]]],
    *,
    sender: str,
    recipient: str,
    prepared: tuple[str, str],
    ref: str,
    group: tuple[str, Sequence[Element]] | None,
    syntax: Sequence[str] = ("UNOA", "4"),
    service: str = DEFAULT_UNA,
    line_breaks: bool = True,
) -> str:
    """Write a whole interchange: ``UNB``, an optional ``UNG`` group, each message between
    ``UNH`` and ``UNT`` (with the segment count), ``UNE`` and ``UNZ`` with their counts.

    Each message is (reference, body segments, UNH elements after the reference).
    """
    out = SegmentWriter(service, line_breaks)
    out.add("UNB", list(syntax), sender, recipient, list(prepared), ref)
    if group is not None:
        out.add("UNG", *group[1])
    total = 0
    for message_ref, body, header_rest in messages:
        start = out.count
        out.add("UNH", message_ref, *header_rest)
        for tag, elements in body:
            out.add(tag, *elements)
        out.add("UNT", out.count - start + 1, message_ref)
        total += 1
    if group is not None:
        out.add("UNE", total, group[0])
        out.add("UNZ", 1, ref)
    else:
        out.add("UNZ", total, ref)
    return out.text()
