"""`./kit lint`: ruff, mypy, clang-format, the YAML linter, actionlint, generated files.

`./kit lint` runs every linter; `./kit lint ruff mypy` runs some; `--fix`
lets the tools that can (ruff, ruff format, clang-format, the YAML linter's
layout) rewrite files. `--install-hooks` installs the same checks as a git
pre-commit hook (`.pre-commit-config.yaml`, offline, tools from `.venv`).
"""

from __future__ import annotations

import argparse

from tools import lint
from tools.lint.hooks import install_hooks

NAME = "lint"
HELP = "run the linters (all, or the ones named); --fix repairs what can be repaired"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "names", nargs="*", metavar="LINTER", help=f"any of: {', '.join(lint.LINTERS)}"
    )
    parser.add_argument("--fix", action="store_true", help="let the tools rewrite files")
    parser.add_argument(
        "--install-hooks", action="store_true", help="install the git pre-commit hook and exit"
    )


def run(args: argparse.Namespace) -> int:
    if args.install_hooks:
        return install_hooks()
    unknown = [n for n in args.names if n not in lint.LINTERS]
    if unknown:
        from tools.common.errors import KitError

        raise KitError(f"unknown linter '{unknown[0]}'; choose from: {', '.join(lint.LINTERS)}", 2)
    return lint.run(args.names, args.fix)
