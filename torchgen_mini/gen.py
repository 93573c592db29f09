"""`python -m torchgen_mini gen`: native_functions.yaml -> build/generated/*.

Order of work: parse and validate the YAML (errors: print, exit 1), check
that every kernel it names is defined in `aten_mini/native` (errors: print,
exit 1), render every output in memory, and only then write the files whose
content changed.  So bad input writes nothing, and a run with no change
touches nothing (see Note [Write only what changed] in file_manager.py).
`--list-outputs` prints the paths a run would write, for CMake to know at
configure time, and writes nothing.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from torchgen_mini.dest import (
    autograd,
    dispatch_stubs,
    fakes,
    functions,
    native_functions,
    operators,
    per_op,
    polyfills,
    pyi,
    python_functions,
    register_dispatch_key,
    register_schema,
    structured,
)
from torchgen_mini.diagnostics import Diagnostic, Location, ParseError
from torchgen_mini.file_manager import FileManager
from torchgen_mini.model import NativeFunction
from torchgen_mini.pipeline import load_and_check

Fns = list[NativeFunction]

# (output file, template, values) for the outputs that do not depend on keys.
FIXED_OUTPUTS: list[tuple[str, str, Callable[[Fns], dict[str, object]]]] = [
    ("RegisterSchema.cpp", "RegisterSchema.cpp", register_schema.compute),
    ("Operators.h", "Operators.h", operators.compute_header),
    ("Functions.h", "Functions.h", functions.compute),
    ("NativeFunctions.h", "NativeFunctions.h", native_functions.compute),
    ("DispatchStubs.h", "DispatchStubs.h", dispatch_stubs.compute_header),
    ("DispatchStubs.cpp", "DispatchStubs.cpp", dispatch_stubs.compute_source),
    ("python_module.cpp", "python_module.cpp", python_functions.compute_module),
    ("_C.pyi", "_C.pyi.in", pyi.compute),
    ("_C_fakes.py", "_C_fakes.py.in", fakes.compute),
    ("_C_polyfills.py", "_C_polyfills.py.in", polyfills.compute),
]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m torchgen_mini gen",
        description="Generate the C++ registrations, C++ API and Python bindings.",
    )
    p.add_argument("--yaml", default="native_functions.yaml", help="native_functions.yaml")
    p.add_argument("--tags", default=None, help="tags.yaml (default: next to --yaml)")
    p.add_argument("--out", default="build/generated", help="output directory")
    p.add_argument(
        "--source-root",
        default=None,
        help="repository root holding aten_mini/native (default: the directory of --yaml)",
    )
    p.add_argument(
        "--list-outputs",
        action="store_true",
        help="print the output paths, one per line, and write nothing",
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="run every check (YAML, kernels, derivatives) and render in memory; write nothing",
    )
    p.add_argument(
        "--no-kernel-check",
        action="store_true",
        help="do not check that every kernel named in the YAML is defined (the build's"
        " codegen step; see Note [Where the kernel check runs] in torchgen_mini/pipeline.py)",
    )
    p.add_argument(
        "--derivatives",
        default=None,
        help="derivatives.yaml (default: tools/autograd/derivatives.yaml under the source root,"
        " if it exists)",
    )
    p.add_argument("--quiet", action="store_true", help="print nothing when all is well")
    return p


def render_all(fns: Fns, out_dir: Path) -> FileManager:
    """Render every output into a FileManager (nothing written yet)."""
    fm = FileManager(out_dir)
    for filename, template, compute in FIXED_OUTPUTS:
        fm.add(filename, template, compute(fns))
    add_per_op_headers(fm, fns)
    add_shards(fm, fns)
    for key, regs in register_dispatch_key.registrations(fns).items():
        values = register_dispatch_key.compute(key, regs)
        fm.add(register_dispatch_key.filename(key), "RegisterDispatchKey.cpp", values)
    return fm


def add_per_op_headers(fm: FileManager, fns: Fns) -> None:
    """ops/<root>*.h.  See Note [Per-operator headers] in dest/per_op.py."""
    for root, group in per_op.by_root(fns).items():
        fm.add(per_op.native_header(root), "ops_native.h", native_functions.compute_op(root, group))
        fm.add(per_op.ops_header(root), "ops_ops.h", operators.compute_op_header(root, group))
        fm.add(per_op.api_header(root), "ops_function.h", functions.compute_op(root, group))
        if structs := structured.groups(group):
            values = structured.compute_meta_header(root, structs)
            fm.add(structured.meta_header(root), "ops_meta.h", values)
    for root, stubs in dispatch_stubs.stubs_by_root(fns).items():
        values = dispatch_stubs.compute_op_header(root, stubs)
        fm.add(per_op.stubs_header(root), "ops_stubs.h", values)


def add_shards(fm: FileManager, fns: Fns) -> None:
    """Operators_<n>.cpp and python_functions_<n>.cpp.  See Note [Sharded generated sources]."""
    for i, part in enumerate(per_op.shard(fns, per_op.OPERATOR_SHARDS)):
        fm.add(f"Operators_{i}.cpp", "Operators.cpp", operators.compute_source(part, i))
    for i, part in enumerate(per_op.shard(fns, per_op.PYTHON_SHARDS)):
        values = python_functions.compute(part, i)
        fm.add(f"python_functions_{i}.cpp", "python_functions.cpp", values)


def report(errors: list[Diagnostic]) -> int:
    for d in errors:
        print(d, file=sys.stderr)
    return 1


def load(args: argparse.Namespace, root: Path) -> tuple[Fns, list[Diagnostic]]:
    """The pipeline's checks (torchgen_mini.pipeline); the kernel scan unless turned off."""
    if not Path(args.yaml).is_file():
        return [], [Diagnostic(Location(args.yaml, 0), "no such file")]
    scan = not args.list_outputs and not args.no_kernel_check
    parsed = load_and_check(args.yaml, args.tags, kernels_root=root if scan else None)
    return parsed.native_functions, parsed.errors


def add_autograd(fm: FileManager, fns: Fns, given: str | None, root: Path) -> list[Diagnostic]:
    """RegisterAutograd.cpp from derivatives.yaml (skipped if the default one is absent)."""
    path = Path(given) if given else root / autograd.DEFAULT_DERIVATIVES
    if given is None and not path.is_file():
        return []
    return autograd.add_output(fm, fns, path)


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    root = Path(args.source_root) if args.source_root else Path(args.yaml).resolve().parent
    fns, errors = load(args, root)
    errors = errors or structured.unsupported(fns)
    if errors:
        return report(errors)
    try:
        fm = render_all(fns, Path(args.out))
        errors = add_autograd(fm, fns, args.derivatives, root)
    except ParseError as e:
        return report([e.at(Location(args.yaml, 0))])
    if errors:
        return report(errors)
    if args.list_outputs:
        print("\n".join(str(p) for p in fm.outputs()))
        return 0
    if args.check:
        return 0
    written = fm.flush()
    if not args.quiet:
        print(f"torchgen_mini: {len(written)} of {len(fm.pending)} files changed in {args.out}")
        for path in fm.removed:
            print(f"torchgen_mini: removed {path}, which this codegen no longer generates")
    return 0
