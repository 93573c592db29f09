"""`python -m torchgen_mini gen`: native_functions.yaml -> build/generated/*.

Order of work (the steps of torchgen_mini/pipeline.py, then the output
protocol of torchgen_mini/output.py): parse and validate the YAML, check that
every kernel it names is defined in `aten_mini/native`, parse
derivatives.yaml against it (at the first step with errors: print them, exit
1); then ask every module of `DESTINATIONS` for its outputs, render them all
in memory, and only then write the files whose content changed.  So bad
input writes nothing, and a run with no change touches nothing (see Note
[Write only what changed] in file_manager.py).  `--list-outputs` prints the
paths a run would write, for CMake to know at configure time, and writes
nothing.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

from torchgen_mini.dest import (
    autograd,
    dispatch_stubs,
    fakes,
    functions,
    native_functions,
    operators,
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
from torchgen_mini.output import Context, Destination, Output
from torchgen_mini.pipeline import load_and_check, load_derivatives

Fns = list[NativeFunction]

# Every dest module that produces files, in the order `--list-outputs` lists
# them.  A new kind of output is one more module here (Note [One output
# protocol] in torchgen_mini/output.py).
DESTINATIONS: list[Destination] = [
    register_schema,
    operators,
    functions,
    native_functions,
    dispatch_stubs,
    python_functions,
    pyi,
    fakes,
    polyfills,
    register_dispatch_key,
    structured,
    autograd,
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
    p.add_argument(
        "--torch-dimnames",
        action="store_true",
        help="the torch built against still has named tensors (torch 2.11): structured"
        " wrappers' set_output_* take a DimnameList (Note [torch with named tensors] in"
        " torchgen_mini/dest/structured.py)",
    )
    p.add_argument("--quiet", action="store_true", help="print nothing when all is well")
    return p


def all_outputs(ctx: Context) -> Iterator[Output]:
    """The `Output`s of every module of `DESTINATIONS`, in that order."""
    for dest in DESTINATIONS:
        yield from dest.outputs(ctx)


def render_all(ctx: Context, out_dir: Path) -> FileManager:
    """Render every output into a FileManager (nothing written yet)."""
    fm = FileManager(out_dir)
    for out in all_outputs(ctx):
        fm.add(out.filename, out.template, out.values)
    return fm


def report(errors: list[Diagnostic]) -> int:
    for d in errors:
        print(d, file=sys.stderr)
    return 1


def load(args: argparse.Namespace, root: Path) -> tuple[Context, list[Diagnostic]]:
    """The pipeline's checks (torchgen_mini.pipeline), each only if those before passed:
    the YAML files, the kernel scan unless turned off, derivatives.yaml."""
    if not Path(args.yaml).is_file():
        return Context([]), [Diagnostic(Location(args.yaml, 0), "no such file")]
    scan = not args.list_outputs and not args.no_kernel_check
    parsed = load_and_check(args.yaml, args.tags, kernels_root=root if scan else None)
    fns = parsed.native_functions
    if parsed.errors:
        return Context(fns), parsed.errors
    derivatives, errors = load_derivatives(fns, args.derivatives, root)
    return Context(fns, derivatives, args.torch_dimnames), errors


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    root = Path(args.source_root) if args.source_root else Path(args.yaml).resolve().parent
    ctx, errors = load(args, root)
    errors = errors or structured.unsupported(ctx.native_functions)
    if errors:
        return report(errors)
    try:
        fm = render_all(ctx, Path(args.out))
    except ParseError as e:
        return report([e.at(Location(args.yaml, 0))])
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
