"""The generated world: deterministic, parseable by filet's own readers, forged documents fail as
documented, and the truth is consistent with the files it describes. All on the ``tiny`` scenario."""

from __future__ import annotations

import csv
import datetime as dt
import gc
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from followthemoney import model as ftm_model
from typer.testing import CliRunner

from filet.cli import app
from filet.cli.commands import register
from filet.documents import parse_mrz
from filet.errors import ConfigError
from filet.passenger import read_crossings_csv, read_paxlst, read_pnrgov
from filet.synth import ModusOperandi, SynthSummary, TravellerKind, generate, load_scenario

SEED = 13


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SynthSummary]:
    out = tmp_path_factory.mktemp("world") / "out"
    summary = generate(load_scenario("tiny"), out, seed=SEED, workers=0)
    return out, summary


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_same_seed_gives_identical_bytes_in_another_process(tmp_path: Path) -> None:
    """Two runs, same seed: identical files. The second run is another process with another hash
    seed (Python salts ``hash`` per process: a set iterated in hash order would show up here)."""
    here = tmp_path / "here"
    generate(load_scenario("tiny"), here, seed=5, travellers=150)
    there = tmp_path / "there"
    code = (
        "from pathlib import Path; from filet.synth import generate, load_scenario; "
        f"generate(load_scenario('tiny'), Path({str(there)!r}), seed=5, travellers=150)"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    assert _files(here) == _files(there)


def test_worker_processes_write_the_same_bytes(
    world: tuple[Path, SynthSummary], tmp_path: Path
) -> None:
    """The flights' files written by two worker processes are the files written inline, and the
    summary (bytes written included) is the same."""
    out, summary = world
    parallel = tmp_path / "parallel"
    parallel_summary = generate(load_scenario("tiny"), parallel, seed=SEED, workers=2)
    assert parallel_summary == summary
    assert _files(parallel) == _files(out)
    assert summary.bytes_written == sum(len(b) for b in _files(out).values())


def test_the_generator_makes_no_reference_cycles(tmp_path: Path) -> None:
    """The cyclic garbage collector is off while a world is made, which is only safe if nothing
    the generator makes needs it: collecting after every simulated day finds nothing to free, and
    the collector is on again afterwards."""
    gc.collect()
    found: list[int] = []

    def collect(day: int, days: int) -> None:
        assert not gc.isenabled()
        found.append(gc.collect())

    summary = generate(
        load_scenario("tiny"), tmp_path / "w", seed=SEED, workers=0, progress=collect
    )
    assert summary.travellers > 0
    assert len(found) > 1
    assert sum(found) == 0
    assert gc.isenabled()


def test_another_seed_gives_another_world(world: tuple[Path, SynthSummary], tmp_path: Path) -> None:
    first, _ = world
    other = tmp_path / "other"
    generate(load_scenario("tiny"), other, seed=SEED + 1, months=1, travellers=150)
    assert (first / "crossings.csv").read_bytes() != (other / "crossings.csv").read_bytes()


def test_output_directory_must_be_new_or_empty(world: tuple[Path, SynthSummary]) -> None:
    root, _ = world
    with pytest.raises(ConfigError, match="not empty"):
        generate(load_scenario("tiny"), root, seed=SEED)


def test_every_paxlst_parses_with_filets_reader(world: tuple[Path, SynthSummary]) -> None:
    root, summary = world
    files = sorted((root / "api").rglob("*.edi"))
    assert len(files) == summary.flights > 0
    travellers = [t for f in files for m in read_paxlst(f.read_bytes()) for t in m.travellers]
    assert len(travellers) == summary.api_records
    assert all((t.passenger_reference and t.documents) or not t.documents for t in travellers)


def test_every_pnrgov_parses_with_filets_reader(world: tuple[Path, SynthSummary]) -> None:
    root, summary = world
    locators = set()
    split = 0
    for f in sorted((root / "pnr").rglob("*.edi")):
        for message in read_pnrgov(f.read_bytes()):
            for booking in message.bookings:
                locators.add(booking.record_locator)
                split += bool(booking.split_references)
    assert len(locators) == summary.bookings
    assert split > 0, "split PNRs (smuggling groups and tour groups) are in the data"


def test_crossings_parse_with_filets_reader(world: tuple[Path, SynthSummary]) -> None:
    root, summary = world
    records = read_crossings_csv((root / "crossings.csv").read_bytes())
    assert len(records) == summary.crossings
    assert {r.mode for r in records} == {"air", "land", "sea"}
    assert any(r.document is None and r.decision == "referred_protection" for r in records)


def test_genuine_mrzs_validate_and_forged_ones_fail_as_documented(
    world: tuple[Path, SynthSummary],
) -> None:
    root, _ = world
    expected = {r["mrz_id"]: r for r in _rows(root / "truth/mrz.csv")}
    outcomes: Counter[str] = Counter()
    for item in _jsonl(root / "mrz.jsonl"):
        truth = expected[f"mrz:{item['id']}"]
        result = parse_mrz(item["lines"])  # type: ignore[arg-type]
        failed = sorted(c.field for c in result.checks if not c.ok)
        if truth["mrz_expectation"] == "valid":
            assert result.valid, (item, result.problems)
        else:
            documented = truth["mrz_expectation"].removeprefix("check_digit_fails:").split(";")
            assert failed == sorted(documented), item
            assert truth["fraud"] in {"forged_visa", "counterfeit"}
        outcomes[truth["mrz_expectation"]] += 1
    assert outcomes["valid"] > 0
    assert outcomes["check_digit_fails:expiry_date"] > 0
    assert outcomes["check_digit_fails:birth_date;composite"] > 0


def test_every_record_in_the_truth_exists_in_the_outputs(
    world: tuple[Path, SynthSummary],
) -> None:
    root, _ = world
    present: dict[str, set[str]] = defaultdict(set)
    for f in (root / "api").rglob("*.edi"):
        for manifest in read_paxlst(f.read_bytes()):
            present["paxlst"] |= {t.passenger_reference or "" for t in manifest.travellers}
    for f in (root / "pnr").rglob("*.edi"):
        for message in read_pnrgov(f.read_bytes()):
            for booking in message.bookings:
                present["pnrgov"] |= {
                    f"{booking.record_locator}:{t.traveller_ref}" for t in booking.travellers
                }
    crossings = read_crossings_csv((root / "crossings.csv").read_bytes())
    present["crossing"] = {str(n) for n in range(1, len(crossings) + 1)}
    present["mrz"] = {str(i["id"]) for i in _jsonl(root / "mrz.jsonl")}
    present["watchlist"] = {r["id"] for r in _rows(root / "watchlist.csv")}
    debriefings = {str(i["id"]): i for i in _jsonl(root / "debriefings.jsonl")}
    persons = {r["person_id"] for r in _rows(root / "truth/persons.csv")}
    operations = {r["operation_id"] for r in _rows(root / "truth/operations.csv")}
    sources: Counter[str] = Counter()
    for row in _rows(root / "truth/records.csv"):
        source, _, key = row["record_id"].partition(":")
        sources[source] += 1
        if source == "debriefing":
            item, _, smuggler = key.partition(":")
            assert item in debriefings
            if smuggler:
                assert int(smuggler) <= len(debriefings[item]["smugglers"])  # type: ignore[arg-type]
        else:
            assert key in present[source], row
        assert row["identity_person_id"] in persons
        assert row["physical_person_id"] in persons
        assert not row["operation_id"] or row["operation_id"] in operations
    assert sources.keys() >= {"paxlst", "pnrgov", "crossing", "mrz", "watchlist", "debriefing"}
    assert sources["paxlst"] == len(present["paxlst"])
    assert sources["crossing"] == len(present["crossing"])


def test_truth_tables_refer_to_known_people_networks_and_operations(
    world: tuple[Path, SynthSummary],
) -> None:
    root, _ = world
    persons = {r["person_id"]: r for r in _rows(root / "truth/persons.csv")}
    networks = {r["network_id"] for r in _rows(root / "truth/networks.csv")}
    operations = _rows(root / "truth/operations.csv")
    assert {o["modus_operandi"] for o in operations} == {m.value for m in ModusOperandi}
    assert all(o["network_id"] in networks for o in operations)
    roles = Counter()
    for row in _rows(root / "truth/facilitators.csv"):
        assert row["network_id"] in networks
        roles[row["role"]] += 1
        if row["role"] != "travel_agency":
            assert persons[row["person_id"]]["kind"] == "facilitator"
    assert set(roles) >= {
        "organiser",
        "recruiter",
        "document_supplier",
        "travel_agency",
        "booker_payer",
        "escort",
        "driver",
        "money_collector",
    }
    for row in _rows(root / "truth/watchlist.csv"):
        assert row["person_id"] in persons
    for row in _rows(root / "truth/vulnerable.csv"):
        assert persons[row["person_id"]]["kind"] == "smuggled_migrant"
        assert row["reasons"]
    facilitators = {r["person_id"] for r in _rows(root / "truth/facilitators.csv")}
    migrants = {p for p, r in persons.items() if r["kind"] == "smuggled_migrant"}
    assert not facilitators & migrants, "a smuggled migrant is never a facilitator"


def test_smuggling_traces_are_planted(world: tuple[Path, SynthSummary]) -> None:
    root, _ = world
    documents = _rows(root / "truth/documents.csv")
    frauds = Counter(d["fraud"] for d in documents)
    assert frauds.keys() >= {"impostor", "forged_visa", "boarding_pass_swap"}
    series = [d for d in documents if d["fraud"] == "fraudulently_obtained"]
    counterfeit = [d for d in documents if d["fraud"] == "counterfeit"]
    assert series or counterfeit
    records = _rows(root / "truth/records.csv")
    impostor_or_swap = [
        r
        for r in records
        if r["operation_id"] and r["identity_person_id"] != r["physical_person_id"]
    ]
    assert impostor_or_swap, "records carrying one identity while another person travelled"
    blanks = [r for r in _rows(root / "lost_stolen.csv") if r["status"] == "stolen_blank"]
    assert blanks and all(r["number_to"] for r in blanks)
    for doc in counterfeit:
        _state, first, last = next(
            (b["issuing_state"], b["document_number"], b["number_to"])
            for b in blanks
            if b["issuing_state"] == doc["issuing_state"]
        )
        assert first[:2] == doc["document_number"][:2] and first <= doc["document_number"] <= last


def test_hard_negatives_are_present(world: tuple[Path, SynthSummary]) -> None:
    root, _ = world
    kinds = {r["kind"] for r in _rows(root / "truth/hard_negatives.csv")}
    assert kinds >= {"tour_group", "sports_team", "worker_group", "family_shared_contact"}
    persons = _rows(root / "truth/persons.csv")
    names = Counter(r["latin_name"] for r in persons if r["kind"] != "smuggled_migrant")
    assert names.most_common(1)[0][1] > 1, "common names are shared by unrelated people"


def test_names_come_in_several_scripts_and_spellings(world: tuple[Path, SynthSummary]) -> None:
    root, _ = world
    scripts = {r["script"] for r in _rows(root / "truth/persons.csv")}
    assert scripts >= {"Arab", "Ethi", "Latn"}
    variations = Counter(
        v for r in _rows(root / "truth/records.csv") for v in r["variations"].split(";") if v
    )
    assert variations["romanisation"] > 0
    assert len(variations) >= 3


def test_watchlist_csv_and_followthemoney(world: tuple[Path, SynthSummary]) -> None:
    root, summary = world
    with (root / "watchlist.csv").open(encoding="utf-8") as handle:
        header = handle.readline().strip()
    assert header == "id,name,aliases,birth_date,nationality,sex,document_number,list,reason"
    lines = _jsonl(root / "watchlist.ftm.jsonl")
    assert len(lines) == summary.watchlist_entries
    for line in lines:
        proxy = ftm_model.get_proxy(line)
        assert proxy.schema.name == "Person"
        assert proxy.get("name")
        assert proxy.get("birthDate")
    native = [r for r in _rows(root / "watchlist.csv") if not r["name"].isascii()]
    assert native, "some entries carry the name in its original script"


def test_lost_stolen_list_columns(world: tuple[Path, SynthSummary]) -> None:
    root, summary = world
    rows = _rows(root / "lost_stolen.csv")
    assert list(rows[0]) == [
        "issuing_state",
        "document_number",
        "document_type",
        "status",
        "reported_date",
        "source",
        "number_to",
    ]
    assert all(r["reported_date"] < summary.end_date.isoformat() for r in rows)


def test_intelligence_is_graded_4x4(world: tuple[Path, SynthSummary]) -> None:
    root, _ = world
    items = _jsonl(root / "intelligence.jsonl")
    assert items
    assert {i["source_reliability"] for i in items} <= set("ABCX")
    assert {i["information_credibility"] for i in items} <= set("1234")
    truth = {r["item_id"]: r for r in _rows(root / "truth/intelligence.csv")}
    assert set(truth) == {i["id"] for i in items}


def test_debriefings_have_consent_and_screening(world: tuple[Path, SynthSummary]) -> None:
    root, _ = world
    notes = _jsonl(root / "debriefings.jsonl")
    assert notes
    for note in notes:
        assert note["consent"] is True
        assert set(note["screening"]) >= {"child", "danger_to_life", "asylum_wish"}  # type: ignore[arg-type]


def test_cli_generates_a_world_and_prints_json(tmp_path: Path) -> None:
    register(app)
    out = tmp_path / "cli"
    result = CliRunner().invoke(
        app,
        [
            "synth",
            "--scenario",
            "tiny",
            "--seed",
            "3",
            "--travellers",
            "120",
            "--out",
            str(out),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["scenario"] == "tiny"
    assert summary["flights"] > 0
    assert (out / "truth" / "records.csv").is_file()


def test_smuggled_children_and_aggravated_cases_are_marked_vulnerable(
    world: tuple[Path, SynthSummary],
) -> None:
    root, _ = world
    operations = {o["operation_id"]: o for o in _rows(root / "truth/operations.csv")}
    vulnerable = {
        r["person_id"]: set(r["reasons"].split(";")) for r in _rows(root / "truth/vulnerable.csv")
    }
    children = 0
    for person in _rows(root / "truth/persons.csv"):
        if person["kind"] != "smuggled_migrant":
            continue
        op = operations[person["operation_id"]]
        born = dt.date.fromisoformat(person["birth_date"])
        day = dt.date.fromisoformat(op["date"])
        age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        reasons = vulnerable.get(person["person_id"], set())
        if age < 18:
            children += 1
            assert "child" in reasons, person
        if op["aggravation"]:
            assert op["aggravation"] in reasons
        if op["trafficking"] == "1":
            assert "trafficking_indicators" in reasons
    assert children > 0


def test_transit_no_show_leaves_the_onward_leg_unflown(world: tuple[Path, SynthSummary]) -> None:
    root, _ = world
    operations = {
        o["operation_id"]
        for o in _rows(root / "truth/operations.csv")
        if o["modus_operandi"] == "air_transit_no_show"
    }
    locators = {
        b["record_locator"]
        for b in _rows(root / "truth/bookings.csv")
        if b["operation_id"] in operations
    }
    assert locators
    onward = sorted((root / "pnr").rglob("*BKK.edi"))
    booked = {
        b.record_locator
        for f in onward
        for m in read_pnrgov(f.read_bytes())
        for b in m.bookings
        if b.record_locator in locators
    }
    assert booked == locators, "the onward leg is booked"
    flown = {
        t.pnr_locator
        for f in sorted((root / "api").rglob("*BKK.edi"))
        for m in read_paxlst(f.read_bytes())
        for t in m.travellers
    }
    assert not flown & locators, "nobody of those bookings boarded the onward leg"


def test_one_document_number_one_holder_except_planted_fraud(
    world: tuple[Path, SynthSummary],
) -> None:
    root, _ = world
    holders: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for record in read_crossings_csv((root / "crossings.csv").read_bytes()):
        if record.document is not None and record.document.doc_type == "P":
            key = (record.document.issuing_state or "", record.document.number)
            holders[key].add((record.name.surname, str(record.birth_date)))
    altered = {
        (d["issuing_state"], d["document_number"])
        for d in _rows(root / "truth/documents.csv")
        if d["fraud"] == "altered_genuine"
    }
    shared = {key for key, seen in holders.items() if len(seen) > 1}
    assert shared <= altered


def test_traveller_count_matches_the_people_in_the_truth(world: tuple[Path, SynthSummary]) -> None:
    root, summary = world
    travelling = {k.value for k in TravellerKind} | {"smuggled_migrant"}
    kinds = Counter(r["kind"] for r in _rows(root / "truth/persons.csv"))
    assert sum(kinds[k] for k in travelling) == summary.travellers
    assert kinds["smuggled_migrant"] == summary.smuggled_migrants
    assert abs(summary.travellers - load_scenario("tiny").travellers) < 0.15 * summary.travellers
