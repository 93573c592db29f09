"""`./kit test`: the whole suite, as CI runs it.

Order: build (incremental), lint, then pytest over `test/`. Extra arguments go
to pytest, so `./kit test -k add` or `./kit test test/model -x` work as in
PyTorch's own `python test/run_test.py`-less workflow.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys

from tools.common.console import error, step
from tools.common.errors import KitError
from tools.common.paths import ROOT
from tools.common.proc import run_process

NAME = "test"
HELP = "build, lint and run the whole test suite (what CI runs)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-k", dest="keyword", help="only tests matching this pytest -k expression")
    parser.add_argument("--no-build", action="store_true", help="skip the incremental build")
    parser.add_argument("--no-lint", action="store_true", help="skip ./kit lint")
    parser.add_argument("--slow", action="store_true", help="also run tests marked slow")
    parser.add_argument(
        "-j", "--jobs", default="auto", help="pytest-xdist workers ('0' runs in-process)"
    )
    parser.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed on to pytest")


def _lint() -> None:
    if importlib.util.find_spec("tools.lint") is None:
        return
    from tools import lint

    if lint.run_all(fix=False) != 0:
        raise KitError("lint found problems (listed above); `./kit lint --fix` fixes some")


def pytest_command(args: argparse.Namespace) -> list[str]:
    cmd = [sys.executable, "-m", "pytest", "test"]
    if args.jobs != "0":
        cmd += ["-n", args.jobs]
    if args.keyword:
        cmd += ["-k", args.keyword]
    if args.slow:
        cmd.append("--slow")
    cmd += [a for a in args.pytest_args if a != "--"]
    return cmd


def run(args: argparse.Namespace) -> int:
    if not args.no_build:
        from tools.kit.commands.build import ensure_built

        with step("build (incremental)"):
            ensure_built()
    # Lint and pytest both run, so one push shows every problem; either fails the run.
    failures: list[str] = []
    for title, enabled, action in (
        ("lint", not args.no_lint, _lint),
        ("pytest", True, lambda: _pytest(args)),
    ):
        if not enabled:
            continue
        try:
            with step(title):
                action()
        except KitError as exc:
            error(str(exc))
            failures.append(title)
    if failures:
        raise KitError(f"./kit test failed in: {', '.join(failures)} (details above)")
    return 0


def _pytest(args: argparse.Namespace) -> None:
    os.environ.setdefault("PYTHONHASHSEED", "0")
    run_process(
        pytest_command(args), cwd=ROOT, what="pytest", hint="the failing tests are listed above"
    )
