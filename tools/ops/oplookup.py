"""Where one op of the kit lives: its YAML entries, kernels, stubs, tests, docs, formulas.

Shared by `./kit explain`, `./kit trace` and `./kit new-op`. Everything here is
read from the checkout's files (no build needed); paths are printed relative
to the checkout root, lines are 1-based. Kernel definitions are found by
torchgen_mini's own kernel check (`kernel_check.find_definitions`), so the
kit and the generator agree on what counts as "defined".
`upstream_status` is the exception: it asks the installed torch's op_db, in a
child process, cached (Note [Upstream status cache]).
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
    """`REGISTER_DISPATCH(stub, ...)` lines (or `ALSO_REGISTER_AVX512_DISPATCH`) in the
    kernel sources (one per backend file)."""
    pattern = re.compile(rf"\b(?:ALSO_)?REGISTER_\w*DISPATCH\(\s*{re.escape(stub)}\b")
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


# --------------------------------------------------------------------------- snippets


def snippet(root: Path, path: str, line: int, *, lines: int = 4) -> list[str]:
    """`lines` lines of `path` from `line` on (1-based), right-stripped; [] if unreadable."""
    file = root / path
    if line < 1 or not file.is_file():
        return []
    text = file.read_text(encoding="utf-8", errors="replace").splitlines()
    return [ln.rstrip() for ln in text[line - 1 : line - 1 + lines]]


def block_at(text_lines: list[str], start: int, *, limit: int = 8) -> list[str]:
    """From 0-based `start`, the lines up to the one that closes its braces (at most `limit`)."""
    out: list[str] = []
    depth = 0
    for ln in text_lines[start : start + limit]:
        out.append(ln.rstrip())
        depth += ln.count("{") - ln.count("}")
        if depth <= 0 and "{" in "".join(out):
            break
    return out


# --------------------------------------------------------------------------- test status


# Note [Upstream status cache]
# What upstream's OpInfo database says about the kit's ops (the CPU dtypes of
# each upstream entry, how many samples it draws, the kit's known gaps from
# test/upstream/upstream_opinfo.py's GAPS) needs `torch` and
# torch.testing._internal.common_methods_invocations: about 5 s of imports
# (2 s torch, 3 s op_db; measured 2026-12-03 at load ~1.5). So it is
# computed in a child process for every kit op at once and kept in
# .kit/explain/upstream.json, keyed by the bytes of torch/version.py,
# test/upstream/upstream_opinfo.py and native_functions.yaml: the first
# `./kit explain` after a change pays the imports, later ones read the file.
UPSTREAM_CACHE = Path(".kit") / "explain" / "upstream.json"
UPSTREAM_TIMEOUT_S = 120


def _upstream_key(root: Path) -> str | None:
    import hashlib
    import importlib.util

    spec = importlib.util.find_spec("torch")
    if spec is None or not spec.submodule_search_locations:
        return None
    parts = [Path(next(iter(spec.submodule_search_locations))) / "version.py"]
    parts += [root / "test" / "upstream" / "upstream_opinfo.py", root / NATIVE_YAML]
    digest = hashlib.sha256()
    for p in parts:
        if not p.is_file():
            return None
        digest.update(p.read_bytes())
    return digest.hexdigest()


def upstream_status(root: Path) -> dict[str, object]:
    """{"ops": {op: {"entries": [...], "gaps": [...]}}} or {"error": why}.

    See Note [Upstream status cache].
    """
    import json
    import subprocess
    import sys

    key = _upstream_key(root)
    cache = root / UPSTREAM_CACHE
    if key is not None and cache.is_file():
        try:
            data = json.loads(cache.read_text())
            if data.get("key") == key:
                return dict(data)
        except (json.JSONDecodeError, OSError):
            pass
    cmd = [sys.executable, "-m", "tools.ops.oplookup", "--upstream-status"]
    try:
        proc = subprocess.run(
            cmd, cwd=root, capture_output=True, text=True, timeout=UPSTREAM_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        return {"error": f"reading upstream's op_db took over {UPSTREAM_TIMEOUT_S}s"}
    try:
        data = json.loads(proc.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        lines = proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"]
        return {"error": lines[-1]}
    if key is not None and "error" not in data:
        data["key"] = key
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(data))
    return dict(data)


def _compute_upstream_status(root: Path) -> dict[str, object]:
    """Run in the child: see Note [Upstream status cache]."""
    import sys
    import warnings

    sys.path.insert(0, str(root / "test" / "upstream"))
    import torch
    import upstream_opinfo as up  # type: ignore[import-not-found]

    ops: dict[str, dict[str, list[dict[str, object]]]] = {
        name: {"entries": [], "gaps": []} for name in up.kit_ops()
    }
    for op_id, info in sorted(up.matched_opinfos().items()):
        dtypes = up.cpu_dtypes(info)
        dtype = torch.float32 if torch.float32 in dtypes else (dtypes[0] if dtypes else None)
        counts = {"sample_inputs": 0, "reference_inputs": 0}
        if dtype is not None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                counts["sample_inputs"] = sum(1 for _ in info.sample_inputs("cpu", dtype))
                counts["reference_inputs"] = sum(1 for _ in info.reference_inputs("cpu", dtype))
        ops[up.kit_name(info.name)]["entries"].append(
            {
                "id": op_id,
                "name": info.name,
                "dtypes": [up.dtype_name(d) for d in dtypes],
                "samples_dtype": up.dtype_name(dtype),
                **counts,
            }
        )
    for gap in up.GAPS:
        for name in sorted(gap.ops):
            base = name.split("_complex")[0] if name not in ops else name
            if base in ops:
                ops[base]["gaps"].append(
                    {
                        "key": gap.key,
                        "cause": gap.cause,
                        "variants": sorted(gap.variants) if gap.variants else None,
                        "dtypes": sorted(up.dtype_name(d) for d in gap.dtypes)
                        if gap.dtypes
                        else None,
                    }
                )
    return {"torch": torch.__version__, "ops": ops}


if __name__ == "__main__":
    import json
    import sys

    if sys.argv[1:] != ["--upstream-status"]:
        raise SystemExit("usage: python -m tools.ops.oplookup --upstream-status")
    try:
        result = _compute_upstream_status(Path.cwd())
    except Exception as e:  # the parent prints the reason in the section
        result = {"error": f"{type(e).__name__}: {e}"}
    print(json.dumps(result))
