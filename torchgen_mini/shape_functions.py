"""The shape functions that `shape_function:` entries may name.

They are the public top-level functions of python/aten_mini/_shape_functions.py.
Codegen must not import that module (it imports torch, and the YAML check
runs without a build), so this module reads the file with `ast` and records,
for each function, where it is and how many positional arguments it takes.
`check_shape_functions` is the cross-check of the YAML against that file: a
step of the generator's pipeline (`torchgen_mini.pipeline`), not of loading.
See Note [torch.compile support] in python/aten_mini/_compile.py.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from torchgen_mini.diagnostics import Diagnostic, Location, ParseError, did_you_mean
from torchgen_mini.model import DispatchKey, NativeFunction, SchemaKind

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


def _at(f: NativeFunction, key: str, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(f.key_loc(key), message, hint)


# --------------------------------------------------------------------------
# The cross-check: every shape_function: names a function of MODULE
# --------------------------------------------------------------------------

_SHAPE_KINDS = (SchemaKind.functional, SchemaKind.inplace, SchemaKind.out)


def check_shape_functions(fns: list[NativeFunction], module: str | Path | None) -> list[Diagnostic]:
    """Every `shape_function:` names a function of `module` and fits its entry."""
    users = [f for f in fns if f.shape_function is not None]
    if not users:
        return []
    if module is None:
        return [_no_module(f) for f in users]
    try:
        known = load_shape_functions(module)
    except ParseError as e:
        return [e.at(Location(str(module), 0))]
    out: list[Diagnostic] = []
    for f in users:
        out.extend(_shape_function_rules(f, known, str(module)))
    out.extend(_shape_function_groups(fns))
    return out


def _no_module(f: NativeFunction) -> Diagnostic:
    return _at(
        f,
        "shape_function",
        f"shape_function '{f.shape_function}' needs {MODULE}, which was not found "
        "next to this file or above it",
        "shape functions live in python/aten_mini/_shape_functions.py of the kit",
    )


def _shape_function_rules(
    f: NativeFunction, known: dict[str, ShapeFunction], module: str
) -> Iterator[Diagnostic]:
    decl = f.shape_function
    assert decl is not None
    fn = known.get(decl.name)
    if fn is None:
        hint = did_you_mean(decl.name, sorted(known)) or f"the functions of {module}: " + (
            ", ".join(sorted(known)) or "none"
        )
        yield _at(f, "shape_function", f"unknown shape function '{decl.name}'", hint)
    yield from _shape_function_entry(f)
    yield from _shape_function_args(f, fn)


def _shape_function_entry(f: NativeFunction) -> Iterator[Diagnostic]:
    kind = f.func.kind()
    if kind not in _SHAPE_KINDS:
        yield _at(
            f,
            "shape_function",
            f"shape_function is for functional, in-place and out= ops; {f.func.name} is "
            f"{kind.value}",
        )
    if f.has_composite_implicit_autograd_kernel:
        yield _at(
            f,
            "shape_function",
            f"{f.func.name} is CompositeImplicitAutograd: it needs no shape_function",
            "it decomposes into ops that have fake kernels (torch refuses one for it)",
        )
    if DispatchKey.Meta in f.dispatch:
        yield _at(
            f,
            "shape_function",
            f"{f.func.name} has both a Meta kernel and a shape_function",
            "keep one: torch allows one fake kernel per operator",
        )


def _shape_function_args(f: NativeFunction, fn: ShapeFunction | None) -> Iterator[Diagnostic]:
    decl = f.shape_function
    assert decl is not None
    names = [a.name for a in f.func.arguments.flat_non_out]
    for a in decl.args or ():
        if a not in names:
            yield _at(
                f,
                "shape_function",
                f"shape_function {decl}: '{a}' is not an argument of {f.func.name}",
                did_you_mean(a, names) or f"its arguments: {', '.join(names)}",
            )
    n = len(decl.arg_names(f.func))
    if fn is not None and not fn.accepts(n):
        yield _at(
            f,
            "shape_function",
            f"shape function '{fn.name}' takes {fn.arity()} argument(s), "
            f"but {f.func.name} passes {n}: {', '.join(decl.arg_names(f.func))}",
            f"name the arguments to pass, for example {fn.name}(self); see {fn.loc}",
        )


def _shape_function_groups(fns: list[NativeFunction]) -> Iterator[Diagnostic]:
    # The variants of one op (same signature()) all have a shape_function or none.
    roots = {f.root_name for f in fns if f.shape_function is not None}
    groups: dict[object, list[NativeFunction]] = {}
    for f in fns:
        if f.root_name in roots and f.func.kind() in _SHAPE_KINDS:
            groups.setdefault(f.func.signature(), []).append(f)
    for group in groups.values():
        having = [f for f in group if f.shape_function is not None]
        if not having:
            continue
        for f in group:
            if f.shape_function is None:
                yield _at(
                    f,
                    "func",
                    f"{f.func.name} has no shape_function, but {having[0].func.name} "
                    f"(line {having[0].loc.line}) of the same op has one",
                    f"add 'shape_function: {having[0].shape_function}': every variant "
                    "needs a fake kernel",
                )
