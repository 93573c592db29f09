"""`./kit dev ...`: commands for people who write tasks and maintain the kit.

`./kit dev verify [task ...]` proves, for every task (or those named), that its
checks fail on the base commit and pass with its `solution.patch`; CI runs it.
See tools/taskkit/verify.py for how.
"""

from __future__ import annotations

import argparse
import time

from rich.table import Table

from tools.common.console import error, info
from tools.common.errors import KitError
from tools.taskkit.session import console, open_session
from tools.taskkit.verify import Verdict, verify_all

NAME = "dev"
HELP = "tools for task authors: `dev verify` checks every task against its solution"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="dev_command", metavar="<dev command>")
    verify = sub.add_parser(
        "verify",
        help="every task fails on the base commit and passes with solution.patch",
        description="every task fails on the base commit and passes with solution.patch",
    )
    verify.add_argument("tasks", nargs="*", help="only these tasks (default: all)")
    verify.add_argument("--base", default="HEAD", help="commit to verify against (default HEAD)")
    verify.add_argument("--keep", action="store_true", help="keep the scratch worktrees")


def _on_done(v: Verdict) -> None:
    if v.problem:
        error(f"task {v.task.id}: {v.problem}")
    else:
        info(f"task {v.task.id}: ok ({v.seconds:.1f}s)")


def _table(verdicts: list[Verdict]) -> Table:
    table = Table(title="./kit dev verify", title_justify="left")
    for column in ("task", "unsolved", "solved", "verdict", "time"):
        table.add_column(column)
    for v in verdicts:
        verdict = "[green]ok[/]" if v.problem is None else "[bold red]FAIL[/]"
        table.add_row(v.task.id, v.unsolved, v.solved, verdict, f"{v.seconds:.1f}s")
    return table


def run(args: argparse.Namespace) -> int:
    if args.dev_command != "verify":
        raise KitError("which dev command? `./kit dev verify` (see ./kit dev --help)", 2)
    s = open_session()
    tasks = [s.find(name) for name in args.tasks] if args.tasks else s.tasks
    if not tasks:
        raise KitError("no tasks to verify in tools/tasks/")
    start = time.monotonic()
    verdicts = verify_all(s.root, tasks, args.base, _on_done, args.keep)
    console().print(_table(verdicts))
    bad = [v for v in verdicts if v.problem]
    info(f"{len(verdicts) - len(bad)}/{len(verdicts)} tasks ok in {time.monotonic() - start:.1f}s")
    return 1 if bad else 0
