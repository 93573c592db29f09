"""`./kit reset <task>`: start a task over, after backing up everything.

First a branch `backup/task-<id>-<time>` records the work as it is, uncommitted
changes and new files included, and what was staged when that differs (the
branch's `~1`; see Note [Backups without touching the tree] in
tools/taskkit/gitrepo.py). Then:

- on the task's branch: the task's files, and every tracked file that differs
  from the task's base, get the base's content back (in the index and the
  working tree);
- elsewhere: the branch `task/<id>` is moved back to its start point.

The base is main, or for a task with a `setup.patch` its setup commit (see
tools/taskkit/spec.py): a reset never removes the state the task starts from.
Off the branch, such a task's branch restarts from a fresh setup commit on
today's main, made before anything moves, so a patch that no longer applies
changes nothing. Nothing is lost: `git checkout <backup> -- <file>` brings
any file back.
"""

from __future__ import annotations

import argparse

from tools.common.console import info
from tools.common.errors import KitError
from tools.common.git import git
from tools.kit import interrupt
from tools.kit.commands.start import setup_start_point
from tools.taskkit import gitrepo
from tools.taskkit.session import Session, open_session, task_base
from tools.taskkit.spec import Task

NAME = "reset"
HELP = "start a task over: back up your work to a branch, then restore the task's start state"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("task", help="task id, number or slug")


def _backup_name(s: Session, task: Task) -> str:
    base = f"backup/task-{task.id}-{gitrepo.timestamp()}"
    name, n = base, 1
    while gitrepo.branch_exists(s.root, name):
        n += 1
        name = f"{base}-{n}"
    return name


def _restore_files(s: Session, task: Task, base: str) -> list[str]:
    paths = sorted(set(task.files) | set(gitrepo.files_differing_from(s.root, base)))
    restored = []
    for path in paths:
        if gitrepo.exists_in(s.root, base, path):
            git(s.root, "restore", "--source", base, "--staged", "--worktree", "--", path)
            restored.append(path)
        elif (s.root / path).exists() and _is_tracked(s, path):
            git(s.root, "rm", "--quiet", "--force", "--", path)
            restored.append(path)
    return restored


def _is_tracked(s: Session, path: str) -> bool:
    return bool(git(s.root, "ls-files", "--", path).strip())


def _base_name(task: Task) -> str:
    return "its setup commit" if task.has_setup else gitrepo.MAIN


def _reset_here(s: Session, task: Task, backup: str) -> tuple[str, bool]:
    """What was restored, and whether the backup keeps a staged version apart (at `~1`)."""
    base = task_base(s.root, task)  # before the backup: no backup for a refused reset
    message = f"kit: backup of task {task.id} before reset"
    commit, staged_apart = gitrepo.snapshot_commit(s.root, message)
    gitrepo.create_branch(s.root, backup, commit)
    with interrupt.deferred():  # a ^C does not leave half the files restored
        restored = _restore_files(s, task, base)
    listed = ", ".join(restored) or "(nothing differed)"
    return f"restored {_base_name(task)}'s version of: {listed}", staged_apart


def _reset_elsewhere(s: Session, task: Task, branch: str, backup: str) -> str:
    start_point = setup_start_point(s, task) if task.has_setup else gitrepo.MAIN
    gitrepo.create_branch(s.root, backup, branch)
    git(s.root, "branch", "--force", branch, start_point)
    setup = " plus a fresh setup commit" if task.has_setup else ""
    return f"branch {branch} now starts again from {gitrepo.MAIN}{setup}"


def run(args: argparse.Namespace) -> int:
    s = open_session()
    task = s.find(args.task)
    branch = gitrepo.task_branch(task.id)
    if not gitrepo.branch_exists(s.root, branch):
        raise KitError(f"task '{task.id}' was never started (no branch {branch}); nothing to reset")
    backup = _backup_name(s, task)
    staged_apart = False
    if s.branch == branch:
        what, staged_apart = _reset_here(s, task, backup)
    else:
        what = _reset_elsewhere(s, task, branch, backup)
    entry = s.progress.of(task.id)
    entry.status, entry.passed_at = "started", None
    entry.backups.append(backup)
    s.progress.save()
    info(f"your work is saved on branch {backup}; {what}")
    info(f"to get a file back: `git checkout {backup} -- <file>`")
    if staged_apart:
        info(
            f"what you had staged is {backup}~1 (it differs from your files): "
            f"`git checkout {backup}~1 -- <file>` brings that version back"
        )
    return 0
