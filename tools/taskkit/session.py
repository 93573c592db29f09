"""What every task command starts from: the checkout, its tasks, the progress.

Also the small pieces of output the commands share (status of a task, the
console), so that `tasks`, `status` and `check` say the same thing the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from tools.common.errors import KitError
from tools.common.git import toplevel
from tools.taskkit import catalog, gitrepo, progress
from tools.taskkit.path import Step, steps
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

    def path(self) -> list[Step]:
        """Every task in path order, passed / started / unlocked / locked."""
        return steps(self.tasks, self.status)


def task_base(root: Path, task: Task, ref: str = "HEAD") -> str:
    """What the work on `ref` is compared with: main, or the task's setup commit.

    See Note [A task's setup commit] in tools/taskkit/gitrepo.py.
    """
    if not task.has_setup:
        return gitrepo.MAIN
    commit = gitrepo.setup_commit(root, task.id, ref)
    if commit is None:
        raise KitError(_no_setup_commit(task, ref))
    return commit


def _no_setup_commit(task: Task, ref: str) -> str:
    where = "this branch" if ref == "HEAD" else ref
    return (
        f"{where} lacks task {task.id}'s setup commit (trailer "
        f"'{gitrepo.SETUP_TRAILER}: {task.id}'), so there is nothing to compare with; "
        f"`./kit start {task.id}` (or `git switch {gitrepo.task_branch(task.id)}`) to work on "
        f"it, or from another branch `./kit reset {task.id}` to begin it afresh (your work is "
        "backed up)"
    )


def _not_on_task_branch(branch: str | None, command: str) -> str:
    where = f"branch '{branch}'" if branch else "a detached HEAD"
    return (
        f"you are on {where}, not on a task branch; `./kit start <task>` starts one, "
        f"or name the task: `./kit {command} <task>`"
    )


def open_session(cwd: Path | None = None) -> Session:
    root = toplevel(cwd or Path.cwd())
    tasks = catalog.load_all(root)
    return Session(root, tasks, progress.load(root), gitrepo.current_branch(root))


def console() -> Console:
    return Console(highlight=False)


STATUS_STYLE = {
    "new": "dim",
    "started": "yellow",
    "passed": "green",
    "unlocked": "cyan",
    "locked": "dim",
}


def styled_status(status: str) -> str:
    return f"[{STATUS_STYLE.get(status, '')}]{status}[/]"
