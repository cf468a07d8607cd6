"""Passengers per second parsing PAXLST and PNRGOV, beside pydifact's raw tokenisation of the same
files in the same run.

    python benchmarks/bench_passenger_parse.py --passengers 5000

The messages are made by filet's own writers (seeded, so every run parses the same text): flights
of 200 passengers, PAXLST lists split into parts of 99 travellers, PNRGOV bookings of one to four
travellers with documents, tickets, payments, seats and check-in. Figures printed:

- ``pydifact tokenizer``: pydifact's ``Tokenizer.get_tokens`` over the text (the syntax layer
  filet used before it had its own), the floor for any parser built on it;
- ``pydifact parser``: pydifact's ``Parser.parse`` to generic segments (no message semantics);
- ``filet segments``: filet's own tokenizer (``read_segments``: segments, elements, components,
  release characters resolved), the peer of the pydifact tokenizer line;
- ``filet``: ``read_paxlst`` / ``read_pnrgov`` to the full model, envelopes and counts checked.

Times are CPU time of this process (``time.process_time``), best of ``--repeat`` runs, so that
other work on a shared machine disturbs them less.
"""

from __future__ import annotations

import argparse
import random
import time
import warnings
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import partial

from pydifact.control.characters import Characters
from pydifact.parser import Parser
from pydifact.tokenizer import Tokenizer

from filet.passenger import (
    ApiTraveller,
    CheckIn,
    Fare,
    Flight,
    FlightLeg,
    FlightManifest,
    ItineraryLeg,
    Payment,
    PnrBooking,
    PnrMessage,
    PnrTraveller,
    SeatAssignment,
    SsrDocs,
    Ticket,
    TravelDocument,
    TravellerName,
    read_paxlst,
    read_pnrgov,
    write_paxlst,
    write_pnrgov,
)
from filet.passenger._edifact import read_segments

SURNAMES = ["HADDAD", "O'LEARY", "NGUYEN", "OKAFOR", "AL-HASSAN", "KOWALSKA", "SILVA", "TESFAYE"]
GIVEN = ["OMAR", "MARY KATE", "THI MAI", "CHIDI", "LINA", "ANNA", "JOAO", "SELAM"]
AIRPORTS = ["IST", "ATH", "FRA", "LOS", "ADD", "DXB", "CDG", "AMS"]
FLIGHT_SIZE = 200


def _flight(rng: random.Random, index: int) -> Flight:
    departure = datetime(2026, 1, 1, 6, 0) + timedelta(hours=index * 7)
    origin, destination = rng.sample(AIRPORTS, 2)
    leg = FlightLeg(
        departure_airport=origin,
        arrival_airport=destination,
        departure_local=departure,
        arrival_local=departure + timedelta(hours=3),
    )
    return Flight(carrier="XX", number=str(100 + index % 9000), legs=[leg])


def _name(rng: random.Random) -> TravellerName:
    return TravellerName(surname=rng.choice(SURNAMES), given_names=rng.choice(GIVEN))


def make_paxlst(passengers: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    files = []
    for index, start in enumerate(range(0, passengers, FLIGHT_SIZE)):
        flight = _flight(rng, index)
        leg = flight.legs[0]
        travellers = [
            ApiTraveller(
                name=_name(rng),
                sex=rng.choice("MF"),
                birth_date=date(1950, 1, 1) + timedelta(days=rng.randrange(25000)),
                nationality=rng.choice(["SYR", "NGA", "VNM", "ETH", "TUR"]),
                embarkation=leg.departure_airport,
                debarkation=leg.arrival_airport,
                pnr_locator=f"PN{rng.randrange(10**5):05d}",
                seat=f"{rng.randrange(1, 40):03d}{rng.choice('ABCDEF')}",
                documents=[
                    TravelDocument(
                        doc_type="P",
                        number=f"N{rng.randrange(10**8):08d}",
                        issuing_state="SYR",
                        expiry=date(2030, 1, 1),
                    )
                ],
                bags_count=rng.randrange(3),
            )
            for _ in range(min(FLIGHT_SIZE, passengers - start))
        ]
        manifest = FlightManifest(flight=flight, travellers=travellers)
        files.append(write_paxlst(manifest, interchange_ref=str(index), max_travellers_per_part=99))
    return files


def make_pnrgov(passengers: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    files = []
    for index, start in enumerate(range(0, passengers, FLIGHT_SIZE)):
        flight = _flight(rng, index)
        left = min(FLIGHT_SIZE, passengers - start)
        bookings = []
        while left > 0:
            size = min(left, rng.randint(1, 4))
            left -= size
            travellers = []
            for ref in range(1, size + 1):
                name = _name(rng)
                docs = SsrDocs(
                    status="HK",
                    doc_type="P",
                    issuing_state="SYR",
                    number=f"N{rng.randrange(10**8):08d}",
                    nationality="SYR",
                    birth_date=date(1960, 1, 1) + timedelta(days=rng.randrange(20000)),
                    sex=rng.choice("MF"),
                    expiry=date(2030, 1, 1),
                    surname=name.surname.replace("'", ""),
                    given_names=name.given_names,
                )
                payment = Payment(form=rng.choice(["CC", "CA", "MS"]), amount=320.0)
                ticket = Ticket(
                    number=f"235{rng.randrange(10**10):010d}",
                    fares=[Fare(kind="T", amount="320.00", currency="EUR")],
                    payments=[payment],
                )
                travellers.append(
                    PnrTraveller(
                        name=name,
                        traveller_ref=str(ref),
                        traveller_type="A",
                        remarks=[docs],
                        tickets=[ticket],
                    )
                )
            leg = ItineraryLeg(
                flight=flight,
                status="HK",
                party_size=size,
                seats=[
                    SeatAssignment(seat=f"{rng.randrange(1, 40)}C", traveller_ref=str(r))
                    for r in range(1, size + 1)
                ],
                check_ins=[
                    CheckIn(traveller_ref=str(r), seat="12C", bags_count=1)
                    for r in range(1, size + 1)
                ],
            )
            bookings.append(
                PnrBooking(
                    record_locator=f"R{rng.randrange(10**5):05d}",
                    created=datetime(2025, 12, 1, 10, 0),
                    travellers=travellers,
                    itinerary=[leg],
                )
            )
        message = PnrMessage(flight=flight, bookings=bookings)
        files.append(write_pnrgov(message, interchange_ref=str(index)))
    return files


def _time(work: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


def _filet_segments(files: list[str]) -> int:
    return sum(len(read_segments(text)[1]) for text in files)


def _tokenise(files: list[str]) -> int:
    count = 0
    for text in files:
        service = text[3:9]
        body = text[9:].replace("\n", "")
        for _ in Tokenizer().get_tokens(body, Characters.from_str("UNA" + service)):
            count += 1
    return count


def _pydifact_parse(files: list[str]) -> int:
    count = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for text in files:
            for _ in Parser().parse(text.replace("\n", "")):
                count += 1
    return count


def _read_paxlst(files: list[str]) -> int:
    return sum(len(m.travellers) for f in files for m in read_paxlst(f))


def _read_pnrgov(files: list[str]) -> int:
    return sum(len(b.travellers) for f in files for m in read_pnrgov(f) for b in m.bookings)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--passengers", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n = args.passengers
    cases: list[tuple[str, list[str], Callable[[list[str]], int]]] = [
        ("PAXLST", make_paxlst(n), _read_paxlst),
        ("PNRGOV", make_pnrgov(n), _read_pnrgov),
    ]
    for label, files, reader in cases:
        size = sum(len(f) for f in files)
        segments = sum(f.count("\n") - 1 for f in files)
        assert reader(files) == n
        timings = (
            ("pydifact tokenizer", _time(partial(_tokenise, files), args.repeat)),
            (
                "pydifact parser (generic segments)",
                _time(partial(_pydifact_parse, files), args.repeat),
            ),
            ("filet segments (own tokenizer)", _time(partial(_filet_segments, files), args.repeat)),
            ("filet read (full model, checks)", _time(partial(reader, files), args.repeat)),
        )
        print(
            f"{label}: {n} passengers, {len(files)} files, {size / 1e6:.2f} MB, {segments} segments"
        )
        for what, seconds in timings:
            print(
                f"  {what:36s} {seconds:7.3f} s  {n / seconds:10.0f} passengers/s"
                f"  {segments / seconds:10.0f} segments/s"
            )


if __name__ == "__main__":
    main()
