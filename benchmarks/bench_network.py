"""Network benchmark: build (DuckDB aggregation of raw trace rows into weighted edges), rings
(components, Leiden inside large ones) and key players (degree, weighted degree, betweenness
inside the rings, k-core, brokerage) on igraph, beside NetworkX (Louvain, sampled betweenness) on
the same graph or its first --peer-edges edges, in its own process so that each peak memory is
its own.

Each stage prints its wall and CPU time; the total, the peak memory and the load average at the
start and end follow. Betweenness in a community larger than --pivots nodes is estimated from
that many sampled sources (``ring_betweenness``); --check-betweenness also computes it exactly
and prints the rank agreement (costly above a million edges).

    python benchmarks/bench_network.py --edges 100000
    flock /tmp/bench.lock nice -n 5 python benchmarks/bench_network.py --edges 10000000
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import time

import duckdb
import igraph as ig
import networkx as nx
import numpy as np

from filet.network import key_players
from filet.network._analysis import communities, ring_betweenness


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


class Stages:
    """Wall and CPU time of each stage (CPU is this process's, all threads: DuckDB uses two)."""

    def __init__(self) -> None:
        self.figures: dict[str, tuple[float, float]] = {}
        self._wall = time.perf_counter()
        self._cpu = time.process_time()

    def done(self, stage: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        self.figures[stage] = (wall - self._wall, cpu - self._cpu)
        self._wall, self._cpu = wall, cpu

    def line(self) -> str:
        return "  ".join(
            f"{stage} {wall:.1f}s (CPU {cpu:.1f}s)" for stage, (wall, cpu) in self.figures.items()
        )

    def total(self) -> tuple[float, float]:
        return (
            sum(wall for wall, _ in self.figures.values()),
            sum(cpu for _, cpu in self.figures.values()),
        )


def run_filet(
    con: duckdb.DuckDBPyConnection, pivots: int
) -> tuple[Stages, ig.Graph, list[int], int]:
    stages = Stages()
    merged = con.sql(
        "SELECT least(s, t) AS a, greatest(s, t) AS b, sum(w) AS w, count(*) AS n "
        "FROM raw GROUP BY ALL"
    ).fetchnumpy()
    names, index = np.unique(np.concatenate([merged["a"], merged["b"]]), return_inverse=True)
    graph = ig.Graph(n=len(names), edges=index.reshape(2, -1).T)
    graph.es["weight"] = merged["w"].tolist()
    del merged, index
    stages.done("build")
    membership = communities(graph)
    stages.done("rings")
    key_players(
        graph, [str(n) for n in names], top=20, membership=membership, betweenness_pivots=pivots
    )
    stages.done("key players")
    return stages, graph, membership, len(set(membership))


def check_betweenness(graph: ig.Graph, membership: list[int], pivots: int) -> str:
    """The estimate against exact betweenness inside the same communities: rank correlation
    over all nodes and the share of the exact top 1 % that the estimate also puts in its top 1 %."""
    groups = np.asarray(membership)
    start = time.process_time()
    exact = ring_betweenness(graph, groups, pivots=graph.vcount())
    exact_cpu = time.process_time() - start
    estimate = ring_betweenness(graph, groups, pivots=pivots)
    ranks = [np.argsort(np.argsort(v, kind="stable")) for v in (exact, estimate)]
    spearman = float(np.corrcoef(ranks[0], ranks[1])[0, 1])
    top = max(len(exact) // 100, 1)
    overlap = len(set(np.argsort(-exact)[:top]) & set(np.argsort(-estimate)[:top])) / top
    return (
        f"betweenness check: {pivots} pivots vs exact (exact CPU {exact_cpu:.1f}s)  "
        f"Spearman {spearman:.4f}  top-1 % overlap {overlap:.3f}"
    )


def run_networkx(
    pairs: list[tuple[int, int]], weights: list[float], budget: float
) -> dict[str, float]:
    """In its own process (spawned, so its peak memory is its own)."""
    start = time.perf_counter()
    cpu = time.process_time()
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
    figures["cpu_s"] = time.process_time() - cpu
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
    parser.add_argument(
        "--pivots", type=int, default=500, help="betweenness sources per large community"
    )
    parser.add_argument(
        "--check-betweenness",
        action="store_true",
        help="also compute exact betweenness inside the communities and compare",
    )
    args = parser.parse_args()
    print(f"load average at start {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    generation = time.perf_counter()
    con = raw_rows(args.edges, args.seed)
    print(f"raw rows generated in {time.perf_counter() - generation:.1f}s (not counted)")
    stages, graph, membership, rings = run_filet(con, args.pivots)
    con.close()
    wall, cpu = stages.total()
    print(
        f"filet  raw rows {args.edges:,}  graph {graph.vcount():,} nodes {graph.ecount():,} edges"
        f"  {rings:,} ring candidates"
    )
    print(f"filet  {stages.line()}")
    print(
        f"filet  total {wall:.1f}s wall, {cpu:.1f}s CPU  peak {peak_mib():.0f} MiB"
        f"  load average at end {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    if args.check_betweenness:
        print(check_betweenness(graph, membership, args.pivots))
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
        + f"  CPU {peer['cpu_s']:.1f}s  peak {peer['peak_mib']:.0f} MiB (its own process)"
    )


if __name__ == "__main__":
    main()
