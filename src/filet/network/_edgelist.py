"""Read any edge list (``source,target[,weight]`` CSV, header optional) into an igraph graph, so
analysts can rank key players of networks from other sources.

A well-formed file is parsed by Arrow's CSV reader and handed to igraph as arrays (ten million
rows in seconds, where Python's ``csv`` module and a tuple per edge take minutes); a file the
fast path does not accept (a bad weight, a missing name, ragged rows, a leading blank line) is
read row by row, which names the line and field of the first error.
"""

from __future__ import annotations

import csv
from pathlib import Path

import igraph as ig
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as arrow_csv

from filet.errors import InputError, Place


def read_edge_list(path: Path, directed: bool = False) -> tuple[ig.Graph, list[str]]:
    """The graph and its vertex names (in order of first appearance); duplicate edges are merged
    (weights summed)."""
    columns = _columns(path)
    if columns is None:
        return _read_rows(path, directed)
    names, pairs, weights = columns
    graph = ig.Graph(n=len(names), edges=pairs, directed=directed)
    graph.es["weight"] = weights.tolist()
    graph.simplify(combine_edges={"weight": "sum"})
    return graph, names


def _columns(path: Path) -> tuple[list[str], np.ndarray, np.ndarray] | None:
    """Names, (edges, 2) index pairs and weights of a well-formed file; None for any other."""
    try:
        with path.open("rb") as handle:
            if not handle.readline().removeprefix(b"\xef\xbb\xbf").strip(b"\r\n"):
                return None  # a blank first line: whether a header follows is a line-1 rule
        table = arrow_csv.read_csv(
            path,
            read_options=arrow_csv.ReadOptions(autogenerate_column_names=True),
            parse_options=arrow_csv.ParseOptions(newlines_in_values=True),
            # Names and weights as written ("01" stays "01"); further columns only count
            # for the blank-row test, whatever type Arrow gives them.
            convert_options=arrow_csv.ConvertOptions(
                column_types={name: pa.string() for name in ("f0", "f1", "f2")},
                strings_can_be_null=False,
            ),
        )
    except (OSError, pa.ArrowException):
        return None
    if table.num_columns < 2 or table.num_rows == 0:
        return None
    cells = [
        pc.utf8_trim_whitespace(pc.cast(column, pa.string())) for column in table.itercolumns()
    ]
    # A row whose cells are all empty is skipped, as the row-by-row reader does.
    blank = pc.fill_null(pc.equal(cells[0], ""), True)
    for cell in cells[1:]:
        blank = pc.and_(blank, pc.fill_null(pc.equal(cell, ""), True))
    keep = pc.invert(blank)
    if [str(c[0].as_py()).lower() for c in cells[:2]] == ["source", "target"]:
        keep = pc.and_(keep, pa.array(np.arange(table.num_rows) > 0))
    source, target = (pc.filter(c, keep) for c in cells[:2])
    if pc.any(pc.equal(source, "")).as_py() or pc.any(pc.equal(target, "")).as_py():
        return None
    weights = np.ones(len(source))
    if len(cells) > 2:
        text = pc.filter(cells[2], keep)
        given = pc.invert(pc.fill_null(pc.equal(text, ""), True))
        try:
            values = pc.cast(pc.filter(text, given), pa.float64()).to_numpy()
        except pa.ArrowException:
            return None
        if (values <= 0).any():
            return None
        weights[given.to_numpy()] = values
    count = len(source)
    order = np.empty(2 * count, dtype=np.int64)
    order[0::2] = np.arange(count)
    order[1::2] = np.arange(count) + count
    both = pa.concat_arrays([*source.chunks, *target.chunks])
    ends = pc.take(both, pa.array(order)).dictionary_encode()
    pairs = ends.indices.to_numpy().astype(np.int64).reshape(-1, 2)
    return ends.dictionary.to_pylist(), pairs, weights


def _read_rows(path: Path, directed: bool) -> tuple[ig.Graph, list[str]]:
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
