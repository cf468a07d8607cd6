"""PAXLST (UN/EDIFACT directories D02B and D05B, WCO/IATA/ICAO API Guidelines appendix IIA):
reading into :class:`FlightManifest` and writing back.

Reading is strict on syntax and envelopes (a broken message is rejected whole, naming the
segment) and lenient on content: a traveller with a missing birth date or an odd document number
is kept, with data-quality flags. Parts of a list sent in several messages (``UNH`` sequence
``01:C`` ... ``nn:F``) are assembled into one manifest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from itertools import pairwise
from typing import cast

from filet.errors import InputError
from filet.passenger._codes import codes
from filet.passenger._dates import format_yyyymmdd, format_yyyymmddhhmm, parse_dtm
from filet.passenger._edifact import (
    DEFAULT_UNA,
    Element,
    Message,
    Segment,
    paused_gc,
    read_interchange,
    write_interchange,
)
from filet.passenger._model import (
    Address,
    ApiTraveller,
    Flight,
    FlightLeg,
    FlightManifest,
    ReportingParty,
    TravelDocument,
    TravellerName,
    TravellerRole,
)
from filet.passenger._normalise import document_number_is_valid, is_digits, normalise_seat

_ROLES = cast(dict[str, TravellerRole], codes().traveller_roles)
_ROLE_CODES = {v: k for k, v in reversed(_ROLES.items())}
_LIST_TYPES = codes().list_types


def read_paxlst(data: bytes | str) -> list[FlightManifest]:
    """Read a PAXLST interchange: one manifest per flight list (parts assembled)."""
    with paused_gc():
        return _read_interchange(data)


def _read_interchange(data: bytes | str) -> list[FlightManifest]:
    interchange = read_interchange(data)
    manifests: list[FlightManifest] = []
    running: dict[tuple[str | None, str], int] = {}
    for message in interchange.messages:
        if message.message_type != "PAXLST":
            raise InputError(
                f"message type {message.message_type} is not PAXLST", message.header.place()
            )
        manifest, counted, count_segment = _read_message(message)
        key = (manifest.common_access_ref, manifest.flight.designator)
        found = len(manifest.travellers)
        running[key] = running.get(key, 0) + found
        # a part's CNT may count its own travellers or, as some carriers do, all so far
        # (which cannot be checked when the earlier parts came in another interchange)
        earlier_parts_elsewhere = (message.sequence_number or 1) > 1 and running[key] == found
        unverifiable = earlier_parts_elsewhere and (counted or 0) > found
        if count_segment is not None and counted not in {found, running[key]} and not unverifiable:
            raise InputError(
                f"CNT says {counted} travellers but the message has {found}",
                count_segment.place("6066"),
            )
        manifest.sender = interchange.sender
        manifest.recipient = interchange.recipient
        manifest.interchange_ref = interchange.ref
        manifests.append(manifest)
    return assemble_parts(manifests)


def assemble_parts(manifests: Sequence[FlightManifest]) -> list[FlightManifest]:
    """Join the parts of multi-part lists (same common access reference, flight and list type)
    into one manifest each, in sequence order; single-part manifests pass unchanged."""
    out: list[FlightManifest] = []
    groups: dict[tuple[object, ...], list[FlightManifest]] = {}
    for manifest in manifests:
        if not manifest.part_numbers:
            out.append(manifest)
            continue
        first = manifest.flight.legs[0].departure_local if manifest.flight.legs else None
        key = (
            manifest.common_access_ref,
            manifest.flight.designator,
            first,
            manifest.list_type,
        )
        if key not in groups:
            groups[key] = []
            out.append(manifest)
        groups[key].append(manifest)
    result: list[FlightManifest] = []
    for manifest in out:
        if not manifest.part_numbers:
            result.append(manifest)
            continue
        first = manifest.flight.legs[0].departure_local if manifest.flight.legs else None
        key = (manifest.common_access_ref, manifest.flight.designator, first, manifest.list_type)
        parts = sorted(groups[key], key=lambda m: m.part_numbers[0])
        numbers = [n for m in parts for n in m.part_numbers]
        last = next((m.last_part for m in parts if m.last_part is not None), None)
        merged = replace(
            parts[0],
            travellers=[t for m in parts for t in m.travellers],
            message_refs=[r for m in parts for r in m.message_refs],
            part_numbers=numbers,
            last_part=last,
            complete=last is not None and numbers == list(range(1, last + 1)),
        )
        result.append(merged)
    return result


@dataclass
class _Stop:
    airport: str
    arrival: datetime | None = None
    departure: datetime | None = None


@dataclass
class _State:
    list_type: str = "passenger"
    transaction_ref: str | None = None
    reporting: ReportingParty | None = None
    flights: list[Flight] = field(default_factory=list)
    stops: list[_Stop] = field(default_factory=list)
    travellers: list[ApiTraveller] = field(default_factory=list)
    traveller_flags: list[str] = field(default_factory=list)
    document: TravelDocument | None = None
    counted: int | None = None
    count_segment: Segment | None = None
    section: str = "header"


def _read_message(message: Message) -> tuple[FlightManifest, int | None, Segment | None]:
    state = _State()
    for segment in message.body:
        _read_segment(state, segment)
    _close_flight(state)
    _close_traveller(state)
    if not state.flights:
        raise InputError("PAXLST message has no flight (TDT)", message.header.place())
    part_numbers: list[int] = []
    last_part: int | None = None
    if message.sequence_number is not None:
        part_numbers = [message.sequence_number]
        if (message.sequence_indicator or "F").upper() == "F":
            last_part = message.sequence_number
    directory = f"{message.version}{message.release}".upper() if message.version else "D05B"
    manifest = FlightManifest(
        flight=state.flights[-1],
        previous_flights=state.flights[:-1],
        list_type="crew" if state.list_type == "crew" else "passenger",
        travellers=state.travellers,
        reporting_party=state.reporting,
        transaction_ref=state.transaction_ref,
        directory=directory,
        message_refs=[message.ref],
        common_access_ref=message.common_access_ref,
        part_numbers=part_numbers,
        last_part=last_part,
        complete=last_part == 1 if part_numbers else True,
    )
    return manifest, state.counted, state.count_segment


def _read_segment(state: _State, seg: Segment) -> None:
    tag = seg.tag
    if tag == "BGM":
        code = seg.get(0, 0)
        if code not in _LIST_TYPES:
            raise InputError(
                f"BGM document code {code!r} is not a passenger (745) or crew (250) list",
                seg.place("1001"),
            )
        state.list_type = _LIST_TYPES[code]
    elif tag == "RFF" and state.section == "header":
        if seg.get(0, 0) == "TN":
            state.transaction_ref = seg.get(0, 1)
    elif tag == "NAD" and seg.get(0, 0) == "MS":
        name = seg.get(3, 0) or seg.get(1, 0) or ""
        state.reporting = ReportingParty(name=name)
        state.section = "reporting"
    elif tag == "COM" and state.section == "reporting" and state.reporting is not None:
        for element in seg.elements:
            value = element[0] if element else ""
            kind = element[1] if len(element) > 1 else ""
            if kind == "TE":
                state.reporting.phone = value
            elif kind == "FX":
                state.reporting.fax = value
            elif kind == "EM":
                state.reporting.email = value
    elif tag == "TDT":
        _close_flight(state)
        _open_flight(state, seg)
    elif tag in {"LOC", "DTM"} and state.section == "flight":
        _flight_detail(state, seg)
    elif tag == "NAD" and seg.get(0, 0) in _ROLES:
        _close_flight(state)
        _close_traveller(state)
        _open_traveller(state, seg)
    elif state.section == "traveller":
        _traveller_detail(state, seg)
    elif tag == "CNT":
        _read_count(state, seg)


def _open_flight(state: _State, seg: Segment) -> None:
    designator = seg.get(1, 0)
    carrier = seg.get(4, 0) or ""
    if designator is None:
        raise InputError("TDT has no flight number", seg.place("8028"))
    flight = Flight(carrier=carrier, number=designator)
    if not flight.carrier or not (is_digits(flight.number) and len(flight.number) == 4):
        raise InputError(
            f"TDT flight {designator!r} is not a carrier code and flight number",
            seg.place("8028"),
        )
    state.flights.append(flight)
    state.stops = []
    state.section = "flight"


def _flight_detail(state: _State, seg: Segment) -> None:
    qualifier = seg.get(0, 0)
    if seg.tag == "LOC":
        if qualifier not in {"125", "87", "92"}:
            return
        airport = seg.get(1, 0)
        if airport is None:
            raise InputError("LOC has no airport code", seg.place("3225"))
        if state.stops and state.stops[-1].airport == airport:
            return
        state.stops.append(_Stop(airport))
        return
    if qualifier not in {"189", "232"}:
        return
    if not state.stops:
        raise InputError("DTM date of flight before any airport (LOC)", seg.place())
    when = _dtm(seg, past=False)
    if when is None:
        raise InputError(f"flight date {seg.get(0, 1)!r} is not a valid date", seg.place("2380"))
    if qualifier == "189":
        state.stops[-1].departure = when
    else:
        state.stops[-1].arrival = when


def _close_flight(state: _State) -> None:
    if state.section != "flight" or not state.flights:
        return
    stops = state.stops
    legs: list[FlightLeg] = []
    for before, after in pairwise(stops):
        legs.append(
            FlightLeg(
                departure_airport=before.airport,
                arrival_airport=after.airport,
                departure_local=before.departure,
                arrival_local=after.arrival,
            )
        )
    state.flights[-1].legs = legs
    state.section = "flights-done"


def _open_traveller(state: _State, seg: Segment) -> None:
    name = seg.element(3)
    surname = name[0] if name else ""
    given = " ".join(part for part in name[1:] if part)
    address = None
    street, city = seg.get(4, 0), seg.get(5, 0)
    region, postal, country = seg.get(6, 0), seg.get(7, 0), seg.get(8, 0)
    if any((street, city, region, postal, country)):
        address = Address(
            street=street, city=city, region=region, postal_code=postal, country=country
        )
    state.travellers.append(
        ApiTraveller(
            name=TravellerName(surname=surname, given_names=given),
            role=_ROLES[seg.get(0, 0) or "FL"],
            address=address,
        )
    )
    state.traveller_flags = []
    state.document = None
    state.section = "traveller"


def _traveller_detail(state: _State, seg: Segment) -> None:
    traveller = state.travellers[-1]
    tag, qualifier = seg.tag, seg.get(0, 0)
    if tag == "ATT" and qualifier == "2":
        traveller.sex = seg.get(2, 0)
    elif tag == "DTM":
        _traveller_date(state, traveller, seg, qualifier)
    elif tag == "LOC":
        _traveller_location(state, traveller, seg, qualifier)
    elif tag == "NAT" and qualifier == "2":
        traveller.nationality = seg.get(1, 0)
    elif tag == "RFF":
        value = seg.get(0, 1)
        if qualifier == "AVF":
            traveller.pnr_locator = value
        elif qualifier == "ABO":
            traveller.passenger_reference = value
        elif qualifier == "SEA" and value is not None:
            traveller.seat = normalise_seat(value)
    elif tag == "DOC":
        doc_type = seg.get(0, 0) or ""
        number = seg.get(1, 0) or ""
        state.document = TravelDocument(doc_type=doc_type, number=number)
        traveller.documents.append(state.document)
    elif tag == "MEA":
        _bags(state, traveller, seg, qualifier)
    elif tag == "CNT":
        _read_count(state, seg)


def _traveller_date(
    state: _State, traveller: ApiTraveller, seg: Segment, qualifier: str | None
) -> None:
    if qualifier == "329":
        when = _dtm(seg, past=True)
        if when is None:
            state.traveller_flags.append("invalid_birth_date")
        else:
            traveller.birth_date = when.date()
    elif qualifier in {"36", "182"}:
        if state.document is None:
            state.traveller_flags.append("document_date_without_document")
            return
        when = _dtm(seg, past=False)
        if when is None:
            state.traveller_flags.append(
                "invalid_document_expiry" if qualifier == "36" else "invalid_document_issue_date"
            )
        elif qualifier == "36":
            state.document.expiry = when.date()
        else:
            state.document.issue_date = when.date()


def _traveller_location(
    state: _State, traveller: ApiTraveller, seg: Segment, qualifier: str | None
) -> None:
    code = seg.get(1, 0)
    if qualifier == "178":
        traveller.embarkation = code
    elif qualifier == "179":
        traveller.debarkation = code
    elif qualifier == "22":
        traveller.final_destination = code
    elif qualifier == "174":
        traveller.residence_country = code
    elif qualifier == "180":
        traveller.birth_country = code
        traveller.birthplace = seg.get(1, 3)
    elif qualifier == "91":
        if state.document is None:
            state.traveller_flags.append("document_issuer_without_document")
        else:
            state.document.issuing_state = code


def _bags(state: _State, traveller: ApiTraveller, seg: Segment, qualifier: str | None) -> None:
    value = seg.element(2)
    unit = value[0] if len(value) > 1 else None
    amount = value[1] if len(value) > 1 else (value[0] if value else "")
    try:
        number = float(amount.replace(",", "."))
    except ValueError:
        state.traveller_flags.append("invalid_bag_measure")
        return
    if qualifier == "CT":
        traveller.bags_count = int(number)
    elif qualifier == "WT":
        traveller.bags_weight = number
        traveller.bags_weight_unit = unit or None


def _read_count(state: _State, seg: Segment) -> None:
    if seg.get(0, 0) not in {"41", "42"}:
        return
    raw = seg.get(0, 1)
    if raw is None or not is_digits(raw):
        raise InputError(f"CNT count {raw!r} is not a number", seg.place("6066"))
    _close_flight(state)
    _close_traveller(state)
    state.counted = int(raw)
    state.count_segment = seg
    state.section = "trailer"


def _close_traveller(state: _State) -> None:
    if state.section != "traveller" or not state.travellers:
        return
    traveller = state.travellers[-1]
    departure = None
    if state.flights and state.flights[-1].legs:
        leg = state.flights[-1].legs[0]
        departure = leg.departure_local.date() if leg.departure_local else None
    traveller.quality_flags = state.traveller_flags + api_quality_flags(traveller, departure)
    state.document = None


def api_quality_flags(traveller: ApiTraveller, on: date | None = None) -> list[str]:
    """What is missing or odd in a traveller's API data (checked against date ``on``)."""
    flags: list[str] = []
    if not traveller.name.normalised_surname:
        flags.append("missing_surname")
    if traveller.birth_date is None:
        flags.append("missing_birth_date")
    elif on is not None and traveller.birth_date > on:
        flags.append("birth_date_after_travel")
    if traveller.sex is None:
        flags.append("missing_sex")
    elif traveller.sex.upper() not in codes().sexes:
        flags.append("invalid_sex")
    if traveller.nationality is None:
        flags.append("missing_nationality")
    if not traveller.documents:
        flags.append("missing_document")
    for document in traveller.documents:
        if not document_number_is_valid(document.number):
            flags.append("invalid_document_number")
        if document.expiry is not None and on is not None and document.expiry < on:
            flags.append("document_expired")
    return sorted(set(flags), key=flags.index)


def _dtm(seg: Segment, past: bool) -> datetime | None:
    value = seg.get(0, 1)
    if value is None:
        return None
    try:
        return parse_dtm(value, seg.get(0, 2), past=past)
    except ValueError:
        return None


# --- writing --------------------------------------------------------------------------------------


def write_paxlst(
    manifest: FlightManifest,
    *,
    sender: str | None = None,
    recipient: str | None = None,
    interchange_ref: str | None = None,
    prepared: datetime | None = None,
    max_travellers_per_part: int | None = None,
    service: str = DEFAULT_UNA,
    line_breaks: bool = True,
) -> str:
    """Write a manifest as one PAXLST interchange (``UNB`` ... ``UNZ`` with a ``UNG`` group).

    With ``max_travellers_per_part`` a long list is split into parts (``UNH`` sequence ``01:C``
    ... ``nn:F``) sharing a common access reference. ``service`` sets the ``UNA`` characters.
    Envelope values not given come from the manifest, then from defaults.
    """
    sender = sender or manifest.sender or "FILET"
    recipient = recipient or manifest.recipient or "FILET"
    ref = interchange_ref or manifest.interchange_ref or "1"
    if len(ref) > 14:
        raise ValueError(f"interchange reference {ref!r} is longer than 14 characters")
    when = prepared or datetime(2000, 1, 1)
    stamp = (when.strftime("%y%m%d"), when.strftime("%H%M"))
    travellers = manifest.travellers
    size = max_travellers_per_part or max(len(travellers), 1)
    chunks = [travellers[i : i + size] for i in range(0, len(travellers), size)] or [[]]
    split = len(chunks) > 1
    directory = manifest.directory.upper()
    version, release = directory[:1] or "D", directory[1:] or "05B"
    refs = manifest.message_refs if len(manifest.message_refs) == len(chunks) else []
    common = manifest.common_access_ref or (ref if split else None)
    messages = []
    for index, chunk in enumerate(chunks, start=1):
        # message references are at most 14 characters (data element 0062)
        message_ref = refs[index - 1] if refs else (f"{ref[:10]}{index:04d}" if split else ref)
        header: list[Element] = [["PAXLST", version, release, "UN", "IATA"]]
        if common is not None or split:
            header.append(common)
        if split:
            header.append([f"{index:02d}", "F" if index == len(chunks) else "C"])
        messages.append((message_ref, _body(manifest, chunk), header))
    group_elements: list[Element] = [
        "PAXLST",
        sender,
        recipient,
        list(stamp),
        ref,
        "UN",
        [version, release],
    ]
    return write_interchange(
        messages,
        sender=sender,
        recipient=recipient,
        prepared=stamp,
        ref=ref,
        group=(ref, group_elements),
        service=service,
        line_breaks=line_breaks,
    )


def _body(
    manifest: FlightManifest, travellers: Sequence[ApiTraveller]
) -> list[tuple[str, list[Element]]]:
    out: list[tuple[str, list[Element]]] = []
    out.append(("BGM", ["250" if manifest.list_type == "crew" else "745"]))
    if manifest.transaction_ref:
        out.append(("RFF", [["TN", manifest.transaction_ref]]))
    party = manifest.reporting_party
    if party is not None:
        out.append(("NAD", ["MS", None, None, party.name]))
        coms: list[Element] = []
        for value, kind in ((party.phone, "TE"), (party.fax, "FX"), (party.email, "EM")):
            if value:
                coms.append([value, kind])
        if coms:
            out.append(("COM", coms))
    for flight in [*manifest.previous_flights, manifest.flight]:
        out.append(
            (
                "TDT",
                [
                    "20",
                    f"{flight.carrier}{flight.number}{flight.suffix}",
                    None,
                    None,
                    flight.carrier,
                ],
            )
        )
        for leg in flight.legs:
            out.append(("LOC", ["125", leg.departure_airport]))
            if leg.departure_local is not None:
                out.append(("DTM", [["189", format_yyyymmddhhmm(leg.departure_local), "203"]]))
            out.append(("LOC", ["87", leg.arrival_airport]))
            if leg.arrival_local is not None:
                out.append(("DTM", [["232", format_yyyymmddhhmm(leg.arrival_local), "203"]]))
    for traveller in travellers:
        out.extend(_traveller_segments(traveller))
    out.append(("CNT", [["41" if manifest.list_type == "crew" else "42", str(len(travellers))]]))
    return out


def _traveller_segments(t: ApiTraveller) -> list[tuple[str, list[Element]]]:
    out: list[tuple[str, list[Element]]] = []
    name: list[str | None] = [t.name.surname, t.name.given_names or None]
    nad: list[Element] = [_ROLE_CODES[t.role], None, None, name]
    if t.address is not None:
        a = t.address
        nad += [a.street, a.city, a.region, a.postal_code, a.country]
    out.append(("NAD", nad))
    if t.sex is not None:
        out.append(("ATT", ["2", None, t.sex]))
    if t.birth_date is not None:
        out.append(("DTM", [["329", format_yyyymmdd(t.birth_date), "102"]]))
    if t.bags_count is not None:
        out.append(("MEA", ["CT", None, [None, str(t.bags_count)]]))
    if t.bags_weight is not None:
        out.append(("MEA", ["WT", None, [t.bags_weight_unit or "KGM", f"{t.bags_weight:g}"]]))
    for qualifier, code in (
        ("22", t.final_destination),
        ("178", t.embarkation),
        ("179", t.debarkation),
        ("174", t.residence_country),
    ):
        if code is not None:
            out.append(("LOC", [qualifier, code]))
    if t.birth_country is not None or t.birthplace is not None:
        out.append(("LOC", ["180", [t.birth_country, None, None, t.birthplace]]))
    if t.nationality is not None:
        out.append(("NAT", ["2", t.nationality]))
    for qualifier, value in (
        ("AVF", t.pnr_locator),
        ("ABO", t.passenger_reference),
        ("SEA", t.seat),
    ):
        if value is not None:
            out.append(("RFF", [[qualifier, value]]))
    for doc in t.documents:
        out.append(("DOC", [[doc.doc_type, "110", "111"], doc.number]))
        if doc.expiry is not None:
            out.append(("DTM", [["36", format_yyyymmdd(doc.expiry), "102"]]))
        if doc.issue_date is not None:
            out.append(("DTM", [["182", format_yyyymmdd(doc.issue_date), "102"]]))
        if doc.issuing_state is not None:
            out.append(("LOC", ["91", doc.issuing_state]))
    return out
