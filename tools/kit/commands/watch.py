"""`./kit watch [task]`: re-run `./kit check` whenever a file is saved.

Like rustlings' watch mode: the check runs once at start, then after every
change to a file of the checkout (build outputs, `.git` and `.kit` ignored).
Ctrl-C stops it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tools.common.console import info
from tools.kit.commands.check import check_task
from tools.taskkit.session import console, open_session

NAME = "watch"
HELP = "re-run the current task's checks on every save (Ctrl-C stops)"

_IGNORED_DIRS = frozenset(
    {
        ".git",
        ".kit",
        "build",
        ".venv",
        "__pycache__",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        ".hypothesis",
    }
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("task", nargs="?", help="task id (default: the task of this branch)")
    parser.add_argument("--no-build", action="store_true", help="skip the incremental build")


def relevant(root: Path, path: str) -> bool:
    """Whether a change to `path` should trigger a new check."""
    try:
        parts = Path(path).resolve().relative_to(root.resolve()).parts
    except ValueError:
        return False
    return not any(p in _IGNORED_DIRS for p in parts) and not path.endswith((".swp", "~"))


def run(args: argparse.Namespace) -> int:
    from watchfiles import watch

    s = open_session()
    root, task = s.root, s.task_or_current(args.task, NAME)
    check_task(s, task, build=not args.no_build)
    info("watching for changes; Ctrl-C stops")
    try:
        for _changes in watch(root, watch_filter=lambda _c, p: relevant(root, p)):
            console().clear()
            s = open_session(root)
            check_task(s, task, build=not args.no_build)
            info("watching for changes; Ctrl-C stops")
    except KeyboardInterrupt:
        info("watch stopped")
    return 0
