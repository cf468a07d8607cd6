"""Property tests: no input crashes the readers (only InputError naming the place), and what the
writers produce reads back to the same data."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from filet.errors import InputError
from filet.passenger import (
    ApiTraveller,
    Flight,
    FlightLeg,
    FlightManifest,
    Payment,
    PnrBooking,
    PnrMessage,
    PnrTraveller,
    SsrDocs,
    Ticket,
    TravelDocument,
    TravellerName,
    api_quality_flags,
    pnr_quality_flags,
    read_crossings_csv,
    read_paxlst,
    read_pnr_json,
    read_pnrgov,
    write_paxlst,
    write_pnrgov,
)

MESSAGES = Path(__file__).parent / "messages"
SAMPLES = [
    (MESSAGES / name).read_bytes()
    for name in (
        "paxlst_d05b_passengers.edi",
        "paxlst_d02b_crew_custom_una.edi",
        "pnrgov_13_1_two_bookings.edi",
        "pnrgov_11_1_custom_una.edi",
    )
]
FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ROUND_TRIP = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _edifact_reader_fails_cleanly(data: bytes) -> None:
    for reader in (read_paxlst, read_pnrgov):
        failure: InputError | None = None
        try:
            reader(data)
        except InputError as error:
            failure = error
        if failure is not None:
            assert failure.place.segment is not None, str(failure)
            assert failure.message


@FAST
@given(st.binary(max_size=400))
def test_no_byte_sequence_crashes_the_edifact_readers(data: bytes) -> None:
    _edifact_reader_fails_cleanly(data)


@FAST
@given(
    st.sampled_from(SAMPLES),
    st.lists(
        st.tuples(st.integers(0, 4000), st.integers(0, 12), st.binary(max_size=6)),
        min_size=1,
        max_size=4,
    ),
)
def test_damaged_messages_fail_cleanly(sample: bytes, edits: list[tuple[int, int, bytes]]) -> None:
    data = bytearray(sample)
    for position, length, insert in edits:
        start = position % (len(data) + 1)
        data[start : start + length] = insert
    _edifact_reader_fails_cleanly(bytes(data))


PIECES = [
    "UNA:+.? '", "UNB+UNOA:4+A+B+250101:1200+R'", "UNG+PAXLST+A+B+250101:1200+R+UN+D:05B'",
    "UNH+1+PAXLST:D:05B:UN:IATA+C+01:C'", "UNH+2+PNRGOV:13:1:IA+C'", "UNT+", "UNE+", "UNZ+",
    "BGM+745'", "BGM+250'", "TDT+20+XX123+++XX'", "LOC+125+AAA'", "LOC+87+BBB'", "LOC+92+CCC'",
    "DTM+189:2501011200:201'", "DTM+232:", "NAD+FL+++A:B'", "NAD+FM+++C'", "NAD+MS+++X'",
    "DTM+329:", "DOC+P:110:111+N1'", "DTM+36:", "LOC+91+", "MEA+WT++KGM:", "CNT+42:",
    "MSG+:22'", "TVL+010125:1200+AAA+BBB+XX+1'", "EQN+", "SRC'", "RCI+XX:ABC123::010125:1200'",
    "TIF+A+B:A:1'", "SSR+DOCS:HK::XX:::::/P/", "SSR+SEAT:HK:1:XX+1A::1'", "TKT+1:T:1'",
    "FOP+CC::1:VI:4111:0130'", "IFT+4:43+", "IFT+4:28+CTCM 1'", "TRI++1:::1'", "SSD+1A'",
    "TBD++1:2:700'", "ABI+1+:X'", "SAC+++X'", "DAT+2:", "RPI+1+HK'", "+", ":", "'", "?",
    "1", "2", "01", "0101", "99", "\u00b2", "-", "",
]  # fmt: skip


@FAST
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_segment_soup_fails_cleanly(text: str) -> None:
    _edifact_reader_fails_cleanly(text.encode())


@FAST
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_no_input_crashes_the_json_and_csv_readers(data: bytes) -> None:
    for reader in (read_pnr_json, read_crossings_csv):
        failure: InputError | None = None
        try:
            reader(data)
        except InputError as error:
            failure = error
        if failure is not None:
            assert failure.message


# names and codes with every EDIFACT service character and some non-Latin letters
TEXT = st.text(
    alphabet=st.sampled_from("ABCXYZ '+:?*|#!-.éßДمء0123456789"), min_size=1, max_size=12
).filter(lambda s: s.strip() == s and s != "")
CODE = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3)
DATES = st.dates(date(1930, 1, 1), date(2060, 12, 31))
TIMES = st.datetimes(datetime(2000, 1, 1), datetime(2060, 12, 31)).map(
    lambda d: d.replace(second=0, microsecond=0)
)

TRAVELLERS = st.builds(
    ApiTraveller,
    name=st.builds(TravellerName, surname=TEXT, given_names=TEXT | st.just("")),
    role=st.sampled_from(["passenger", "in_transit_passenger"]),
    sex=st.sampled_from(["M", "F", "X", None]),
    birth_date=DATES | st.none(),
    nationality=CODE | st.none(),
    embarkation=CODE | st.none(),
    debarkation=CODE | st.none(),
    pnr_locator=TEXT | st.none(),
    seat=st.sampled_from(["1A", "74E", "XXX", None]),
    documents=st.lists(
        st.builds(
            TravelDocument,
            doc_type=st.sampled_from(["P", "V", "I"]),
            number=TEXT,
            issuing_state=CODE | st.none(),
            expiry=DATES | st.none(),
        ),
        max_size=2,
    ),
    bags_count=st.integers(0, 9) | st.none(),
)


@ROUND_TRIP
@given(
    travellers=st.lists(TRAVELLERS, max_size=7),
    part_size=st.integers(1, 4) | st.none(),
    departure=TIMES,
    arrival=TIMES,
    service=st.sampled_from([":+.? '", "*|.# !"]),
)
def test_written_manifests_read_back_equal(
    travellers: list[ApiTraveller],
    part_size: int | None,
    departure: datetime,
    arrival: datetime,
    service: str,
) -> None:
    leg = FlightLeg(
        departure_airport="AMS",
        arrival_airport="LOS",
        departure_local=departure,
        arrival_local=arrival,
    )
    manifest = FlightManifest(
        flight=Flight(carrier="KL", number="587", legs=[leg]),
        travellers=travellers,
        sender="KL",
        recipient="NGA",
        interchange_ref="7",
    )
    [back] = read_paxlst(write_paxlst(manifest, max_travellers_per_part=part_size, service=service))
    assert len(back.travellers) == len(travellers)
    for sent, got in zip(travellers, back.travellers, strict=True):
        assert got.quality_flags == api_quality_flags(sent, departure.date())
        got.quality_flags = sent.quality_flags
        assert got == sent
    assert back.flight == manifest.flight
    assert back.complete


FREE = st.text(
    alphabet=st.sampled_from("ABC xyz'+:?*|#!-.,/@éДمء0123456789"), min_size=1, max_size=20
).filter(lambda s: s.strip() == s)
SSR_SAFE = TEXT.filter(lambda s: "/" not in s)


@ROUND_TRIP
@given(
    names=st.lists(st.tuples(TEXT, TEXT | st.just("")), min_size=1, max_size=4),
    free_text=st.lists(FREE, max_size=3),
    payer=st.tuples(FREE | st.none(), FREE | st.none(), FREE | st.none()),
    form=st.sampled_from(["CA", "CC", "MS"]),
    docs_surname=SSR_SAFE | st.none(),
    birth=st.dates(date(1930, 1, 1), date(2025, 12, 31)) | st.none(),
    created=TIMES,
    service=st.sampled_from([":+.? '", "*|.# !"]),
)
def test_written_pnr_messages_read_back_equal(
    names: list[tuple[str, str]],
    free_text: list[str],
    payer: tuple[str | None, str | None, str | None],
    form: str,
    docs_surname: str | None,
    birth: date | None,
    created: datetime,
    service: str,
) -> None:
    travellers = [
        PnrTraveller(
            name=TravellerName(surname=surname, given_names=given),
            traveller_ref=str(index),
            remarks=[SsrDocs(surname=docs_surname, birth_date=birth, number="X1")],
            tickets=[
                Ticket(
                    number=f"1{index}",
                    payments=[
                        Payment(
                            form=form,
                            payer_name=payer[0],
                            payer_address=payer[1],
                            payer_phone=payer[2],
                        )
                    ],
                )
            ],
        )
        for index, (surname, given) in enumerate(names, start=1)
    ]
    flight = Flight(
        carrier="TK",
        number="1",
        legs=[FlightLeg(departure_airport="IST", arrival_airport="ATH", departure_local=created)],
    )
    booking = PnrBooking(
        record_locator="ABC123", created=created, free_text=free_text, travellers=travellers
    )
    message = PnrMessage(flight=flight, bookings=[booking])
    [back] = read_pnrgov(write_pnrgov(message, service=service))
    assert back.bookings[0].free_text == free_text
    for sent, got in zip(travellers, back.bookings[0].travellers, strict=True):
        assert got.quality_flags == pnr_quality_flags(sent)
        got.quality_flags = sent.quality_flags
    back.sender = back.recipient = back.interchange_ref = back.message_ref = None
    assert back == message


BODY = [p for p in PIECES if p.endswith("'") and not p.startswith(("UN", "'"))] + [
    "DTM+329:991399'", "DTM+36:20300101:102'", "CNT+42:1'", "EQN+1'", "DAT+700:010125:1200'",
    "TVL+320125:1200+AAA+BBB+XX+1'", "PTK+NR++010125:1200+XX'", "MON+T:1.0:EUR'", "TXD++1:::T'",
    "FTI+XX:1:::G'", "REF+:1'", "APD+320'", "ADD++700:S:C:R::NL:1:0201234567'", "ORG+XX:AMS'",
    "IFT+4:28+FREE'", "SSR+DOCO:HK::XX:::::/P/V/1/X/01JAN20/NL'", "SSR+DOCA:HK::XX:::::/R/NL'",
    "RFF+AVF:AB1'", "RFF+SEA:012A'", "ATT+2++Q'", "NAT+2+NLD'", "MEA+CT++:x'",
]  # fmt: skip


@FAST
@given(
    st.sampled_from(["PAXLST:D:05B:UN:IATA", "PNRGOV:13:1:IA"]),
    st.lists(st.sampled_from(BODY), max_size=30),
)
def test_well_enveloped_nonsense_fails_cleanly(kind: str, body: list[str]) -> None:
    segments = [f"UNH+1+{kind}'", *body]
    text = (
        "UNB+UNOA:4+A+B+250101:1200+R'" + "".join(segments) + f"UNT+{len(segments) + 1}+1'UNZ+1+R'"
    )
    _edifact_reader_fails_cleanly(text.encode())
