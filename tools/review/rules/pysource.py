"""Reading the PR's Python test files statically: OpInfo entries, sample functions, dtypes.

Everything here parses text with `ast` and never imports or runs it: the files
are the pull request's (see tools/lint/opindex.py for the same stance).

Note [Special values in samples, statically]
A sample function proves it covers 0, -0.0, NaN and +-inf when one of these
appears in its own body or in the body of a function it calls that is defined
in test/opinfo/op_db.py or test/opinfo/samples.py (followed transitively):
  - zero: the literal `0` or `0.0`;
  - negative zero: `-0.0` (unary minus on the float literal 0.0) or the string
    "-0.0" (`float("-0.0")`); `-0` on the integer 0 is the integer zero and
    does NOT count (torch.tensor([-0, 1.0]) holds +0.0);
  - NaN: `math.nan`, `torch.nan`, `np.nan`, `float("nan")`;
  - infinity: `math.inf`, `torch.inf`, `np.inf`, `float("inf")` (either sign).
An element of a tuple (`make((0, 3), ...)`, a shape) is not a zero. Values
computed at run time (`torch.full(..., 1.0) / 0`) are not seen; such a sample
is reported as missing the value, which the learner answers by writing the
literal. The generic layout helpers (`make`, `sample_inputs_unary`) draw
random values and contribute nothing.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from tools.lint.opindex import callee_name

OP_DB = "test/opinfo/op_db.py"
SAMPLES = "test/opinfo/samples.py"
CORE = "test/opinfo/core.py"
SPECIALS = ("0", "-0.0", "nan", "inf")
FLOAT_DTYPES = frozenset({"float16", "bfloat16", "float32", "float64", "half", "float", "double"})
INT_DTYPES = frozenset({"int8", "int16", "int32", "int64", "uint8", "int", "long", "short", "bool"})


def parse(text: str | None) -> ast.Module | None:
    if text is None:
        return None
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError):
        return None


@dataclass(frozen=True)
class OpInfoEntry:
    name: str
    line: int
    call: ast.Call

    def keyword(self, key: str) -> ast.expr | None:
        return next((k.value for k in self.call.keywords if k.arg == key), None)


def opinfo_entries(tree: ast.Module) -> dict[str, OpInfoEntry]:
    """`OpInfo("name", ...)` calls (any callee ending in OpInfo) by op name."""
    found: dict[str, OpInfoEntry] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and callee_name(node).endswith("OpInfo") and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.setdefault(first.value, OpInfoEntry(first.value, node.lineno, node))
    return found


def functions(*trees: ast.Module | None) -> dict[str, ast.FunctionDef]:
    """Module-level function definitions of the trees (the first definition wins)."""
    found: dict[str, ast.FunctionDef] = {}
    for tree in trees:
        for node in tree.body if tree else []:
            if isinstance(node, ast.FunctionDef):
                found.setdefault(node.name, node)
    return found


def reachable(start: str, defs: dict[str, ast.FunctionDef]) -> list[ast.FunctionDef]:
    """`start` and every function of `defs` it calls, transitively."""
    seen: list[ast.FunctionDef] = []
    todo = [start]
    while todo:
        name = todo.pop()
        fn = defs.get(name)
        if fn is None or fn in seen:
            continue
        seen.append(fn)
        for node in ast.walk(fn):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                todo.append(node.func.id)
            elif isinstance(node, ast.Name) and node.id in defs:  # passed as a callable
                todo.append(node.id)
    return seen


def _str_value(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.strip().lower()
    return None


def special_values(nodes: list[ast.FunctionDef]) -> set[str]:
    """Which of SPECIALS the bodies write literally; see Note [Special values in samples,
    statically]."""
    found: set[str] = set()
    for fn in nodes:
        shapes = {
            id(elt) for t in ast.walk(fn) if isinstance(t, ast.Tuple) for elt in t.elts
        }  # `(0, 3)` is an empty shape, not a zero
        for node in ast.walk(fn):
            if isinstance(node, ast.Constant) and type(node.value) in (int, float):
                if node.value == 0 and id(node) not in shapes:
                    found.add("0")
                if isinstance(node.value, float) and abs(node.value) == float("inf"):
                    found.add("inf")
            if is_negative_zero(node):
                found.add("-0.0")
            if isinstance(node, ast.Attribute) and node.attr in ("nan", "inf"):
                found.add(node.attr)
            if isinstance(node, ast.Call) and callee_name(node) == "float" and node.args:
                text = _str_value(node.args[0])
                if text in ("nan", "+nan", "-nan"):
                    found.add("nan")
                elif text in ("inf", "+inf", "-inf", "infinity", "-infinity"):
                    found.add("inf")
                elif text == "-0.0":
                    found.add("-0.0")
    return found


def is_negative_zero(node: ast.AST) -> bool:
    """`-0.0` (a real IEEE negative zero once it is a float tensor)."""
    return (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and type(node.operand.value) is float
        and node.operand.value == 0.0
    )


def integer_negative_zeros(tree: ast.Module) -> list[int]:
    """Lines of `-0` written on the integer literal 0: that is just 0."""
    return sorted(
        {
            node.lineno
            for node in ast.walk(tree)
            if isinstance(node, ast.UnaryOp)
            and isinstance(node.op, ast.USub)
            and isinstance(node.operand, ast.Constant)
            and type(node.operand.value) is int
            and node.operand.value == 0
        }
    )


def has_negative_zero(tree: ast.Module) -> bool:
    return any(is_negative_zero(n) for n in ast.walk(tree)) or any(
        isinstance(n, ast.Call)
        and callee_name(n) == "float"
        and n.args
        and _str_value(n.args[0]) == "-0.0"
        for n in ast.walk(tree)
    )


def _assignments(*trees: ast.Module | None) -> dict[str, ast.expr]:
    found: dict[str, ast.expr] = {}
    for tree in trees:
        for node in tree.body if tree else []:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, node.value)
            elif (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and node.value is not None
            ):
                found.setdefault(node.target.id, node.value)
    return found


def dtype_names(expr: ast.expr, *trees: ast.Module | None) -> set[str] | None:
    """The `torch.<dtype>` names an OpInfo's `dtypes=` expression lists, resolving
    module-level tuples of the given trees; None when something is not understood."""
    names = _assignments(*trees)

    def walk(node: ast.expr, depth: int) -> set[str] | None:
        if depth > 10:
            return None
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            return {node.attr} if node.value.id == "torch" else None
        if isinstance(node, ast.Name):
            value = names.get(node.id)
            return walk(value, depth + 1) if value is not None else None
        if isinstance(node, ast.Starred):
            return walk(node.value, depth + 1)
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            out: set[str] = set()
            for elt in node.elts:
                part = walk(elt, depth + 1)
                if part is None:
                    return None
                out |= part
            return out
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = walk(node.left, depth + 1), walk(node.right, depth + 1)
            return None if left is None or right is None else left | right
        return None

    return walk(expr, 0)
