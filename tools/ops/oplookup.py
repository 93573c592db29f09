"""Where one op of the kit lives: its YAML entries, kernels, stubs, tests, docs, formulas.

Shared by `./kit explain`, `./kit trace` and `./kit new-op`. Everything here is
read from the checkout's files (no build needed); paths are printed relative
to the checkout root, lines are 1-based. Kernel definitions are found by
torchgen_mini's own kernel check (`kernel_check.find_definitions`), so the
kit and the generator agree on what counts as "defined".
"""

from __future__ import annotations

import difflib
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

from tools.common.errors import KitError
from torchgen_mini import kernel_check
from torchgen_mini.derivatives import DifferentiabilityInfo, parse_derivatives_yaml
from torchgen_mini.diagnostics import Location
from torchgen_mini.model import NativeFunction
from torchgen_mini.native_yaml import parse_native_yaml

NATIVE_YAML = "native_functions.yaml"
TAGS_YAML = "tags.yaml"
DERIVATIVES_YAML = Path("tools") / "autograd" / "derivatives.yaml"
OP_DB = Path("test") / "opinfo" / "op_db.py"
DOCS_PY = Path("python") / "aten_mini" / "_docs.py"


def load_functions(root: Path) -> list[NativeFunction]:
    """Every entry of the checkout's native_functions.yaml; KitError if it does not load."""
    parsed = parse_native_yaml(str(root / NATIVE_YAML), str(root / TAGS_YAML))
    if parsed.errors:
        first = parsed.errors[0]
        raise KitError(f"{relative(str(first), root)} (fix the YAML first: `./kit lint`)")
    return parsed.native_functions


def relative(text: str, root: Path) -> str:
    """`text` with the checkout's absolute path prefix removed from the paths in it."""
    return text.replace(str(root) + "/", "")


def where(loc: Location, root: Path) -> str:
    """`file:line` of a YAML location, the file relative to the checkout."""
    return relative(str(loc), root)


def op_names(fns: list[NativeFunction]) -> list[str]:
    return sorted({f.root_name for f in fns})


def resolve(fns: list[NativeFunction], name: str) -> str:
    """The root name of the op `name` refers to (`add`, `add_`, `add.Tensor`), or KitError."""
    roots = op_names(fns)
    for f in fns:
        if name in (f.root_name, str(f.func.name), str(f.func.name.name)):
            return f.root_name
    close = difflib.get_close_matches(name, roots, n=1, cutoff=0.5)
    guess = f" (did you mean '{close[0]}'?)" if close else ""
    raise KitError(
        f"unknown op '{name}'{guess}: it is not declared in {NATIVE_YAML}; "
        f"known ops: {', '.join(roots)}"
    )


def entries(fns: list[NativeFunction], op: str) -> list[NativeFunction]:
    return [f for f in fns if f.root_name == op]


def identifiers(group: list[NativeFunction]) -> set[str]:
    """The C++/Python names generated code uses for an op: add, add_, add_out, add_Tensor, ..."""
    names: set[str] = set()
    for f in group:
        names |= {f.root_name, str(f.func.name.name), f.cpp_name}
        names.add(f.func.name.unambiguous_name())
        names |= set(f.dispatch.values())
        names |= {s.name for s in f.dispatch_stubs}
    return names


def identifier_pattern(names: set[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\b")


@dataclass(frozen=True)
class Hit:
    """One line of a file that mentions the op."""

    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


def grep(path: Path, pattern: re.Pattern[str], shown_as: str) -> list[Hit]:
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return [Hit(shown_as, i, ln.strip()) for i, ln in enumerate(lines, 1) if pattern.search(ln)]


def _code_lines(path: Path) -> str:
    """The file with comments blanked out but its line breaks kept (so lines still count)."""
    text = path.read_text(encoding="utf-8", errors="replace")

    def blank(m: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", m.group(0))

    return kernel_check._COMMENT_RE.sub(blank, text)


def kernel_locations(root: Path, kernels: set[str]) -> dict[str, Hit]:
    """Kernel name -> where it is defined, as torchgen_mini's kernel check finds it."""
    found: dict[str, Hit] = {}
    for name, rel in kernel_check.find_definitions(root, kernels).items():
        text = _code_lines(root / rel)
        m = re.search(kernel_check.definition_pattern(name), text)
        line = text.count("\n", 0, m.start()) + 1 if m else 0
        found[name] = Hit(rel.as_posix(), line, "")
    return found


def kernel_label(name: str) -> str:
    """`at_mini::native::relu`, `TORCH_IMPL_FUNC(add_out)`, `TORCH_META_FUNC2(add, Tensor)`.

    `name` is a kernel check name (torchgen_mini.kernel_check: `impl:`/`meta:` for structured).
    """
    if name.startswith(kernel_check.IMPL):
        return f"TORCH_IMPL_FUNC({name[len(kernel_check.IMPL) :]})"
    if name.startswith(kernel_check.META):
        base, _, overload = name[len(kernel_check.META) :].partition(".")
        return f"TORCH_META_FUNC2({base}, {overload})" if overload else f"TORCH_META_FUNC({base})"
    return f"at_mini::native::{name}"


def stub_registrations(root: Path, stub: str) -> list[Hit]:
    """`REGISTER_DISPATCH(stub, ...)` lines in the kernel sources (one per backend file)."""
    pattern = re.compile(rf"\bREGISTER_\w*DISPATCH\(\s*{re.escape(stub)}\b")
    hits: list[Hit] = []
    for path in kernel_check.source_files(root):
        rel = path.relative_to(root).as_posix()
        hits += grep(path, pattern, rel)
    return hits


def opinfo_locations(root: Path, op: str) -> list[Hit]:
    """Where `OpInfo("op"`, `UnaryOpInfo(\\n    "op"`, ... start in test/opinfo/op_db.py."""
    path = root / OP_DB
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8", errors="replace")
    pattern = re.compile(rf"^[ \t]*(\w*OpInfo)\(\s*[\"']{re.escape(op)}[\"']", re.MULTILINE)
    return [
        Hit(OP_DB.as_posix(), text.count("\n", 0, m.start()) + 1, m.group(1))
        for m in pattern.finditer(text)
    ]


def docs_location(root: Path, op: str) -> Hit | None:
    pattern = re.compile(rf"add_docstr\(\s*[\"']{re.escape(op)}[\"']")
    path = root / DOCS_PY
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8", errors="replace")
    m = pattern.search(text)
    return Hit(DOCS_PY.as_posix(), text.count("\n", 0, m.start()) + 1, "") if m else None


def docs_text(root: Path, op: str) -> str | None:
    """The op's docstring from the checkout's _docs.py (loaded from its file, no build needed)."""
    path = root / DOCS_PY
    spec = importlib.util.spec_from_file_location("_kit_docs", path)
    if spec is None or spec.loader is None or not path.is_file():
        return None
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as e:  # a broken _docs.py is reported, not raised
        return f"({DOCS_PY.as_posix()} does not load: {type(e).__name__}: {e})"
    docs = getattr(module, "DOCS", {})
    value = docs.get(op) if isinstance(docs, dict) else None
    return str(value) if value is not None else None


def derivatives(root: Path, fns: list[NativeFunction], op: str) -> list[DifferentiabilityInfo]:
    """The derivatives.yaml entries of `op`; KitError if the file has errors."""
    path = root / DERIVATIVES_YAML
    if not path.is_file():
        return []
    parsed = parse_derivatives_yaml(path, fns)
    if parsed.errors:
        raise KitError(f"{relative(str(parsed.errors[0]), root)} (derivatives.yaml has errors)")
    return [i for i in parsed.infos if i.native.root_name == op]
