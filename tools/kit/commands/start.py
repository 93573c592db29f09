"""`./kit start <task>`: a branch `task/<id>` from main, and the task's issue.

Refuses when tracked files have uncommitted changes (switching branches would
carry them into the task, or fail); untracked files are left alone. A task
with a `setup.patch` (a planted bug, say) gets it as the branch's first commit;
when it does not apply, nothing is created (see Note [A task's setup commit]
in tools/taskkit/gitrepo.py). An interrupted start leaves nothing or a
started task, and a start cut short harder is finished by the next one (see
Note [An interrupted start]).
"""

from __future__ import annotations

import argparse
import time

from tools.common.console import info
from tools.common.errors import KitError
from tools.common.git import git
from tools.kit import interrupt
from tools.taskkit import gitrepo
from tools.taskkit.session import Session, console, open_session
from tools.taskkit.spec import Task

NAME = "start"
HELP = "start a task: create its branch task/<id> from main and print its issue"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("task", help="task id, number or slug (see ./kit tasks)")


def _refuse_if_started(s: Session, task: Task, branch: str) -> None:
    if s.branch == branch:
        raise KitError(
            f"task '{task.id}' is already started and you are on its branch {branch}; "
            "edit the files, then `./kit check`"
        )
    if gitrepo.branch_exists(s.root, branch):
        raise KitError(
            f"task '{task.id}' is already started on branch {branch}; `git switch {branch}` "
            f"to continue it, or `./kit reset {task.id}` to start over (your work is backed up)"
        )


def _refuse_if_dirty(s: Session, again: str) -> None:
    changed = gitrepo.changed_tracked_files(s.root)
    if changed:
        raise KitError(
            f"your working tree has uncommitted changes ({len(changed)} file(s), e.g. "
            f"{changed[0]}); commit them (or `git stash`), then `{again}` again"
        )


def setup_start_point(s: Session, task: Task) -> str:
    """A new commit: main with the task's setup.patch applied; KitError if it does not apply."""
    message = gitrepo.setup_message(task.id, task.title)
    try:
        return gitrepo.commit_patch(s.root, gitrepo.MAIN, task.setup_path, message)
    except gitrepo.PatchDoesNotApply as e:
        patch = task.setup_path.relative_to(s.root).as_posix()
        raise KitError(
            f"{patch} does not apply to {gitrepo.MAIN} ({e}); nothing was created. If you "
            f"committed to {gitrepo.MAIN} yourself, that change clashes with the task: start it "
            "from an unchanged main; otherwise the task is out of date (report it)"
        ) from None


def _warn_prerequisites(s: Session, task: Task) -> None:
    for pre in task.prerequisites:
        if s.progress.peek(pre).status != "passed":
            info(f"note: this task builds on '{pre}', which you have not passed yet")


# Note [An interrupted start]
# A start is two writes: the branch (in git) and the progress entry (in
# .kit/progress.json), and no single step makes both. A signal cannot split
# them: the switch and the save run with SIGINT/SIGTERM held (interrupt.
# deferred(), git inherits the hold), so an interrupt takes effect before the
# branch exists or after both are written. A harder stop (SIGKILL, a crash)
# can still leave the branch without its entry; `Session.status` already
# calls such a task started, and the next `./kit start` of it finishes the
# job (switches to the branch if needed, records the entry, prints the
# issue) as long as the branch holds no commit beyond its start point, which
# is then exactly what start would have made. A branch with work on it is
# never taken over: that is a task started earlier.


def _unfinished_start(s: Session, task: Task, branch: str) -> bool:
    """Whether `branch` is what an interrupted start left. See Note [An interrupted start]."""
    if s.progress.peek(task.id).status != "new" or not gitrepo.branch_exists(s.root, branch):
        return False
    own = gitrepo.commits_between(s.root, gitrepo.MAIN, branch)
    if not task.has_setup:
        return not own
    return len(own) == 1 and gitrepo.setup_commit(s.root, task.id, branch) == own[0]


def _begin(s: Session, task: Task, branch: str, again: str) -> None:
    """Create the task's branch, switch to it and record the start (or do neither)."""
    _refuse_if_started(s, task, branch)
    _refuse_if_dirty(s, again)
    if not gitrepo.branch_exists(s.root, gitrepo.MAIN):
        raise KitError(f"this clone has no branch '{gitrepo.MAIN}' to start tasks from")
    start_point = setup_start_point(s, task) if task.has_setup else gitrepo.MAIN
    with interrupt.deferred():  # See Note [An interrupted start]
        git(s.root, "switch", "--quiet", "-c", branch, start_point)
        _record(s, task)


def _finish(s: Session, task: Task, branch: str, again: str) -> None:
    info(f"finishing an interrupted start of this task (branch {branch} has no work on it yet)")
    if s.branch != branch:
        _refuse_if_dirty(s, again)
    with interrupt.deferred():
        if s.branch != branch:
            git(s.root, "switch", "--quiet", branch)
        _record(s, task)


def _record(s: Session, task: Task) -> None:
    entry = s.progress.of(task.id)
    entry.status, entry.started_at = "started", time.strftime("%Y-%m-%dT%H:%M:%S")
    s.progress.save()


def run(args: argparse.Namespace) -> int:
    s = open_session()
    task = s.find(args.task)
    return start(s, task, again=f"./kit start {task.id}")


def start(s: Session, task: Task, *, again: str) -> int:
    """Start `task` (or finish its interrupted start) and print its issue; `./kit start`
    and `./kit next` both come here. `again` is the command a refusal says to rerun."""
    branch = gitrepo.task_branch(task.id)
    if _unfinished_start(s, task, branch):
        _finish(s, task, branch, again)
    else:
        _begin(s, task, branch, again)
    _warn_prerequisites(s, task)
    out = console()
    out.print(task.issue_path.read_text(encoding="utf-8"), markup=False)
    if task.has_setup:
        first = gitrepo.setup_message(task.id, task.title).splitlines()[0]
        info(f"the branch's first commit, '{first}', sets up the state the issue describes")
    info(f"on branch {branch}; when you are done: `./kit check` (or `./kit watch`)")
    return 0
