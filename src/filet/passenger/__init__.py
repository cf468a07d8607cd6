"""Passenger data: API (UN/EDIFACT PAXLST), PNR (PNRGOV, PNR JSON) and border-crossing records.

Readers turn each format into the same model types; writers turn them back into messages a strict
parser accepts (the synthetic world generator uses them). Nothing here touches the store.

- ``read_paxlst`` / ``write_paxlst``: :class:`FlightManifest` (multi-part lists assembled/split)
- ``read_pnrgov`` / ``write_pnrgov``: :class:`PnrMessage` with its :class:`PnrBooking` list
- ``read_pnr_json`` / ``write_pnr_json``: the same PNR model as JSON (``docs/formats.md``)
- ``read_crossings_csv`` / ``write_crossings_csv``: :class:`CrossingRecord` rows
- ``detect_format``: which of the four a file is

Every reader raises :class:`filet.errors.InputError` naming the place (segment number and tag,
or line and column) for input it cannot use, and rejects the whole input then.

Into the store: ``ingest_message`` (one message, whole or nothing, idempotent), ``ingest_files``
(many files, several per transaction, each in a savepoint; ``parse_ahead`` parses them in a
worker process while they are stored) and retention
(``run_retention``, unmasking with ``request_unmask`` / ``approve_unmask`` / ``read_unmasked``).
"""

from filet.passenger._batch import FileResult, IngestBatch, ingest_files
from filet.passenger._crossing import (
    crossing_quality_flags,
    read_crossings_csv,
    write_crossings_csv,
)
from filet.passenger._detect import Format, detect_format
from filet.passenger._jsonformat import (
    json_schema,
    parsed_document,
    read_pnr_json,
    write_pnr_json,
)
from filet.passenger._model import (
    Address,
    Agency,
    ApiTraveller,
    CheckIn,
    Contact,
    CrossingRecord,
    Fare,
    Flight,
    FlightLeg,
    FlightManifest,
    FrequentFlyer,
    HistoryAction,
    HistoryEntry,
    ItineraryLeg,
    Originator,
    Payment,
    PnrBooking,
    PnrMessage,
    PnrTraveller,
    ReportingParty,
    SeatAssignment,
    SsrDoca,
    SsrDoco,
    SsrDocs,
    SsrOther,
    SsrRemark,
    Tax,
    Ticket,
    TicketingOffice,
    TravelDocument,
    TravellerName,
)
from filet.passenger._normalise import (
    mask_card_number,
    normalise_flight_number,
    normalise_name,
    normalise_phone,
    normalise_seat,
)
from filet.passenger._paxlst import api_quality_flags, assemble_parts, read_paxlst, write_paxlst
from filet.passenger._pnrgov import pnr_quality_flags, read_pnrgov, write_pnrgov
from filet.passenger._queries import (
    BookingView,
    FlightView,
    SearchHit,
    booking_view,
    flight_view,
    list_flights,
    search,
)
from filet.passenger._retention import (
    RetentionReport,
    approve_unmask,
    read_unmasked,
    request_unmask,
    run_retention,
)
from filet.passenger._store import (
    IngestSummary,
    ParsedMessage,
    ingest_message,
    parse_ahead,
    parse_message,
)

__all__ = [
    "Address",
    "Agency",
    "ApiTraveller",
    "BookingView",
    "CheckIn",
    "Contact",
    "CrossingRecord",
    "Fare",
    "FileResult",
    "Flight",
    "FlightLeg",
    "FlightManifest",
    "FlightView",
    "Format",
    "FrequentFlyer",
    "HistoryAction",
    "HistoryEntry",
    "IngestBatch",
    "IngestSummary",
    "ItineraryLeg",
    "Originator",
    "ParsedMessage",
    "Payment",
    "PnrBooking",
    "PnrMessage",
    "PnrTraveller",
    "ReportingParty",
    "RetentionReport",
    "SearchHit",
    "SeatAssignment",
    "SsrDoca",
    "SsrDoco",
    "SsrDocs",
    "SsrOther",
    "SsrRemark",
    "Tax",
    "Ticket",
    "TicketingOffice",
    "TravelDocument",
    "TravellerName",
    "api_quality_flags",
    "approve_unmask",
    "assemble_parts",
    "booking_view",
    "crossing_quality_flags",
    "detect_format",
    "flight_view",
    "ingest_files",
    "ingest_message",
    "json_schema",
    "list_flights",
    "mask_card_number",
    "normalise_flight_number",
    "normalise_name",
    "normalise_phone",
    "normalise_seat",
    "parse_ahead",
    "parse_message",
    "parsed_document",
    "pnr_quality_flags",
    "read_crossings_csv",
    "read_paxlst",
    "read_pnr_json",
    "read_pnrgov",
    "read_unmasked",
    "request_unmask",
    "run_retention",
    "search",
    "write_crossings_csv",
    "write_paxlst",
    "write_pnr_json",
    "write_pnrgov",
]
