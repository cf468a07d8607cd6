"""Network benchmark: build (DuckDB aggregation of raw trace rows into weighted edges), rings
(components, Leiden inside large ones) and key players (degree, weighted degree, betweenness
inside the rings, k-core, brokerage) on igraph, beside NetworkX (Louvain, sampled betweenness) on
the same graph or its first --peer-edges edges, in its own process so that each peak memory is
its own.

    python benchmarks/bench_network.py --edges 100000
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import time

import duckdb
import igraph as ig
import networkx as nx
import numpy as np

from filet.network import key_players
from filet.network._analysis import communities


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
    """This process's peak resident memory (VmHWM: reset at exec, unlike ru_maxrss)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_filet(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, float], ig.Graph]:
    figures: dict[str, float] = {}
    start = time.perf_counter()
    merged = con.sql(
        "SELECT least(s, t) AS a, greatest(s, t) AS b, sum(w) AS w, count(*) AS n "
        "FROM raw GROUP BY ALL"
    ).fetchnumpy()
    names, index = np.unique(np.concatenate([merged["a"], merged["b"]]), return_inverse=True)
    pairs = index.reshape(2, -1).T
    graph = ig.Graph(n=len(names), edges=pairs)
    graph.es["weight"] = merged["w"].tolist()
    del merged, index, pairs
    figures["build_s"] = time.perf_counter() - start
    start = time.perf_counter()
    membership = communities(graph)
    figures["rings_s"] = time.perf_counter() - start
    figures["rings"] = len(set(membership))
    start = time.perf_counter()
    key_players(graph, [str(n) for n in names], top=20, membership=membership)
    figures["key_players_s"] = time.perf_counter() - start
    return figures, graph


def run_networkx(
    pairs: list[tuple[int, int]], weights: list[float], budget: float
) -> dict[str, float]:
    """In its own process (spawned, so its peak memory is its own)."""
    start = time.perf_counter()
    peer = nx.Graph()
    peer.add_weighted_edges_from((s, t, w) for (s, t), w in zip(pairs, weights, strict=True))
    figures = {"build_s": time.perf_counter() - start}
    start = time.perf_counter()
    communities_found = nx.community.louvain_communities(peer, weight="weight", seed=1)
    figures["rings_s"] = time.perf_counter() - start
    figures["rings"] = len(communities_found)
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
    figures["peak_mib"] = peak_mib()
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
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        peer = pool.apply(
            run_networkx,
            (peer_graph.get_edgelist(), peer_graph.es["weight"], args.peer_budget),
        )
    print(
        f"networkx graph {peer_graph.vcount():,} nodes {peer_graph.ecount():,} edges  "
        f"build {peer['build_s']:.2f}s  rings (louvain) {peer['rings_s']:.2f}s "
        f"({int(peer['rings'])})  key players {peer['key_players_s']:.2f}s"
        + (
            f" (betweenness sampled k={int(peer['betweenness_sampled'])})"
            if peer["betweenness_sampled"]
            else ""
        )
        + f"  peak {peer['peak_mib']:.0f} MiB (its own process)"
    )


if __name__ == "__main__":
    main()
