"""Every task of a checkout, and the resolution of a name the learner typed.

Tasks live in `tools/tasks/<NN-slug>/`; a learner may name one by its full id
(`01-docs-cumsum-dtype`), its number (`01` or `1`) or its slug
(`docs-cumsum-dtype`).
"""

from __future__ import annotations

import difflib
from pathlib import Path

from tools.common.errors import KitError
from tools.taskkit.spec import Task, TaskSpecError, load_task, spec_error
from tools.taskkit.vocab import TRACKS

TASKS_DIR = Path("tools") / "tasks"


def task_dirs(root: Path) -> list[Path]:
    base = root / TASKS_DIR
    if not base.is_dir():
        return []
    return sorted(p for p in base.iterdir() if p.is_dir() and p.name[:1].isdigit())


def load_all(root: Path) -> list[Task]:
    """Every task, validated, in order; the first bad task.yaml raises TaskSpecError."""
    tasks = [_load_one(d, root) for d in task_dirs(root)]
    _check_references(tasks, root)
    return tasks


def _load_one(directory: Path, root: Path) -> Task:
    if not (directory / "task.yaml").is_file():
        name = directory.relative_to(root).as_posix()
        raise TaskSpecError(f"{name}: a task directory needs a task.yaml")
    task = load_task(directory, root)
    for needed in (task.issue_path, task.solution_path):
        if not needed.is_file():
            name = needed.relative_to(root).as_posix()
            raise TaskSpecError(
                f"{name}: missing (every task has an issue.md and a solution.patch)"
            )
    return task


def _check_references(tasks: list[Task], root: Path) -> None:
    numbers: dict[str, str] = {}
    ids = {t.id for t in tasks}
    for t in tasks:
        if t.number in numbers:
            msg = f"task number {t.number} is used twice ({numbers[t.number]} and {t.id})"
            raise spec_error(t.loc.file, 1, msg)
        numbers[t.number] = t.id
        for p in t.prerequisites:
            if p not in ids:
                raise spec_error(t.loc.file, 1, f"prerequisite '{p}' is not a task id")
    _check_path(tasks)


def _check_path(tasks: list[Task]) -> None:
    """Prerequisites come no later on the path: not in a later track, not in a cycle."""
    by_id = {t.id: t for t in tasks}
    for t in tasks:
        for p in t.prerequisites:
            pre = by_id[p]
            if TRACKS.index(pre.track) > TRACKS.index(t.track):
                msg = (
                    f"prerequisite '{p}' is in track '{pre.track}', which comes after this "
                    f"task's track '{t.track}' (tracks in order: {', '.join(TRACKS)})"
                )
                raise spec_error(t.loc.file, 1, msg)
    clear: set[str] = set()
    for t in tasks:
        cycle = _cycle_from(t, by_id, [], clear)
        if cycle:
            loop = " -> ".join(cycle)
            raise spec_error(t.loc.file, 1, f"prerequisites form a cycle: {loop}")


def _cycle_from(task: Task, by_id: dict[str, Task], trail: list[str], clear: set[str]) -> list[str]:
    """A prerequisite cycle reached from `task` along `trail`, or []; `clear` holds the
    tasks already known to lead to none."""
    if task.id in trail:
        return [*trail[trail.index(task.id) :], task.id]
    if task.id not in clear:
        for p in task.prerequisites:
            cycle = _cycle_from(by_id[p], by_id, [*trail, task.id], clear)
            if cycle:
                return cycle
        clear.add(task.id)
    return []


def find(tasks: list[Task], name: str) -> Task:
    """The task called `name` (id, number or slug), or one clear error line."""
    for t in tasks:
        if name in (t.id, t.slug) or (name.isdigit() and int(name) == int(t.number)):
            return t
    raise KitError(_unknown_message(tasks, name))


def _unknown_message(tasks: list[Task], name: str) -> str:
    if not tasks:
        return f"unknown task '{name}': this checkout has no tasks in {TASKS_DIR.as_posix()}/"
    candidates = [t.id for t in tasks] + [t.slug for t in tasks]
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.5)
    guess = ""
    if close:
        task = next(t for t in tasks if close[0] in (t.id, t.slug))
        guess = f" (did you mean '{task.id}'?)"
    return f"unknown task '{name}'{guess}; `./kit tasks` lists them"
