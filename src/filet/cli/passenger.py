"""``filet passenger``: read API and PNR messages and crossing files without touching the store."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from filet.errors import InputError, Place
from filet.passenger import (
    CrossingRecord,
    FlightManifest,
    PnrMessage,
    detect_format,
    json_schema,
    parse_message,
    parsed_document,
)

passenger_app = typer.Typer(
    help="Read API (PAXLST), PNR (PNRGOV, PNR JSON) and crossing CSV files.",
    no_args_is_help=True,
)
console = Console()


@passenger_app.command("parse")
def parse(
    file: Path = typer.Argument(..., help="A PAXLST, PNRGOV, PNR JSON or crossing CSV file."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (schema in docs/formats.md)."),
) -> None:
    """Print the parsed message: flights, travellers, bookings (nothing is stored)."""
    detected = detect_format(file)
    data = _read(file)
    try:
        content = parse_message(data).content
    except InputError as error:
        raise InputError(error.message, _with_file(error.place, file)) from None
    manifests: list[FlightManifest] = content if detected == "paxlst" else []
    messages: list[PnrMessage] = content if detected in ("pnrgov", "pnr-json") else []
    crossings: list[CrossingRecord] = content if detected == "crossing-csv" else []
    if as_json:
        document = parsed_document(detected, manifests, messages, crossings)
        typer.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    for manifest in manifests:
        _print_manifest(manifest)
    for message in messages:
        _print_pnr_message(message)
    if crossings:
        _print_crossings(crossings)


@passenger_app.command("schema")
def schema(
    kind: str = typer.Argument(
        "pnr-json", help="pnr-json (the PNR JSON input) or parse (the parse --json output)."
    ),
) -> None:
    """Print a JSON Schema: of PNR JSON documents, or of `parse --json` output."""
    if kind not in {"pnr-json", "parse"}:
        raise InputError(f"no schema named {kind!r}: use pnr-json or parse", Place(field="kind"))
    typer.echo(json.dumps(json_schema(kind), indent=2))


@passenger_app.command("detect")
def detect(file: Path = typer.Argument(..., help="A file to look at.")) -> None:
    """Print which format a file is in: paxlst, pnrgov, pnr-json or crossing-csv."""
    typer.echo(detect_format(file))


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read the file: {error.strerror}", Place(file=str(file))) from None


def _with_file(place: Place, file: Path) -> Place:
    return Place(
        file=str(file),
        line=place.line,
        position=place.position,
        segment=place.segment,
        tag=place.tag,
        field=place.field,
    )


def _when(value: object) -> str:
    return "" if value is None else str(value)


def _print_manifest(manifest: FlightManifest) -> None:
    flight = manifest.flight
    legs = ", ".join(
        f"{leg.departure_airport} {_when(leg.departure_local)} → "
        f"{leg.arrival_airport} {_when(leg.arrival_local)}"
        for leg in flight.legs
    )
    parts = f", parts {manifest.part_numbers}" if manifest.part_numbers else ""
    state = "" if manifest.complete else " [bold red](incomplete)[/]"
    console.print(
        f"[bold]{manifest.list_type} list[/] {flight.designator}: {legs}"
        f" — {len(manifest.travellers)} travellers{parts}{state}"
    )
    for previous in manifest.previous_flights:
        for leg in previous.legs:
            console.print(
                f"  routing {previous.designator}: {leg.departure_airport} → {leg.arrival_airport}"
            )
    table = Table("name", "sex", "born", "nat.", "document", "from → to", "seat", "PNR", "flags")
    for t in manifest.travellers:
        doc = t.documents[0] if t.documents else None
        table.add_row(
            f"{t.name.surname}, {t.name.given_names}",
            t.sex or "",
            _when(t.birth_date),
            t.nationality or "",
            f"{doc.doc_type} {doc.number} {doc.issuing_state or ''}" if doc else "",
            f"{t.embarkation or ''} → {t.debarkation or ''}",
            t.seat or "",
            t.pnr_locator or "",
            ", ".join(t.quality_flags),
        )
    console.print(table)


def _print_pnr_message(message: PnrMessage) -> None:
    flight = message.flight
    leg = flight.legs[0] if flight.legs else None
    route = f"{leg.departure_airport} → {leg.arrival_airport}" if leg else ""
    console.print(
        f"[bold]PNRGOV {message.version}[/] {flight.designator} {route}"
        f" — {len(message.bookings)} bookings"
    )
    table = Table("locator", "travellers", "payment", "agency", "contacts", "itinerary", "split")
    for b in message.bookings:
        payments = ", ".join(
            p.form
            + (f" {p.card_number_masked}" if p.card_number_masked else "")
            + (f" paid by {p.payer_name}" if p.payer_name else "")
            for p in b.payments
        )
        agency = ""
        if b.agency is not None:
            agency = " ".join(x for x in (b.agency.agency_id, b.agency.location) if x)
        table.add_row(
            b.record_locator,
            "\n".join(
                f"{t.name.surname}, {t.name.given_names}" + (" (infant)" if t.is_infant else "")
                for t in b.travellers
            ),
            payments,
            agency,
            "\n".join(c.normalised or c.value for c in b.contacts),
            "\n".join(
                f"{leg.flight.designator} {leg.flight.legs[0].departure_airport}"
                f"→{leg.flight.legs[0].arrival_airport} {leg.status or ''}"
                for leg in b.itinerary
                if leg.flight.legs
            ),
            ", ".join(b.split_references),
        )
    console.print(table)


def _print_crossings(crossings: list[CrossingRecord]) -> None:
    table = Table("point", "dir.", "time", "mode", "name", "born", "nat.", "document", "decision")
    for c in crossings:
        doc = c.document
        table.add_row(
            c.crossing_point,
            c.direction,
            c.time.isoformat(),
            c.mode,
            f"{c.name.surname}, {c.name.given_names}",
            _when(c.birth_date),
            c.nationality or "",
            f"{doc.doc_type} {doc.number}" if doc else "",
            c.decision or "",
        )
    console.print(table)
