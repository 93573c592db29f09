"""What every task command starts from: the checkout, its tasks, the progress.

Also the small pieces of output the commands share (status of a task, the
console), so that `tasks`, `status` and `check` say the same thing the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from tools.kit.ui import KitError
from tools.taskkit import catalog, gitrepo, progress
from tools.taskkit.spec import Task


@dataclass
class Session:
    root: Path
    tasks: list[Task]
    progress: progress.Progress
    branch: str | None

    def find(self, name: str) -> Task:
        return catalog.find(self.tasks, name)

    def current_task(self) -> Task | None:
        """The task whose branch is checked out, if any."""
        task_id = gitrepo.task_id_of_branch(self.branch)
        return next((t for t in self.tasks if t.id == task_id), None)

    def task_or_current(self, name: str | None, command: str) -> Task:
        if name:
            return self.find(name)
        task = self.current_task()
        if task is None:
            raise KitError(_not_on_task_branch(self.branch, command))
        return task

    def status(self, task: Task) -> str:
        recorded = self.progress.peek(task.id).status
        if recorded == "new" and gitrepo.branch_exists(self.root, gitrepo.task_branch(task.id)):
            return "started"
        return recorded


def _not_on_task_branch(branch: str | None, command: str) -> str:
    where = f"branch '{branch}'" if branch else "a detached HEAD"
    return (
        f"you are on {where}, not on a task branch; `./kit start <task>` starts one, "
        f"or name the task: `./kit {command} <task>`"
    )


def open_session(cwd: Path | None = None) -> Session:
    root = gitrepo.toplevel(cwd or Path.cwd())
    tasks = catalog.load_all(root)
    return Session(root, tasks, progress.load(root), gitrepo.current_branch(root))


def console() -> Console:
    return Console(highlight=False)


STATUS_STYLE = {"new": "dim", "started": "yellow", "passed": "green"}


def styled_status(status: str) -> str:
    return f"[{STATUS_STYLE.get(status, '')}]{status}[/]"
