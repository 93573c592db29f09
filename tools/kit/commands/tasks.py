"""`./kit tasks`: the practice tasks, with each one's difficulty and your status."""

from __future__ import annotations

import argparse

from rich.table import Table

from tools.taskkit.session import console, open_session, styled_status

NAME = "tasks"
HELP = "list the practice tasks: id, title, difficulty, status"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--topic", help="only tasks with this topic (e.g. docs, autograd)")


def run(args: argparse.Namespace) -> int:
    s = open_session()
    current = s.current_task()
    table = Table(title="aten-mini practice tasks", title_justify="left")
    for column in ("", "id", "title", "difficulty", "status"):
        table.add_column(column)
    shown = [t for t in s.tasks if args.topic is None or args.topic in t.topics]
    for t in shown:
        mark = "->" if current is not None and t.id == current.id else ""
        table.add_row(mark, t.id, t.title, t.difficulty, styled_status(s.status(t)))
    out = console()
    out.print(table)
    out.print("Start one with `./kit start <id>` (a number or the slug also works).")
    return 0
