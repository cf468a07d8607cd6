"""Edge lists from other sources: the columnar reader gives the same graph as the row-by-row one,
and a file it does not accept is read row by row with the error's line."""

from __future__ import annotations

from pathlib import Path

import igraph as ig
import pytest

from filet.errors import InputError
from filet.network import read_edge_list
from filet.network._edgelist import _columns, _read_rows

WELL_FORMED = {
    "header": "source,target,weight\na,b,1\nb,c,2.5\nc,a,1e1\n",
    "no header, no weights": "a,b\nb,c\nc,a\nb,a\n",
    "bom, blank rows, spaces": "\ufeffSource , TARGET,weight\n\na , b ,2\n , ,\nb,c, 3 \nb,c,\n",
    "quoted and numeric-looking names": '"x, the broker",01,1\n"line\nbreak",1.0,2\n01,1,0.5\n',
    "extra columns": "source,target,weight,kind\na,b,1,called\nb,a,2,paid\nc,b,,met\n",
}


def _shape(graph: ig.Graph, names: list[str]) -> tuple[object, ...]:
    edges = sorted(
        (names[s], names[t], w)
        for (s, t), w in zip(graph.get_edgelist(), graph.es["weight"], strict=True)
    )
    return names, graph.is_directed(), edges


@pytest.mark.parametrize("text", WELL_FORMED.values(), ids=WELL_FORMED.keys())
@pytest.mark.parametrize("directed", [False, True])
def test_columnar_reader_gives_the_row_reader_graph(
    tmp_path: Path, text: str, directed: bool
) -> None:
    path = tmp_path / "edges.csv"
    path.write_text(text, encoding="utf-8")
    assert _columns(path) is not None
    assert _shape(*read_edge_list(path, directed)) == _shape(*_read_rows(path, directed))


def test_duplicate_edges_merged_and_names_in_order_of_appearance(tmp_path: Path) -> None:
    path = tmp_path / "edges.csv"
    path.write_text("source,target,weight\nb,a,1\na,b,2\nc,a,\n", encoding="utf-8")
    graph, names = read_edge_list(path)
    assert names == ["b", "a", "c"]
    assert sorted(zip(graph.get_edgelist(), graph.es["weight"], strict=True)) == [
        ((0, 1), 3.0),
        ((1, 2), 1.0),
    ]


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("a,b,1\nb,c,heavy\n", "not a number", 2),
        ("a,b,1\nb,c,-1\n", "must be positive", 2),
        ("a,b,1\n,c,1\n", "expected source,target", 2),
        ("a,b,1\nc\n", "expected source,target", 2),
    ],
)
def test_a_bad_row_is_named_by_its_line(tmp_path: Path, text: str, message: str, line: int) -> None:
    path = tmp_path / "edges.csv"
    path.write_text(text, encoding="utf-8")
    assert _columns(path) is None
    with pytest.raises(InputError) as error:
        read_edge_list(path)
    assert message in str(error.value)
    assert error.value.place.line == line


def test_ragged_rows_and_a_leading_blank_line_read_row_by_row(tmp_path: Path) -> None:
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("a,b\nb,c,2\n", encoding="utf-8")
    blank_first = tmp_path / "blank.csv"
    blank_first.write_text("\nsource,target\na,b\n", encoding="utf-8")
    for path in (ragged, blank_first):
        assert _columns(path) is None
        assert _shape(*read_edge_list(path)) == _shape(*_read_rows(path, False))
    # After a blank first line the header rule does not apply: "source" is a node.
    assert "source" in read_edge_list(blank_first)[1]
