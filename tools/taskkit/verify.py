"""`./kit dev verify`: every task fails unsolved and passes with its solution.

Per task, in a scratch worktree `.kit/verify/<id>` of the base commit (HEAD
unless told otherwise), with the checkout's current `tools/tasks/` copied in
so that uncommitted task edits are verified too:

0. for a task with `setup.patch`: it must apply, and is committed just as
   `./kit start` does (tools/taskkit/spec.py); that commit is the task's base;
1. the build and the task's own checks run and must not pass (a task that
   passes unsolved teaches nothing);
2. `solution.patch` must apply, else the patch is out of date; it is
   committed, as a learner commits their work;
3. the whole plan `./kit check` runs (tools/taskkit/plan.py: build, the
   task's checks, `./kit lint`, the review bot on the solution's commit, the
   new-tests check) and must pass.

The worktree is removed afterwards; the learner's checkout is never touched.
Tasks that need the C++ build share one worktree instead, kept between runs:
see Note [One build for every C++ task].
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tools.common.git import git, remove_worktree
from tools.taskkit import checks as checks_mod
from tools.taskkit import gitrepo
from tools.taskkit.catalog import TASKS_DIR
from tools.taskkit.plan import check_plan, run_plan
from tools.taskkit.spec import Task

VERIFY_DIR = Path(".kit") / "verify"
SHARED = VERIFY_DIR / "shared"

# Note [One build for every C++ task]
# A fresh worktree per C++ task would mean a full build per task (minutes
# each on two cores). So every task with `needs_build: true` is verified, one
# after the other, in the same worktree `.kit/verify/shared`, whose `build/`
# and built extension (ignored by git) survive: for each task the worktree is
# forced back to the base commit (`checkout --force` + `clean -fd`, which
# keep ignored files), built incrementally, checked unsolved, patched, built
# incrementally again (only what the patch touches recompiles), checked
# solved, and forced back to the base. It is kept after the run so the next
# run starts warm; deleting `.kit/verify/shared` starts it cold. The build
# skips CUDA (ATEN_MINI_NO_CUDA=1): verify runs on machines without a GPU,
# and nvcc would triple the time.


@dataclass(frozen=True)
class Verdict:
    task: Task
    unsolved: str  # "fails" (good), "passes" (bad), or "-" (not reached)
    solved: str  # "passes" (good), "fails" (bad), or "-" (not reached)
    problem: str | None
    seconds: float


def _add_worktree(root: Path, path: Path, base: str) -> None:
    remove_worktree(root, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    git(root, "worktree", "add", "--quiet", "--detach", str(path), base)
    shutil.rmtree(path / TASKS_DIR, ignore_errors=True)
    shutil.copytree(
        root / TASKS_DIR, path / TASKS_DIR, ignore=shutil.ignore_patterns("__pycache__")
    )


def _shared_worktree(root: Path, base: str) -> Path:
    """The C++ tasks' worktree at `base`, created once. See Note [One build for every C++ task]."""
    wt = root / SHARED
    if not (wt / ".git").exists():
        _add_worktree(root, wt, base)
        return wt
    _reset_shared(wt, base)
    shutil.rmtree(wt / TASKS_DIR, ignore_errors=True)
    shutil.copytree(root / TASKS_DIR, wt / TASKS_DIR, ignore=shutil.ignore_patterns("__pycache__"))
    return wt


def _reset_shared(wt: Path, base: str) -> None:
    git(wt, "checkout", "--quiet", "--force", "--detach", base)
    git(wt, "clean", "-fdq")


def _why_failed(results: list[checks_mod.CheckResult]) -> str:
    failed = checks_mod.first_failure(results)
    if failed is None:
        return "no check could run (all 'not available')"
    lines = failed.output.strip().splitlines()
    named = [ln for ln in lines if ln.startswith(("FAILED ", "ERROR "))]
    # a linter's or the reviewer's first `file:line:` finding, not its summary line
    located = [ln for ln in lines if LOCATED.match(ln)][:1]
    last = (named or located or lines or ["(no output)"])[-1]
    return f"check '{failed.check.name}' failed: {last}"


def verify_task(root: Path, task: Task, base: str, keep: bool = False) -> Verdict:
    start = time.monotonic()
    commit = git(root, "rev-parse", "--verify", f"{base}^{{commit}}").strip()
    if task.needs_build:
        wt = _shared_worktree(root, commit)
        try:
            return _verify_in(wt, task, base, commit, start)
        finally:
            _reset_shared(wt, commit)
    wt = root / VERIFY_DIR / task.id
    _add_worktree(root, wt, commit)
    try:
        return _verify_in(wt, task, base, commit, start)
    finally:
        if not keep:
            remove_worktree(root, wt)


def _commit_setup(wt: Path, task: Task) -> str:
    """Commit setup.patch on the worktree's HEAD and check it out, as `./kit start` does."""
    patch = wt / TASKS_DIR / task.id / "setup.patch"
    message = gitrepo.setup_message(task.id, task.title)
    commit = gitrepo.commit_patch(wt, "HEAD", patch, message)
    git(wt, "checkout", "--quiet", "--detach", commit)
    return commit


def _commit_solution(wt: Path, task: Task) -> None:
    """Commit solution.patch on the worktree's HEAD and check it out, as a learner commits.

    The review step reads commits (see Note [One check plan] in plan.py).
    Raises PatchDoesNotApply when the patch is out of date.
    """
    patch = wt / TASKS_DIR / task.id / "solution.patch"
    message = f"solve {task.id}: {task.title} (reference solution, ./kit dev verify)"
    commit = gitrepo.commit_patch(wt, "HEAD", patch, message)
    git(wt, "checkout", "--quiet", "--detach", commit)


def _verify_in(wt: Path, task: Task, base: str, commit: str, start: float) -> Verdict:
    """Verify in the worktree `wt` at `commit` (what `base` names). See the module docstring."""

    def verdict(unsolved: str, solved: str, problem: str | None) -> Verdict:
        return Verdict(task, unsolved, solved, problem, time.monotonic() - start)

    task_base, base_name = commit, "the base commit"
    if task.has_setup:
        try:
            task_base, base_name = _commit_setup(wt, task), "the setup commit"
        except gitrepo.PatchDoesNotApply as e:
            return verdict("-", "-", f"setup.patch no longer applies to {base} ({e})")
    plan = check_plan(wt, task, build_env=("ATEN_MINI_NO_CUDA=1",))
    if checks_mod.passed(run_plan(wt, plan.only("build", "task"), task_base)):
        return verdict("passes", "-", "its checks pass without the solution")
    try:
        _commit_solution(wt, task)
    except gitrepo.PatchDoesNotApply as e:
        against = f"{base} + setup.patch" if task.has_setup else base
        return verdict("fails", "-", f"solution.patch no longer applies to {against} ({e})")
    solved = run_plan(wt, plan, task_base, base_name=base_name)
    if not checks_mod.passed(solved):
        return verdict("fails", "fails", f"fails with its solution: {_why_failed(solved)}")
    return verdict("fails", "passes", None)


# Note [One mypy cache for every verify worktree]
# The solved run lints (Note [One check plan] in plan.py), and mypy is the
# slow linter: cold, it reads all of torch's stubs again in each fresh
# worktree. So every check of a verify run shares one cache,
# `.kit/verify/mypy-cache` (MYPY_CACHE_DIR), unless the caller set one. mypy
# checks each cached module against the file's content, so a cache written
# in another worktree is only reused where the file is the same.
MYPY_CACHE = VERIFY_DIR / "mypy-cache"
LOCATED = re.compile(r"^[\w./-]+:\d+(:\d+)?: ")


@contextmanager
def _environ(extra: dict[str, str]) -> Iterator[None]:
    """`extra` set in os.environ (which checks inherit) for the block, then put back."""
    old = {k: os.environ.get(k) for k in extra}
    os.environ.update(extra)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def verify_all(
    root: Path, tasks: list[Task], base: str, on_done: Callable[[Verdict], None], keep: bool
) -> list[Verdict]:
    cache = {"MYPY_CACHE_DIR": os.environ.get("MYPY_CACHE_DIR") or str(root / MYPY_CACHE)}
    verdicts = []
    with _environ(cache):
        for task in tasks:
            verdicts.append(verify_task(root, task, base, keep))
            on_done(verdicts[-1])
    return verdicts
