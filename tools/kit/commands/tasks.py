"""`./kit tasks`: the practice tasks, with each one's difficulty and your status."""

from __future__ import annotations

import argparse

from rich.padding import Padding
from rich.table import Table

from tools.taskkit.session import console, open_session, styled_status

NAME = "tasks"
HELP = "list the practice tasks: id, title, difficulty, status"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--topic", help="only tasks with this topic (e.g. docs, autograd)")


# Note [Task ids are never cut]
# An id is what the learner types next (`./kit start <id>`), so it is never
# cut or wrapped: its column is as wide as the longest id, and the title folds
# instead (a long word like CompositeImplicitAutograd breaks across lines
# rather than ending in "..."). Below TABLE_MIN_TITLE columns left for the
# title, a table cannot keep that promise; the list is printed as plain lines.
TABLE_MIN_TITLE = 12
TABLE_CHROME = 2 + 10 + 7 + 6 + 10  # mark, difficulty, status; 6 borders, 5 paddings


def run(args: argparse.Namespace) -> int:
    s = open_session()
    current = s.current_task()
    shown = [t for t in s.tasks if args.topic is None or args.topic in t.topics]
    rows = [
        ("->" if current is not None and t.id == current.id else "", t, s.status(t)) for t in shown
    ]
    out = console()
    longest = max((len(t.id) for t in shown), default=2)
    if out.width - longest - TABLE_CHROME >= TABLE_MIN_TITLE:
        table = Table(title="aten-mini practice tasks", title_justify="left")
        table.add_column("", no_wrap=True)
        table.add_column("id", no_wrap=True, min_width=longest)
        table.add_column("title", overflow="fold", min_width=TABLE_MIN_TITLE, ratio=1)
        table.add_column("difficulty", no_wrap=True)
        table.add_column("status", no_wrap=True)
        for mark, t, status in rows:
            table.add_row(mark, t.id, t.title, t.difficulty, styled_status(status))
        out.print(table)
    else:
        out.print("aten-mini practice tasks")
        for mark, t, status in rows:
            out.print(f"{mark:2} {t.id}  {t.difficulty}  {styled_status(status)}", soft_wrap=True)
            out.print(Padding(t.title, (0, 0, 0, 5)), markup=False)
    out.print("Start one with `./kit start <id>` (a number or the slug also works).")
    return 0
