"""`./kit next`: start the next task on the learning path.

The next task is the first unlocked task not started yet, in path order (see
tools/taskkit/path.py): starting it is exactly `./kit start <id>` (same
branch, setup commit, progress entry, refusals). With nothing left to start
it says why: every task passed, or the remaining ones are started (and which
branch to switch to), or locked behind started ones.
"""

from __future__ import annotations

import argparse

from tools.common.console import info
from tools.common.errors import KitError
from tools.kit.commands.start import start
from tools.taskkit import gitrepo
from tools.taskkit.path import PASSED, STARTED, Step, next_step
from tools.taskkit.session import console, open_session

NAME = "next"
HELP = "start the next unlocked task on the learning path (see ./kit tasks)"


def run(args: argparse.Namespace) -> int:
    s = open_session()
    path = s.path()
    step = next_step(path)
    if step is None:
        return _nothing_to_start(path)
    current = s.current_task()
    if current is not None and s.status(current) != PASSED:
        info(
            f"leaving task {current.id} unfinished; `git switch "
            f"{gitrepo.task_branch(current.id)}` returns to it"
        )
    number = path.index(step) + 1
    info(f"next on the path ({number}/{len(path)}, track {step.task.track}): {step.task.id}")
    return start(s, step.task, again="./kit next")


def _nothing_to_start(path: list[Step]) -> int:
    if not path:
        raise KitError("this checkout has no tasks (tools/tasks/ is empty)")
    started = [st.task.id for st in path if st.state == STARTED]
    if all(st.state == PASSED for st in path):
        console().print(
            f"All {len(path)} tasks passed: you have walked the whole path. `./kit status` "
            "shows what you practised by topic; `./kit solution <id>` compares your work with "
            "a reference.",
            markup=False,
        )
        return 0
    if not started:  # unreachable: some task is neither passed nor started, so one is unlocked
        raise KitError("no task can be started, yet not every task passed (report it)")
    first = started[0]
    raise KitError(
        f"every task not passed yet is started or waits for one that is: {', '.join(started)}; "
        f"finish one (`git switch {gitrepo.task_branch(first)}`, then `./kit check`), or "
        f"`./kit reset {first}` to begin it afresh"
    )
