"""``filet network ...`` (build, rings, key players, export) and ``filet intelligence import``."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from filet.errors import InputError, Place

console = Console()
network_app = typer.Typer(help="Smuggling networks: build, rings, key players, export.")
intelligence_app = typer.Typer(help="Graded intelligence items.")


@network_app.command("build")
def build(
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    engine: str = typer.Option(
        "duckdb", "--engine", help="Analytics engine: duckdb (embedded) or spark (PySpark)."
    ),
) -> None:
    """Build the network from the store (idempotent); the same SQL runs on DuckDB or Spark."""
    from filet.cli.system import _current_sessions
    from filet.network import build_network
    from filet.security import SYSTEM, record
    from filet.store import transaction

    with transaction(_current_sessions()) as session:
        summary = build_network(session, engine=engine)  # type: ignore[arg-type]
        record(session, SYSTEM, "create", "network", ["network"], summary.as_dict())
    if as_json:
        print(json.dumps(summary.as_dict(), indent=2))
        return
    table = Table(title="Network")
    table.add_column("what")
    table.add_column("kind")
    table.add_column("count", justify="right")
    for kind, count in sorted(summary.nodes.items()):
        table.add_row("nodes", kind, str(count))
    for kind, count in sorted(summary.edges.items()):
        table.add_row("edges", kind, str(count))
    console.print(table)


@network_app.command("rings")
def rings(
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    top: int = typer.Option(20, "--top", help="Facilitators to list."),
    no_routing: bool = typer.Option(
        False, "--no-routing", help="Do not route smuggled migrants to protection."
    ),
    route_min_score: float = typer.Option(
        10.0, "--route-min-score", help="Route migrants of rings scoring at least this."
    ),
) -> None:
    """Rings, their suspects (never a smuggled migrant), money and likely facilitators; stores
    the rings under stable references (RING-000123) and marks rings no longer found vanished."""
    from filet.cli.system import _current_sessions
    from filet.network import analyse_network, route_to_protection, store_rings
    from filet.security import SYSTEM, record
    from filet.store import transaction

    with transaction(_current_sessions()) as session:
        analysis = analyse_network(session, top=top)
        stored = store_rings(session, analysis)
        routed = (
            []
            if no_routing
            else route_to_protection(session, analysis, "network", min_score=route_min_score)
        )
        record(
            session,
            SYSTEM,
            "create",
            "network_ring",
            sorted(stored.references.values()),
            stored.as_dict(),
        )
        result = analysis.as_dict() | {
            "stored": stored.as_dict(),
            "routed_to_protection": len(routed),
        }
    if as_json:
        print(json.dumps(result, indent=2, default=str, ensure_ascii=False))
        return
    table = Table(title="Rings")
    for column in (
        "ring",
        "score",
        "persons",
        "suspects",
        "migrants",
        "bookings",
        "routes",
        "span",
    ):
        table.add_column(column)
    for ring in result["rings"]:
        table.add_row(
            str(ring["reference"]),
            str(ring["score"]),
            str(ring["persons"]),
            ", ".join(f"{s['label']} ({s['role']})" for s in ring["suspects"][:4]),
            str(ring["smuggled_migrants"]),
            str(len(ring["bookings"])),
            ", ".join(ring["routes"]),
            f"{(ring['first_seen'] or '')[:10]} – {(ring['last_seen'] or '')[:10]}",
        )
    console.print(table)
    changes = result["stored"]
    console.print(
        f"{len(changes['new'])} new, {len(changes['kept'])} kept, "
        f"{len(changes['reappeared'])} reappeared, {len(changes['vanished'])} vanished ring(s)"
    )
    console.print(f"{len(routed)} smuggled migrant(s) routed to protection")


@network_app.command("key-players")
def key_players_command(
    edges: Path = typer.Option(..., "--edges", help="CSV edge list: source,target[,weight]."),
    directed: bool = typer.Option(False, "--directed", help="Treat edges as directed."),
    top: int = typer.Option(20, "--top", help="How many to list."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Rank the key players of any network (degree, betweenness, k-core, brokerage)."""
    from filet.network import key_players, read_edge_list

    graph, names = read_edge_list(edges, directed=directed)
    ranked = key_players(graph, names, top=top)
    rows = [
        {
            "node": p.node,
            "score": round(p.score, 4),
            "degree": p.degree,
            "weighted_degree": p.weighted_degree,
            "betweenness": round(p.betweenness, 3),
            "k_core": p.coreness,
            "constraint": round(p.constraint, 4),
            "reasons": [r.__dict__ for r in p.reasons],
        }
        for p in ranked
    ]
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    table = Table(title=f"Key players ({graph.vcount()} nodes, {graph.ecount()} edges)")
    for column in ("rank", "node", "score", "degree", "betweenness", "k-core", "constraint"):
        table.add_column(column)
    for rank, row in enumerate(rows, start=1):
        table.add_row(
            str(rank),
            str(row["node"]),
            str(row["score"]),
            str(row["degree"]),
            str(row["betweenness"]),
            str(row["k_core"]),
            str(row["constraint"]),
        )
    console.print(table)


@network_app.command("export")
def export(
    fmt: str = typer.Option(..., "--format", help="ftm, graphml, gexf or csv."),
    out: Path = typer.Option(..., "--out", help="File to write (csv: PATH.nodes/.edges.csv)."),
) -> None:
    """Export the stored network for Aleph (FtM), Gephi (GraphML/GEXF) or link-chart tools (CSV)."""
    from filet.cli.system import _current_sessions
    from filet.network import EXPORT_FORMATS, Network, export_network
    from filet.security import SYSTEM, record
    from filet.store import transaction

    if fmt not in EXPORT_FORMATS:
        raise InputError(
            f"unknown format {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}",
            Place(field="format"),
        )
    with transaction(_current_sessions()) as session:
        network = Network.load(session)
        written = export_network(network, fmt, out)
        record(session, SYSTEM, "export", "network", [fmt], {"files": [str(p) for p in written]})
    for path in written:
        console.print(f"wrote {path}")


@intelligence_app.command("import")
def import_items(
    path: Path = typer.Argument(..., help="JSON lines: intelligence items or debriefings."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Import graded intelligence items (calls, payments, meetings, debriefings)."""
    from filet.cli.system import _current_sessions
    from filet.network import import_intelligence
    from filet.security import SYSTEM
    from filet.store import transaction

    with transaction(_current_sessions()) as session:
        added = import_intelligence(session, path, SYSTEM)
    if as_json:
        print(json.dumps({"added": added}))
    else:
        console.print(f"{added} new intelligence item(s)")
