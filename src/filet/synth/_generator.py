"""The day-by-day generator: lawful travel, smuggling operations, and every output file.

The generator walks the period one day at a time. Each day it creates that day's lawful parties
and smuggling operations, which put passengers on flights and crossings of that day and later
days, then writes every flight and crossing whose day is over. Memory holds only the future days'
flights, the frequent travellers still to travel and the networks, so a million travellers stream
to disk. Every random choice comes from a ``random.Random`` stream seeded from the run's seed and
the component's name, and nothing reads the clock: the same seed gives the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import heapq
import io
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from followthemoney import model as ftm_model

from filet.documents import DocumentData, MRZFormat, write_mrz
from filet.model.countries import alpha2
from filet.passenger import (
    CrossingRecord,
    FlightManifest,
    PnrMessage,
    ReportingParty,
    write_crossings_csv,
)
from filet.synth._catalogue import Agency, Catalogue, Route, load_catalogue
from filet.synth._files import FlightFiles, FlightFileWriter, default_workers
from filet.synth._output import OutputFiles
from filet.synth._people import (
    NamePart,
    PeopleFactory,
    Person,
    TravelDocumentRecord,
    Weighted,
    next_in_series,
)
from filet.synth._scenario import ModusOperandi, Scenario, TravellerKind
from filet.synth._smuggling import (
    Facilitator,
    Network,
    Operation,
    build_networks,
    plan_operations,
)
from filet.synth._travel import (
    BookingPlan,
    FlightLoad,
    Passenger,
    PendingCrossing,
    RecordTruth,
    TravelBook,
    stable,
)

ProgressCallback = Callable[[int, int], None]
UTC = dt.UTC
_ONWARD = "BKK"  # a third country reached through the reporting airport, never reached
_GULF = frozenset({"DOH", "DXB", "AUH", "JED", "RUH", "KWI", "MCT"})
_WORKER_NATIONALITIES = ("NPL", "BGD", "PHL", "IND", "PAK")
_ROLE_WORDS = {
    "organiser": "the boss, we never met him",
    "recruiter": "the man who found us and took the first payment",
    "document_supplier": "the one who made the papers",
    "booker_payer": "paid for the tickets",
    "escort": "travelled with us and took the passports back",
    "driver": "the driver",
    "money_collector": "the one who collected the money for the boss",
    "corrupt_official": "an officer who let us pass",
}
_LISTING_REASONS = {
    "organiser": "suspected organiser of migrant smuggling",
    "recruiter": "suspected facilitation of unauthorised entry",
    "document_supplier": "suspected forgery of travel documents",
    "booker_payer": "suspected facilitation of unauthorised entry",
    "escort": "suspected facilitation of unauthorised entry",
    "driver": "suspected facilitation of unauthorised entry",
    "money_collector": "suspected laundering of smuggling proceeds",
}
ADMITTED, REFUSED, SECOND_LINE, PROTECTION = (
    "admitted",
    "refused",
    "referred_second_line",
    "referred_protection",
)


@dataclass(frozen=True)
class SynthSummary:
    """What a run produced (printed by the CLI, checked by the benchmark)."""

    scenario: str
    seed: int
    start_date: dt.date
    end_date: dt.date
    travellers: int
    smuggled_migrants: int
    operations: int
    networks: int
    flights: int
    bookings: int
    api_records: int
    crossings: int
    watchlist_entries: int
    intelligence_items: int
    debriefings: int
    bytes_written: int
    files: dict[str, int] = field(default_factory=dict)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, 28))


class WorldGenerator:
    """Generates one world from a scenario and a seed into an output directory."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        seed: int,
        out: Path,
        travellers: int | None = None,
        months: int | None = None,
        progress: ProgressCallback | None = None,
        workers: int | None = None,
    ) -> None:
        self.scenario = scenario
        self.seed = seed
        self.catalogue: Catalogue = load_catalogue()
        self.travellers = travellers or scenario.travellers
        self.start = scenario.start_date
        self.end = add_months(self.start, months or scenario.months)
        self.days = (self.end - self.start).days
        self.progress = progress
        self.rng_people = _stream(seed, "people")
        self.rng_travel = _stream(seed, "travel")
        self.rng_smuggling = _stream(seed, "smuggling")
        self.rng_records = _stream(seed, "records")
        self.rng_lists = _stream(seed, "lists")
        self.rng_intel = _stream(seed, "intelligence")
        self.factory = PeopleFactory(self.catalogue, self.rng_people)
        self.reporting = frozenset(scenario.reporting_airports)
        self.book = TravelBook(self.catalogue, self.reporting, self.end)
        self.out = OutputFiles(out)
        self.workers = default_workers(self.travellers) if workers is None else workers
        self.counts: dict[str, int] = dict.fromkeys(
            (
                "travellers",
                "migrants",
                "flights",
                "bookings",
                "api",
                "crossings",
                "watchlist",
                "intelligence",
                "debriefings",
                "mrz",
                "lost_stolen",
            ),
            0,
        )
        self.frequent: list[tuple[dt.date, int, str]] = []
        self.frequent_people: dict[str, tuple[Person, int]] = {}
        self._seq = 0
        self._group_seq = 0
        self._crossings_header = True
        self._crossings = self.out.open_text("crossings.csv")
        self._mrz_out = self.out.mrz
        self._records = self.out.truth["records"]
        self.lost_reports: list[tuple[str, str, str, str, str, str, str, str, str]] = []
        self.listed: list[tuple[Person, str, str, str]] = []
        self._mrz_cache: dict[str, list[str]] = {}
        self._reported_lost: set[str] = set()
        self._prepare_choices()

    def _prepare_choices(self) -> None:
        """Weighted choices of the scenario, with their cumulative weights computed once."""
        scenario, routes = self.scenario, self.catalogue.routes
        air = [routes[s.route] for s in scenario.air_routes]
        air_weights = [s.share for s in scenario.air_routes]
        self._air_routes = Weighted(air, air_weights)
        gulf = [(r, w) for r, w in zip(air, air_weights, strict=True) if r.path[-1] in _GULF]
        self._gulf_routes = Weighted([r for r, _ in gulf], [w for _, w in gulf]) if gulf else None
        land = scenario.land_routes
        self._land_routes = (
            Weighted([routes[s.route] for s in land], [s.share for s in land]) if land else None
        )
        self._nationality_mix: dict[str, Weighted[str]] = {}
        for share in [*scenario.air_routes, *scenario.land_routes]:
            if share.nationalities and share.route not in self._nationality_mix:
                self._nationality_mix[share.route] = Weighted.of(list(share.nationalities.items()))
        self._home_routes: dict[str, list[Route]] = {}
        self._agencies: dict[str, list[Agency]] = {}

    # --- run ---------------------------------------------------------------------------------------

    def run(self) -> SynthSummary:
        # The world holds millions of long-lived small objects (future flights, bookings,
        # caches) and makes no reference cycles (tested): reference counting frees everything, so
        # the cyclic collector only walks the heap and finds nothing. Its walks grow with the
        # heap: at one million travellers they took a quarter to a third of the generator's time
        # by day 30 and made its time per simulated day grow over the year (docs/synth.md). It
        # is off while the world is made (and in the writer processes forked here) and put back
        # as it was afterwards.
        enabled = gc.isenabled()
        gc.disable()
        try:
            self._files = FlightFileWriter(self.out.root, self.workers)
            try:
                return self._run()
            except BaseException:
                self._files.abort()
                raise
        finally:
            if enabled:
                gc.enable()

    def _run(self) -> SynthSummary:
        scenario = self.scenario
        migrants_total = round(self.travellers * scenario.smuggling.share_of_travellers)
        lawful_total = self.travellers - migrants_total
        networks = build_networks(
            scenario, self.catalogue, self.factory, self.rng_smuggling, self.start
        )
        operations = plan_operations(
            scenario, networks, migrants_total, self.days, self.start, self.rng_smuggling
        )
        self._write_networks(networks)
        by_day: dict[dt.date, list[Operation]] = {}
        for op in operations:
            by_day.setdefault(op.day, []).append(op)
        kinds = sorted(scenario.population, key=lambda k: k.value)
        created = dict.fromkeys(kinds, 0)
        for index in range(self.days):
            day = self.start + dt.timedelta(days=index)
            for kind in kinds:
                target = round(lawful_total * scenario.population[kind] * (index + 1) / self.days)
                while created[kind] < target:
                    created[kind] += self._lawful_party(kind, day, target - created[kind])
            while self.frequent and self.frequent[0][0] <= day:
                _, _, person_id = heapq.heappop(self.frequent)
                person, left = self.frequent_people.pop(person_id)
                if left > 1:
                    self.frequent_people[person_id] = (person, left - 1)
                self._business_trip(person, day, repeat=True)
            for op in by_day.get(day, []):
                self._operation(op)
            self._flush(before=day)
            if self.progress:
                self.progress(index + 1, self.days)
        self._flush(before=self.end + dt.timedelta(days=400))
        self._write_lists(networks)
        self._write_manifest(networks, operations)
        self._files.close()
        self.out.close(self._files.bytes_written)
        return SynthSummary(
            scenario=scenario.name,
            seed=self.seed,
            start_date=self.start,
            end_date=self.end,
            travellers=self.counts["travellers"],
            smuggled_migrants=self.counts["migrants"],
            operations=len(operations),
            networks=len(networks),
            flights=self.counts["flights"],
            bookings=self.counts["bookings"],
            api_records=self.counts["api"],
            crossings=self.counts["crossings"],
            watchlist_entries=self.counts["watchlist"],
            intelligence_items=self.counts["intelligence"],
            debriefings=self.counts["debriefings"],
            bytes_written=self.out.bytes_written,
            files=dict(self.counts.items()),
        )

    # --- people ------------------------------------------------------------------------------------

    def _register(
        self, person: Person, *, network: str = "", operation: str = "", group: str = ""
    ) -> None:
        self.out.truth_row(
            "persons",
            person.person_id,
            person.kind,
            person.nationality,
            person.sex,
            person.birth_date.isoformat(),
            person.document_birth_date.isoformat(),
            person.culture.code,
            person.culture.script,
            person.native_name,
            person.latin_name,
            network,
            operation,
            group,
        )

    def _new_group(self) -> str:
        self._group_seq += 1
        return f"G{self._group_seq:07d}"

    def _locator(self) -> str:
        return self.book.new_locator(self.rng_records.getrandbits(40))

    def _passenger(
        self, person: Person, *, strength: float = 0.3, child: bool = False
    ) -> Passenger:
        """The person as a booking holds them: a variant of the name and, now and then, a birth
        date with day and month swapped by the agent."""
        surname, given, applied = self.factory.variant_name(
            person, strength=strength, rng=self.rng_records
        )
        booked_birth = None
        born = person.document_birth_date
        if self.rng_records.random() < strength * 0.1 and born.day <= 12 and born.day != born.month:
            booked_birth = dt.date(born.year, born.day, born.month)
            applied.append("day_month_swapped")
        return Passenger(
            identity=person,
            physical=person,
            document=person.passport,
            booked_surname=surname,
            booked_given=given,
            booked_variations=tuple(applied),
            booked_birth=booked_birth,
            child=child,
            bags=self.rng_records.choice((1, 1, 2, 2, 3)),
        )

    def _air_route(self, kind: TravellerKind) -> Route:
        if kind == TravellerKind.WORKER_GROUP and self._gulf_routes is not None:
            return self._gulf_routes.pick(self.rng_travel)
        return self._air_routes.pick(self.rng_travel)

    def _route_nationality(self, route: Route) -> str:
        mix = self._nationality_mix.get(route.route_id)
        if mix is None:
            mix = self._nationality_mix[route.route_id] = Weighted.of(route.nationalities)
        return mix.pick(self.rng_travel)

    # --- lawful travel -----------------------------------------------------------------------------

    def _lawful_party(self, kind: TravellerKind, day: dt.date, room: int) -> int:
        rng = self.rng_travel
        if (
            kind in (TravellerKind.TOURIST, TravellerKind.BUSINESS)
            and self.scenario.land_routes
            and rng.random() < self.scenario.land_share
        ):
            self.counts["travellers"] += 1
            return self._land_trip(day, kind)
        if kind == TravellerKind.BUSINESS:
            route = self._air_route(kind)
            person = self.factory.person(
                self._route_nationality(route), "business", day, age=(28, 62)
            )
            self.factory.passport(person, day)
            self._register(person)
            trips = rng.randint(1, 6)
            if trips > 1:
                self.frequent_people[person.person_id] = (person, trips - 1)
                for _ in range(trips - 1):
                    self._seq += 1
                    later = day + dt.timedelta(days=rng.randint(7, 80))
                    heapq.heappush(self.frequent, (later, self._seq, person.person_id))
            self._business_trip(person, day, repeat=False, route=route)
            self.counts["travellers"] += 1
            return 1
        builders = {
            TravellerKind.TOURIST: self._tourists,
            TravellerKind.FAMILY: self._family,
            TravellerKind.STUDENT: self._student,
            TravellerKind.MIGRANT_WORKER: self._migrant_worker,
            TravellerKind.TOUR_GROUP: self._tour_group,
            TravellerKind.SPORTS_TEAM: self._sports_team,
            TravellerKind.WORKER_GROUP: self._worker_group,
        }
        made = builders[kind](day, room)
        self.counts["travellers"] += made
        return made

    def _created(self, day: dt.date, lead: tuple[int, int]) -> dt.datetime:
        rng = self.rng_travel
        days = rng.randint(*lead)
        return dt.datetime.combine(
            day - dt.timedelta(days=days), dt.time(rng.randint(7, 21), rng.randrange(60))
        )

    def _plan(
        self,
        passengers: list[Passenger],
        payer: Person,
        day: dt.date,
        *,
        kind: str,
        lead: tuple[int, int],
        stay: tuple[int, int] | None,
        form: str = "CC",
        card: str = "",
        payer_name: str = "",
        agency_route: Route | None = None,
        group: str = "",
        phone: str = "",
    ) -> BookingPlan:
        rng = self.rng_travel
        agency = ""
        city = country = ""
        if agency_route is not None:
            origin_country = self.catalogue.airports[agency_route.path[0]].country
            options = self._agencies.get(origin_country)
            if options is None:
                options = self._agencies[origin_country] = [
                    a for a in self.catalogue.agencies if a.country == origin_country
                ]
            if options:
                chosen = options[stable(group or payer.person_id) % len(options)]
                agency, city, country = chosen.iata_number, chosen.city, chosen.country
        return BookingPlan(
            passengers=passengers,
            contact_phone=phone or payer.phone,
            contact_email=payer.email,
            payment_form=form,
            card_number=card or (self.factory.card_number() if form == "CC" else ""),
            payer_name=payer_name,
            created=self._created(day, lead),
            agency=agency,
            agency_city=city,
            agency_country=country,
            return_after_days=rng.randint(*stay) if stay else None,
            kind=kind,
            group_id=group,
            fare=float(rng.randrange(250, 1400)),
            locator=self._locator(),
        )

    def _book(self, plan: BookingPlan, route: Route, day: dt.date) -> None:
        self.book.book(plan, route.path, day)
        self.out.truth_row(
            "bookings",
            plan.locator,
            plan.operation_id,
            plan.group_id,
            plan.kind,
            ";".join(plan.split_references),
        )

    def _business_trip(
        self, person: Person, day: dt.date, *, repeat: bool, route: Route | None = None
    ) -> None:
        route = route or self._air_route(TravellerKind.BUSINESS)
        if repeat:
            home = self._home_routes.get(person.nationality)
            if home is None:
                home = self._home_routes[person.nationality] = [
                    r
                    for r in (self.catalogue.routes[s.route] for s in self.scenario.air_routes)
                    if person.nationality in dict(r.nationalities)
                ]
            route = self.rng_travel.choice(home) if home else route
        company = f"{person.parts[-1].latin} TRADING LLC".upper()
        passenger = self._passenger(person, strength=0.1)
        plan = self._plan(
            [passenger],
            person,
            day,
            kind="business",
            lead=(0, 10),
            stay=(1, 6),
            payer_name=company,
            card=f"5{stable(company) % 10**15:015d}",
        )
        self._book(plan, route, day)

    def _tourists(self, day: dt.date, room: int) -> int:
        rng = self.rng_travel
        route = self._air_route(TravellerKind.TOURIST)
        nationality = self._route_nationality(route)
        size = min(room, rng.choice((1, 1, 2, 2, 3)))
        group = self._new_group() if size > 1 else ""
        people = [self.factory.person(nationality, "tourist", day) for _ in range(size)]
        for p in people:
            self.factory.passport(p, day)
            self._register(p, group=group)
        plan = self._plan(
            [self._passenger(p) for p in people],
            people[0],
            day,
            kind="tourist",
            lead=(7, 120),
            stay=(4, 21),
            agency_route=route if rng.random() < 0.3 else None,
            group=group,
        )
        self._book(plan, route, day)
        return size

    def _family(self, day: dt.date, room: int) -> int:
        rng = self.rng_travel
        route = self._air_route(TravellerKind.FAMILY)
        nationality = self._route_nationality(route)
        group = self._new_group()
        father = self.factory.person(nationality, "family", day, sex="M", age=(28, 55))
        mother = self.factory.person(
            nationality, "family", day, sex="F", age=(24, 50), culture=father.culture
        )
        family_part = next((p for p in father.parts if p.role == "family"), None)
        if father.culture.structure == "given_family" and family_part is not None:
            mother = self.factory.person(
                nationality,
                "family",
                day,
                sex="F",
                age=(24, 50),
                culture=father.culture,
                family=family_part,
                phone=father.phone,
            )
        children = []
        given = next(p for p in father.parts if p.role == "given")
        family = next((p for p in father.parts if p.role == "family"), None)
        elder = next((p for p in father.parts if p.role == "father"), None)
        for _ in range(min(max(room - 2, 0), rng.randint(1, 4))):
            children.append(
                self.factory.person(
                    nationality,
                    "family",
                    day,
                    age=(0, 16),
                    culture=father.culture,
                    father=NamePart(given.entry, "father", given.spelling),
                    grandfather=elder,
                    family=family,
                    phone=father.phone,
                    email="",
                )
            )
        travelling = [father, mother, *children]
        if rng.random() < 0.25 and children:
            travelling = [mother, *children]
        travelling = travelling[: max(room, 1)]
        for p in travelling:
            self.factory.passport(p, day)
            self._register(p, group=group)
        passengers = [self._passenger(p, child=p.age_on(day) < 18) for p in travelling]
        # Some families book in two goes (e.g. the adults first): two PNRs, one phone, one card.
        parts = [passengers]
        if len(passengers) >= 3 and rng.random() < 0.3:
            parts = [passengers[:2], passengers[2:]]
        card = self.factory.card_number()
        locators = []
        for part in parts:
            plan = self._plan(
                part,
                father,
                day,
                kind="family",
                lead=(14, 150),
                stay=(7, 30),
                group=group,
                phone=father.phone,
                card=card,
            )
            self._book(plan, route, day)
            locators.append(plan.locator)
        self.out.truth_row(
            "hard_negatives",
            group,
            "family_shared_contact",
            "family sharing one phone and one card, on one booking or two; children may carry"
            " another surname (father's given name, mother's own name)",
            ";".join(p.person_id for p in travelling),
            ";".join(locators),
        )
        return len(travelling)

    def _student(self, day: dt.date, room: int) -> int:
        route = self._air_route(TravellerKind.STUDENT)
        nationality = self._route_nationality(route)
        student = self.factory.person(nationality, "student", day, age=(18, 27))
        parent = self.factory.person(
            nationality, "family", day, age=(45, 65), culture=student.culture
        )
        self.factory.passport(student, day)
        self._register(student)
        plan = self._plan(
            [self._passenger(student)],
            student,
            day,
            kind="student",
            lead=(10, 90),
            stay=None,
            payer_name=" ".join(parent.document_name()[::-1]),
        )
        self._book(plan, route, day)
        return 1

    def _migrant_worker(self, day: dt.date, room: int) -> int:
        route = self._air_route(TravellerKind.WORKER_GROUP)
        nationality = self._route_nationality(route)
        worker = self.factory.person(nationality, "migrant_worker", day, age=(21, 45))
        self.factory.passport(worker, day)
        self._register(worker)
        plan = self._plan(
            [self._passenger(worker)],
            worker,
            day,
            kind="migrant_worker",
            lead=(3, 40),
            stay=None,
            form="CA" if self.rng_travel.random() < 0.4 else "CC",
            agency_route=route,
        )
        self._book(plan, route, day)
        return 1

    def _group_trip(
        self,
        day: dt.date,
        room: int,
        *,
        kind: str,
        size: tuple[int, int],
        age: tuple[int, int],
        stay: tuple[int, int] | None,
        form: str,
        payer_name: str,
        description: str,
        series: bool = False,
        sex: str | None = None,
        nationality: str | None = None,
        route: Route | None = None,
    ) -> int:
        rng = self.rng_travel
        route = route or self._air_route(TravellerKind(kind))
        nationality = nationality or self._route_nationality(route)
        count = rng.randint(*size)
        group = self._new_group()
        people = [
            self.factory.person(nationality, kind, day, age=age, sex=sex) for _ in range(count)
        ]
        first_number = ""
        for index, p in enumerate(people):
            if series:
                if not first_number:
                    first_number = self.factory.passport(p, day).number
                else:
                    self.factory.passport(p, day, number=next_in_series(first_number, index))
            else:
                self.factory.passport(p, day)
            self._register(p, group=group)
        agency_phone = self.factory.phone(self.catalogue.countries[nationality].phone_prefix)
        splits = 1 if count < 10 else rng.randint(1, 3)
        chunks = [people[i::splits] for i in range(splits)]
        locators = [self._locator() for _ in chunks]
        for chunk, locator in zip(chunks, locators, strict=True):
            plan = self._plan(
                [self._passenger(p, strength=0.15) for p in chunk],
                chunk[0],
                day,
                kind=kind,
                lead=(10, 60),
                stay=stay,
                form=form,
                payer_name=payer_name,
                agency_route=route,
                group=group,
                phone=agency_phone,
            )
            plan.locator = locator
            if payer_name == "TOUR OPERATOR" and plan.agency:
                plan.payer_name = next(
                    a.name for a in self.catalogue.agencies if a.iata_number == plan.agency
                )
            plan.split_references = tuple(x for x in locators if x != locator)
            plan.created = plan.created.replace(hour=10, minute=locators.index(locator))
            plan.contact_email = f"bookings{stable(group) % 1000}@agency.example"
            self._book(plan, route, day)
        self.out.truth_row(
            "hard_negatives",
            group,
            kind,
            description,
            ";".join(p.person_id for p in people),
            ";".join(locators),
        )
        return count

    def _tour_group(self, day: dt.date, room: int) -> int:
        return self._group_trip(
            day,
            room,
            kind="tour_group",
            size=(10, 35),
            age=(25, 75),
            stay=(6, 12),
            form="CA",
            payer_name="TOUR OPERATOR",
            description="lawful tour group booked by one agency, split PNRs, paid in cash",
        )

    def _sports_team(self, day: dt.date, room: int) -> int:
        return self._group_trip(
            day,
            room,
            kind="sports_team",
            size=(18, 26),
            age=(18, 32),
            stay=(3, 10),
            form="MS",
            payer_name="NATIONAL FOOTBALL FEDERATION",
            description="sports team: young men, one payer, passports issued in series",
            series=True,
            sex="M",
        )

    def _worker_group(self, day: dt.date, room: int) -> int:
        route = self._air_route(TravellerKind.WORKER_GROUP)
        nationality = self._route_nationality(route)
        if nationality not in _WORKER_NATIONALITIES:
            nationality = self.rng_travel.choice(_WORKER_NATIONALITIES)
        return self._group_trip(
            day,
            room,
            kind="worker_group",
            size=(8, 30),
            age=(20, 42),
            stay=None,
            form="CC",
            payer_name="GULF CONTRACTING WLL",
            description="lawfully recruited migrant workers: one licensed agency, employer pays,"
            " one-way tickets",
            sex="M",
            nationality=nationality,
            route=route,
        )

    def _land_trip(self, day: dt.date, kind: TravellerKind) -> int:
        rng = self.rng_travel
        assert self._land_routes is not None  # only called when the scenario has land routes
        route = self._land_routes.pick(rng)
        nationality = self._route_nationality(route)
        person = self.factory.person(nationality, kind.value, day, age=(25, 65))
        self.factory.passport(person, day)
        self._register(person)
        plate = f"{route.point[:2]}{stable(person.person_id) % 10**6:06d}"
        when = dt.datetime.combine(day, dt.time(rng.randint(6, 20), rng.randrange(60)), UTC)
        passenger = self._passenger(person, strength=0.0)
        self._crossing(passenger, route.point, "entry", "land", when, vehicle=plate)
        back = when + dt.timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 5))
        self._crossing(passenger, route.point, "exit", "land", back, vehicle=plate)
        return 1

    # --- crossings at land and sea points ---------------------------------------------------------

    def _crossing(
        self,
        p: Passenger,
        point: str,
        direction: str,
        mode: str,
        when: dt.datetime,
        *,
        vehicle: str | None = None,
        voyage: str | None = None,
        decision: str = ADMITTED,
        reasons: tuple[str, ...] = (),
        officer: str = "",
        companions: str = "",
        undocumented: bool = False,
    ) -> None:
        doc = None if undocumented else p.document
        if doc is not None:
            surname, given = doc.surname, doc.given_names
            sex, birth, nationality = doc.sex, doc.birth_date, doc.nationality
            identity = p.identity.person_id
        else:
            surname, given = p.booked_surname, p.booked_given
            physical = p.physical
            sex, birth, nationality = (
                physical.sex,
                physical.document_birth_date,
                physical.nationality,
            )
            identity = physical.person_id
        record = CrossingRecord(
            crossing_point=point,
            direction="entry" if direction == "entry" else "exit",
            time=when,
            mode="sea" if mode == "sea" else "land" if mode == "land" else "air",
            name=self.book.name(surname, given),
            vehicle_registration=vehicle,
            voyage=voyage,
            birth_date=birth,
            sex=sex,
            nationality=nationality or None,
            document=self.book.crossing_document(doc),
            officer_id=officer or f"{point}-{stable(p.identity.person_id + point) % 40 + 1:03d}",
            decision=decision,
            decision_reasons=list(reasons),
            companions_ref=companions or None,
        )
        truth = RecordTruth(
            identity,
            p.physical.person_id,
            p.operation_id,
            p.group_id,
            () if doc is not None else p.booked_variations,
        )
        documents = (doc,) if doc is not None else ()
        if when.date() < self.end:
            self.book.crossings[when.date()].append(PendingCrossing(record, truth, documents))

    # --- smuggling operations ---------------------------------------------------------------------

    def _migrants(self, op: Operation) -> list[Person]:
        rng = self.rng_smuggling
        people: list[Person] = []
        for _ in range(op.migrants):
            nationality = _pick(rng, op.route.nationalities)
            child = rng.random() < self.scenario.smuggling.child_rate
            person = self.factory.person(
                nationality,
                "smuggled_migrant",
                op.day,
                age=(9, 17) if child else (18, 45),
                sex="M" if rng.random() < 0.75 else "F",
            )
            op.children += int(child)
            people.append(person)
            self._register(person, network=op.network.network_id, operation=op.operation_id)
        self.counts["migrants"] += len(people)
        self.counts["travellers"] += len(people)
        return people

    def _operation(self, op: Operation) -> None:
        handlers = {
            ModusOperandi.AIR_IMPOSTOR: self._op_impostor,
            ModusOperandi.AIR_BOARDING_PASS_SWAP: self._op_swap,
            ModusOperandi.AIR_FORGED_VISA_SPLIT_PNR: self._op_forged_visa,
            ModusOperandi.AIR_TRANSIT_NO_SHOW: self._op_transit_no_show,
            ModusOperandi.LAND_VEHICLE: self._op_land,
            ModusOperandi.SEA_ARRIVAL: self._op_sea,
        }
        if op.route.mode != op.modus_operandi.mode:
            return
        migrants = self._migrants(op)
        handlers[op.modus_operandi](op, migrants)
        self._vulnerability(op, migrants)
        self._intelligence(op)
        self.out.truth_row(
            "operations",
            op.operation_id,
            op.network.network_id,
            op.modus_operandi.value,
            op.route.route_id,
            op.route.mode,
            op.day.isoformat(),
            len(migrants),
            op.children,
            int(op.intercepted),
            op.aggravation,
            int(op.trafficking),
            op.route.point if op.route.mode != "air" else op.route.path[-1],
            op.network.price_usd,
        )

    def _smuggling_plan(
        self, op: Operation, passengers: list[Passenger], *, lead: tuple[int, int] = (0, 3)
    ) -> BookingPlan:
        net = op.network
        recruiter = self.rng_smuggling.choice(net.role("recruiter"))
        payer = net.role("booker_payer")[0]
        for p in passengers:
            p.operation_id = op.operation_id
            if p.physical is not p.identity or p.physical.kind == "smuggled_migrant":
                p.bags = 0  # smuggled migrants travel with minimal luggage
        created = dt.datetime.combine(
            op.day - dt.timedelta(days=self.rng_smuggling.randint(*lead)),
            dt.time(self.rng_smuggling.randint(8, 18), self.rng_smuggling.randrange(60)),
        )
        return BookingPlan(
            passengers=passengers,
            contact_phone=recruiter.person.phone,
            contact_email="",
            payment_form="CA",
            created=created,
            payer_name=" ".join(payer.person.document_name()[::-1]).strip(),
            payer_phone=payer.person.phone,
            agency=net.agency.iata_number,
            agency_city=net.agency.city,
            agency_country=net.agency.country,
            kind="smuggling",
            operation_id=op.operation_id,
            fare=float(self.rng_smuggling.randrange(400, 900)),
            locator=self._locator(),
        )

    def _entry_outcome(self, op: Operation, passenger: Passenger, reason: str) -> None:
        net = op.network
        if op.intercepted:
            passenger.entry_decision = PROTECTION if passenger.child else SECOND_LINE
            passenger.entry_reasons = (reason,)
        elif net.official_point == op.route.destination:
            passenger.entry_officer = net.official_code

    def _escort(self, op: Operation, path: tuple[str, ...]) -> None:
        escorts = op.network.role("escort")
        if not escorts or self.rng_smuggling.random() >= self.scenario.smuggling.escort_rate:
            return
        escort = self.rng_smuggling.choice(escorts).person
        passenger = self._passenger(escort, strength=0.1)
        plan = self._smuggling_plan(op, [passenger])
        plan.payment_form = "CC"
        plan.card_number = op.network.role("booker_payer")[0].card_number
        plan.contact_phone = escort.phone
        plan.return_after_days = self.rng_smuggling.randint(1, 3)
        self._book(plan, self._path_route(path), op.day)

    def _path_route(self, path: tuple[str, ...]) -> Route:
        return Route("", "air", "", (), path, "", "")

    def _op_impostor(self, op: Operation, migrants: list[Person]) -> None:
        rng = self.rng_smuggling
        net = op.network
        passengers = []
        for migrant in migrants:
            reusable = [d for d in net.donor_documents if d[2] < 4 and d[0].sex == migrant.sex]
            if reusable:
                donor, doc, uses = reusable[0]
                net.donor_documents.remove(reusable[0])
            else:
                donor = self.factory.person(
                    rng.choice(("D", "SWE", "NLD", "GBR")),
                    "document_donor",
                    op.day,
                    culture=migrant.culture,
                    sex=migrant.sex,
                    age=(max(0, migrant.age_on(op.day) - 3), migrant.age_on(op.day) + 5),
                )
                doc = self.factory.passport(donor, op.day)
                self._register(donor, network=net.network_id)
                uses = 0
            uses += 1
            net.donor_documents.append((donor, doc, uses))
            if uses >= 2 and rng.random() < 0.35:
                passengers.append(self._altered_document(op, migrant, donor, doc))
                continue
            passenger = self._passenger(donor, strength=0.05)
            passenger.physical = migrant
            passenger.child = migrant.age_on(op.day) < 18
            self._entry_outcome(op, passenger, "impostor_suspected")
            passengers.append(passenger)
            self._document_truth(
                doc,
                migrant,
                "impostor",
                f"genuine document of a look-alike ({donor.person_id}), use {uses}",
                op,
            )
            if (uses >= 2 or op.intercepted) and doc.document_id not in self._reported_lost:
                self._reported_lost.add(doc.document_id)
                reported = op.day + dt.timedelta(days=rng.randint(10, 45))
                self.lost_reports.append(
                    (
                        doc.issuing_state,
                        doc.number,
                        "P",
                        "lost",
                        reported.isoformat(),
                        "national_police",
                        "impostor_donor_reported_after_use",
                        donor.person_id,
                        op.operation_id,
                    )
                )
        plan = self._smuggling_plan(op, passengers)
        self._book(plan, op.route, op.day)
        self._escort(op, op.route.path)
        self._debriefings(op, migrants, intercepted_only=True)

    def _altered_document(
        self, op: Operation, migrant: Person, donor: Person, doc: TravelDocumentRecord
    ) -> Passenger:
        """A genuine passport whose data page was replaced with the migrant's data: the number
        is the donor's, the name and birth date are the migrant's, the MRZ was rewritten."""
        surname, given = migrant.document_name()
        altered = TravelDocumentRecord(
            document_id=self.factory.new_document_id(),
            doc_type="P",
            number=doc.number,
            issuing_state=doc.issuing_state,
            holder_id=migrant.person_id,
            surname=surname,
            given_names=given,
            nationality=doc.nationality,
            birth_date=migrant.document_birth_date,
            sex=migrant.sex,
            issue_date=doc.issue_date,
            expiry=doc.expiry,
            fraud="altered_genuine",
            fraud_detail=f"data page of the genuine passport {doc.document_id} of"
            f" {donor.person_id} replaced with the migrant's data; MRZ rewritten",
        )
        migrant.documents.append(altered)
        self._document_truth(altered, migrant, altered.fraud, altered.fraud_detail, op)
        passenger = self._passenger(migrant, strength=0.1)
        passenger.document = altered
        passenger.child = migrant.age_on(op.day) < 18
        self._entry_outcome(op, passenger, "altered_document")
        return passenger

    def _op_swap(self, op: Operation, migrants: list[Person]) -> None:
        net = op.network
        escorts = net.role("escort")
        hub_path = op.route.path[-2:]
        for migrant, holder in zip(migrants, escorts, strict=False):
            passenger = self._passenger(holder.person, strength=0.1)
            passenger.physical = migrant
            passenger.undocumented_arrival = True
            passenger.entry_decision = PROTECTION
            passenger.entry_reasons = ("undocumented_arrival", "asylum_request")
            plan = self._smuggling_plan(op, [passenger])
            plan.contact_phone = holder.person.phone
            self._book(plan, self._path_route(hub_path), op.day)
            self.out.truth_row(
                "documents",
                holder.person.passport.document_id if holder.person.passport else "",
                "BP",
                "",
                "",
                holder.person.person_id,
                migrant.person_id,
                "boarding_pass_swap",
                f"boarding pass of {holder.person.person_id} used in transit at {hub_path[0]};"
                " the migrant arrived without documents",
                "not_presented",
                op.operation_id,
            )
            later = op.day + dt.timedelta(days=self.rng_smuggling.randint(2, 6))
            own = self._passenger(holder.person, strength=0.1)
            own_plan = self._smuggling_plan(op, [own])
            own_plan.kind = "smuggling_facilitator_travel"
            own_plan.contact_phone = holder.person.phone
            self._book(own_plan, self._path_route(hub_path), later)
        self._debriefings(op, migrants, intercepted_only=False)

    def _op_transit_no_show(self, op: Operation, migrants: list[Person]) -> None:
        """Through-tickets to a third country via a reporting airport, never used onwards: the
        migrants do not board the onward leg and ask for protection in transit."""
        onward = (*op.route.path, _ONWARD)
        passengers = []
        for migrant in migrants:
            self.factory.passport(migrant, op.day)
            passenger = self._passenger(migrant, strength=0.3)
            passenger.child = migrant.age_on(op.day) < 18
            passenger.no_show_legs = frozenset({len(onward) - 2})
            passenger.entry_decision = PROTECTION
            passenger.entry_reasons = ("transit_no_show", "asylum_request_in_transit")
            passengers.append(passenger)
        plan = self._smuggling_plan(op, passengers, lead=(1, 10))
        legs = self.book.book(plan, onward, op.day)
        self.out.truth_row(
            "bookings", plan.locator, plan.operation_id, plan.group_id, plan.kind, ""
        )
        transit = legs[-2]
        for passenger in passengers:
            self.book.crossing_air(passenger, transit, "entry", passenger.physical)
        self._debriefings(op, migrants, intercepted_only=False)

    def _op_forged_visa(self, op: Operation, migrants: list[Person]) -> None:
        rng = self.rng_smuggling
        net = op.network
        series = rng.random() < 0.5
        first = ""
        destination_state = self.catalogue.airports[op.route.path[-1]].country
        passengers = []
        adults = [m for m in migrants if m.age_on(op.day) >= 18]
        for index, migrant in enumerate(migrants):
            if series:
                if not first:
                    doc = self.factory.passport(
                        migrant,
                        op.day,
                        fraud="fraudulently_obtained",
                        fraud_detail="genuine passport issued on false breeder documents;"
                        " numbers in series",
                    )
                    first = doc.number
                else:
                    doc = self.factory.passport(
                        migrant,
                        op.day,
                        number=next_in_series(first, index),
                        fraud="fraudulently_obtained",
                        fraud_detail="genuine passport issued on false breeder documents;"
                        " numbers in series",
                    )
                self._document_truth(doc, migrant, doc.fraud, doc.fraud_detail, op)
            else:
                doc = self.factory.passport(migrant, op.day)
            visa = TravelDocumentRecord(
                document_id=self.factory.new_document_id(),
                doc_type="V",
                number=f"{destination_state[:1]}{int(net.visa_series) + rng.randrange(500):07d}",
                issuing_state=destination_state,
                holder_id=migrant.person_id,
                surname=doc.surname,
                given_names=doc.given_names,
                nationality=doc.nationality,
                birth_date=doc.birth_date,
                sex=doc.sex,
                issue_date=op.day - dt.timedelta(days=rng.randint(5, 40)),
                expiry=op.day + dt.timedelta(days=rng.randint(10, 60)),
                fraud="forged_visa",
                fraud_detail="counterfeit visa sticker; expiry date altered after printing",
                mrz_expectation="check_digit_fails:expiry_date",
                visa_for=destination_state,
            )
            migrant.documents.append(visa)
            self._document_truth(visa, migrant, visa.fraud, visa.fraud_detail, op)
            passenger = self._passenger(migrant, strength=0.3)
            passenger.document = doc
            passenger.visa = visa
            passenger.child = migrant.age_on(op.day) < 18
            self._entry_outcome(op, passenger, "forged_visa")
            if op.intercepted and not passenger.child:
                passenger.entry_decision = REFUSED
            passengers.append(passenger)
        parts = max(1, min(len(passengers), rng.randint(2, 3)))
        chunks: list[list[Passenger]] = [[] for _ in range(parts)]
        for index, p in enumerate(passengers):
            if p.child and adults:
                host = next((c for c in chunks if any(not q.child for q in c)), chunks[0])
                host.append(p)
            else:
                chunks[index % parts].append(p)
        plans = [self._smuggling_plan(op, chunk) for chunk in chunks if chunk]
        locators = [plan.locator for plan in plans]
        for plan in plans:
            plan.split_references = tuple(x for x in locators if x != plan.locator)
            self._book(plan, op.route, op.day)
        self._escort(op, op.route.path)
        self._debriefings(op, migrants, intercepted_only=True)

    def _op_land(self, op: Operation, migrants: list[Person]) -> None:
        rng = self.rng_smuggling
        net = op.network
        drivers = net.role("driver")
        driver_f = drivers[stable(op.operation_id) % len(drivers)]
        driver = driver_f.person
        plate = net.vehicles[drivers.index(driver_f) % len(net.vehicles)]
        point = op.route.point
        when = dt.datetime.combine(op.day, dt.time(rng.randint(0, 23), rng.randrange(60)), UTC)
        ref = f"{plate}-{op.day.isoformat()}"
        corrupt = net.official_point == point and not op.intercepted
        officer = net.official_code if corrupt else ""
        driver_passenger = self._passenger(driver, strength=0.0)
        driver_passenger.operation_id = op.operation_id
        self._crossing(
            driver_passenger,
            point,
            "entry",
            "land",
            when,
            vehicle=plate,
            decision=SECOND_LINE if op.intercepted else ADMITTED,
            reasons=("concealed_persons_found",) if op.intercepted else (),
            officer=officer,
            companions=ref,
        )
        if not op.intercepted:
            back = when + dt.timedelta(hours=rng.randint(6, 30))
            self._crossing(
                driver_passenger,
                point,
                "exit",
                "land",
                back,
                vehicle=plate,
                companions=f"{plate}-return",
            )
        openly = rng.random() < 0.4
        state, first, _last = net.blank_series
        for migrant in migrants:
            passenger = self._passenger(migrant, strength=0.4)
            passenger.operation_id = op.operation_id
            if openly and migrant.age_on(op.day) >= 18:
                net.blank_next += 1
                number = next_in_series(first, net.blank_next)
                doc = self.factory.passport(
                    migrant,
                    op.day,
                    number=number,
                    issuing_state=state,
                    fraud="counterfeit",
                    fraud_detail=f"counterfeit data page on a stolen blank of series {first}",
                    mrz_expectation="check_digit_fails:birth_date;composite",
                )
                doc.nationality = state
                self._document_truth(doc, migrant, doc.fraud, doc.fraud_detail, op)
                passenger.document = doc
                self._crossing(
                    passenger,
                    point,
                    "entry",
                    "land",
                    when,
                    vehicle=plate,
                    decision=REFUSED if op.intercepted else ADMITTED,
                    reasons=("counterfeit_document",) if op.intercepted else (),
                    officer=officer,
                    companions=ref,
                )
            elif op.intercepted:
                passenger.booked_surname, passenger.booked_given = migrant.document_name()
                self._crossing(
                    passenger,
                    point,
                    "entry",
                    "land",
                    when,
                    vehicle=plate,
                    undocumented=True,
                    decision=PROTECTION,
                    reasons=("concealed_in_vehicle", "undocumented"),
                    companions=ref,
                )
        self._debriefings(op, migrants, intercepted_only=True)

    def _op_sea(self, op: Operation, migrants: list[Person]) -> None:
        rng = self.rng_smuggling
        net = op.network
        point = op.route.point
        when = dt.datetime.combine(op.day, dt.time(rng.randint(0, 23), rng.randrange(60)), UTC)
        voyage = f"BOAT-{op.operation_id}"
        skipper_is_migrant = rng.random() < 0.5 or not net.role("driver")
        for index, migrant in enumerate(migrants):
            passenger = self._passenger(migrant, strength=0.5)
            passenger.operation_id = op.operation_id
            passenger.booked_surname, passenger.booked_given, variations = (
                self.factory.variant_name(migrant, strength=0.6, rng=self.rng_records)
            )
            passenger.booked_variations = tuple(variations)
            reasons = ["rescued_at_sea", "undocumented"]
            if index == 0 and skipper_is_migrant:
                reasons.append("steered_boat")
            self._crossing(
                passenger,
                point,
                "entry",
                "sea",
                when + dt.timedelta(minutes=index),
                voyage=voyage,
                undocumented=True,
                decision=PROTECTION,
                reasons=tuple(reasons),
                companions=voyage,
            )
        if not skipper_is_migrant:
            skipper = self.rng_smuggling.choice(net.role("driver")).person
            passenger = self._passenger(skipper, strength=0.3)
            passenger.operation_id = op.operation_id
            self._crossing(
                passenger,
                point,
                "entry",
                "sea",
                when,
                voyage=voyage,
                undocumented=True,
                decision=SECOND_LINE,
                reasons=("suspected_facilitator",),
                companions=voyage,
            )
        self._debriefings(op, migrants, intercepted_only=False)

    # --- truth about documents, vulnerability, intelligence, debriefings --------------------------

    def _document_truth(
        self, doc: TravelDocumentRecord, user: Person, fraud: str, detail: str, op: Operation
    ) -> None:
        self.out.truth_row(
            "documents",
            doc.document_id,
            doc.doc_type,
            doc.issuing_state,
            doc.number,
            doc.holder_id,
            user.person_id,
            fraud,
            detail,
            doc.mrz_expectation,
            op.operation_id,
        )

    def _vulnerability(self, op: Operation, migrants: list[Person]) -> None:
        rng = self.rng_smuggling
        adults = [m for m in migrants if m.age_on(op.day) >= 18]
        for migrant in migrants:
            reasons = []
            if migrant.age_on(op.day) < 18:
                reasons.append("child")
                reasons.append("child_with_unrelated_adults" if adults else "unaccompanied_child")
            if op.aggravation:
                reasons.append(op.aggravation)
            if op.trafficking:
                reasons.append("trafficking_indicators")
            if migrant.sex == "F" and migrant.age_on(op.day) >= 18 and rng.random() < 0.1:
                reasons.append("pregnant")
            if op.modus_operandi == ModusOperandi.SEA_ARRIVAL and rng.random() < 0.15:
                reasons.append("medical_emergency")
            if rng.random() < 0.2:
                reasons.append("asylum_wish")
            if reasons:
                self.out.truth_row(
                    "vulnerable", migrant.person_id, op.operation_id, ";".join(reasons)
                )

    def _debriefings(
        self, op: Operation, migrants: list[Person], *, intercepted_only: bool
    ) -> None:
        if intercepted_only and not op.intercepted:
            return
        rng = self.rng_intel
        net = op.network
        place = op.route.point if op.route.mode != "air" else op.route.path[-1]
        for migrant in migrants:
            if rng.random() > 0.6:
                continue
            self.counts["debriefings"] += 1
            item_id = f"DEB{self.counts['debriefings']:07d}"
            surname, given, stated = self.factory.variant_name(migrant, strength=0.4, rng=rng)
            smugglers = []
            for member in rng.sample(net.members, k=min(3, len(net.members))):
                if member.role in ("corrupt_official",):
                    continue
                m_surname, m_given, _ = self.factory.variant_name(
                    member.person, strength=0.7, rng=rng
                )
                known_as = m_given.split(" ")[0] if rng.random() < 0.5 else f"{m_given} {m_surname}"
                smugglers.append(
                    {
                        "name_as_known": known_as.strip() or m_surname,
                        "phone": member.person.phone if rng.random() < 0.6 else None,
                        "role_as_described": _ROLE_WORDS[member.role],
                    }
                )
                self.out.truth_row(
                    "records",
                    f"debriefing:{item_id}:{len(smugglers)}",
                    "debriefing",
                    "debriefings.jsonl",
                    member.person.person_id,
                    member.person.person_id,
                    op.operation_id,
                    "",
                    "",
                )
            age = migrant.age_on(op.day)
            child = age < 18
            screening = {
                "child": child,
                "unaccompanied": child,
                "danger_to_life": op.aggravation == "danger_to_life",
                "abuse_reported": op.aggravation == "inhuman_treatment",
                "ransom_reported": op.aggravation == "ransom",
                "asylum_wish": rng.random() < 0.4,
                "preferred_interviewer_gender": rng.choice(("female", "male", "none")),
            }
            self.out.jsonl(
                self.out.debriefings,
                {
                    "id": item_id,
                    "date": (op.day + dt.timedelta(days=rng.randint(0, 4))).isoformat(),
                    "place": place,
                    "consent": True,
                    "interviewee": {
                        "surname": surname,
                        "given_names": given,
                        "name_original_script": migrant.native_name,
                        "stated_age": age if rng.random() < 0.7 else None,
                        "sex": migrant.sex,
                        "nationality": migrant.nationality,
                    },
                    "route": [self._place_name(p) for p in self._route_places(op.route)],
                    "transport": op.modus_operandi.value,
                    "price_paid": {"amount": net.price_usd, "currency": "USD"},
                    "paid_to": smugglers[0]["name_as_known"] if smugglers else None,
                    "smugglers": smugglers,
                    "screening": screening,
                    "narrative": _narrative(op, rng),
                },
            )
            self.out.truth_row(
                "records",
                f"debriefing:{item_id}",
                "debriefing",
                "debriefings.jsonl",
                migrant.person_id,
                migrant.person_id,
                op.operation_id,
                "",
                ";".join(stated),
            )

    def _route_places(self, route: Route) -> list[str]:
        return list(route.path) if route.mode == "air" else [route.staging, route.point]

    def _place_name(self, code: str) -> str:
        if code in self.catalogue.airports:
            return self.catalogue.airports[code].city
        if code in self.catalogue.crossing_points:
            return self.catalogue.crossing_points[code].name
        return code

    def _intelligence(self, op: Operation) -> None:
        rng = self.rng_intel
        settings = self.scenario.intelligence
        count = _poisson(rng, settings.items_per_operation)
        net = op.network
        for _ in range(count):
            self.counts["intelligence"] += 1
            item_id = f"INT{self.counts['intelligence']:07d}"
            false = rng.random() < settings.false_rate
            kind = rng.choice(("call", "payment", "meeting"))
            a, b = rng.sample(net.members, k=2)
            if false:
                stranger = self.factory.person(
                    _pick(rng, op.route.nationalities), "unrelated", op.day
                )
                self._register(stranger)
                b = Facilitator(stranger, "none")
            source = rng.choice("ABC" if not false else "BCX")
            grade = rng.choice("12" if not false else "34")
            if not false and rng.random() < 0.2:
                source, grade = rng.choice("CX"), rng.choice("34")
            when = op.day - dt.timedelta(days=rng.randint(0, 20))
            item: dict[str, object] = {
                "id": item_id,
                "kind": kind,
                "date": when.isoformat(),
                "source_reliability": source,
                "information_credibility": grade,
                "grading_system": "4x4",
                "reported_by": rng.choice(
                    (
                        "liaison_officer",
                        "informant",
                        "partner_agency",
                        "financial_intelligence_unit",
                        "debriefing",
                    )
                ),
            }
            parties = [a.person, b.person]
            if kind == "call":
                item.update(
                    {
                        "from_phone": a.person.phone,
                        "to_phone": b.person.phone,
                        "duration_seconds": rng.randint(20, 900),
                    }
                )
            elif kind == "payment":
                collector = net.role("money_collector")[0].person
                payer = b.person if false else rng.choice([a.person, collector])
                p_surname, p_given, _ = self.factory.variant_name(payer, strength=0.5, rng=rng)
                item.update(
                    {
                        "payer_name": f"{p_given} {p_surname}".strip(),
                        "beneficiary_account": net.account
                        if not false
                        else f"HW-{rng.randrange(10**7, 10**8)}",
                        "amount": net.price_usd * rng.randint(1, 4),
                        "currency": "USD",
                        "channel": rng.choice(("hawala", "money_transfer", "cash_deposit")),
                    }
                )
                parties = [payer, collector] if not false else [payer]
            else:
                names = []
                for person in parties:
                    s, g, _ = self.factory.variant_name(person, strength=0.6, rng=rng)
                    names.append(person.native_name if rng.random() < 0.3 else f"{g} {s}".strip())
                item.update(
                    {
                        "people": names,
                        "place": self._place_name(op.route.staging or op.route.path[0]),
                    }
                )
            self.out.jsonl(self.out.intelligence, item)
            self.out.truth_row(
                "intelligence",
                item_id,
                int(not false),
                net.network_id,
                op.operation_id,
                ";".join(p.person_id for p in parties),
            )

    # --- flushing days -----------------------------------------------------------------------------

    def _flush(self, before: dt.date) -> None:
        for day in sorted(d for d in self.book.flights if d < before):
            loads = self.book.flights.pop(day)
            for key in sorted(loads):
                load = loads[key]
                # A flight looked at for a connection that was too short may carry nobody.
                if self.book.is_reported(load) and (load.api or load.bookings):
                    self._write_flight(load)
            self._files.end_of_day()
        for day in sorted(d for d in self.book.crossings if d < before):
            pending = sorted(
                self.book.crossings.pop(day),
                key=lambda c: (c.record.time, c.record.crossing_point, c.truth.physical_person_id),
            )
            self._write_crossings(pending)

    def _write_flight(self, load: FlightLoad) -> None:
        self.counts["flights"] += 1
        day = load.departure.date().isoformat()
        stem = f"{day}/{load.designator}-{load.origin}{load.destination}"
        flight = load.model()
        reference = f"{stable(stem) % 10**8:08d}"
        travellers = []
        for traveller, truth in load.api:
            self.counts["api"] += 1
            ref = f"A{self.counts['api']:09d}"
            traveller.passenger_reference = ref
            travellers.append(traveller)
            self._record_truth(f"paxlst:{ref}", "paxlst", f"api/{stem}.edi", truth)
        manifest = FlightManifest(
            flight=flight,
            travellers=travellers,
            reporting_party=ReportingParty(name=f"{load.carrier} API"),
            transaction_ref=reference,
        )
        bookings = []
        file = f"pnr/{stem}.edi"
        for locator, (booking, booking_truth) in load.bookings.items():
            bookings.append(booking)
            if not booking_truth.written:
                booking_truth.written = True
                self.counts["bookings"] += 1
                for ref_index, truth in enumerate(booking_truth.travellers, start=1):
                    self._record_truth(f"pnrgov:{locator}:{ref_index}", "pnrgov", file, truth)
        self._files.add(
            FlightFiles(
                stem=stem,
                manifest=manifest,
                message=PnrMessage(flight=flight, bookings=bookings, version="13.1"),
                sender=load.carrier,
                recipient="FILETPIU",
                interchange_ref=reference,
                api_prepared=load.departure - dt.timedelta(minutes=30),
                pnr_prepared=load.departure - dt.timedelta(hours=24),
            )
        )

    def _record_truth(self, record_id: str, source: str, file: str, truth: RecordTruth) -> None:
        # The most written truth row: straight to its CSV writer (every value is a string).
        self._records.writerow(
            (
                record_id,
                source,
                file,
                truth.identity_person_id,
                truth.physical_person_id,
                truth.operation_id,
                truth.group_id,
                ";".join(truth.variations),
            )
        )

    def _write_crossings(self, pending: list[PendingCrossing]) -> None:
        records = []
        for item in pending:
            record = item.record
            if record.time.tzinfo is None:
                record.time = record.time.replace(tzinfo=UTC)
            records.append(record)
            self.counts["crossings"] += 1
            row = self.counts["crossings"]
            self._record_truth(f"crossing:{row}", "crossing", "crossings.csv", item.truth)
            for doc in item.documents:
                self._write_mrz(doc, row, item.truth, record.time.date())
        text = write_crossings_csv(records)
        if not self._crossings_header:
            text = text.split("\r\n", 1)[1]
        self._crossings_header = False
        self._crossings.write(text)

    def _write_mrz(
        self, doc: TravelDocumentRecord, crossing_row: int, truth: RecordTruth, day: dt.date
    ) -> None:
        self.counts["mrz"] += 1
        item_id = f"MRZ{self.counts['mrz']:08d}"
        lines = self._mrz_cache.get(doc.document_id)
        if lines is None:
            data = DocumentData(
                format=MRZFormat.MRV_A if doc.doc_type == "V" else MRZFormat.TD3,
                issuing_state=doc.issuing_state,
                surname=doc.surname,
                given_names=doc.given_names,
                document_number=doc.number,
                nationality=doc.nationality,
                birth_date=doc.birth_date,
                sex=doc.sex,
                expiry_date=doc.expiry,
            )
            lines = _forge(list(write_mrz(data)), doc.mrz_expectation)
            if len(self._mrz_cache) > 200_000:
                self._mrz_cache.clear()
            self._mrz_cache[doc.document_id] = lines
        # What json.dumps(sort_keys=True) writes: MRZ lines hold only A-Z, 0-9 and "<".
        self._mrz_out.write(
            f'{{"crossing": "crossing:{crossing_row}", "id": "{item_id}", '
            f'"lines": ["{lines[0]}", "{lines[1]}"], "read_on": "{day.isoformat()}"}}\n'
        )
        self._record_truth(f"mrz:{item_id}", "mrz", "mrz.jsonl", truth)
        self.out.truth_row(
            "mrz",
            f"mrz:{item_id}",
            doc.document_id,
            doc.doc_type,
            doc.number,
            doc.fraud,
            doc.mrz_expectation,
        )

    # --- lists written at the end -----------------------------------------------------------------

    def _write_networks(self, networks: list[Network]) -> None:
        for net in networks:
            self.out.truth_row(
                "networks",
                net.network_id,
                net.name,
                net.region,
                net.agency.iata_number,
                net.organiser.person_id,
            )
            self.out.truth_row(
                "facilitators",
                f"AGENCY:{net.agency.iata_number}",
                net.network_id,
                "travel_agency",
                "",
                "",
                f"{net.agency.name}, {net.agency.city}",
            )
            for member in net.members:
                self._register(member.person, network=net.network_id)
                self.out.truth_row(
                    "facilitators",
                    member.person.person_id,
                    net.network_id,
                    member.role,
                    member.person.phone,
                    member.card_number,
                    member.detail,
                )

    def _write_lists(self, networks: list[Network]) -> None:
        rng = self.rng_lists
        entries: list[tuple[Person, str, str]] = []
        for net in networks:
            for member in net.members:
                if member.role == "corrupt_official":
                    continue
                if rng.random() < self.scenario.watchlist.facilitator_listed_rate:
                    entries.append((member.person, "facilitator", _LISTING_REASONS[member.role]))
        common = self.scenario.watchlist.unrelated_entries
        nationalities = sorted({c for n in networks for r in n.routes for c, _ in r.nationalities})
        for _ in range(common):
            person = self.factory.person(rng.choice(nationalities), "listed_only", self.start)
            self._register(person)
            entries.append((person, "unrelated", "wanted for an offence unrelated to smuggling"))
        for index, (person, relation, reason) in enumerate(entries, start=1):
            self._watchlist_entry(index, person, relation, reason)
        for (
            state,
            number,
            doc_type,
            status,
            reported,
            source,
            reason,
            person_id,
            op_id,
        ) in self.lost_reports:
            if reported < self.end.isoformat():
                self._lost(
                    state,
                    number,
                    doc_type,
                    status,
                    reported,
                    source,
                    "",
                    reason,
                    person_id,
                    op_id,
                )
        for net in networks:
            state, first, last = net.blank_series
            self._lost(
                state,
                first,
                "P",
                "stolen_blank",
                self.start.isoformat(),
                "interpol_sltd",
                last,
                "stolen_blank_series",
                "",
                "",
            )
        for _ in range(
            max(1, int(self.counts["travellers"] * self.scenario.lost_stolen.lost_rate))
        ):
            person = self.factory.person(
                rng.choice(nationalities), "lost_document_holder", self.start
            )
            doc = self.factory.passport(person, self.start)
            self._register(person)
            reported_on = self.start - dt.timedelta(days=rng.randint(1, 400))
            self._lost(
                doc.issuing_state,
                doc.number,
                "P",
                rng.choice(("lost", "stolen")),
                reported_on.isoformat(),
                "national_police",
                "",
                "genuine_loss",
                person.person_id,
                "",
            )

    def _lost(
        self,
        state: str,
        number: str,
        doc_type: str,
        status: str,
        reported: str,
        source: str,
        number_to: str,
        reason: str,
        person_id: str,
        operation_id: str,
    ) -> None:
        self.counts["lost_stolen"] += 1
        self.out.lost_stolen.writerow(
            [state, number, doc_type, status, reported, source, number_to]
        )
        self.out.truth_row("lost_stolen", state, number, reason, person_id, operation_id)

    def _watchlist_entry(self, index: int, person: Person, relation: str, reason: str) -> None:
        rng = self.rng_lists
        entry_id = f"WL{index:06d}"
        self.counts["watchlist"] += 1
        if rng.random() < 0.3:
            name = person.native_name
            listed = ["original_script"]
        else:
            surname, given, listed = self.factory.variant_name(person, strength=0.5, rng=rng)
            name = f"{given} {surname}".strip()
        aliases = []
        for _ in range(rng.randint(0, 2)):
            surname, given, _ = self.factory.variant_name(person, strength=0.9, rng=rng)
            aliases.append(f"{given} {surname}".strip())
        if rng.random() < 0.3:
            aliases.append(f"Abu {person.parts[-1].latin}")
        aliases = [a for a in dict.fromkeys(aliases) if a != name]
        birth, birth_variations = self.factory.variant_birth_date(person, strength=0.6, rng=rng)
        document = person.passport.number if person.passport and rng.random() < 0.3 else ""
        nationality = person.nationality
        self.out.watchlist.writerow(
            [
                entry_id,
                name,
                ";".join(aliases),
                birth,
                nationality,
                person.sex,
                document,
                "national_smuggling_list" if relation == "facilitator" else "national_wanted_list",
                reason,
            ]
        )
        entity = ftm_model.make_entity("Person")
        entity.id = f"filet-synth-{entry_id.lower()}"
        entity.add("name", name)
        for alias in aliases:
            entity.add("alias", alias)
        entity.add("birthDate", birth)
        code = alpha2(nationality)
        if code:
            entity.add("nationality", code.lower())
        entity.add("gender", "male" if person.sex == "M" else "female")
        if document:
            entity.add("passportNumber", document)
        entity.add("notes", reason)
        entity.add("topics", "crime")
        self.out.jsonl(self.out.watchlist_ftm, entity.to_dict())
        self.out.truth_row("watchlist", entry_id, person.person_id, name, relation)
        self.out.truth_row(
            "records",
            f"watchlist:{entry_id}",
            "watchlist",
            "watchlist.csv",
            person.person_id,
            person.person_id,
            "",
            "",
            ";".join([*listed, *birth_variations]),
        )

    def _write_manifest(self, networks: list[Network], operations: list[Operation]) -> None:
        reference = io.StringIO(newline="")
        writer = csv.writer(reference, lineterminator="\n")
        writer.writerow(["code", "name", "country", "mode", "latitude", "longitude"])
        for airport in sorted(self.catalogue.airports.values(), key=lambda a: a.iata):
            writer.writerow(
                [
                    airport.iata,
                    airport.name,
                    airport.country,
                    "air",
                    airport.latitude,
                    airport.longitude,
                ]
            )
        for point in sorted(self.catalogue.crossing_points.values(), key=lambda p: p.code):
            writer.writerow(
                [point.code, point.name, point.country, point.mode, point.latitude, point.longitude]
            )
        self.out.write_text("crossing_points.csv", reference.getvalue())
        manifest = {
            "scenario": self.scenario.name,
            "seed": self.seed,
            "start_date": self.start.isoformat(),
            "end_date": self.end.isoformat(),
            "reporting_airports": sorted(self.reporting),
            "counts": dict(sorted(self.counts.items())),
            "networks": len(networks),
            "operations": len(operations),
        }
        self.out.write_text("manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def _stream(seed: int, component: str) -> random.Random:
    """One independent, reproducible random stream per component (synthetic data, not secrets)."""
    return random.Random(f"{seed}:{component}")  # noqa: S311


_MIXES: dict[tuple[tuple[str, float], ...], Weighted[str]] = {}


def _pick(rng: random.Random, mix: tuple[tuple[str, float], ...]) -> str:
    weighted = _MIXES.get(mix)
    if weighted is None:
        weighted = _MIXES[mix] = Weighted.of(mix)
    return weighted.pick(rng)


def _poisson(rng: random.Random, mean: float) -> int:
    count, total = 0, rng.expovariate(1.0) if mean > 0 else 1e9
    while total < mean:
        count += 1
        total += rng.expovariate(1.0)
    return count


def _narrative(op: Operation, rng: random.Random) -> str:
    parts = {
        ModusOperandi.AIR_IMPOSTOR: "Was given the passport of another person by the escort and"
        " told to hand it back after the control.",
        ModusOperandi.AIR_BOARDING_PASS_SWAP: "In the transit area a man gave me his boarding"
        " pass and took my documents.",
        ModusOperandi.AIR_FORGED_VISA_SPLIT_PNR: "The agent arranged the visa and the tickets;"
        " we paid cash to his office.",
        ModusOperandi.AIR_TRANSIT_NO_SHOW: "The agent sold us tickets to Bangkok through Europe"
        " and told us to ask for asylum at the airport.",
        ModusOperandi.LAND_VEHICLE: "We were hidden in the back of a truck for many hours.",
        ModusOperandi.SEA_ARRIVAL: "We left at night in an overcrowded boat.",
    }
    text = parts[op.modus_operandi]
    if op.aggravation == "danger_to_life":
        text += " There was no water and some people lost consciousness."
    elif op.aggravation == "inhuman_treatment":
        text += " The smugglers beat people who complained."
    elif op.aggravation == "ransom":
        text += " We were held in a house until our families paid more money."
    return text


def _forge(lines: list[str], expectation: str) -> list[str]:
    """Alter a printed MRZ the way the documented forgery does, leaving check digits unchanged."""
    if not expectation.startswith("check_digit_fails"):
        return lines
    line = lines[1]
    if "expiry_date" in expectation:
        start = 21  # TD3 and MRV-A: expiry date at line 2, positions 22-27
        year = int(line[start : start + 2])
        altered = f"{(year + 2) % 100:02d}"
        return [lines[0], line[:start] + altered + line[start + 2 :]]
    start = 13
    year = int(line[start : start + 2])
    altered = f"{(year + 3) % 100:02d}"
    return [lines[0], line[:start] + altered + line[start + 2 :]]
