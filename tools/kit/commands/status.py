"""`./kit status`: your progress across all tasks, and where you are now."""

from __future__ import annotations

import argparse
from collections import Counter

from rich.table import Table

from tools.taskkit.progress import PROGRESS_FILE
from tools.taskkit.session import console, open_session, styled_status

NAME = "status"
HELP = "show your progress: tasks passed and started, hints used, the current task"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # no options


def run(args: argparse.Namespace) -> int:
    s = open_session()
    table = Table(title="your progress", title_justify="left")
    for column in ("id", "status", "hints used", "passed at"):
        table.add_column(column)
    counts: Counter[str] = Counter()
    for t in s.tasks:
        status, entry = s.status(t), s.progress.peek(t.id)
        counts[status] += 1
        hints = f"{entry.hints_shown}/{len(t.hints)}"
        table.add_row(t.id, styled_status(status), hints, entry.passed_at or "")
    out = console()
    out.print(table)
    current = s.current_task()
    where = f"task {current.id}" if current else f"branch {s.branch or '(detached HEAD)'}"
    out.print(
        f"{counts['passed']}/{len(s.tasks)} passed, {counts['started']} started; "
        f"you are on {where}. Progress is kept in {PROGRESS_FILE.as_posix()}."
    )
    return 0
