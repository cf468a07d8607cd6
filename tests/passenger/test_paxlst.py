"""PAXLST reading and writing, on messages shaped like the API Guidelines' examples."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime

import pytest

from filet.errors import InputError
from filet.passenger import (
    ApiTraveller,
    Flight,
    FlightLeg,
    FlightManifest,
    ReportingParty,
    TravelDocument,
    TravellerName,
    assemble_parts,
    read_paxlst,
    write_paxlst,
)

Read = Callable[[str], str]


def test_guidelines_example_passenger_list(message_text: Read) -> None:
    [manifest] = read_paxlst(message_text("paxlst_d05b_passengers.edi"))
    assert manifest.list_type == "passenger"
    assert manifest.directory == "D05B"
    assert manifest.transaction_ref == "BA123456789"
    assert manifest.reporting_party == ReportingParty(
        name="JOHN SMITH", phone="703-555-1212", fax="703-555-4545"
    )
    assert (manifest.flight.carrier, manifest.flight.number) == ("UA", "0123")
    assert manifest.flight.legs == [
        FlightLeg(
            departure_airport="YVR",
            arrival_airport="JFK",
            departure_local=datetime(2007, 4, 29, 12, 30),
            arrival_local=datetime(2007, 4, 29, 16, 0),
        )
    ]
    first, second = manifest.travellers
    assert first.name.surname == "O'LEARY"
    assert first.name.given_names == "SEAN PATRICK"
    assert first.name.normalised_surname == "OLEARY"
    assert first.birth_date == date(1970, 4, 15)
    assert (first.sex, first.nationality, first.residence_country) == ("M", "IRL", "CAN")
    assert (first.birth_country, first.birthplace) == ("IRL", "CORK")
    assert (first.embarkation, first.debarkation, first.final_destination) == (
        "YVR",
        "JFK",
        "JFK",
    )
    assert (first.pnr_locator, first.passenger_reference) == ("ABC123", "BA1321654987")
    assert first.seat == "74E"  # sent as 074E
    assert first.documents == [
        TravelDocument(
            doc_type="P", number="PA1402416", issuing_state="IRL", expiry=date(2019, 10, 21)
        )
    ]
    assert (first.bags_count, first.bags_weight, first.bags_weight_unit) == (2, 31.5, "KGM")
    assert first.address is not None
    assert first.address.city == "ANYCITY"
    assert first.quality_flags == []
    # kept, with flags: no birth date, a document number with a released colon in it
    assert second.name.given_names == "MARIE+ANNE"
    assert second.documents[0].number == "12AB:34567"
    assert second.quality_flags == ["missing_birth_date", "invalid_document_number"]


def test_multi_leg_routing_with_loc_92(message_text: Read) -> None:
    [manifest] = read_paxlst(message_text("paxlst_d05b_multileg.edi"))
    assert manifest.flight.designator == "QQ0827"
    assert [(leg.departure_airport, leg.arrival_airport) for leg in manifest.flight.legs] == [
        ("IAD", "JFK"),
        ("JFK", "CDG"),
    ]
    assert manifest.flight.legs[1].arrival_local == datetime(2008, 7, 11, 6, 30)
    [previous] = manifest.previous_flights
    assert previous.designator == "QQ0877"
    assert previous.legs[0].departure_airport == "MIA"
    assert previous.legs[0].departure_local == datetime(2008, 7, 10, 15, 0)
    assert [t.name.surname for t in manifest.travellers] == ["BARRETT", "LANG"]


def test_crew_list_d02b_with_custom_una(message_text: Read) -> None:
    [manifest] = read_paxlst(message_text("paxlst_d02b_crew_custom_una.edi"))
    assert manifest.list_type == "crew"
    assert manifest.directory == "D02B"
    assert manifest.reporting_party is not None
    assert manifest.reporting_party.email == "OPS|CREW@EXAMPLE.NL"
    assert [t.role for t in manifest.travellers] == ["crew"] * 3
    assert manifest.travellers[1].name.surname == "D!ARCY"
    assert manifest.travellers[1].name.given_names == "ANNE*MARIE"
    assert manifest.travellers[2].quality_flags == ["missing_birth_date", "missing_document"]
    assert manifest.travellers[2].sex == "X"


def test_multi_part_message_is_one_manifest(message_text: Read) -> None:
    [manifest] = read_paxlst(message_text("paxlst_d05b_two_parts.edi"))
    assert manifest.part_numbers == [1, 2]
    assert manifest.complete
    assert manifest.message_refs == ["P100201", "P100202"]
    assert [t.name.given_names for t in manifest.travellers] == ["OMAR", "LINA", "THI MAI"]


def test_parts_from_separate_interchanges_are_assembled_in_order(message_text: Read) -> None:
    lines = message_text("paxlst_d05b_two_parts.edi").splitlines()
    head = lines[:2]
    first_end = next(i for i, line in enumerate(lines) if line.startswith("UNT+"))
    first = "\n".join([*head, *lines[2 : first_end + 1], "UNZ+1+P1002'"])
    second = "\n".join([*head, *lines[first_end + 1 : -1], "UNZ+1+P1002'"])
    [part_two] = read_paxlst(second)
    assert part_two.part_numbers == [2]
    assert not part_two.complete  # the final part alone: part 1 is missing
    [part_one] = read_paxlst(first)
    assert not part_one.complete  # the first part alone: not final
    [whole] = assemble_parts([part_two, part_one])
    assert whole.complete
    assert whole.part_numbers == [1, 2]
    assert [t.name.given_names for t in whole.travellers] == ["OMAR", "LINA", "THI MAI"]


def test_count_mismatch_rejects_the_message(message_text: Read) -> None:
    text = message_text("paxlst_d05b_passengers.edi").replace("CNT+42:2'", "CNT+42:3'")
    with pytest.raises(InputError, match="CNT says 3 travellers but the message has 2") as caught:
        read_paxlst(text)
    assert caught.value.place.tag == "CNT"
    assert caught.value.place.segment == 39  # UNB is segment 1; UNA is not counted


def test_segment_count_mismatch_rejects_the_message(message_text: Read) -> None:
    text = message_text("paxlst_d05b_passengers.edi").replace("UNT+38+", "UNT+37+")
    with pytest.raises(InputError, match="is 37 but there are 38"):
        read_paxlst(text)


def test_broken_flight_is_rejected_whole(message_text: Read) -> None:
    text = message_text("paxlst_d05b_passengers.edi").replace(
        "DTM+189:0704291230:201", "DTM+189:0704321230:201"
    )
    with pytest.raises(InputError, match="not a valid date") as caught:
        read_paxlst(text)
    assert caught.value.place.tag == "DTM"
    assert caught.value.place.segment == 10


def test_odd_traveller_is_kept_with_flags(message_text: Read) -> None:
    text = message_text("paxlst_d05b_passengers.edi").replace("DTM+329:700415'", "DTM+329:701315'")
    [manifest] = read_paxlst(text)
    assert manifest.travellers[0].birth_date is None
    assert "invalid_birth_date" in manifest.travellers[0].quality_flags


def test_not_a_paxlst_is_rejected(message_text: Read) -> None:
    with pytest.raises(InputError, match="is not PAXLST"):
        read_paxlst(message_text("pnrgov_13_1_two_bookings.edi"))


def _manifest() -> FlightManifest:
    traveller = ApiTraveller(
        name=TravellerName(surname="O'LEARY", given_names="SEÁN+PÁDRAIG:JR"),
        sex="M",
        birth_date=date(1951, 12, 31),
        nationality="IRL",
        embarkation="DUB",
        debarkation="JFK",
        pnr_locator="AB?C12",
        seat="007C",
        documents=[
            TravelDocument(
                doc_type="P",
                number="PA1402416",
                issuing_state="IRL",
                expiry=date(2031, 1, 2),
                issue_date=date(2021, 1, 3),
            ),
            TravelDocument(doc_type="V", number="US998877", issuing_state="USA"),
        ],
        bags_count=1,
        bags_weight=23.0,
        bags_weight_unit="KGM",
    )
    return FlightManifest(
        flight=Flight(
            carrier="EI",
            number="105",
            legs=[
                FlightLeg(
                    departure_airport="DUB",
                    arrival_airport="SNN",
                    departure_local=datetime(2026, 6, 1, 10, 0),
                    arrival_local=datetime(2026, 6, 1, 10, 45),
                ),
                FlightLeg(
                    departure_airport="SNN",
                    arrival_airport="JFK",
                    departure_local=datetime(2026, 6, 1, 12, 0),
                    arrival_local=datetime(2026, 6, 1, 14, 30),
                ),
            ],
        ),
        travellers=[traveller] * 5,
        reporting_party=ReportingParty(name="EI OPS'DESK", email="api@example.ie"),
        transaction_ref="T:1",
        sender="EI",
        recipient="USCBP",
        interchange_ref="42",
        message_refs=["42"],
    )


def test_round_trip_single_message() -> None:
    manifest = _manifest()
    assert manifest.travellers[0].seat == "7C"
    assert read_paxlst(write_paxlst(manifest)) == [manifest]


@pytest.mark.parametrize("service", [":+.? '", "*|.# !", "\x1f\x1d.\x1b \x1c"])
def test_round_trip_split_into_parts_with_any_service_characters(service: str) -> None:
    manifest = _manifest()
    text = write_paxlst(manifest, max_travellers_per_part=2, service=service)
    assert text.count("UNH") == 3
    [parsed] = read_paxlst(text)
    assert parsed.part_numbers == [1, 2, 3]
    assert parsed.complete
    assert parsed.common_access_ref == "42"
    expected = replace(
        manifest,
        message_refs=parsed.message_refs,
        part_numbers=[1, 2, 3],
        last_part=3,
        common_access_ref="42",
    )
    assert parsed == expected


def test_round_trip_crew_list_with_previous_flight() -> None:
    crew = replace(
        _manifest(),
        list_type="crew",
        directory="D02B",
        travellers=[replace(_manifest().travellers[0], role="crew")],
        previous_flights=[
            Flight(
                carrier="",
                number="EI0104",
                legs=[FlightLeg(departure_airport="LHR", arrival_airport="DUB")],
            )
        ],
    )
    text = write_paxlst(crew)
    assert "BGM+250'" in text
    assert "NAD+FM+++" in text
    assert "CNT+41:1'" in text
    assert read_paxlst(text) == [crew]


def test_written_messages_are_accepted_by_pydifact() -> None:
    import warnings

    from pydifact.parser import Parser

    text = write_paxlst(_manifest(), max_travellers_per_part=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = list(Parser().parse(text))
    lines = text.count("'\n")  # one per segment, and one for the UNA
    assert len(theirs) == lines
    names = [s for s in theirs if s.tag == "NAD" and s.elements[0] == "FL"]
    assert names[0].elements[3][0] == "O'LEARY"
