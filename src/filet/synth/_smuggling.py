"""Smuggling networks and their operations, planted in the world with their truth.

A network has the roles of real ones (organiser, recruiters, document supplier, complicit travel
agency, booker/payer, escorts, drivers, money collector, corrupt official). Each operation moves
a group of migrants by one modus operandi of risk-indicators.md and leaves the traces real
operations leave: shared contacts and cards, cash paid by a non-traveller, split PNRs, documents in
series, impostors reusing one genuine document, forged visas, boarding-pass swaps, repeat drivers,
undocumented arrivals, children with unrelated adults, and, in aggravated cases, danger to life,
abuse or ransom (trafficking).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from filet.synth._catalogue import Agency, Catalogue, Route
from filet.synth._people import (
    PeopleFactory,
    Person,
    TravelDocumentRecord,
    next_in_series,
    number_from_pattern,
)
from filet.synth._scenario import ModusOperandi, Scenario

ROLES = (
    "organiser",
    "recruiter",
    "document_supplier",
    "travel_agency",
    "booker_payer",
    "escort",
    "driver",
    "money_collector",
    "corrupt_official",
)
_NETWORK_NAMES = (
    "Falcon",
    "Desert Rose",
    "Blue Nile",
    "Caravan",
    "Crescent",
    "Mountain Pass",
    "Harbour",
    "Silk Road",
    "Oasis",
    "Delta",
)
_EUROPEAN_PASSPORTS = ("D", "SWE", "NLD", "GBR", "FRA", "ITA")
_PLATE_LETTERS = "ABCEHKMOPTX"


@dataclass(slots=True)
class Facilitator:
    person: Person
    role: str
    detail: str = ""
    card_number: str = ""


@dataclass(slots=True)
class Network:
    """A smuggling network: its people, its traces and the resources it reuses."""

    network_id: str
    name: str
    region: str
    routes: list[Route]
    agency: Agency
    organiser: Person
    members: list[Facilitator] = field(default_factory=list)
    vehicles: list[str] = field(default_factory=list)
    account: str = ""
    official_point: str = ""
    official_code: str = ""
    donor_documents: list[tuple[Person, TravelDocumentRecord, int]] = field(default_factory=list)
    blank_series: tuple[str, str, str] = ("", "", "")
    blank_next: int = 0
    visa_series: str = ""
    price_usd: int = 5000

    def role(self, role: str) -> list[Facilitator]:
        return [m for m in self.members if m.role == role]


@dataclass(slots=True)
class Operation:
    """One movement of a group of migrants by one modus operandi."""

    operation_id: str
    network: Network
    modus_operandi: ModusOperandi
    route: Route
    day: dt.date
    migrants: int
    aggravation: str
    intercepted: bool
    children: int = 0
    trafficking: bool = False


def _nationality(rng: random.Random, route: Route) -> str:
    codes = [c for c, _ in route.nationalities]
    return rng.choices(codes, weights=[w for _, w in route.nationalities])[0]


def build_networks(
    scenario: Scenario,
    catalogue: Catalogue,
    factory: PeopleFactory,
    rng: random.Random,
    start: dt.date,
) -> list[Network]:
    """Create the networks with their facilitators before the period starts."""
    routes = [catalogue.routes[r.route] for r in scenario.smuggling.routes]
    weights = [r.share for r in scenario.smuggling.routes]
    networks: list[Network] = []
    for index in range(scenario.smuggling.networks):
        home = rng.choices(routes, weights=weights)[0]
        own = [r for r in routes if r.region == home.region] or [home]
        extra = rng.choices(routes, weights=weights, k=2)
        net_routes = list(dict.fromkeys([home, *own[:2], *extra]))
        nationality = _nationality(rng, home)
        agency = rng.choice(
            [a for a in catalogue.agencies if a.country == nationality] or list(catalogue.agencies)
        )
        organiser = factory.person(nationality, "facilitator", start, sex="M", age=(35, 60))
        network = Network(
            network_id=f"N{index + 1:03d}",
            name=f"{_NETWORK_NAMES[index % len(_NETWORK_NAMES)]} {index // len(_NETWORK_NAMES) + 1}",
            region=home.region,
            routes=net_routes,
            agency=agency,
            organiser=organiser,
            account=f"HW-{rng.randrange(10**7, 10**8)}",
            price_usd=rng.choice((2700, 3500, 4500, 6000, 8000, 12000)),
        )
        network.members.append(Facilitator(organiser, "organiser"))
        for _ in range(rng.randint(2, 3)):
            network.members.append(
                Facilitator(
                    factory.person(_nationality(rng, home), "facilitator", start, age=(22, 50)),
                    "recruiter",
                )
            )
        network.members.append(
            Facilitator(
                factory.person(nationality, "facilitator", start, sex="M", age=(30, 60)),
                "document_supplier",
            )
        )
        payer = factory.person(nationality, "facilitator", start, age=(25, 55))
        network.members.append(
            Facilitator(payer, "booker_payer", card_number=factory.card_number())
        )
        culture = organiser.culture
        for _ in range(2):
            escort = factory.person(
                rng.choice(_EUROPEAN_PASSPORTS), "facilitator", start, culture=culture, sex="M"
            )
            factory.passport(escort, start)
            network.members.append(Facilitator(escort, "escort"))
        for _ in range(rng.randint(1, 2)):
            driver = factory.person(
                rng.choice(("TUR", "BGR", "UKR", nationality)), "facilitator", start, sex="M"
            )
            factory.passport(driver, start)
            plate = (
                f"{rng.choice(_PLATE_LETTERS)}{rng.choice(_PLATE_LETTERS)}"
                f"{rng.randrange(1000, 9999)}{rng.choice(_PLATE_LETTERS)}"
            )
            network.vehicles.append(plate)
            network.members.append(Facilitator(driver, "driver", detail=f"vehicle {plate}"))
        network.members.append(
            Facilitator(
                factory.person(nationality, "facilitator", start, age=(30, 60)),
                "money_collector",
                detail=f"hawala account {network.account}",
            )
        )
        _plan_official(network, catalogue, factory, rng, start)
        _plan_documents(network, catalogue, factory, rng, start)
        networks.append(network)
    # Every mode a modus operandi needs is run by some network.
    needed = sorted({m.mode for m, share in scenario.smuggling.modus_operandi.items() if share > 0})
    for index, mode in enumerate(needed):
        if not any(r.mode == mode for n in networks for r in n.routes):
            options = [r for r in routes if r.mode == mode]
            networks[index % len(networks)].routes.append(rng.choice(options))
    return networks


def _plan_official(
    network: Network,
    catalogue: Catalogue,
    factory: PeopleFactory,
    rng: random.Random,
    start: dt.date,
) -> None:
    points = [r.point for r in network.routes if r.mode == "land"]
    points += [r.path[-1] for r in network.routes if r.mode == "air"]
    candidates = []
    for point in points:
        country = (
            catalogue.crossing_points[point].country
            if point in catalogue.crossing_points
            else catalogue.airports[point].country
        )
        if country in catalogue.countries:
            candidates.append((point, country))
    if not candidates:
        return
    point, country = rng.choice(candidates)
    official = factory.person(country, "facilitator", start, age=(30, 58))
    network.official_point = point
    network.official_code = f"{point}-{rng.randrange(41, 99):03d}"
    network.members.append(
        Facilitator(
            official,
            "corrupt_official",
            detail=f"border officer {network.official_code} at {point}",
        )
    )


def _plan_documents(
    network: Network,
    catalogue: Catalogue,
    factory: PeopleFactory,
    rng: random.Random,
    start: dt.date,
) -> None:
    state = rng.choice(("D", "FRA", "ITA", "BEL"))
    first = number_from_pattern(rng, catalogue.countries[state].passport_pattern)
    network.blank_series = (state, first, next_in_series(first, 500))
    network.visa_series = f"{rng.randrange(10**6, 10**7)}"


def mo_choice(scenario: Scenario, rng: random.Random) -> ModusOperandi:
    mix = scenario.smuggling.modus_operandi
    kinds = sorted(mix, key=lambda m: m.value)
    return rng.choices(kinds, weights=[mix[k] for k in kinds])[0]


def plan_operations(
    scenario: Scenario,
    networks: list[Network],
    migrants_total: int,
    days: int,
    start: dt.date,
    rng: random.Random,
) -> list[Operation]:
    """Draw the operations of the period (date, network, modus operandi, route, size)."""
    settings = scenario.smuggling
    low, high = settings.group_size
    operations: list[Operation] = []
    planned = 0
    # Every modus operandi with a share gets one operation first, so small worlds have them all.
    first_round = sorted(
        (m for m, share in settings.modus_operandi.items() if share > 0), key=lambda m: m.value
    )
    while planned < migrants_total:
        mo = first_round.pop(0) if first_round else mo_choice(scenario, rng)
        candidates = [n for n in networks if any(r.mode == mo.mode for r in n.routes)]
        network = rng.choice(candidates or networks)
        routes = [r for r in network.routes if r.mode == mo.mode] or [
            r for r in (sr for n in networks for sr in n.routes) if r.mode == mo.mode
        ]
        if not routes:
            continue
        route = rng.choice(routes)
        size = rng.randint(low, high) * (4 if mo == ModusOperandi.SEA_ARRIVAL else 1)
        if mo in (ModusOperandi.AIR_IMPOSTOR, ModusOperandi.AIR_BOARDING_PASS_SWAP):
            size = min(size, 2)  # one look-alike document or one escort's pass per migrant
        size = max(1, min(size, migrants_total - planned))
        aggravation = ""
        if rng.random() < settings.aggravation_rate:
            aggravation = rng.choice(("danger_to_life", "inhuman_treatment", "ransom"))
        intercepted = rng.random() < settings.interception_rate.get(mo.mode, 0.0)
        operations.append(
            Operation(
                operation_id="",
                network=network,
                modus_operandi=mo,
                route=route,
                day=start + dt.timedelta(days=rng.randrange(days)),
                migrants=size,
                aggravation=aggravation,
                intercepted=intercepted or mo == ModusOperandi.SEA_ARRIVAL,
                trafficking=aggravation == "ransom" or (aggravation != "" and rng.random() < 0.3),
            )
        )
        planned += size
    operations.sort(key=lambda o: (o.day, o.network.network_id, o.modus_operandi.value))
    for index, op in enumerate(operations, start=1):
        op.operation_id = f"OP{index:05d}"
    return operations
