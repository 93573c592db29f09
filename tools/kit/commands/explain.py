"""`./kit explain <op>`: everything about one op, on one screen.

Sections, each read from where it lives: the YAML entries (file:line and
schema), the generated code that mentions the op (torchgen_mini renders it in
memory, exactly what `./kit build` writes to build/generated/), the
hand-written kernels (found by torchgen_mini's kernel check), the DispatchStubs
and the kernels registered for them, the live dispatch table
(`torch._C._dispatch_dump`, from a child process that imports aten_mini), the
derivative formulas (torchgen_mini's derivatives.yaml parser), the OpInfo
entry and the docstring, and the op's test status: the dtypes its OpInfo
claims against upstream's for the same op, upstream's sample counts and the
kit's known gaps (Note [Upstream status cache] in tools/ops/oplookup.py).
Each piece shows a few lines of its code with file:line. A section that
cannot be known (no build yet) says why instead.
"""

from __future__ import annotations

import argparse
import re
import textwrap
from pathlib import Path
from typing import Any

from tools.common.paths import ROOT
from tools.kit.commands import add_flags
from tools.ops import live, oplookup
from tools.ops.oplookup import Hit
from torchgen_mini import kernel_check
from torchgen_mini.diagnostics import ParseError
from torchgen_mini.gen import render_all
from torchgen_mini.model import NativeFunction
from torchgen_mini.output import Context
from torchgen_mini.pipeline import load_derivatives

NAME = "explain"
HELP = "everything about one op: YAML, generated code, kernels, stubs, dispatch table, tests, docs"

MAX_LINES_PER_FILE = 6
SNIPPET_LINES = 4
NAMESPACE = "aten_mini"
# Where a wrapper of the op's first entry is looked for, in this order.
WRAPPER_FILES = (
    "RegisterCPU.cpp",
    "RegisterCompositeExplicitAutograd.cpp",
    "RegisterCompositeImplicitAutograd.cpp",
    "RegisterMeta.cpp",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("op", help="op name as in native_functions.yaml (add, add_, add.Tensor)")
    add_flags(
        parser,
        ("--no-live", "skip the parts that import the built extension"),
        (
            "--no-upstream",
            "skip upstream's OpInfo status (its first run imports torch's op_db: ~10 s)",
        ),
    )


def _title(text: str) -> None:
    print(f"\n== {text}")


def _code(lines: list[str], indent: str = "      | ") -> None:
    for ln in lines:
        print(f"{indent}{ln}".rstrip())


def _show_yaml(root: Path, group: list[NativeFunction]) -> None:
    _title(f"YAML: {len(group)} entries in {oplookup.NATIVE_YAML}")
    for f in group:
        print(f"  {oplookup.where(f.loc, root)}  {f.func}")
        kernels = ", ".join(f"{k}: {v}" for k, v in f.dispatch.items())
        if f.structured_delegate is not None:
            print(f"      structured_delegate {f.structured_delegate}")
        if f.structured:
            inherits = f.structured_inherits or "at::impl::MetaBase"
            print(f"      structured (meta class inherits {inherits})")
        if kernels:
            print(f"      dispatch {kernels}")
        for s in f.dispatch_stubs:
            print(f"      dispatch_stub {s.name}: {s.fn_type}")


def _render(root: Path, fns: list[NativeFunction]) -> dict[str, str]:
    derivatives, _ = load_derivatives(fns, None, root)  # with errors: no RegisterAutograd.cpp
    return render_all(Context(fns, derivatives), root / "build" / "generated").pending


def _show_generated(root: Path, fns: list[NativeFunction], group: list[NativeFunction]) -> None:
    _title("Generated code (what ./kit build writes to build/generated/)")
    try:
        files = _render(root, fns)
    except ParseError as e:
        print(f"  (codegen fails: {e})")
        return
    pattern = oplookup.identifier_pattern(oplookup.identifiers(group))
    for name, text in sorted(files.items()):
        lines = [i for i, ln in enumerate(text.splitlines(), 1) if pattern.search(ln)]
        if not lines:
            continue
        shown = ", ".join(str(n) for n in lines[:MAX_LINES_PER_FILE])
        more = f", ... ({len(lines)} lines)" if len(lines) > MAX_LINES_PER_FILE else ""
        print(f"  {name:<40} lines {shown}{more}")
    _show_wrapper(files, group[0])


def _show_wrapper(files: dict[str, str], f: NativeFunction) -> None:
    """The generated wrapper of the op's first entry, from the first Register file that has one."""
    pattern = re.compile(rf"^\S.*\bwrapper_\w+_{re.escape(f.func.name.unambiguous_name())}\(")
    for name in WRAPPER_FILES:
        lines = files.get(name, "").splitlines()
        start = next((i for i, ln in enumerate(lines) if pattern.search(ln)), None)
        if start is not None:
            print(f"  wrapper of {f.func.name}: build/generated/{name}:{start + 1}")
            _code(oplookup.block_at(lines, start))
            return


def _show_kernels(root: Path, group: list[NativeFunction]) -> None:
    _title("Kernels (hand-written, in aten_mini/native/)")
    keys: dict[str, list[str]] = {}
    for f in group:
        for kernel, on in kernel_check.kernel_keys(f).items():
            keys.setdefault(kernel, []).extend(str(k) for k in on)
    for name in kernel_check.meta_names(group):
        keys.setdefault(name, []).append("meta")
    found = oplookup.kernel_locations(root, set(keys))
    for kernel, users in keys.items():
        where = (
            str(found[kernel]) if kernel in found else "NOT DEFINED (./kit build will say where)"
        )
        print(f"  {oplookup.kernel_label(kernel):<33} {', '.join(users):<28} {where}")
        if kernel in found:
            hit = found[kernel]
            text = oplookup.snippet(root, hit.path, hit.line, lines=SNIPPET_LINES)
            _code(oplookup.block_at(text, 0, limit=SNIPPET_LINES))


def _show_stubs(root: Path, group: list[NativeFunction], facts: dict[str, Any]) -> None:
    stubs = [s for f in group for s in f.dispatch_stubs]
    if not stubs:
        return
    _title("DispatchStubs")
    live_stubs = facts.get("stubs")
    for s in stubs:
        print(f"  {s.name}: {s.fn_type}  (declared at {oplookup.where(s.loc, root)})")
        for hit in oplookup.stub_registrations(root, s.name):
            print(f"      REGISTER_DISPATCH at {hit}")
        if isinstance(live_stubs, dict):
            slots = ", ".join(live_stubs.get(s.name, [])) or "none"
            print(f"      live: kernels for {slots}; CPU calls use '{facts.get('capability')}'")


def _overload_names(group: list[NativeFunction]) -> list[str]:
    return [f"{NAMESPACE}::{f.func.name.name}" + (
        f".{f.func.name.overload_name}" if f.func.name.overload_name else ""
    ) for f in group]  # fmt: skip


_KERNEL_LINE = re.compile(
    r"^(\w+(?:\[alias\])?): (fallthrough )?registered at (\S+?)(?::(\d+))?(?: |$)"
)


def kernel_rows(dump: str, root: Path) -> list[str]:
    """`Key (file:line)` for each kernel of a `_dispatch_dump`, generated files by name only."""
    rows = []
    for line in dump.splitlines():
        m = _KERNEL_LINE.match(line)
        if m and m.group(1) not in ("debug",):
            path = m.group(3).replace(str(root) + "/", "").replace("build/generated/", "")
            rows.append(f"{m.group(1)}\xa0({path}" + (f":{m.group(4)})" if m.group(4) else ")"))
    return rows


def _show_dispatch(root: Path, group: list[NativeFunction], facts: dict[str, Any]) -> None:
    _title("Dispatch table (live: torch._C._dispatch_dump; files in build/generated/)")
    if "error" in facts:
        print(f"  (not available: {facts['error']})")
        return
    for name, dump in facts["dumps"].items():
        if dump is None:
            print(f"  {name}: not registered (is the build older than the YAML? ./kit build)")
            continue
        rows = ", ".join(kernel_rows(dump, root)) or "no kernels"
        text = textwrap.fill(
            rows,
            98,
            break_long_words=False,
            initial_indent=f"  {name}: ",
            subsequent_indent=" " * 6,
        )
        print(text.replace("\xa0", " "))


def _show_derivatives(root: Path, fns: list[NativeFunction], op: str) -> None:
    _title(f"Derivatives ({oplookup.DERIVATIVES_YAML.as_posix()})")
    infos = oplookup.derivatives(root, fns, op)
    if not infos:
        print("  none (out= and in-place variants use their functional op's; composites need none)")
    for info in infos:
        print(f"  {oplookup.where(info.loc, root)}  {info.func.name}")
        for key, formulas in info.formulas.items():
            prefix = "" if key == "Default" else f"[{key}] "
            for d in formulas.derivatives:
                print(f"      {prefix}{', '.join(d.var_names)}: {d.formula}")
            for nd in formulas.non_differentiable:
                print(f"      {prefix}{nd}: non_differentiable")


def _show_tests_and_docs(root: Path, op: str) -> None:
    _title("OpInfo and docs")
    hits: list[Hit] = oplookup.opinfo_locations(root, op)
    for hit in hits:
        print(f'  OpInfo: {hit}  {hit.text}("{op}", ...)')
        _code(oplookup.snippet(root, hit.path, hit.line, lines=SNIPPET_LINES + 2))
    if not hits:
        print(f"  OpInfo: none in {oplookup.OP_DB.as_posix()} (the review bot will ask for one)")
    doc_hit = oplookup.docs_location(root, op)
    text = oplookup.docs_text(root, op)
    if doc_hit is None or text is None:
        print(f"  docs: none in {oplookup.DOCS_PY.as_posix()}")
        return
    print(f"  docs: {doc_hit}  {text.splitlines()[0] if text else ''}")


def opinfo_dtypes(root: Path, op: str) -> tuple[int, list[str] | None] | None:
    """(line, dtype names) of the op's entry in test/opinfo/op_db.py, read by ast (no torch).

    None: no entry; a None list: its `dtypes=` is not a literal this can follow.
    """
    from tools.review.rules import pysource

    db = pysource.parse(_read(root / oplookup.OP_DB))
    if db is None:
        return None
    entry = pysource.opinfo_entries(db).get(op)
    if entry is None:
        return None
    expr = entry.keyword("dtypes")
    core = pysource.parse(_read(root / oplookup.OP_DB.parent / "core.py"))
    names = None if expr is None else pysource.dtype_names(expr, db, core)
    return entry.line, (None if names is None else sorted(names))


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


def _dtype_list(names: list[str]) -> str:
    return ", ".join(names) if names else "none"


def _show_test_status(root: Path, op: str, status: dict[str, Any]) -> None:
    _title("Test status (test/opinfo vs upstream's op_db in the installed torch)")
    mine = opinfo_dtypes(root, op)
    if mine is None:
        print(f"  kit OpInfo: none in {oplookup.OP_DB.as_posix()}, so no dtype is tested")
        claimed = None
    else:
        line, claimed = mine
        where = f"{oplookup.OP_DB.as_posix()}:{line}"
        text = "(not a literal list: read it there)" if claimed is None else _dtype_list(claimed)
        print(f"  kit OpInfo dtypes ({where}): {text}")
    if "error" in status:
        print(f"  upstream: (not available: {status['error']})")
        return
    ops = status.get("ops", {})
    info = ops.get(op) if isinstance(ops, dict) else None
    entries = info.get("entries", []) if isinstance(info, dict) else []
    if not entries:
        print(f"  upstream: upstream has no op named {op} in op_db (torch {status.get('torch')})")
    for e in entries:
        theirs = list(e["dtypes"])
        print(f"  upstream OpInfo {e['name']!r} ({e['id']}): CPU dtypes {_dtype_list(theirs)}")
        if claimed is not None:
            print(f"      tested here too: {_dtype_list(sorted(set(theirs) & set(claimed)))}")
            print(f"      upstream only:   {_dtype_list(sorted(set(theirs) - set(claimed)))}")
            extra = sorted(set(claimed) - set(theirs))
            if extra:
                print(f"      kit only:        {_dtype_list(extra)}")
        print(
            f"      upstream samples ({e['samples_dtype']}): {e['sample_inputs']} sample_inputs,"
            f" {e['reference_inputs']} reference_inputs (test/upstream runs them)"
        )
    gaps = info.get("gaps", []) if isinstance(info, dict) else []
    if entries:
        print(f"  known gaps (test/upstream/upstream_opinfo.py GAPS): {len(gaps)}")
    for g in gaps:
        scope = ", ".join(g["variants"]) if g["variants"] else "every variant"
        dtypes = f"; dtypes {', '.join(g['dtypes'])}" if g["dtypes"] else ""
        print(f"      {g['key']}: {g['cause']} ({scope}{dtypes})")


def explain(root: Path, name: str, *, live_facts: bool, upstream: bool = True) -> None:
    fns = oplookup.load_functions(root)
    op = oplookup.resolve(fns, name)
    group = oplookup.entries(fns, op)
    facts = live.ask(root, _overload_names(group)) if live_facts else {"error": "--no-live"}
    print(f"{op}: one op of aten-mini, {len(group)} overloads")
    _show_yaml(root, group)
    _show_generated(root, fns, group)
    _show_kernels(root, group)
    _show_stubs(root, group, facts)
    _show_dispatch(root, group, facts)
    _show_derivatives(root, fns, op)
    _show_tests_and_docs(root, op)
    status = oplookup.upstream_status(root) if upstream else {"error": "--no-upstream"}
    _show_test_status(root, op, status)


def run(args: argparse.Namespace) -> int:
    explain(ROOT, args.op, live_facts=not args.no_live, upstream=not args.no_upstream)
    return 0
