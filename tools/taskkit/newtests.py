"""The learner's own new tests: they must fail on the base and pass on the branch.

A PR that fixes a bug or adds an op comes with a test that shows it; a test
that also passes without the change proves nothing. So `./kit check` finds
the test files the branch adds (committed or not: `test/**/test_*.py` that
main lacks), runs them here (each must pass), then copies them into a scratch
worktree of main under `.kit/newtests/` and runs them there: each test that
passes on main too is reported as one that cannot fail. The scratch worktree
has no C++ build, so a test that skips there (needs_build) is reported as not
checked on main, never as a pass. See Note [Judging a new test on main].

"main" here is the task's base: main itself, or for a task with `setup.patch`
the setup commit `./kit start` made (see tools/taskkit/spec.py), so a test of
a planted bug must fail with the bug and pass without it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tools.common.git import git, remove_worktree
from tools.common.proc import checkout_env
from tools.taskkit import gitrepo
from tools.taskkit.checks import CheckResult
from tools.taskkit.spec import Check, Task

SCRATCH = Path(".kit") / "newtests"
NAME = "your new tests fail on main and pass here"
TIMEOUT_S = 900

# Note [Judging a new test on main]
# Per test function, from pytest's JUnit report of each run:
# - passed here and failed (or errored) on main: good, it shows the change;
# - passed on main: it cannot fail, reported by name;
# - skipped on main (no build there): not judged, and said so;
# - failed here: the branch does not pass its own test.
# A test file that main cannot even import (it imports a module the branch
# adds) fails there as a whole, which counts as failing on main.


def is_test_file(path: str) -> bool:
    p = PurePosixPath(path)
    return (
        p.parts[:1] == ("test",)
        and p.suffix == ".py"
        and (p.name.startswith("test_") or p.name.endswith("_test.py"))
    )


def added_test_files(root: Path, base: str = gitrepo.MAIN) -> list[str]:
    """Test files in the working tree that `base` does not have."""
    tracked = git(root, "diff", "--name-only", "--diff-filter=A", base)
    untracked = git(root, "ls-files", "--others", "--exclude-standard")
    files = {f for f in (tracked + untracked).splitlines() if f and is_test_file(f)}
    return sorted(f for f in files if (root / f).is_file())


@dataclass(frozen=True)
class Outcomes:
    passed: set[str]
    failed: set[str]
    skipped: set[str]


def run_pytest(root: Path, files: list[str]) -> Outcomes:
    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "junit.xml"
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0"]
        subprocess.run(
            [*cmd, *files, f"--junitxml={junit}"],
            cwd=root, env=checkout_env(root), capture_output=True, timeout=TIMEOUT_S, check=False,
        )  # fmt: skip
        return _outcomes(junit, files)


def _outcomes(junit: Path, files: list[str]) -> Outcomes:
    if not junit.is_file():
        return Outcomes(set(), set(files), set())
    passed, failed, skipped = set(), set(), set()
    for case in ET.parse(junit).iter("testcase"):
        name = f"{case.get('classname', '')}::{case.get('name', '')}"
        if case.find("failure") is not None or case.find("error") is not None:
            failed.add(name)
        elif case.find("skipped") is not None:
            skipped.add(name)
        else:
            passed.add(name)
    return Outcomes(passed, failed, skipped)


def on_main(root: Path, files: list[str], base: str = gitrepo.MAIN) -> Outcomes:
    """Run `files` in a scratch worktree of `base` (removed afterwards)."""
    wt = root / SCRATCH
    remove_worktree(root, wt)
    wt.parent.mkdir(parents=True, exist_ok=True)
    git(root, "worktree", "add", "--quiet", "--detach", str(wt), base)
    try:
        for f in files:
            (wt / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / f, wt / f)
        return run_pytest(wt, files)
    finally:
        remove_worktree(root, wt)


def judge(here: Outcomes, main: Outcomes, where: str = "main") -> tuple[bool, list[str]]:
    """Whether the new tests do their job, and one line per finding; `where` names the base."""
    lines = [f"fails on this branch: {t}" for t in sorted(here.failed)]
    lines += [
        f"cannot fail (passes on {where} too): {t}" for t in sorted(here.passed & main.passed)
    ]
    good = sorted(here.passed - main.passed - main.skipped)
    unjudged = sorted(here.passed & main.skipped)
    lines += [f"ok (fails on {where}, passes here): {t}" for t in good]
    lines += [f"not judged (skipped on {where}, which has no build): {t}" for t in unjudged]
    ok = not here.failed and not (here.passed & main.passed) and bool(here.passed)
    if not here.passed and not here.failed:
        lines.append("no test ran on this branch (all skipped?)")
    return ok, lines


def check_new_tests(
    root: Path, task: Task, base: str = gitrepo.MAIN, base_name: str | None = None
) -> CheckResult | None:
    """The result of the new-tests check, or None when the branch adds no test file.

    `base_name` names the base in the report; by default "main" for main and
    "the setup commit" for anything else (a task's setup commit).
    """
    files = added_test_files(root, base)
    if not files:
        return None
    start = time.monotonic()
    short = base_name or ("main" if base == gitrepo.MAIN else "the setup commit")
    where = "the task's setup commit" if short == "the setup commit" else short
    ok, lines = judge(run_pytest(root, files), on_main(root, files, base), where)
    name = NAME.replace("main", short)
    check = Check("command", name, ("pytest", *files), TIMEOUT_S, task.loc)
    output = f"new test files: {', '.join(files)}\n" + "\n".join(lines)
    return CheckResult(check, "passed" if ok else "failed", output, time.monotonic() - start)
