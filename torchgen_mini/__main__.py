"""The command line: `python -m torchgen_mini check|schemas|gen ...`.

`check FILE... [--tags FILE] [--kernels ROOT]` validates native_functions.yaml
files (and their shape functions; with `--kernels`, that the kernels they name
are defined under ROOT/aten_mini/native) and prints every error
compiler-style (`file:line: error: message`);
`schemas FILE` prints the canonical schema of each entry in file order;
`gen ...` runs the code generator (`torchgen_mini.gen.main`).  Exit status:
0 clean, 1 errors in the input, 2 wrong usage.  Bad input never produces a
Python traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable

from torchgen_mini.diagnostics import Diagnostic
from torchgen_mini.native_yaml import ParsedNativeYaml
from torchgen_mini.pipeline import load_and_check

_USAGE = """\
usage: python -m torchgen_mini check FILE... [--tags FILE] [--kernels ROOT]
       python -m torchgen_mini schemas FILE [--tags FILE]
       python -m torchgen_mini gen [ARGS...]"""


def _parser(prog: str, many: bool) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"python -m torchgen_mini {prog}")
    p.add_argument("files", nargs="+" if many else 1, metavar="FILE")
    p.add_argument(
        "--tags",
        metavar="FILE",
        help="tags.yaml to check tags against (default: tags.yaml next to FILE, if any)",
    )
    if many:
        p.add_argument(
            "--kernels",
            metavar="ROOT",
            help="also check that each kernel named is defined under ROOT/aten_mini/native",
        )
    return p


def _report(errors: list[Diagnostic]) -> None:
    for d in errors:
        print(d, file=sys.stderr)


def _load(path: str, tags: str | None, kernels: str | None = None) -> ParsedNativeYaml:
    return load_and_check(path, tags, kernels_root=kernels)


def check(argv: list[str]) -> int:
    args = _parser("check", many=True).parse_args(argv)
    total = 0
    for path in args.files:
        parsed = _load(path, args.tags, args.kernels)
        _report(parsed.errors)
        total += len(parsed.errors)
        if not parsed.errors:
            print(f"{path}: {len(parsed.native_functions)} entries, no errors")
    if total:
        print(f"{total} error{'s' if total != 1 else ''}", file=sys.stderr)
    return 1 if total else 0


def schemas(argv: list[str]) -> int:
    args = _parser("schemas", many=False).parse_args(argv)
    parsed = _load(args.files[0], args.tags)
    if parsed.errors:
        _report(parsed.errors)
        return 1
    print("\n".join(str(f.func) for f in parsed.native_functions))
    return 0


def _gen(argv: list[str]) -> int:
    try:
        gen = importlib.import_module("torchgen_mini.gen")  # only when asked for
    except ModuleNotFoundError as e:
        if e.name != "torchgen_mini.gen":
            raise
        print("error: the code generator (torchgen_mini/gen.py) is not there", file=sys.stderr)
        return 2
    main: Callable[[list[str]], int] = gen.main
    return int(main(argv))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(_USAGE, file=sys.stdout if argv else sys.stderr)
        return 0 if argv else 2
    commands = {"check": check, "schemas": schemas, "gen": _gen}
    command = commands.get(argv[0])
    if command is None:
        print(f"{_USAGE}\nerror: unknown command '{argv[0]}'", file=sys.stderr)
        return 2
    try:
        return command(argv[1:])
    except SystemExit as e:  # argparse: usage errors exit with 2
        return e.code if isinstance(e.code, int) else 2
    except BrokenPipeError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
