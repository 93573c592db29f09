"""The plan of checks of a task, and running it: one plan for every caller.

`./kit check` (a learner's branch, and CI's task-check workflow, which runs
`./kit check <id>`) and `./kit dev verify` (every reference solution) call
`check_plan` and `run_plan`, so verify checks exactly what a learner's check
runs. See Note [One check plan].
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from tools.taskkit import checks as checks_mod
from tools.taskkit import gitrepo, newtests
from tools.taskkit.checks import CheckResult
from tools.taskkit.spec import DEFAULT_TIMEOUT_S, Check, Task

# Note [One check plan]
# A task is decided by, in this order:
# 1. "build": an incremental `./kit build`, when the task needs the C++
#    extension (and the checkout has `./kit build`); when it fails nothing
#    else runs: every other check would fail for the same reason;
# 2. "task": the checks of its task.yaml, in the order written;
# 3. "kit-wide": `./kit lint` and the review bot on the branch's commits, as
#    CI and a PR reviewer would run them, unless task.yaml lists a check of
#    that kind already (then the task decides where it runs);
# 4. the learner's new tests (tools/taskkit/newtests.py): test files the
#    branch adds must fail on the base and pass here; a branch that adds none
#    is not failed for it (a note says so).
# `dev verify` runs the whole plan on the solved task. On the unsolved task it
# runs only steps 1 and 2: "unsolved must fail" asks whether the task's own
# checks notice the missing work; lint and review of a branch with no commits
# would fail for a reason that says nothing about the task.

Role = Literal["build", "task", "kit-wide"]


@dataclass(frozen=True)
class Step:
    check: Check
    role: Role


@dataclass(frozen=True)
class Plan:
    task: Task
    steps: tuple[Step, ...]
    new_tests: bool = True

    def only(self, *roles: Role) -> Plan:
        """The plan with only the steps of these roles, and no new-tests step."""
        return replace(self, steps=tuple(s for s in self.steps if s.role in roles), new_tests=False)


def kit_wide_checks(task: Task) -> list[Check]:
    """Lint and review run for every task; a task.yaml that lists them decides where."""
    listed = {c.kind for c in task.checks}
    wide = [
        Check("lint", "./kit lint (the linters CI runs)", (), DEFAULT_TIMEOUT_S, task.loc),
        Check("review", "review bot on your commits", (), DEFAULT_TIMEOUT_S, task.loc),
    ]
    return [c for c in wide if c.kind not in listed]


def build_check(root: Path, task: Task, env: Sequence[str] = ()) -> Check | None:
    """The incremental build of `root`, when the task needs one and the checkout can build.

    `env` (`NAME=value` items) is set for the build only: `dev verify` builds
    without CUDA (see Note [One build for every C++ task] in verify.py).
    """
    cmd = checks_mod.build_command(root)
    if not task.needs_build or cmd is None:
        return None
    argv = ("env", *env, *cmd) if env else tuple(cmd)
    return Check("command", "build (incremental)", argv, 7200, task.loc)


def check_plan(
    root: Path, task: Task, *, build: bool = True, build_env: Sequence[str] = ()
) -> Plan:
    """The ordered checks of `task` in the checkout `root`. See Note [One check plan]."""
    steps: list[Step] = []
    built = build_check(root, task, build_env) if build else None
    if built is not None:
        steps.append(Step(built, "build"))
    steps += [Step(c, "task") for c in task.checks]
    steps += [Step(c, "kit-wide") for c in kit_wide_checks(task)]
    return Plan(task, tuple(steps))


def _quiet(_: str) -> None:
    pass


def run_plan(
    root: Path,
    plan: Plan,
    base: str | None,
    *,
    base_name: str | None = None,
    say: Callable[[str], None] = _quiet,
) -> list[CheckResult]:
    """Run the plan in `root`, comparing with `base`; `say` hears each step's title and notes.

    `base` is what the branch's work is compared with (see `session.task_base`);
    `base_name` is how the new-tests check names it (default: from `base`).
    """
    results: list[CheckResult] = []
    for step in plan.steps:
        say(f"-> {step.check.name}")
        results.append(checks_mod.run_check(root, step.check, base))
        if step.role == "build" and results[-1].status == "failed":
            return results
    if plan.new_tests:
        say(f"-> {newtests.NAME}")
        found = newtests.check_new_tests(root, plan.task, base or gitrepo.MAIN, base_name)
        if found is None:
            say("   (this branch adds no test file under test/; a PR usually does)")
        else:
            results.append(found)
    return results
