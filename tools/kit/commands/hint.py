"""`./kit hint [task]`: the next hint of the task, one at a time (remembered)."""

from __future__ import annotations

import argparse

from tools.taskkit.session import console, open_session

NAME = "hint"
HELP = "show the next hint of the current task (hints already shown are listed again)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("task", nargs="?", help="task id (default: the task of this branch)")


def run(args: argparse.Namespace) -> int:
    s = open_session()
    task = s.task_or_current(args.task, NAME)
    entry = s.progress.of(task.id)
    total = len(task.hints)
    out = console()
    for n in range(1, entry.hints_shown + 1):
        out.print(f"[dim]hint {n}/{total}: {task.hints[n - 1]}[/]")
    if entry.hints_shown >= total:
        out.print("That was the last hint; `./kit solution --reveal` shows the reference.")
        return 0
    entry.hints_shown += 1
    out.print(f"hint {entry.hints_shown}/{total}: {task.hints[entry.hints_shown - 1]}")
    s.progress.save()
    return 0
