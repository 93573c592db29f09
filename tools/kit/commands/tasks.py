"""`./kit tasks`: the learning path, track by track, with what is passed, unlocked or locked."""

from __future__ import annotations

import argparse
import difflib

from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from tools.common.errors import KitError
from tools.taskkit.path import LOCKED, PASSED, Step, next_step
from tools.taskkit.session import STATUS_STYLE, console, open_session
from tools.taskkit.vocab import TOPICS, TRACK_MEANINGS, TRACKS

NAME = "tasks"
HELP = "show the learning path: every task by track, passed / started / unlocked / locked"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--topic", help="only tasks with this topic (e.g. docs, autograd)")
    parser.add_argument("--track", help=f"only this track ({', '.join(TRACKS)})")


# Note [Task ids are never cut]
# An id is what the learner types next (`./kit start <id>`), so it is never
# cut or wrapped: its column is as wide as the longest id, and the title folds
# instead (a long word like CompositeImplicitAutograd breaks across lines
# rather than ending in "..."). Below TABLE_MIN_TITLE columns left for the
# title, a table cannot keep that promise; the list is printed as plain lines.
TABLE_MIN_TITLE = 12
TABLE_CHROME = 2 + 6 + 8 + 6 + 10  # mark, level (difficulty), status; 6 borders, 5 paddings


def _known(value: str | None, words: tuple[str, ...], what: str) -> str | None:
    if value is None or value in words:
        return value
    close = difflib.get_close_matches(value, words, n=1)
    guess = f" (did you mean '{close[0]}'?)" if close else ""
    raise KitError(f"unknown {what} '{value}'{guess}; the {what}s: {', '.join(words)}")


def _state(step: Step) -> Text:
    return Text(step.state, style=STATUS_STYLE.get(step.state, ""))


def _title(step: Step) -> Text:
    title = Text(step.task.title)
    if step.state == LOCKED:
        after = ", ".join(p.split("-", 1)[0] for p in step.waiting_for)
        title.append(f" (after {after})", style="dim")
    return title


def run(args: argparse.Namespace) -> int:
    topic = _known(args.topic, TOPICS, "topic")
    track = _known(args.track, TRACKS, "track")
    s = open_session()
    current = s.current_task()
    path = s.path()
    shown = [
        st
        for st in path
        if (topic is None or topic in st.task.topics) and (track is None or st.task.track == track)
    ]
    marks = {
        st.task.id: "->" if current is not None and st.task.id == current.id else "" for st in shown
    }
    groups = [
        (name, meaning, [st for st in shown if st.task.track == name])
        for name, meaning in TRACK_MEANINGS
    ]
    groups = [g for g in groups if g[2]]
    out = console()
    longest = max((len(st.task.id) for st in shown), default=2)
    if out.width - longest - TABLE_CHROME >= TABLE_MIN_TITLE:
        table = Table(title="aten-mini learning path", title_justify="left")
        table.add_column("", no_wrap=True)
        table.add_column("id", no_wrap=True, min_width=longest)
        table.add_column("title", overflow="fold", min_width=TABLE_MIN_TITLE, ratio=1)
        table.add_column("level", no_wrap=True)  # the difficulty: easy, medium, hard
        table.add_column("status", no_wrap=True)
        for i, (name, _, group) in enumerate(groups):
            if i:
                table.add_section()
            number = TRACKS.index(name) + 1
            table.add_row("", Text(f"{number}. {name}", style="bold"))
            for st in group:
                table.add_row(
                    marks[st.task.id], st.task.id, _title(st), st.task.difficulty, _state(st)
                )
        out.print(table)
    else:
        out.print("aten-mini learning path")
        for name, meaning, group in groups:
            out.print(Text(f"{TRACKS.index(name) + 1}. {name}: {meaning}", style="bold"))
            for st in group:
                line = Text(f"{marks[st.task.id]:2} {st.task.id}  {st.task.difficulty}  ")
                out.print(line + _state(st), soft_wrap=True)
                out.print(Padding(_title(st), (0, 0, 0, 5)))
    _footer(path)
    return 0


def _footer(path: list[Step]) -> None:
    passed = sum(st.state == PASSED for st in path)
    nxt = next_step(path)
    summary = f"{passed}/{len(path)} passed. "
    if nxt is not None:
        summary += f"Next on the path: {nxt.task.id}; `./kit next` starts it, "
    elif passed == len(path):
        summary += "You have walked the whole path; "
    console().print(
        summary + "`./kit start <id>` starts any task (a number or the slug also works).",
        markup=False,
    )
