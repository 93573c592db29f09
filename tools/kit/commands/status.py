"""`./kit status`: your progress across all tasks, what you have practised, where you are now."""

from __future__ import annotations

import argparse
from collections import Counter

from rich.table import Table

from tools.taskkit.path import practised
from tools.taskkit.progress import PROGRESS_FILE
from tools.taskkit.session import Session, console, open_session, styled_status

NAME = "status"
HELP = "show your progress: tasks passed and started, hints used, topics practised"


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
    out.print(_practised(s))
    current = s.current_task()
    where = f"task {current.id}" if current else f"branch {s.branch or '(detached HEAD)'}"
    out.print(
        f"{counts['passed']}/{len(s.tasks)} passed, {counts['started']} started; "
        f"you are on {where}. Progress is kept in {PROGRESS_FILE.as_posix()}."
    )
    return 0


def _practised(s: Session) -> Table:
    """Per topic: how many of the tasks that practise it you have passed."""
    table = Table(title="what you have practised", title_justify="left", caption_justify="left")
    for column in ("topic", "tasks passed", "of"):
        table.add_column(column, justify="left" if column == "topic" else "right")
    for p in practised(s.path()):
        style = "green" if p.passed == p.total else "" if p.passed else "dim"
        table.add_row(p.topic, str(p.passed), str(p.total), style=style)
    return table
