"""Network benchmark: build (DuckDB aggregation of raw trace rows into weighted edges), rings
(components, Leiden inside large ones) and key players (degree, weighted degree, betweenness,
k-core, brokerage) on igraph, beside NetworkX on the same graph (or the largest NetworkX finishes
within --peer-budget seconds).

    python benchmarks/bench_network.py --edges 100000
"""

from __future__ import annotations

import argparse
import resource
import time

import duckdb
import igraph as ig
import networkx as nx
import numpy as np

from filet.network import key_players


def raw_rows(edges: int, seed: int) -> duckdb.DuckDBPyConnection:
    """``edges`` raw observations between persons: planted rings of 5-40 people who share traces
    densely, plus random background links; each pair seen 1-3 times (the build merges them)."""
    rng = np.random.default_rng(seed)
    nodes = max(edges // 4, 10)
    ring_size = rng.integers(5, 40, size=nodes // 20)
    ring_of = np.repeat(np.arange(len(ring_size)), ring_size)[:nodes]
    ring_of = np.concatenate([ring_of, rng.integers(0, len(ring_size), nodes - len(ring_of))])
    order = np.argsort(ring_of, kind="stable")
    inside = int(edges * 0.8)
    source = rng.integers(0, nodes, size=edges)
    target = np.empty(edges, dtype=np.int64)
    # Inside-ring links: a neighbour in the ring's block of the sorted order.
    position = np.empty(nodes, dtype=np.int64)
    position[order] = np.arange(nodes)
    offset = rng.integers(1, 20, size=inside)
    target[:inside] = order[np.clip(position[source[:inside]] + offset, 0, nodes - 1)]
    target[inside:] = rng.integers(0, nodes, size=edges - inside)
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    con.register(
        "raw_arrow",
        {
            "s": source,
            "t": target,
            "w": rng.integers(1, 4, size=edges).astype(np.float64),
        },
    )
    con.execute("CREATE TABLE raw AS SELECT * FROM raw_arrow WHERE s <> t")
    return con


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_filet(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, float], ig.Graph]:
    figures: dict[str, float] = {}
    start = time.perf_counter()
    merged = con.sql(
        "SELECT least(s, t) AS a, greatest(s, t) AS b, sum(w) AS w, count(*) AS n "
        "FROM raw GROUP BY ALL"
    ).fetchnumpy()
    names = np.unique(np.concatenate([merged["a"], merged["b"]]))
    index = np.searchsorted(names, merged["a"]), np.searchsorted(names, merged["b"])
    graph = ig.Graph(n=len(names), edges=np.column_stack(index).tolist())
    graph.es["weight"] = merged["w"].tolist()
    figures["build_s"] = time.perf_counter() - start
    start = time.perf_counter()
    rings = 0
    for component in graph.connected_components():
        if len(component) <= 200:
            rings += 1
            continue
        sub = graph.subgraph(component)
        rings += len(sub.community_leiden(objective_function="modularity", weights="weight"))
    figures["rings_s"] = time.perf_counter() - start
    figures["rings"] = rings
    start = time.perf_counter()
    key_players(graph, [str(n) for n in names], top=20)
    figures["key_players_s"] = time.perf_counter() - start
    return figures, graph


def run_networkx(graph: ig.Graph, budget: float) -> dict[str, float]:
    start = time.perf_counter()
    peer = nx.Graph()
    peer.add_weighted_edges_from(
        (e.source, e.target, w) for e, w in zip(graph.es, graph.es["weight"], strict=True)
    )
    figures = {"build_s": time.perf_counter() - start}
    start = time.perf_counter()
    communities = nx.community.louvain_communities(peer, weight="weight", seed=1)
    figures["rings_s"] = time.perf_counter() - start
    figures["rings"] = len(communities)
    start = time.perf_counter()
    dict(peer.degree())
    dict(peer.degree(weight="weight"))
    nx.core_number(peer)
    k = None if peer.number_of_nodes() < 5000 else 200
    nx.betweenness_centrality(peer, k=k, seed=1)
    if peer.number_of_nodes() < 20000 and time.perf_counter() - start < budget:
        nx.constraint(peer)
    figures["key_players_s"] = time.perf_counter() - start
    figures["betweenness_sampled"] = 0 if k is None else k
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--edges", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--peer-edges", type=int, default=200_000, help="largest graph for NetworkX"
    )
    parser.add_argument("--peer-budget", type=float, default=120.0)
    args = parser.parse_args()
    con = raw_rows(args.edges, args.seed)
    figures, graph = run_filet(con)
    total = figures["build_s"] + figures["rings_s"] + figures["key_players_s"]
    print(
        f"filet  raw rows {args.edges:,}  graph {graph.vcount():,} nodes {graph.ecount():,} edges"
    )
    print(
        f"filet  build {figures['build_s']:.2f}s  rings {figures['rings_s']:.2f}s "
        f"({int(figures['rings'])})  key players {figures['key_players_s']:.2f}s  "
        f"total {total:.2f}s  peak {peak_mib():.0f} MiB"
    )
    peer_graph = graph
    if graph.ecount() > args.peer_edges:
        peer_graph = graph.subgraph_edges(range(args.peer_edges))
    peer = run_networkx(peer_graph, args.peer_budget)
    print(
        f"networkx graph {peer_graph.vcount():,} nodes {peer_graph.ecount():,} edges  "
        f"build {peer['build_s']:.2f}s  rings (louvain) {peer['rings_s']:.2f}s "
        f"({int(peer['rings'])})  key players {peer['key_players_s']:.2f}s"
        + (
            f" (betweenness sampled k={int(peer['betweenness_sampled'])})"
            if peer["betweenness_sampled"]
            else ""
        )
        + f"  peak {peak_mib():.0f} MiB (process)"
    )


if __name__ == "__main__":
    main()
