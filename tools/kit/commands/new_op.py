"""`./kit new-op <name> --schema "..."`: scaffold a new op end-to-end.

Writes the YAML entries of a structured op (the out= entry `structured: True`,
the others `structured_delegate:`; `--no-structured` for one kernel per
variant), the kernels (TORCH_META_FUNC / TORCH_IMPL_FUNC, CPU and CUDA loops)
with TODOs that fail with a message naming their file, an OpInfo entry, a
docstring and derivative formulas (see Note [What new-op scaffolds] in
tools/ops/scaffold.py). The schema is validated by torchgen_mini's model
first; nothing is written unless every piece can be, and nothing that exists
is ever overwritten. Then `./kit build` compiles, and `./kit test -k <name>`
fails until the TODOs are done.
"""

from __future__ import annotations

import argparse
import logging
import re
import subprocess
from pathlib import Path
from typing import Any

from tools.common.console import info
from tools.common.errors import KitError
from tools.common.paths import ROOT
from tools.kit.commands import add_flags
from tools.lint.external import ToolMissing, tool_path
from tools.ops import oplookup, scaffold
from tools.ops.scaffold import Plan
from torchgen_mini.diagnostics import ParseError
from torchgen_mini.kernel_check import _camel
from torchgen_mini.model import (
    BaseTy,
    BaseType,
    FunctionSchema,
    NativeFunction,
    Return,
    SchemaKind,
)
from torchgen_mini.native_yaml import parse_native_yaml

NAME = "new-op"
HELP = "scaffold a new op: YAML, kernel stubs (cpu/cuda), OpInfo, docs, derivatives"

SCRATCH = Path(".kit") / "new-op"
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*[a-z0-9]$")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="the op's name, e.g. hypot")
    parser.add_argument(
        "--schema",
        required=True,
        help='its functional schema, e.g. "hypot(Tensor self, Tensor other) -> Tensor"',
    )
    add_flags(
        parser,
        ("--inplace", "also add <name>_ (in-place)"),
        ("--out", "also add <name>.out (out=; a structured op always has it)"),
        (
            "--no-structured",
            "one hand-written kernel per variant instead of a structured meta() + impl()",
        ),
        ("--no-cuda", "no CUDA kernel (CPU only)"),
    )


def parse_schema(name: str, text: str) -> FunctionSchema:
    if not NAME_RE.match(name):
        raise KitError(f"'{name}' is not an op name: lowercase letters, digits and '_'", 2)
    try:
        f = FunctionSchema.parse(text)
    except ParseError as e:
        raise KitError(f"--schema:1: error: {e.message}", 2) from None
    if str(f.name) != name:
        raise KitError(
            f"--schema:1: error: the schema declares '{f.name}', not '{name}' (no overload name)", 2
        )
    _check_shape(f)
    return f


def _check_shape(f: FunctionSchema) -> None:
    tensors = [a for a in f.arguments.flat_non_out if a.type.is_tensor_like()]
    plain = [a for a in tensors if a.type == BaseType(BaseTy.Tensor)]
    problems = []
    if f.kind() != SchemaKind.functional:
        problems.append("give the functional schema (no `(a!)`; --inplace/--out add variants)")
    if f.returns != (Return(None, BaseType(BaseTy.Tensor), None),):
        problems.append("it must return one Tensor")
    if len(plain) not in (1, 2) or len(plain) != len(tensors):
        problems.append("it must take one or two `Tensor` inputs (no Tensor?, Tensor[])")
    if problems:
        raise KitError(
            f"--schema:1: error: new-op scaffolds pointwise-shaped ops: {'; '.join(problems)}; "
            "write other ops by hand (CONTRIBUTING.md, 'Adding an op end-to-end')",
            2,
        )


def make_plan(args: argparse.Namespace, f: FunctionSchema) -> Plan:
    inplace = scaffold.inplace_schema(f) if args.inplace else None
    if inplace is not None and f.arguments.flat_non_out[0].name != "self":
        raise KitError("--schema:1: error: --inplace needs `Tensor self` as first argument", 2)
    structured = not args.no_structured and _can_be_structured(args.name, f)
    out = scaffold.out_schema(f) if args.out or structured else None
    cuda = not args.no_cuda
    return Plan(args.name, _camel(args.name), f, inplace, out, cuda, structured=structured)


def _can_be_structured(name: str, f: FunctionSchema) -> bool:
    """Whether the kit's structured codegen takes this schema; if not, say why (and fall back)."""
    symint = [a.name for a in f.arguments.flat_non_out if a.type.is_symint_like()]
    if symint:
        info(
            f"{name} takes SymInt ({', '.join(symint)}), which the kit's structured codegen "
            "does not support yet: scaffolding the non-structured form (--no-structured)"
        )
        return False
    return True


def refuse_existing(root: Path, fns: list[NativeFunction], p: Plan) -> None:
    found = [f for f in fns if f.root_name == p.name]
    if found:
        where = oplookup.where(found[0].loc, root)
        raise KitError(f"op '{p.name}' already exists ({where}); `./kit explain {p.name}`")
    taken = [f for f in p.kernel_files() if (root / f).exists()]
    taken += [str(h) for h in oplookup.opinfo_locations(root, p.name)]
    doc = oplookup.docs_location(root, p.name)
    taken += [str(doc)] if doc else []
    if taken:
        raise KitError(
            f"{taken[0]} already exists for '{p.name}'; new-op never overwrites: "
            "pick another name, or move that away first"
        )


def validated(root: Path, p: Plan, yaml_text: str, merged: str) -> list[NativeFunction]:
    """Check the new entries alone, then the whole file; the parsed new file's entries."""
    scratch = root / SCRATCH
    scratch.mkdir(parents=True, exist_ok=True)
    for name, text in ((f"{p.name}.yaml", yaml_text), (oplookup.NATIVE_YAML, merged)):
        (scratch / name).write_text(text, encoding="utf-8")
        parsed = parse_native_yaml(str(scratch / name), str(root / oplookup.TAGS_YAML))
        if parsed.errors:
            raise KitError(oplookup.relative(str(parsed.errors[0]), root))
    return parsed.native_functions


def insert_before_line(text: str, line: int | None, block: str) -> str:
    """`block` (ending in a newline) before 1-based `line`, or at the end, blank-line separated."""
    if line is None:
        return text.rstrip("\n") + "\n\n" + block
    lines = text.splitlines(keepends=True)
    return "".join(lines[: line - 1]) + block + "\n" + "".join(lines[line - 1 :])


def _first_after(names_lines: list[tuple[str, int]], name: str) -> int | None:
    return next((line for n, line in names_lines if n > name), None)


def above_comments(text: str, line: int | None) -> int | None:
    """1-based `line`, moved up over the comment lines right above it (they belong to it)."""
    if line is None:
        return None
    lines = text.splitlines()
    while line > 1 and lines[line - 2].startswith("#"):
        line -= 1
    return line


def new_yaml(root: Path, fns: list[NativeFunction], p: Plan) -> str:
    text = (root / oplookup.NATIVE_YAML).read_text(encoding="utf-8")
    at = _first_after([(f.root_name, f.loc.line) for f in fns], p.name)
    return insert_before_line(text, above_comments(text, at), scaffold.yaml_entries(p))


def new_derivatives(root: Path, p: Plan) -> str:
    path = root / oplookup.DERIVATIVES_YAML
    text = path.read_text(encoding="utf-8")
    heads = [
        (m.group(1), text.count("\n", 0, m.start()) + 1)
        for m in re.finditer(r"^- name: (\w+?)_?(?:\.\w+)?\(", text, re.MULTILINE)
    ]
    at = above_comments(text, _first_after(heads, p.name))
    return insert_before_line(text, at, scaffold.derivatives_entry(p))


def new_op_db(root: Path, p: Plan) -> str:
    text = (root / oplookup.OP_DB).read_text(encoding="utf-8")
    heads = [
        (m.group(1), text.count("\n", 0, m.start()) + 1)
        for m in re.finditer(r'^    \w*OpInfo\(\n        "(\w+)"', text, re.MULTILINE)
    ]
    close = re.search(r"^op_db: list\[OpInfo\] = \[\n(?:.*\n)*?^\]$", text, re.MULTILINE)
    if close is None:
        raise KitError(f"{oplookup.OP_DB}: no `op_db: list[OpInfo] = [ ... ]` to add to")
    # 1-based line of the closing `]`: the entry goes just before it
    at = _first_after(heads, p.name) or text.count("\n", 0, close.end()) + 1
    entry = scaffold.opinfo_entry(p, upstream(p.name))
    lines = text.splitlines(keepends=True)
    return "".join(lines[: at - 1]) + entry + "".join(lines[at - 1 :])


def upstream(name: str) -> scaffold.Upstream:
    """torch's function and OpInfo of this name. See Note [The scaffolded OpInfo]."""
    # Imported here, not at the top: every ./kit command imports this module.
    import torch.nn.functional

    info(f"reading upstream's OpInfo '{name}' (torch.testing._internal, a few seconds)")
    # torch.utils.cpp_extension, imported on the way, warns that there is no CUDA runtime
    logging.getLogger("torch.utils.cpp_extension").setLevel(logging.ERROR)
    entries: list[Any] = []
    try:
        from torch.testing._internal.common_methods_invocations import op_db
    except Exception as e:  # an incomplete torch install: say so, scaffold without it
        info(
            f"could not read upstream's op_db ({type(e).__name__}: {e}); dtypes: all real and bool"
        )
    else:
        entries = [o for o in op_db if o.name == name and not o.variant_test_name]
    dtypes = None
    if entries:
        supported = entries[0].supported_dtypes("cpu")
        dtypes = tuple(d for d in scaffold.KIT_DTYPES if getattr(torch, d) in supported)
    return scaffold.Upstream(
        hasattr(torch, name),
        hasattr(torch.nn.functional, name),
        inplace_has=hasattr(torch.Tensor, name + "_"),
        dtypes=dtypes,
    )


def new_docs(root: Path, p: Plan) -> str:
    text = (root / oplookup.DOCS_PY).read_text(encoding="utf-8")
    heads = [
        (m.group(1), text.count("\n", 0, m.start()) + 1)
        for m in re.finditer(r'^add_docstr\(\n    "(\w+)"', text, re.MULTILINE)
    ]
    return insert_before_line(text, _first_after(heads, p.name), scaffold.docs_entry(p))


def plan_writes(root: Path, fns: list[NativeFunction], p: Plan) -> dict[str, str]:
    yaml_text = new_yaml(root, fns, p)
    new_fns = validated(root, p, scaffold.yaml_entries(p), yaml_text)
    by_name = {str(f.func.name): f for f in new_fns}
    writes = {
        oplookup.NATIVE_YAML: yaml_text,
        p.generic_file: scaffold.generic_source(p, by_name),
        p.cpu_file: scaffold.cpu_source(p),
        oplookup.OP_DB.as_posix(): new_op_db(root, p),
        oplookup.DOCS_PY.as_posix(): new_docs(root, p),
        oplookup.DERIVATIVES_YAML.as_posix(): new_derivatives(root, p),
    }
    if p.cuda:
        writes[p.cuda_file] = scaffold.cuda_source(p)
    return writes


def formatted(root: Path, rel: str, text: str) -> str:
    """`text` as clang-format / ruff format would leave it (unchanged if the tool is missing)."""
    if rel.endswith((".cpp", ".cu")):
        cmd = ["clang-format", "--style=file", f"--assume-filename={rel}"]
    elif rel.endswith(".py"):
        cmd = ["ruff", "format", "--stdin-filename", rel, "-"]
    else:
        return text
    try:
        cmd[0] = tool_path(cmd[0])
    except ToolMissing:
        return text
    proc = subprocess.run(cmd, cwd=root, input=text, capture_output=True, text=True, check=False)
    return proc.stdout if proc.returncode == 0 and proc.stdout else text


def run(args: argparse.Namespace) -> int:
    root = ROOT
    f = parse_schema(args.name, args.schema)
    p = make_plan(args, f)
    fns = oplookup.load_functions(root)
    refuse_existing(root, fns, p)
    writes = plan_writes(root, fns, p)
    if p.structured and not args.out:
        info(
            f"structured: {p.name}.out carries the kernels (meta and impl), so it is added "
            "too; --no-structured scaffolds the functional form alone"
        )
    for rel, text in writes.items():
        path = root / rel
        verb = "changed" if path.exists() else "created"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(formatted(root, rel, text), encoding="utf-8")
        info(f"{verb} {rel}")
    if p.structured:
        info(
            f"{p.name} is structured: {p.generic_file} has its "
            f"TORCH_META_FUNC({p.name}) and TORCH_IMPL_FUNC({p.out_kernel}); the codegen "
            "writes every wrapper"
        )
    info(
        f"next: `./kit build`, then `./kit test -k {p.name}`: the tests fail with "
        f"'{scaffold.todo_message(p, p.cpu_file)}' until you write the loop, and "
        "test_todos until no TODO(new-op) is left (it lists each with file:line); "
        f"`./kit explain {p.name}` shows every piece"
    )
    return 0
