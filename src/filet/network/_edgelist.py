"""Read any edge list (``source,target[,weight]`` CSV, header optional) into an igraph graph, so
analysts can rank key players of networks from other sources."""

from __future__ import annotations

import csv
from pathlib import Path

import igraph as ig

from filet.errors import InputError, Place


def read_edge_list(path: Path, directed: bool = False) -> tuple[ig.Graph, list[str]]:
    """The graph and its vertex names; duplicate edges are merged (weights summed)."""
    index: dict[str, int] = {}
    pairs: list[tuple[int, int]] = []
    weights: list[float] = []
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as error:
        raise InputError(f"cannot read {path}: {error}", Place(field="edges")) from error
    with handle:
        for number, row in enumerate(csv.reader(handle), start=1):
            if not row or all(not cell.strip() for cell in row):
                continue
            if number == 1 and [c.strip().lower() for c in row[:2]] == ["source", "target"]:
                continue
            if len(row) < 2 or not row[0].strip() or not row[1].strip():
                raise InputError(
                    f"{path}: expected source,target[,weight]", Place(line=number, field="source")
                )
            weight = 1.0
            if len(row) > 2 and row[2].strip():
                try:
                    weight = float(row[2])
                except ValueError as error:
                    raise InputError(
                        f"{path}: weight {row[2]!r} is not a number",
                        Place(line=number, position=3, field="weight"),
                    ) from error
                if weight <= 0:
                    raise InputError(
                        f"{path}: weight {row[2]!r} must be positive",
                        Place(line=number, position=3, field="weight"),
                    )
            ends = []
            for name in (row[0].strip(), row[1].strip()):
                if name not in index:
                    index[name] = len(index)
                ends.append(index[name])
            pairs.append((ends[0], ends[1]))
            weights.append(weight)
    graph = ig.Graph(n=len(index), edges=pairs, directed=directed)
    graph.es["weight"] = weights
    graph.simplify(combine_edges={"weight": "sum"})
    return graph, list(index)
