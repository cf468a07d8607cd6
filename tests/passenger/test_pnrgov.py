"""PNRGOV reading and writing, on messages shaped like the IATA PNRGOV guide's examples."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest

from filet.errors import InputError
from filet.passenger import (
    Address,
    Agency,
    CheckIn,
    Contact,
    Fare,
    Flight,
    FlightLeg,
    FrequentFlyer,
    HistoryAction,
    HistoryEntry,
    ItineraryLeg,
    Originator,
    Payment,
    PnrBooking,
    PnrMessage,
    PnrTraveller,
    SeatAssignment,
    SsrDoca,
    SsrDoco,
    SsrDocs,
    SsrOther,
    Tax,
    Ticket,
    TicketingOffice,
    TravellerName,
    read_pnrgov,
    write_pnrgov,
)

Read = Callable[[str], str]


@pytest.fixture
def message(message_text: Read) -> PnrMessage:
    [parsed] = read_pnrgov(message_text("pnrgov_13_1_two_bookings.edi"))
    return parsed


def test_header_and_flight(message: PnrMessage) -> None:
    assert message.version == "13.1"
    assert message.message_function == "22"
    assert message.originator == Originator(airline="DL", location="ATL", agency_id="52519950")
    assert message.flight.designator == "DL0324"
    assert message.flight.legs[0].departure_local == datetime(2010, 12, 12, 9, 15)
    assert [b.record_locator for b in message.bookings] == ["MFN4TI", "B6E593"]


def test_booking_dates_agency_contacts(message: PnrMessage) -> None:
    booking = message.bookings[0]
    assert booking.created == datetime(2010, 12, 1, 10, 10)
    assert booking.last_changed == datetime(2010, 12, 6, 10, 10)
    assert booking.other_locators == ["1S:EVFSDI"]
    assert booking.agency == Agency(
        airline="DL",
        location="ATL",
        agency_id="52519950",
        agency_location="LON",
        originator_type="A",
        country="GB",
        currency="GBP",
        agent="D050517",
    )
    assert booking.addresses[0].city == "SLOUGH"
    assert booking.addresses[0].country == "GB"
    phone, email = booking.contacts
    # a national number made international from the booking's country
    assert (phone.value, phone.normalised) == ("01753 637285", "+441753637285")
    assert email.normalised == "sean.o_leary@example.com"
    assert email.traveller_ref == "1"
    assert booking.free_text == ["THIS PASSENGER IS A VIP"]
    assert booking.remarks == [SsrOther(code="AVML", status="HK", quantity=2, carrier="DL")]


def test_travellers_names_documents_infant(message: PnrMessage) -> None:
    sean, mary, baby = message.bookings[0].travellers
    assert sean.name.surname == "O'LEARY"  # released apostrophe
    assert sean.name.given_names == "SEANMR"  # as sent
    assert sean.name.normalised_given_names == "SEAN"  # title cut
    assert sean.frequent_flyer == [FrequentFlyer(airline="DL", number="1234567890", tier="ELITE")]
    assert sean.unique_ref == "38739393AN8739P"
    docs = sean.documents[0]
    assert (docs.doc_type, docs.number, docs.nationality) == ("P", "PA1402416", "IRL")
    assert docs.birth_date == date(1970, 4, 15)
    assert docs.expiry == date(2029, 10, 21)
    assert (docs.surname, docs.given_names, docs.middle_names) == ("O'LEARY", "SEAN", "PATRICK")
    assert isinstance(sean.remarks[1], SsrDoca)
    assert sean.remarks[1].kind == "R"
    assert mary.with_infant
    assert isinstance(mary.remarks[1], SsrDoco)
    assert mary.remarks[1].doc_type == "V"
    assert mary.remarks[1].issue_date == date(2010, 1, 1)
    assert baby.is_infant
    assert baby.documents[0].sex == "MI"


def test_tickets_payment_and_payer(message: PnrMessage) -> None:
    sean, mary, _ = message.bookings[0].travellers
    [ticket] = sean.tickets
    assert ticket.number == "0062120234533"
    assert ticket.fares == [
        Fare(kind="B", amount="2888.00", currency="GBP"),
        Fare(kind="T", amount="2957.94", currency="GBP"),
    ]
    assert ticket.taxes == [Tax(amount="3.10", code="AY6"), Tax(amount="8.50", code="YQ")]
    assert ticket.office == TicketingOffice(
        indicator="NR",
        issued=datetime(2010, 12, 6, 10, 10),
        carrier="DL",
        numeric_code="006",
        location="LON",
    )
    assert ticket.issued == datetime(2010, 12, 6, 12, 0)
    [card] = ticket.payments
    assert (card.form, card.card_vendor, card.card_number_masked) == ("CC", "VI", "XXXXXXXX1186")
    assert card.payer_name == "TIMOTHY SIMS"
    assert card.payer_address == "2234 MAIN STREET ATLANTA, GA 30067"
    assert card.payer_phone == "7705632891"
    [cash] = mary.tickets[0].payments
    assert (cash.form, cash.amount) == ("CA", 2957.94)
    assert [p.form for p in message.bookings[0].payments] == ["CC", "CA"]


def test_itinerary_codeshare_seats_check_in(message: PnrMessage) -> None:
    first, second = message.bookings[0].itinerary
    assert first.flight.designator == "DL0324"
    assert first.flight.operating_carrier == "KL"  # codeshare: marketed by DL, operated by KL
    assert (first.booking_class, first.status, first.party_size, first.aircraft) == (
        "B",
        "HK",
        2,
        "767",
    )
    # sent as 015A and 015B
    assert first.seats == [
        SeatAssignment(seat="15A", traveller_ref="1"),
        SeatAssignment(seat="15B", traveller_ref="2"),
    ]
    assert first.remarks == [SsrOther(code="WCHR", status="HK", quantity=1, carrier="DL")]
    [check_in] = first.check_ins
    assert check_in.traveller_ref == "1"
    assert check_in.checked_in == datetime(2010, 12, 11, 9, 15)
    assert (check_in.seat, check_in.bags_count, check_in.bags_weight) == ("15A", 2, 30.0)
    assert check_in.bag_tags == ["DL0443", "DL0444"]
    assert second.flight.legs[0].arrival_airport == "YVR"


def test_history(message: PnrMessage) -> None:
    [entry] = message.bookings[0].history
    assert (entry.originator, entry.location, entry.carrier) == ("LHRRR", "LON", "DL")
    assert entry.changed == datetime(2010, 12, 7, 10, 10)
    assert [(a.action, a.tag) for a in entry.actions] == [("X", "TVL"), ("X", "RPI"), ("A", "SSR")]
    assert entry.actions[1].elements == [["2"], ["K"]]


def test_split_pnr_and_ssr_contact(message: PnrMessage) -> None:
    booking = message.bookings[1]
    assert booking.split_references == ["DL:MFN4TI"]
    assert booking.agency is not None
    assert booking.agency.originator_type == "T"
    [contact] = booking.contacts
    assert contact == Contact(
        kind="phone",
        value="17705632891",
        normalised="+17705632891",
        qualifier="CTCM",
        source="SSR",
        traveller_ref="1",
    )
    [traveller] = booking.travellers
    assert traveller.quality_flags == ["docs_without_document_number"]
    assert traveller.tickets[0].payments[0].form == "MS"


def test_version_11_with_custom_una_and_unmasked_card(message_text: Read) -> None:
    [message] = read_pnrgov(message_text("pnrgov_11_1_custom_una.edi"))
    assert message.version == "11.1"
    assert message.flight.designator == "TZ0006"
    assert message.flight.legs[0].arrival_local == datetime(2013, 5, 29, 7, 50)
    assert message.originator is not None
    assert message.originator.agent == "HOLMESS"
    [booking] = message.bookings
    assert booking.other_locators == ["1S:EVFSDI"]
    doron, lendrot = booking.travellers
    assert doron.name.surname == 'DORON"SMITH'
    assert doron.name.normalised_given_names == "NINA"
    assert doron.documents[0].birth_date == date(1953, 2, 5)
    # a card number sent in clear is kept only masked
    assert doron.tickets[0].payments[0].card_number_masked == "XXXXXXXXXXXX1111"
    assert lendrot.documents[0].number == "C01X00T47"
    assert booking.contacts[0].normalised == "+14045551212"
    assert booking.itinerary[0].flight.designator == "LH0474"


def test_eqn_count_is_checked(message_text: Read) -> None:
    text = message_text("pnrgov_13_1_two_bookings.edi").replace("EQN+2'", "EQN+3'")
    with pytest.raises(InputError, match="EQN says 3 PNRs but the message has 2") as caught:
        read_pnrgov(text)
    assert caught.value.place.tag == "EQN"


def test_broken_date_rejects_the_message(message_text: Read) -> None:
    text = message_text("pnrgov_13_1_two_bookings.edi").replace(
        "DAT+700:061210:1010", "DAT+700:061310:1010"
    )
    with pytest.raises(InputError) as caught:
        read_pnrgov(text)
    assert caught.value.place.tag == "DAT"
    assert caught.value.place.segment == 11


def _message() -> PnrMessage:
    leg = ItineraryLeg(
        flight=Flight(
            carrier="TK",
            number="1881",
            operating_carrier="A3",
            legs=[
                FlightLeg(
                    departure_airport="IST",
                    arrival_airport="ATH",
                    departure_local=datetime(2026, 5, 3, 7, 5),
                    arrival_local=datetime(2026, 5, 3, 8, 40),
                )
            ],
        ),
        booking_class="Y",
        status="HK",
        party_size=3,
        aircraft="32N",
        seats=[SeatAssignment(seat="012C", traveller_ref="1")],
        check_ins=[
            CheckIn(
                traveller_ref="1",
                name=TravellerName(surname="YILMAZ", given_names="AHMET MR"),
                seat="12C",
                checked_in=datetime(2026, 5, 3, 5, 0),
                bags_count=0,
            ),
            CheckIn(traveller_ref="2", seat="12D"),
        ],
        remarks=[SsrOther(code="WCHR", status="HK", quantity=1, carrier="TK", text="ASSIST")],
    )
    travellers = [
        PnrTraveller(
            name=TravellerName(surname="YILMAZ", given_names="AHMET MR"),
            traveller_ref="1",
            traveller_type="A",
            with_infant=True,
            unique_ref="U1",
            frequent_flyer=[FrequentFlyer(airline="TK", number="TK123", tier="ELITE")],
            remarks=[
                SsrDocs(
                    status="HK",
                    carrier="TK",
                    doc_type="P",
                    issuing_state="TUR",
                    number="U12345678",
                    nationality="TUR",
                    birth_date=date(1980, 1, 31),
                    sex="M",
                    expiry=date(2030, 1, 31),
                    surname="YILMAZ",
                    given_names="AHMET",
                ),
                SsrDoca(status="HK", kind="D", country="GRC", street="ODOS 1A", city="ATHINA"),
                SsrDoco(
                    status="HK",
                    birthplace="IZMIR",
                    doc_type="V",
                    number="GR1",
                    issue_place="ANKARA",
                    issue_date=date(2026, 1, 2),
                    applicable_country="GRC",
                ),
            ],
            tickets=[
                Ticket(
                    number="2352400000001",
                    booklets=1,
                    issued=datetime(2026, 4, 30, 23, 10),
                    fares=[Fare(kind="T", amount="410.00", currency="EUR")],
                    taxes=[Tax(amount="12.00", code="TR")],
                    office=TicketingOffice(
                        indicator="NR",
                        issued=datetime(2026, 4, 30, 23, 10),
                        carrier="TK",
                        numeric_code="235",
                        location="IST",
                    ),
                    payments=[
                        Payment(
                            form="CA",
                            amount=410.0,
                            payer_name="MEHMET K?ARA",
                            payer_address="KUMKAPI+ISTANBUL",
                            payer_phone="+90 212 555 0000",
                        ),
                    ],
                )
            ],
        ),
        PnrTraveller(
            name=TravellerName(surname="YILMAZ", given_names="ELIF"),
            traveller_ref="2",
            traveller_type="A",
            tickets=[
                Ticket(
                    number="2352400000002",
                    payments=[
                        Payment(
                            form="CC",
                            card_vendor="VI",
                            card_number_masked="4111111111111111",
                            card_expiry="1228",
                            amount=410.0,
                        )
                    ],
                )
            ],
        ),
        PnrTraveller(
            name=TravellerName(surname="YILMAZ", given_names="CAN"),
            traveller_ref="3",
            traveller_type="IN",
        ),
    ]
    booking = PnrBooking(
        record_locator="XK7P2Q",
        locator_carrier="TK",
        created=datetime(2026, 4, 30, 22, 55),
        last_changed=datetime(2026, 5, 1, 9, 0),
        other_locators=["1A:ZZ9Y8X"],
        split_references=["TK:XK7P2R", "TK:XK7P2S"],
        agency=Agency(
            airline="TK",
            location="IST",
            agency_id="33212345",
            agency_location="IST",
            originator_type="T",
            country="TR",
            currency="TRY",
            agent="AG01",
        ),
        addresses=[Address(kind="700", street="KUMKAPI 5", city="ISTANBUL", country="TR")],
        contacts=[
            Contact(kind="phone", value="0532 555 1234", qualifier="CTCM"),
            Contact(
                kind="email", value="A.YILMAZ//EXAMPLE.COM", qualifier="CTCE", traveller_ref="1"
            ),
            Contact(
                kind="phone",
                value="905325551235",
                qualifier="CTCM",
                source="SSR",
                traveller_ref="2",
            ),
        ],
        free_text=["GROUP OF 3 'FAMILY'"],
        remarks=[SsrOther(code="OTHS", text="PAID AT COUNTER")],
        travellers=travellers,
        itinerary=[leg],
        history=[
            HistoryEntry(
                originator="ISTTK",
                location="IST",
                carrier="TK",
                changed=datetime(2026, 5, 1, 9, 0),
                actions=[
                    HistoryAction(action="A", tag="SSR", elements=[["WCHR", "HK", "1", "TK"]]),
                    HistoryAction(action="X", tag="IFT", elements=[["4", "28"], ["OLD: TEXT"]]),
                ],
            )
        ],
    )
    for contact, normalised in zip(
        booking.contacts, ["+905325551234", "a.yilmaz@example.com", "+905325551235"], strict=True
    ):
        contact.normalised = normalised
    return PnrMessage(
        flight=leg.flight,
        bookings=[booking],
        originator=Originator(airline="TK", location="IST", agency_id="1", agent="SYS"),
        version="17.1",
        sender="TK",
        recipient="GRPIU",
        interchange_ref="9001",
        message_ref="M9001",
        common_access_ref="TK1881X030526",
    )


@pytest.mark.parametrize("service", [":+.? '", '*|.# "'])
def test_round_trip(service: str) -> None:
    message = _message()
    assert message.bookings[0].itinerary[0].seats[0].seat == "12C"
    assert message.bookings[0].travellers[1].tickets[0].payments[0].card_number_masked == (
        "XXXXXXXXXXXX1111"
    )
    text = write_pnrgov(message, service=service)
    assert read_pnrgov(text) == [message]


def test_writer_refuses_a_slash_inside_an_ssr_field() -> None:
    message = _message()
    doca = message.bookings[0].travellers[0].remarks[1]
    assert isinstance(doca, SsrDoca)
    doca.street = "ODOS 1/A"
    with pytest.raises(ValueError, match="must not contain '/'"):
        write_pnrgov(message)


def test_written_messages_are_accepted_by_pydifact() -> None:
    import warnings

    from pydifact.parser import Parser

    text = write_pnrgov(_message())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = list(Parser().parse(text))
    assert len(theirs) == text.count("'\n")  # one per segment, and one for the UNA
    payer = next(s for s in theirs if s.tag == "IFT" and s.elements[0] == ["4", "43"])
    assert payer.elements[1:] == ["MEHMET K?ARA", "KUMKAPI+ISTANBUL", "+90 212 555 0000"]
