"""`./kit reset <task>`: start a task over, after backing up everything.

First a branch `backup/task-<id>-<time>` records the work as it is, uncommitted
changes and new files included (see Note [Backups without touching the tree]
in tools/taskkit/gitrepo.py). Then:

- on the task's branch: the task's files, and every tracked file that differs
  from main, get main's content back (in the index and the working tree);
- elsewhere: the branch `task/<id>` is moved back to main.

Nothing is lost: `git checkout <backup> -- <file>` brings any file back.
"""

from __future__ import annotations

import argparse

from tools.kit.ui import KitError, info
from tools.taskkit import gitrepo
from tools.taskkit.session import Session, open_session
from tools.taskkit.spec import Task

NAME = "reset"
HELP = "start a task over: back up your work to a branch, then restore main's files"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("task", help="task id, number or slug")


def _backup_name(s: Session, task: Task) -> str:
    base = f"backup/task-{task.id}-{gitrepo.timestamp()}"
    name, n = base, 1
    while gitrepo.branch_exists(s.root, name):
        n += 1
        name = f"{base}-{n}"
    return name


def _restore_files(s: Session, task: Task) -> list[str]:
    paths = sorted(set(task.files) | set(gitrepo.files_differing_from(s.root, gitrepo.MAIN)))
    restored = []
    for path in paths:
        if gitrepo.exists_in(s.root, gitrepo.MAIN, path):
            gitrepo.git(
                s.root, "restore", "--source", gitrepo.MAIN, "--staged", "--worktree", "--", path
            )
            restored.append(path)
        elif (s.root / path).exists() and _is_tracked(s, path):
            gitrepo.git(s.root, "rm", "--quiet", "--force", "--", path)
            restored.append(path)
    return restored


def _is_tracked(s: Session, path: str) -> bool:
    return bool(gitrepo.git(s.root, "ls-files", "--", path).strip())


def run(args: argparse.Namespace) -> int:
    s = open_session()
    task = s.find(args.task)
    branch = gitrepo.task_branch(task.id)
    if not gitrepo.branch_exists(s.root, branch):
        raise KitError(f"task '{task.id}' was never started (no branch {branch}); nothing to reset")
    backup = _backup_name(s, task)
    if s.branch == branch:
        commit = gitrepo.snapshot_commit(s.root, f"kit: backup of task {task.id} before reset")
        gitrepo.create_branch(s.root, backup, commit)
        restored = _restore_files(s, task)
        what = f"restored main's version of: {', '.join(restored) or '(nothing differed)'}"
    else:
        gitrepo.create_branch(s.root, backup, branch)
        gitrepo.git(s.root, "branch", "--force", branch, gitrepo.MAIN)
        what = f"branch {branch} now starts again from {gitrepo.MAIN}"
    entry = s.progress.of(task.id)
    entry.status, entry.passed_at = "started", None
    entry.backups.append(backup)
    s.progress.save()
    info(f"your work is saved on branch {backup}; {what}")
    info(f"to get a file back: `git checkout {backup} -- <file>`")
    return 0
