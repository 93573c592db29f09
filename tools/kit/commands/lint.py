"""`./kit lint`: ruff, mypy, clang-format, the YAML linter, actionlint, generated files.

A thin front over lintrunner, as PyTorch's contributors run their linters
(`.lintrunner.toml`, tools/lint/runner.py); it prints the lintrunner command
it runs. `./kit lint` runs every linter over every file (`lintrunner
--all-files`); `./kit lint ruff mypy` runs some (`--take RUFF,MYPY`);
`--changed` lints only the files changed since HEAD (plain `lintrunner`);
`--fix` (`lintrunner -a`) applies the fixes of the tools that can (ruff,
ruff format, clang-format, the YAML linter's layout). `--install-hooks`
installs the same checks as a git pre-commit hook (`.pre-commit-config.yaml`,
offline, tools from `.venv`).
"""

from __future__ import annotations

import argparse

from tools import lint
from tools.kit.commands import add_flags
from tools.lint.hooks import install_hooks
from tools.lint.runner import run_lintrunner

NAME = "lint"
HELP = "run the linters (all, or the ones named); --fix repairs what can be repaired"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "names", nargs="*", metavar="LINTER", help=f"any of: {', '.join(lint.LINTERS)}"
    )
    add_flags(
        parser,
        ("--fix", "let the tools rewrite files (lintrunner -a)"),
        ("--changed", "only the files changed since HEAD (lintrunner without --all-files)"),
        ("--install-hooks", "install the git pre-commit hook and exit"),
    )


def run(args: argparse.Namespace) -> int:
    if args.install_hooks:
        return install_hooks()
    unknown = [n for n in args.names if n not in lint.LINTERS]
    if unknown:
        from tools.common.errors import KitError

        raise KitError(f"unknown linter '{unknown[0]}'; choose from: {', '.join(lint.LINTERS)}", 2)
    status = run_lintrunner(args.names, args.fix, args.changed)
    return lint.run(args.names, args.fix) if status is None else status
