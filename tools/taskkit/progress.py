"""The progress store: `.kit/progress.json` in the clone (ignored by git).

It records, per task, whether it was started or passed and how many hints
were shown. It survives rebuilds (nothing under `build/` is involved) and is
written atomically (a temporary file renamed over the old one), so an
interrupted write never leaves half a file. A file that cannot be read is
moved aside, never deleted, and progress restarts; the learner's branches
and files are not involved either way.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tools.common.console import info
from tools.common.errors import KitError
from tools.taskkit.gitrepo import timestamp

PROGRESS_FILE = Path(".kit") / "progress.json"
VERSION = 1
STATUSES = ("new", "started", "passed")


@dataclass
class TaskProgress:
    status: str = "new"
    hints_shown: int = 0
    started_at: str | None = None
    passed_at: str | None = None
    backups: list[str] = field(default_factory=list)


class CorruptProgress(KitError, ValueError):
    pass


@dataclass
class Progress:
    path: Path
    tasks: dict[str, TaskProgress] = field(default_factory=dict)

    def of(self, task_id: str) -> TaskProgress:
        """The task's entry, created (as "new") if missing; for updating."""
        return self.tasks.setdefault(task_id, TaskProgress())

    def peek(self, task_id: str) -> TaskProgress:
        """The task's entry, for reading only."""
        return self.tasks.get(task_id) or TaskProgress()

    def save(self) -> None:
        data = {"version": VERSION, "tasks": {k: asdict(v) for k, v in self.tasks.items()}}
        _write_atomically(self.path, json.dumps(data, indent=2, sort_keys=True) + "\n")


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load(root: Path) -> Progress:
    """The clone's progress; an unreadable file is moved aside with one message."""
    path = root / PROGRESS_FILE
    if not path.exists():
        return Progress(path)
    try:
        return Progress(path, _parse(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, CorruptProgress) as e:
        moved = path.with_name(f"{path.name}.corrupt-{timestamp()}")
        os.replace(path, moved)
        rel = moved.relative_to(root).as_posix()
        info(
            f"warning: {PROGRESS_FILE.as_posix()} could not be read ({e}); it was moved to "
            f"{rel} and progress starts afresh (your branches and files are untouched)"
        )
        return Progress(path)


def _parse(text: str) -> dict[str, TaskProgress]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise CorruptProgress(f"not JSON: {e.msg} at line {e.lineno}") from None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise CorruptProgress(f"not a version-{VERSION} progress file")
    tasks = data.get("tasks")
    if not isinstance(tasks, dict):
        raise CorruptProgress("no 'tasks' table")
    return {str(k): _task_progress(k, v) for k, v in tasks.items()}


def _task_progress(task_id: str, value: Any) -> TaskProgress:
    try:
        tp = TaskProgress(**value)
    except TypeError:
        raise CorruptProgress(f"bad entry for task '{task_id}'") from None
    if tp.status not in STATUSES or not isinstance(tp.hints_shown, int):
        raise CorruptProgress(f"bad entry for task '{task_id}'")
    return tp
