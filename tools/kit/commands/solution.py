"""`./kit solution [task]`: the reference solution, once the task passes.

Printed as the patch it is (`./kit solution > ref.patch` keeps a copy). Before
the task passes, `--reveal` is needed: reading it first spoils the exercise.
For a task with a `setup.patch` the solution is a diff against the task's
setup commit (main plus setup.patch), and a note on stderr says so.
"""

from __future__ import annotations

import argparse
import sys

from tools.common.console import info
from tools.common.errors import KitError
from tools.taskkit import gitrepo
from tools.taskkit.session import open_session

NAME = "solution"
HELP = "print the reference solution (after the task passes, or with --reveal)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("task", nargs="?", help="task id (default: the task of this branch)")
    parser.add_argument("--reveal", action="store_true", help="show it even before passing")


def run(args: argparse.Namespace) -> int:
    s = open_session()
    task = s.task_or_current(args.task, NAME)
    if s.progress.peek(task.id).status != "passed" and not args.reveal:
        raise KitError(
            f"task '{task.id}' has not passed yet; `./kit check` it first, or "
            f"`./kit solution {task.id} --reveal` to see the reference solution anyway"
        )
    if task.has_setup:
        info(
            f"note: this diff is against the task's setup commit (main + setup.patch, the first "
            f"commit of {gitrepo.task_branch(task.id)}), not against main"
        )
    sys.stdout.write(task.solution_path.read_text(encoding="utf-8"))
    return 0
