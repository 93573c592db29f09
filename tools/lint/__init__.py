"""`./kit lint`: every linter of the kit behind one command.

`run(names, fix)` runs some linters in-process and prints one
`path:line:col: CODE message` line per finding; `run_all(fix)` runs all of
them through lintrunner (`.lintrunner.toml`, tools/lint/runner.py), as
`./kit lint` does. Both return an exit code (0: clean). See CONTRIBUTING.md
for what each code means.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tools.lint.external import (
    ToolMissing,
    lint_actionlint,
    lint_clang_format,
    lint_mypy,
    lint_ruff,
    lint_ruff_format,
    lint_zizmor,
    missing,
)
from tools.lint.finding import Finding
from tools.lint.generated import lint_generated
from tools.lint.kernels import lint_kernels
from tools.lint.nativeyaml import lint_native_yaml
from tools.lint.vecmax import lint_vec_maximum

ROOT = Path(__file__).resolve().parents[2]
Linter = Callable[[Path, bool], list[Finding]]

LINTERS: dict[str, Linter] = {
    "ruff": lint_ruff,
    "ruff-format": lint_ruff_format,
    "mypy": lint_mypy,
    "clang-format": lint_clang_format,
    "native-yaml": lint_native_yaml,
    "kernels": lint_kernels,
    "actionlint": lint_actionlint,
    "zizmor": lint_zizmor,
    "generated": lint_generated,
    "vec-maximum": lint_vec_maximum,
}


def run_one(name: str, root: Path, fix: bool) -> list[Finding]:
    try:
        return LINTERS[name](root, fix)
    except ToolMissing as exc:
        return missing(str(exc))


def collect(names: Sequence[str], root: Path = ROOT, fix: bool = False) -> list[Finding]:
    """Findings of the named linters. Formatters run first, so --fix sees their output."""
    unknown = [n for n in names if n not in LINTERS]
    if unknown:
        raise ValueError(f"unknown linter {unknown[0]!r}; choose from {', '.join(LINTERS)}")
    with ThreadPoolExecutor(max_workers=2) as pool:
        # mypy is the slow one: start it first, run the rest beside it.
        ordered = sorted(names, key=lambda n: n != "mypy")
        if fix:  # fixers rewrite files: run them one after the other
            return sorted(f for n in names for f in run_one(n, root, fix))
        results = list(pool.map(lambda n: run_one(n, root, fix), ordered))
    return sorted(f for r in results for f in r)


def run(names: Sequence[str] = (), fix: bool = False, root: Path = ROOT) -> int:
    start = time.monotonic()
    chosen = list(names) or list(LINTERS)
    findings = collect(chosen, root, fix)
    for f in findings:
        print(f, flush=True)
    took = time.monotonic() - start
    status = f"{len(findings)} finding(s)" if findings else "clean"
    print(f"lint: {', '.join(chosen)}: {status} ({took:.1f}s)", file=sys.stderr)
    return 1 if findings else 0


def run_all(fix: bool) -> int:
    """Every linter over the repository, through lintrunner; the entry point `./kit test` uses."""
    from tools.lint.runner import run_lintrunner

    status = run_lintrunner((), fix)
    return run((), fix) if status is None else status
