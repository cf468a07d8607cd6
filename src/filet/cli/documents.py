"""``filet document``: read and validate an MRZ, or write one from document data."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys

import typer
from rich.console import Console
from rich.table import Table

from filet.documents import DocumentData, MRZFormat, MRZResult, parse_mrz, write_mrz
from filet.errors import InputError, Place

document_app = typer.Typer(
    help="Read, validate and write ICAO Doc 9303 machine-readable zones (MRZ).",
    no_args_is_help=True,
)
console = Console()

_SHORT_DATE = re.compile(r"(\d\d|<<|XX)(\d\d|<<|XX)(\d\d|<<|XX)")


def _day(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{value!r}: expected a date YYYY-MM-DD", Place(field=option)) from None


@document_app.command("parse")
def parse(
    lines: list[str] = typer.Argument(
        ..., help="The MRZ lines, separately or joined; '-' reads them from standard input."
    ),
    specimen: bool = typer.Option(False, "--specimen", help="Accept the specimen state UTO."),
    today: str | None = typer.Option(
        None, "--today", help="Day of the check (YYYY-MM-DD) for dates and validity."
    ),
    valid_from: str | None = typer.Option(
        None, "--valid-from", help="First day of validity (YYYY-MM-DD), e.g. of a visa."
    ),
    no_correct: bool = typer.Option(
        False, "--no-correct", help="Do not correct OCR confusions (O/0, I/1, ...)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (schema in docs/mrz.md)."),
) -> None:
    """Print the fields, check digits, corrections and problems of an MRZ.

    Exit code 0 when the MRZ is valid, 1 when it is invalid (the report is still printed), 2 when
    the input cannot be read as an MRZ.
    """
    text: list[str] = sys.stdin.read().splitlines() if lines == ["-"] else lines
    result = parse_mrz(
        text,
        specimen=specimen,
        today=_day(today, "--today"),
        valid_from=_day(valid_from, "--valid-from"),
        correct=not no_correct,
    )
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        _print_result(result)
    if not result.valid:
        # SystemExit rather than typer.Exit: filet.cli.main runs Typer with standalone_mode=False,
        # where a typer.Exit code is returned, not used as the process exit status.
        sys.exit(1)


def _print_result(result: MRZResult) -> None:
    verdict = "[bold green]valid[/]" if result.valid else "[bold red]invalid[/]"
    console.print(f"{result.format} MRZ: {verdict}; document {result.validity.value}")
    for line in result.lines:
        console.print(f"  {line}", highlight=False, markup=False)
    fields = Table("field", "line", "position", "raw", "value", title="Fields")
    for f in result.fields:
        fields.add_row(f.field, str(f.line), str(f.position), f.raw, f.value)
    console.print(fields)
    checks = Table("check digit", "line", "position", "expected", "found", "ok", title="Checks")
    for c in result.checks:
        label = f"{c.field} ({c.convention.value})" if c.convention else c.field
        mark = "[green]ok[/]" if c.ok else "[red]fails[/]"
        checks.add_row(label, str(c.line), str(c.position), c.expected, c.found, mark)
    console.print(checks)
    if result.extended_number_conventions:
        names = ", ".join(c.value for c in result.extended_number_conventions)
        console.print(f"extended document number {result.document_number}: validated {names}")
    if result.corrections:
        corrections = Table(
            "field", "line", "position", "from", "to", "check", title="OCR corrections"
        )
        for k in result.corrections:
            corrections.add_row(
                k.field, str(k.line), str(k.position), k.from_char, k.to_char, k.check
            )
        console.print(corrections)
    if result.problems:
        problems = Table(
            "line", "position", "field", "expected", "found", "problem", title="Problems"
        )
        for p in result.problems:
            problems.add_row(str(p.line), str(p.position), p.field, p.expected, p.found, p.message)
        console.print(problems)


@document_app.command("make")
def make(
    doc_type: MRZFormat = typer.Option(..., "--type", help="TD1, TD2, TD3, MRV-A or MRV-B."),
    country: str = typer.Option(..., "--country", help="Issuing state (ICAO code)."),
    surname: str = typer.Option(..., "--surname", help="Primary identifier, as printed."),
    given_names: str = typer.Option("", "--given-names", help="Secondary identifier."),
    number: str = typer.Option(..., "--number", help="Document number."),
    nationality: str = typer.Option(..., "--nationality", help="Nationality (ICAO code)."),
    birth_date: str = typer.Option(
        ..., "--birth-date", help="YYYY-MM-DD, or YYMMDD with << or XX for unknown parts."
    ),
    sex: str = typer.Option("<", "--sex", help="M, F, X or < (unspecified)."),
    expiry_date: str = typer.Option(..., "--expiry-date", help="YYYY-MM-DD."),
    optional: str = typer.Option("", "--optional", help="Personal number / optional data."),
    optional_2: str = typer.Option("", "--optional-2", help="TD1 optional data of line 2."),
    code: str | None = typer.Option(None, "--code", help="Document code (default P, I or V)."),
    specimen: bool = typer.Option(
        True, "--specimen/--no-specimen", help="Accept the specimen state UTO (default: yes)."
    ),
    as_json: bool = typer.Option(False, "--json", help='Print {"format": ..., "lines": [...]}.'),
) -> None:
    """Print the MRZ of a document: names transliterated and truncated, check digits computed."""
    birth: dt.date | str
    if _SHORT_DATE.fullmatch(birth_date.upper()):
        birth = birth_date.upper()
    else:
        birth = _day(birth_date, "--birth-date") or birth_date
    expiry = _day(expiry_date, "--expiry-date")
    assert expiry is not None
    document = DocumentData(
        format=doc_type,
        issuing_state=country,
        surname=surname,
        given_names=given_names,
        document_number=number,
        nationality=nationality,
        birth_date=birth,
        sex=sex,
        expiry_date=expiry,
        document_code=code,
        optional_data=optional,
        optional_data_2=optional_2,
    )
    mrz = write_mrz(document, specimen=specimen)
    if as_json:
        typer.echo(json.dumps({"format": doc_type.value, "lines": list(mrz)}, indent=2))
    else:
        for line in mrz:
            typer.echo(line)
