"""Ring candidates and betweenness inside them as they run on large graphs: sampled betweenness
in a community larger than the pivot count, exact below it."""

from __future__ import annotations

import igraph as ig
import numpy as np

from filet.network import key_players
from filet.network._analysis import communities, ring_betweenness
from tests.network.conftest import chained_stars


def _two_communities() -> tuple[ig.Graph, np.ndarray]:
    """A 30-node community (a ring with chords) and a 400-node one (brokers each joining two
    dense halves of 10-node groups), joined by one edge that betweenness inside communities
    leaves out."""
    rng = np.random.default_rng(7)
    small = [(i, (i + 1) % 30) for i in range(30)] + [(i, (i + 7) % 30) for i in range(0, 30, 3)]
    large: list[tuple[int, int]] = []
    base = 30
    for group in range(40):
        members = range(base + group * 10, base + group * 10 + 10)
        large += [(a, b) for a in members for b in members if a < b and rng.random() < 0.5]
        if group:
            large.append((base + (group - 1) * 10, base + group * 10))
    graph = ig.Graph(n=430, edges=[*small, *large, (0, base)])
    graph.es["weight"] = [1.0] * graph.ecount()
    groups = np.asarray([0] * 30 + [1] * 400)
    return graph, groups


def _exact_inside(graph: ig.Graph, groups: np.ndarray) -> np.ndarray:
    out = np.zeros(graph.vcount())
    for label in np.unique(groups):
        members = np.flatnonzero(groups == label).tolist()
        out[members] = graph.induced_subgraph(members).betweenness(directed=False)
    return out


def test_betweenness_exact_when_every_community_fits_the_pivots() -> None:
    graph, groups = _two_communities()
    assert np.allclose(ring_betweenness(graph, groups, pivots=400), _exact_inside(graph, groups))


def test_betweenness_sampled_in_a_large_community_only() -> None:
    graph, groups = _two_communities()
    exact = _exact_inside(graph, groups)
    estimate = ring_betweenness(graph, groups, pivots=100)
    # The small community stays exact; the large one is estimated from 100 of its 400 nodes.
    assert np.allclose(estimate[:30], exact[:30])
    assert not np.allclose(estimate[30:], exact[30:])
    top = np.argsort(-exact)[:20]
    assert set(np.argsort(-estimate)[:20]) & set(top) >= set(top[:15])
    assert abs(estimate[30:].sum() / exact[30:].sum() - 1) < 0.1
    # Seeded: the same estimate every run.
    assert np.array_equal(estimate, ring_betweenness(graph, groups, pivots=100))


def test_ring_candidates_numbered_in_component_order() -> None:
    """Small components keep one label each in component order; a large one is split into its
    Leiden communities, numbered after the components before it."""
    edges = [(0, 1), (1, 2)]  # component 0: three nodes
    chain = list(range(3, 3 + 60))  # component 1: three cliques of 20 joined in a chain
    for start in range(0, 60, 20):
        clique = chain[start : start + 20]
        edges += [(a, b) for a in clique for b in clique if a < b]
    edges += [(chain[19], chain[20]), (chain[39], chain[40])]
    edges += [(63, 64)]  # component 2: two nodes
    graph = ig.Graph(n=65, edges=edges)
    membership = communities(graph, split_above=10)
    assert membership[:3] == [0, 0, 0]
    assert sorted(set(membership[3:63])) == [1, 2, 3]
    for start in range(3, 63, 20):
        assert len(set(membership[start : start + 20])) == 1
    assert membership[63:] == [4, 4]
    assert communities(graph, split_above=100) == [0] * 3 + [1] * 60 + [2] * 2


def test_key_players_with_sampled_betweenness_still_find_each_rings_broker() -> None:
    """300 star-shaped rings of 20 chained by their centres, betweenness estimated from 10 of
    each community's nodes: every ring's centre still leads the ranking."""
    stars, size = 300, 20
    graph, names = chained_stars(stars, size)
    ranked = key_players(graph, names, top=stars, betweenness_pivots=10)
    assert {p.node for p in ranked} == {str(s * size) for s in range(stars)}
