"""UN/EDIFACT syntax: service string advice, segments, envelopes, writing with release characters.

The tokenizer is our own. We first used ``pydifact``'s ``Tokenizer`` (pydifact 0.2), and it was
most of the parse time: it reads the text one character at a time through Python method calls.
Ours splits with ``str.split`` on the terminator, then on the separators, after swapping each
released service character for a private-use stand-in (restored in the values afterwards);
``benchmarks/bench_passenger_parse.py`` measured pydifact's tokenizer about 6× slower than ours
on the same messages in the same run (CPU time, 5,000 passengers each of PAXLST and PNRGOV).
Text the fast path does not handle exactly as a character scanner would (an error at the end, a
released line break, stand-in characters in the data, a terminator that is a space or line
break) goes through :class:`_Scanner`, a character-by-character port of pydifact's tokenizer, so
that every input gives the same segments and the same error as pydifact did;
``tests/passenger/test_tokenizer.py`` checks this against pydifact itself (hypothesis).

We never used pydifact's ``Parser``/``Segment`` layer, for these reasons (pydifact 0.2):

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
  (unless the ``UNA`` makes one of them a service character; a released line break is then still
  refused, as pydifact does, so values with line breaks cannot be sent and our writer refuses them).

Envelopes (``UNB``/``UNZ``, ``UNG``/``UNE``, ``UNH``/``UNT``) are checked here: references must
match and counts must be right, or the whole interchange is rejected.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

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


@contextmanager
def paused_gc() -> Iterator[None]:
    """Hold the cyclic garbage collector while a message is read or stored.

    Reading makes many small lists (a segment is a list of element lists) that are all alive
    until the message is done, so every collection the allocations trigger walks them all in
    vain: measured at about 40 % of the parse time on the benchmark messages. Reference counting
    still frees everything; the collector runs again afterwards (and is left alone if someone
    else had already switched it off).
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


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
    with paused_gc():
        segments = _split_segments(text, service)
        if segments is None:
            segments = _scan_segments(text, service)
    return service, segments


# Released service characters stand in as these private-use characters while the text is split.
_STAND_INS = "\ue000\ue001\ue002\ue003"
_HAS_STAND_IN = re.compile("[\ue000-\ue003]")
# after a terminator the tokenizer passes over spaces and line breaks (pydifact does the same)
_AFTER_TERMINATOR = " \r\n"


def _split_segments(text: str, service: str) -> list[Segment] | None:
    """The fast path: ``str.split`` on the terminator, then the separators, with released
    characters swapped for stand-ins first. ``None`` for text it does not handle exactly like
    the character scanner (a syntax error at the end, a released line break, stand-in
    characters in the data, a terminator that is itself a space or line break); the caller then
    scans character by character."""
    component, data, release, terminator = service[0], service[1], service[3], service[5]
    if terminator in _AFTER_TERMINATOR:
        return None
    skip = _AFTER_TERMINATOR
    released = release in text
    if released:
        if release + "\n" in text or _HAS_STAND_IN.search(text):
            return None
        text = (
            text.replace(release + release, _STAND_INS[3])
            .replace(release + component, _STAND_INS[0])
            .replace(release + data, _STAND_INS[1])
            .replace(release + terminator, _STAND_INS[2])
        )
        if text.endswith(release):
            return None
        # a release before any other character stands for that character
        text = text.replace(release, "")
        for index, char in enumerate((component, data, terminator, release)):
            if char in _AFTER_TERMINATOR:
                skip += _STAND_INS[index]
    pieces = text.split(terminator)
    if len(pieces) == 1 or pieces[-1].lstrip(skip):
        return None
    restore = str.maketrans(_STAND_INS, component + data + terminator + release)
    known = _KNOWN_TAGS
    segments: list[Segment] = []
    append = segments.append
    for number, piece in enumerate(pieces[:-1], start=1):
        if number > 1 and piece[:1] in skip:
            piece = piece.lstrip(skip)
        parts = piece.split(data)
        tag = parts[0]
        if released and not piece.isascii() and _HAS_STAND_IN.search(piece):
            elements = [[c.translate(restore) for c in e.split(component)] for e in parts]
            tag = ":".join(elements[0])
            append(
                Segment(tag, elements[1:], number)
                if tag in known
                else _make_segment(elements, number)
            )
        elif tag in known:
            append(Segment(tag, [e.split(component) for e in parts[1:]], number))
        else:
            append(_make_segment([e.split(component) for e in parts], number))
    return segments


class _SyntaxFault(Exception):
    """A tokenizer error; :func:`_scan_segments` turns it into an :class:`InputError`."""


_ENDS_INSIDE = "the text ends inside this segment (no terminator, or a release character last)"


class _Scanner:
    """Character-by-character tokens, the exact behaviour of pydifact 0.2's ``Tokenizer``
    (including its line and column count in the one error that carries them)."""

    def __init__(self, text: str, service: str) -> None:
        self.text = text
        self.size = len(text)
        self.index = 0
        self.kinds = {service[0]: "component", service[1]: "data", service[5]: "terminator"}
        self.release = service[3]
        self.char: str | None = None
        self.escaped = False
        self.line = 0
        self.column = 0

    def _next_char(self) -> str | None:
        if self.index >= self.size:
            return None
        char = self.text[self.index]
        self.index += 1
        self.column += 1
        if self.char == "\n":
            self.line += 1
            self.column = 0
        return char

    def _read(self) -> None:
        self.char = self._next_char()
        self.escaped = False
        if self.char is not None and self.char == self.release:
            self.escaped = True
            self.char = self._next_char()
            if self.char == "\n":
                raise _SyntaxFault(
                    "Newlines after escape characters are not allowed. "
                    f"(line {self.line}, column {self.column - 1})"
                )

    def tokens(self) -> Iterator[tuple[str, str]]:
        self._read()
        while self.char is not None:
            kind = None if self.escaped else self.kinds.get(self.char)
            if kind is not None:
                self._read()
                if kind == "terminator":
                    while self.char is not None and self.char in _AFTER_TERMINATOR:
                        self._read()
                yield kind, ""
                continue
            buffer: list[str] = []
            while self.escaped or self.char not in self.kinds:
                if self.char is None:
                    raise _SyntaxFault(_ENDS_INSIDE)
                buffer.append(self.char)
                self._read()
            yield "content", "".join(buffer)


def _scan_segments(text: str, service: str) -> list[Segment]:
    """The exact path: every character in turn; gives the error and its place for broken text."""
    segments: list[Segment] = []
    elements: list[list[str]] = []
    components: list[str] = [""]
    started = False
    try:
        for kind, value in _Scanner(text, service).tokens():
            if kind == "content":
                components[-1] += value
                started = True
            elif kind == "component":
                components.append("")
                started = True
            elif kind == "data":
                elements.append(components)
                components = [""]
                started = True
            else:
                elements.append(components)
                segments.append(_make_segment(elements, len(segments) + 1))
                elements, components, started = [], [""], False
    except _SyntaxFault as fault:
        raise InputError(
            f"EDIFACT syntax error: {fault}",
            _pending_place(elements, components, len(segments) + 1),
        ) from None
    if started:
        raise InputError(
            f"segment is not terminated by {service[5]!r} (the message ends inside it)",
            _pending_place(elements, components, len(segments) + 1),
        )
    if not segments:
        raise InputError("no EDIFACT segments found", Place(segment=1))
    return segments


def _check_service_characters(service: str) -> None:
    place = Place(segment=0, tag="UNA")
    if len(service) != 6:
        raise InputError("UNA must be followed by exactly six service characters", place)
    used = [service[0], service[1], service[3], service[5]]
    if len(set(used)) != 4:
        raise InputError("UNA separators, release character and terminator must all differ", place)
    if any(ch.isalnum() for ch in used):
        raise InputError("UNA service characters must not be letters or digits", place)


def _pending_place(elements: list[list[str]], components: list[str], number: int) -> Place:
    first = elements[0] if elements else components
    tag = first[0][:3] if first and first[0] else None
    return Place(segment=number, tag=tag)


# tags seen valid, so that the fast path checks a tag with one look-up (ASCII tags only: at most
# 36³ entries)
_KNOWN_TAGS: set[str] = set()


def _make_segment(elements: list[list[str]], number: int) -> Segment:
    head = elements[0]
    tag = head[0]
    if len(head) != 1 or len(tag) != 3 or not tag.isalnum() or not tag.isupper():
        shown = ":".join(head)[:20]
        raise InputError(
            f"segment tag must be three upper-case letters, found {shown!r}",
            Place(segment=number, tag=tag[:3] or None),
        )
    if tag.isascii():
        _KNOWN_TAGS.add(tag)
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
        specials = self._release + self._component + self._data + self._terminator
        # one C-level scan finds the values that need work (most need none)
        self._needs_work = re.compile("[" + re.escape(specials) + "\r\n]").search
        self._released = str.maketrans({ch: self._release + ch for ch in specials})
        self._end = self._terminator + ("\n" if line_breaks else "")
        self.parts: list[str] = []
        self.count = 0

    def escape(self, value: str) -> str:
        if self._needs_work(value) is None:
            return value
        if "\n" in value or "\r" in value:
            # readers drop line breaks (wrapped lines) and pydifact refuses a released one
            raise ValueError(f"an EDIFACT value cannot hold a line break: {value!r}")
        return value.translate(self._released)

    def add(self, tag: str, *elements: Element) -> None:
        escape = self.escape
        component = self._component
        rendered: list[str] = []
        for element in elements:
            if element is None:
                rendered.append("")
            elif type(element) is str:
                rendered.append(escape(element))
            elif isinstance(element, str | int):
                rendered.append(escape(str(element)))
            else:
                comps = [
                    "" if c is None else escape(c if type(c) is str else str(c)) for c in element
                ]
                while comps and comps[-1] == "":
                    comps.pop()
                rendered.append(component.join(comps))
        while rendered and rendered[-1] == "":
            rendered.pop()
        rendered.insert(0, tag)
        self.parts.append(self._data.join(rendered) + self._end)
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
