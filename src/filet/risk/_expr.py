"""The rule condition language: a small, safe expression language over features.

A condition is written like a Python expression, e.g.
``paid_cash and paid_by_non_traveller and group_size >= 3`` or
``nationality in ['XXA', 'XXB'] and shared_contact_count >= 2``. It is parsed with :mod:`ast` and
only these nodes are accepted: ``and``/``or``/``not``, comparisons (``== != < <= > >= in not in``),
``+ - * /``, unary minus, names of catalogued features, number/string/boolean literals, lists of
literals (right of ``in``) and calls of the whitelisted functions ``coalesce`` and ``abs``. No
attribute access, no subscripts, no other calls: nothing in a rule can run code.

We use :mod:`ast` rather than a parser library because the grammar is a strict subset of Python's
and ``ast`` gives positions for errors; what we add is the whitelist, a type check against the
feature catalogue, a compiler to ANSI SQL (batch) and a compiler to Python closures (online), both
with SQL's three-valued logic so that batch and online agree on missing values (``NULL``/``None``).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from filet.errors import InputError, Place

Value = bool | int | float | str | None
Evaluator = Callable[[Mapping[str, Any]], Any]

FUNCTIONS = frozenset({"coalesce", "abs"})
_COMPARE_SQL = {
    ast.Eq: "=",
    ast.NotEq: "<>",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}
_ARITH_SQL = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


class ExpressionError(InputError):
    """A condition that is not in the rule language, or does not type-check."""


@dataclass(frozen=True)
class Condition:
    """A parsed, checked condition: its text, the features it reads and its two compiled forms."""

    text: str
    features: frozenset[str]
    literals: frozenset[str]
    tree: ast.expr

    def sql(self, column: Callable[[str], str] = lambda name: name) -> str:
        """The condition as an ANSI SQL boolean expression (NULL when unknown)."""
        return _to_sql(self.tree, column)

    def evaluator(self) -> Evaluator:
        """The condition as a Python function of a feature mapping (None when unknown)."""
        return _to_python(self.tree)


def parse_condition(text: str, types: Mapping[str, str], where: Place | None = None) -> Condition:
    """Parse and type-check ``text`` against feature ``types`` (name -> boolean|integer|number|string).

    Unknown names are reported as such; callers that must name protected terms check
    :func:`referenced_names` first.
    """
    place = where or Place()
    tree = _parse(text, place)
    names = referenced_names(tree)
    unknown = sorted(n for n in names if n not in types)
    if unknown:
        raise ExpressionError(f"unknown feature {unknown[0]!r} in condition", place)
    kind = _type_of(tree, types, place)
    if kind != "boolean":
        raise ExpressionError(f"the condition must be true or false, not a {kind}", place)
    literals = frozenset(
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    )
    return Condition(text, frozenset(names), literals, tree)


def parse_names(text: str, where: Place | None = None) -> tuple[frozenset[str], frozenset[str]]:
    """The names and string literals a condition mentions (after the syntax whitelist check)."""
    tree = _parse(text, where or Place())
    literals = frozenset(
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    )
    return referenced_names(tree), literals


def referenced_names(tree: ast.AST) -> frozenset[str]:
    called = {
        id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)
    }  # function names are not features
    return frozenset(
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in called
    )


def _parse(text: str, place: Place) -> ast.expr:
    try:
        module = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise ExpressionError(
            f"not a valid condition: {error.msg}",
            Place(
                file=place.file,
                line=place.line,
                field=place.field,
                position=error.offset,
            ),
        ) from None
    _whitelist(module.body, place)
    return module.body


def _whitelist(node: ast.AST, place: Place) -> None:
    allowed = (
        ast.BoolOp,
        ast.And,
        ast.Or,
        ast.UnaryOp,
        ast.Not,
        ast.USub,
        ast.Compare,
        ast.BinOp,
        ast.Name,
        ast.Load,
        ast.Constant,
        ast.List,
        ast.Tuple,
        ast.Call,
        *_COMPARE_SQL,
        ast.In,
        ast.NotIn,
        *_ARITH_SQL,
    )
    for child in ast.walk(node):
        where = Place(
            file=place.file,
            line=place.line,
            field=place.field,
            position=getattr(child, "col_offset", -1) + 1 or None,
        )
        if not isinstance(child, allowed):
            raise ExpressionError(
                f"{type(child).__name__} is not allowed in a condition (only comparisons, "
                "and/or/not, + - * /, 'in', features, literals and coalesce/abs)",
                where,
            )
        if isinstance(child, ast.Call):
            if not isinstance(child.func, ast.Name) or child.func.id not in FUNCTIONS:
                raise ExpressionError(
                    f"only the functions {', '.join(sorted(FUNCTIONS))} may be called", where
                )
            if child.keywords:
                raise ExpressionError("keyword arguments are not allowed", where)
        if isinstance(child, ast.Constant) and not isinstance(
            child.value, bool | int | float | str
        ):
            raise ExpressionError(f"literal {child.value!r} is not allowed", where)
        if isinstance(child, ast.Compare):
            for op, right in zip(child.ops, child.comparators, strict=True):
                if isinstance(op, ast.In | ast.NotIn) != isinstance(right, ast.List | ast.Tuple):
                    raise ExpressionError("'in' takes a list of literals: x in ['A', 'B']", where)
        if isinstance(child, ast.List | ast.Tuple) and (
            not child.elts or not all(isinstance(e, ast.Constant) for e in child.elts)
        ):
            raise ExpressionError("a list may only hold literals and not be empty", where)


def _literal_type(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "string"


def _norm(kind: str) -> str:
    return "number" if kind == "integer" else kind


def _type_of(node: ast.expr, types: Mapping[str, str], place: Place) -> str:
    def fail(message: str) -> ExpressionError:
        return ExpressionError(message, Place(file=place.file, line=place.line, field=place.field))

    if isinstance(node, ast.Constant):
        return _literal_type(node.value)
    if isinstance(node, ast.Name):
        return _norm(types[node.id])
    if isinstance(node, ast.BoolOp):
        for value in node.values:
            if _type_of(value, types, place) != "boolean":
                raise fail(f"'{ast.unparse(value)}' is not true/false; and/or need conditions")
        return "boolean"
    if isinstance(node, ast.UnaryOp):
        inner = _type_of(node.operand, types, place)
        wanted = "boolean" if isinstance(node.op, ast.Not) else "number"
        if inner != wanted:
            raise fail(f"'{ast.unparse(node)}' applies {type(node.op).__name__} to a {inner}")
        return wanted
    if isinstance(node, ast.BinOp):
        for side in (node.left, node.right):
            if _type_of(side, types, place) != "number":
                raise fail(f"'{ast.unparse(side)}' is not a number in arithmetic")
        return "number"
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        kinds = [_type_of(a, types, place) for a in node.args]
        if node.func.id == "abs":
            if kinds != ["number"]:
                raise fail("abs takes one number")
            return "number"
        if len(kinds) < 2 or len(set(kinds)) != 1:
            raise fail("coalesce takes two or more values of one type")
        return kinds[0]
    if isinstance(node, ast.Compare):
        left = _type_of(node.left, types, place)
        for op, right in zip(node.ops, node.comparators, strict=True):
            if isinstance(right, ast.List | ast.Tuple):
                element_kinds = {_type_of(e, types, place) for e in right.elts}
                if element_kinds != {left}:
                    raise fail(f"'{ast.unparse(node)}' compares a {left} with other kinds")
                continue
            other = _type_of(right, types, place)
            if other != left:
                raise fail(f"'{ast.unparse(node)}' compares a {left} with a {other}")
            if left == "boolean" and not isinstance(op, ast.Eq | ast.NotEq):
                raise fail(f"'{ast.unparse(node)}' orders true/false values")
            left = other
        return "boolean"
    if isinstance(node, ast.List | ast.Tuple):
        raise fail("a list may only stand right of 'in'")
    raise fail(f"{type(node).__name__} is not allowed")


def _sql_literal(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _to_sql(node: ast.expr, column: Callable[[str], str]) -> str:
    if isinstance(node, ast.Constant):
        return _sql_literal(node.value)
    if isinstance(node, ast.Name):
        return column(node.id)
    if isinstance(node, ast.BoolOp):
        joiner = " AND " if isinstance(node.op, ast.And) else " OR "
        return "(" + joiner.join(_to_sql(v, column) for v in node.values) + ")"
    if isinstance(node, ast.UnaryOp):
        inner = _to_sql(node.operand, column)
        return f"(NOT {inner})" if isinstance(node.op, ast.Not) else f"(-{inner})"
    if isinstance(node, ast.BinOp):
        left, right = _to_sql(node.left, column), _to_sql(node.right, column)
        if isinstance(node.op, ast.Div):
            # Both engines give NULL for x / 0 this way (DuckDB alone would give infinity).
            return f"(CAST({left} AS DOUBLE) / NULLIF({right}, 0))"
        return f"({left} {_ARITH_SQL[type(node.op)]} {right})"
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        args = ", ".join(_to_sql(a, column) for a in node.args)
        return f"{node.func.id.upper()}({args})"
    if isinstance(node, ast.Compare):
        parts: list[str] = []
        current: ast.expr = node.left
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            lhs = _to_sql(current, column)
            if isinstance(comparator, ast.List | ast.Tuple):
                items = ", ".join(_to_sql(e, column) for e in comparator.elts)
                keyword = "NOT IN" if isinstance(op, ast.NotIn) else "IN"
                parts.append(f"({lhs} {keyword} ({items}))")
            else:
                parts.append(f"({lhs} {_COMPARE_SQL[type(op)]} {_to_sql(comparator, column)})")
            current = comparator
        return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"
    raise AssertionError(f"unchecked node {type(node).__name__}")


def _and(values: list[Any]) -> Any:
    unknown = False
    for value in values:
        if value is False:
            return False
        if value is None:
            unknown = True
    return None if unknown else True


def _or(values: list[Any]) -> Any:
    unknown = False
    for value in values:
        if value is True:
            return True
        if value is None:
            unknown = True
    return None if unknown else False


def _compare(op: ast.cmpop, left: Any, right: Any) -> Any:
    if isinstance(op, ast.In | ast.NotIn):
        if left is None:
            return None
        found = left in right
        return found if isinstance(op, ast.In) else not found
    if left is None or right is None:
        return None
    if isinstance(op, ast.Eq):
        return bool(left == right)
    if isinstance(op, ast.NotEq):
        return bool(left != right)
    if isinstance(op, ast.Lt):
        return bool(left < right)
    if isinstance(op, ast.LtE):
        return bool(left <= right)
    if isinstance(op, ast.Gt):
        return bool(left > right)
    return bool(left >= right)


def _arith(op: ast.operator, left: Any, right: Any) -> Any:
    if left is None or right is None:
        return None
    if isinstance(op, ast.Add):
        return left + right
    if isinstance(op, ast.Sub):
        return left - right
    if isinstance(op, ast.Mult):
        return left * right
    return None if right == 0 else float(left) / right


def _to_python(node: ast.expr) -> Evaluator:
    if isinstance(node, ast.Constant):
        constant = node.value
        return lambda features: constant
    if isinstance(node, ast.Name):
        name = node.id
        return lambda features: features.get(name)
    if isinstance(node, ast.BoolOp):
        parts = [_to_python(v) for v in node.values]
        combine = _and if isinstance(node.op, ast.And) else _or
        return lambda features: combine([p(features) for p in parts])
    if isinstance(node, ast.UnaryOp):
        inner = _to_python(node.operand)
        if isinstance(node.op, ast.Not):
            return lambda features: None if (v := inner(features)) is None else not v
        return lambda features: None if (v := inner(features)) is None else -v
    if isinstance(node, ast.BinOp):
        left, right, op = _to_python(node.left), _to_python(node.right), node.op
        return lambda features: _arith(op, left(features), right(features))
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        args = [_to_python(a) for a in node.args]
        if node.func.id == "abs":
            only = args[0]
            return lambda features: None if (v := only(features)) is None else abs(v)
        return lambda features: next((v for a in args if (v := a(features)) is not None), None)
    if isinstance(node, ast.Compare):
        operands: list[Evaluator | frozenset[Any]] = [_to_python(node.left)]
        for comparator in node.comparators:
            if isinstance(comparator, ast.List | ast.Tuple):
                operands.append(
                    frozenset(e.value for e in comparator.elts if isinstance(e, ast.Constant))
                )
            else:
                operands.append(_to_python(comparator))
        ops = list(node.ops)

        def compare(features: Mapping[str, Any]) -> Any:
            values = [o if isinstance(o, frozenset) else o(features) for o in operands]
            return _and([_compare(op, values[i], values[i + 1]) for i, op in enumerate(ops)])

        return compare
    raise AssertionError(f"unchecked node {type(node).__name__}")
