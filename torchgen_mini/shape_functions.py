"""The shape functions that `shape_function:` entries may name.

They are the public top-level functions of python/aten_mini/_shape_functions.py.
Codegen must not import that module (it imports torch, and the YAML check
runs without a build), so this module reads the file with `ast` and records,
for each function, where it is and how many positional arguments it takes.
See Note [torch.compile support] in python/aten_mini/_compile.py.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from torchgen_mini.diagnostics import Location, ParseError

MODULE = Path("python") / "aten_mini" / "_shape_functions.py"


@dataclass(frozen=True, slots=True)
class ShapeFunction:
    """One `def` of the module: how many positional arguments it accepts."""

    name: str
    loc: Location
    required: int
    positional: int
    varargs: bool

    def accepts(self, n: int) -> bool:
        return self.required <= n and (self.varargs or n <= self.positional)

    def arity(self) -> str:
        """`3`, `1 to 4`, `1 or more`: what a message says it takes."""
        if self.varargs:
            return f"{self.required} or more"
        if self.required == self.positional:
            return str(self.required)
        return f"{self.required} to {self.positional}"


def find_module(yaml_path: str | Path) -> Path | None:
    """The nearest python/aten_mini/_shape_functions.py in the YAML's directory or above."""
    here = Path(yaml_path).resolve().parent
    for d in (here, *here.parents):
        if (d / MODULE).is_file():
            return d / MODULE
    return None


def _shape_function(node: ast.FunctionDef, file: str) -> ShapeFunction:
    a = node.args
    positional = len(a.posonlyargs) + len(a.args)
    required = positional - len(a.defaults)
    loc = Location(file, node.lineno)
    return ShapeFunction(node.name, loc, required, positional, a.vararg is not None)


def load_shape_functions(path: str | Path) -> dict[str, ShapeFunction]:
    """Name -> function for the public top-level `def`s of `path`.

    Raises ParseError (located in `path`) if the file cannot be read or parsed.
    """
    file = str(path)
    try:
        tree = ast.parse(Path(path).read_text(), filename=file)
    except OSError as e:
        raise ParseError(f"cannot read the shape functions: {e.strerror}") from None
    except SyntaxError as e:
        raise ParseError(f"syntax error: {e.msg}", loc=Location(file, e.lineno or 0)) from None
    return {
        node.name: _shape_function(node, file)
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
    }
