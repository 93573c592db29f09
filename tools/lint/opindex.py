"""What the repository says about each op outside the YAML: OpInfo, docs, derivatives.

Shared by the YAML linter (on the working tree) and the reviewer (on a
branch's files). Each function reads the text of one file and never imports or
runs it: the reviewer reads files of a pull request, which must not be executed.

- `test/opinfo/op_db.py`: `OpInfo("add", ...)`, `UnaryOpInfo("relu", ...)`,
  any call whose callee ends in `OpInfo` with a string first argument.
- `python/aten_mini/_docs.py`: `add_docstr("add", r\"\"\"...\"\"\")`.
- `tools/autograd/derivatives.yaml`: `- name: <schema>` entries, PyTorch syntax.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass

import yaml

OP_DB = "test/opinfo/op_db.py"
DOCS = "python/aten_mini/_docs.py"
DERIVATIVES = "tools/autograd/derivatives.yaml"
Reader = Callable[[str], "set[str] | None"]
SCHEMA_NAME = re.compile(r"^\s*([A-Za-z0-9_]+)(?:\.([A-Za-z0-9_]+))?\s*\(")


def _callee_name(node: ast.Call) -> str:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return ""


def _first_str_arg(node: ast.Call) -> str | None:
    if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
        return node.args[0].value
    for kw in node.keywords:
        if kw.arg == "name" and isinstance(kw.value, ast.Constant):
            return str(kw.value.value)
    return None


def _calls(text: str) -> list[ast.Call] | None:
    """Every call in a Python file, or None when the file does not parse."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call)]


def opinfo_names(text: str) -> set[str] | None:
    """Op names with an OpInfo entry; None when the file is not valid Python."""
    calls = _calls(text)
    if calls is None:
        return None
    names = {_first_str_arg(c) for c in calls if _callee_name(c).endswith("OpInfo")}
    return {n for n in names if n}


def doc_names(text: str) -> set[str] | None:
    """Op names documented with `add_docstr`; None when the file is not valid Python."""
    calls = _calls(text)
    if calls is None:
        return None
    names = {_first_str_arg(c) for c in calls if _callee_name(c) == "add_docstr"}
    return {n for n in names if n}


@dataclass(frozen=True)
class Derivatives:
    """Overloads (`add.Tensor`, `relu`) with a formula or a non-differentiable declaration."""

    covered: frozenset[str]


def schema_overload(schema: str) -> str | None:
    """`add.Tensor(Tensor self, ...) -> Tensor` -> `add.Tensor`; `relu(...)` -> `relu`."""
    m = SCHEMA_NAME.match(schema)
    if not m:
        return None
    return f"{m[1]}.{m[2]}" if m[2] else m[1]


def derivative_entries(text: str) -> Derivatives | None:
    """Every overload derivatives.yaml mentions; None when it is not a YAML list."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    if data is None:
        return Derivatives(frozenset())
    if not isinstance(data, list):
        return None
    names = {schema_overload(str(e["name"])) for e in data if isinstance(e, dict) and "name" in e}
    return Derivatives(frozenset(n for n in names if n))
