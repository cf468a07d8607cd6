from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pytest
from followthemoney import model

from filet.cli import main
from filet.settings import get_settings
from filet.store import make_engine, session_factory, transaction, upgrade
from tests.network.conftest import INTELLIGENCE, make_world


@dataclass
class Outcome:
    code: int
    out: str
    err: str


def _run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], folder: Path, *args: str
) -> Outcome:
    monkeypatch.setenv("FILET_DATA_DIR", str(folder))
    monkeypatch.setenv("FILET_DATABASE_URL", f"sqlite:///{folder / 'filet.db'}")
    monkeypatch.setattr(sys, "argv", ["filet", *args])
    get_settings.cache_clear()
    capsys.readouterr()
    try:
        main()
        code = 0
    except SystemExit as stop:
        code = int(stop.code or 0)
    finally:
        get_settings.cache_clear()
    captured = capsys.readouterr()
    return Outcome(code, captured.out, captured.err)


def test_key_players_on_any_edge_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Two triangles joined through one broker; the broker holds them together.
    edges = tmp_path / "edges.csv"
    edges.write_text(
        "source,target,weight\na,b,1\nb,c,1\nc,a,1\nc,broker,2\nbroker,x,2\nx,y,1\ny,z,1\nz,x,1\n",
        encoding="utf-8",
    )
    result = _run(
        monkeypatch, capsys, tmp_path, "network", "key-players", "--edges", str(edges), "--json"
    )
    assert result.code == 0, result.err
    ranked = json.loads(result.out)
    assert {r["node"] for r in ranked[:3]} == {"broker", "c", "x"}
    broker = next(r for r in ranked if r["node"] == "broker")
    assert broker["betweenness"] == max(r["betweenness"] for r in ranked)
    assert "betweenness" in {r["indicator"] for r in broker["reasons"]}
    directed = _run(
        monkeypatch,
        capsys,
        tmp_path,
        "network",
        "key-players",
        "--edges",
        str(edges),
        "--directed",
        "--json",
    )
    assert directed.code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,heavy\n", encoding="utf-8")
    failed = _run(monkeypatch, capsys, tmp_path, "network", "key-players", "--edges", str(bad))
    assert failed.code == 2
    assert "line 1" in failed.err and "not a number" in failed.err


def test_store_commands_and_exports_round_trip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'filet.db'}")
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        world = make_world(session)
    engine.dispose()
    items = tmp_path / "intelligence.jsonl"
    items.write_text("".join(json.dumps(i) + "\n" for i in INTELLIGENCE), encoding="utf-8")
    imported = _run(monkeypatch, capsys, tmp_path, "intelligence", "import", str(items), "--json")
    assert json.loads(imported.out) == {"added": 4}
    unknown = _run(monkeypatch, capsys, tmp_path, "network", "build", "--engine", "hive")
    assert unknown.code != 0 and "unknown engine 'hive'" in unknown.err + unknown.out
    built = _run(monkeypatch, capsys, tmp_path, "network", "build", "--json")
    assert built.code == 0, built.err
    summary = json.loads(built.out)
    assert summary["edges"]["called"] == 1 and summary["nodes"]["person"] > 10
    rings = _run(
        monkeypatch, capsys, tmp_path, "network", "rings", "--json", "--route-min-score", "1"
    )
    assert rings.code == 0, rings.err
    result = json.loads(rings.out)
    suspects = {s["key"] for ring in result["rings"] for s in ring["suspects"]}
    assert world.escort in suspects and not suspects & set(world.migrants)
    assert not {f["node"] for f in result["facilitators"]} & set(world.migrants)
    assert result["routed_to_protection"] == 2

    ftm = tmp_path / "net.ftm.jsonl"
    assert (
        _run(
            monkeypatch, capsys, tmp_path, "network", "export", "--format", "ftm", "--out", str(ftm)
        ).code
        == 0
    )
    proxies = [model.get_proxy(json.loads(line)) for line in ftm.read_text("utf-8").splitlines()]
    schemata = {p.schema.name for p in proxies}
    assert {
        "Person",
        "Organization",
        "Vehicle",
        "BankAccount",
        "Payment",
        "Call",
        "UnknownLink",
        "Event",
    } <= schemata
    ids = {p.id for p in proxies}
    for proxy in proxies:
        for prop in ("subject", "object", "payer", "beneficiary"):
            assert set(proxy.get(prop, quiet=True)) <= ids
    crossings = [p for p in proxies if "filet:BorderCrossing" in p.get("keywords", quiet=True)]
    assert len(crossings) == 4
    again = [model.get_proxy(p.to_dict()) for p in proxies]
    assert [p.to_dict() for p in again] == [p.to_dict() for p in proxies]

    for fmt, reader in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        out = tmp_path / f"net.{fmt}"
        assert (
            _run(
                monkeypatch,
                capsys,
                tmp_path,
                "network",
                "export",
                "--format",
                fmt,
                "--out",
                str(out),
            ).code
            == 0
        )
        graph = reader(out)
        assert graph.number_of_nodes() == summary_nodes(summary)
        assert {d["kind"] for _s, _t, d in graph.edges(data=True)} >= {"paid_by", "drove"}
    csv_out = tmp_path / "net.csv"
    assert (
        _run(
            monkeypatch,
            capsys,
            tmp_path,
            "network",
            "export",
            "--format",
            "csv",
            "--out",
            str(csv_out),
        ).code
        == 0
    )
    assert (tmp_path / "net.edges.csv").read_text("utf-8").startswith("source,target,kind")
    wrong = _run(
        monkeypatch,
        capsys,
        tmp_path,
        "network",
        "export",
        "--format",
        "dot",
        "--out",
        str(tmp_path / "x"),
    )
    assert wrong.code == 2 and "expected one of ftm" in wrong.err


def summary_nodes(summary: dict[str, dict[str, int]]) -> int:
    return sum(summary["nodes"].values())
