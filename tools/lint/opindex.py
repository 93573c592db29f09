"""What the linter and the reviewer ask about each op, answered from the codegen's model.

native_functions.yaml is read by the codegen's loader
(`torchgen_mini.native_yaml.parse_native_yaml_text`), so codegen, linter,
reviewer and BC check agree on every schema: its kind is `SchemaKind`, its op
is `NativeFunction.root_name`.  This module adds only the questions the
codegen does not ask (is an op composite, does it need a derivative) and
indexes the files beside the YAML, reading their text and never importing or
running them: the reviewer reads files of a pull request, which must not be
executed.

- `test/opinfo/op_db.py`: `OpInfo("add", ...)`, `UnaryOpInfo("relu", ...)`,
  any call whose callee ends in `OpInfo` with a string first argument.
- `python/aten_mini/_docs.py`: `add_docstr("add", r\"\"\"...\"\"\")`.
- `tools/autograd/derivatives.yaml`: the codegen's
  `torchgen_mini.derivatives.derivative_names`.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from tools.common.errors import KitError
from torchgen_mini.diagnostics import Diagnostic
from torchgen_mini.model import DispatchKey, NativeFunction, SchemaKind
from torchgen_mini.native_yaml import parse_native_yaml_text

YAML = "native_functions.yaml"
OP_DB = "test/opinfo/op_db.py"
DOCS = "python/aten_mini/_docs.py"
DERIVATIVES = "tools/autograd/derivatives.yaml"
Reader = Callable[[str], "set[str] | None"]
KIND_RANK = {SchemaKind.functional: 0, SchemaKind.inplace: 1, SchemaKind.out: 2}


class YamlError(KitError):
    """The YAML text does not load as a list of entries; `diagnostic` says where and why."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic

    @property
    def line(self) -> int:
        return max(self.diagnostic.loc.line, 1)


def load(text: str, file: str = YAML) -> list[NativeFunction]:
    """The entries of a native_functions.yaml text whose `func` parses, in file order.

    Validation errors do not drop an entry (they are NF001's business);
    YamlError when the text is not a YAML list of entries at all.
    """
    parsed = parse_native_yaml_text(text, file)
    if not parsed.loaded:
        raise YamlError(parsed.errors[-1])
    return parsed.native_functions


# --- questions about one entry -----------------------------------------------------


def dispatch_keys(f: NativeFunction) -> frozenset[str]:
    """The keys its `dispatch:` names (none for an entry without one)."""
    return frozenset(k.value for k in f.dispatch) if f.explicit_dispatch else frozenset()


def is_composite(f: NativeFunction) -> bool:
    """No device kernel of its own: CompositeImplicit/Explicit, or no dispatch at all."""
    return all(k.value.startswith("Composite") for k in f.dispatch)


def is_composite_implicit(f: NativeFunction) -> bool:
    return not f.dispatch or f.has_composite_implicit_autograd_kernel


def returns_tensor(f: NativeFunction) -> bool:
    return any("Tensor" in str(r.type) for r in f.func.returns)


def needs_derivative(f: NativeFunction) -> bool:
    """Functional overloads with a kernel of their own that return a Tensor."""
    kind = f.func.kind()
    return kind is SchemaKind.functional and returns_tensor(f) and not is_composite_implicit(f)


def has_cuda(f: NativeFunction) -> bool:
    return DispatchKey.CUDA in f.dispatch


# --- the files beside the YAML -----------------------------------------------------


def callee_name(node: ast.Call) -> str:
    """The name a call calls: `f` of `f(...)` and of `m.f(...)`; "" for other callees."""
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
    names = {_first_str_arg(c) for c in calls if callee_name(c).endswith("OpInfo")}
    return {n for n in names if n}


def doc_names(text: str) -> set[str] | None:
    """Op names documented with `add_docstr`; None when the file is not valid Python."""
    calls = _calls(text)
    if calls is None:
        return None
    names = {_first_str_arg(c) for c in calls if callee_name(c) == "add_docstr"}
    return {n for n in names if n}
