"""Running a task's checks in a checkout, and what `./kit check` reports.

Each check runs as a subprocess in the checkout being checked (the learner's
clone, or a scratch worktree of `dev verify`), with that checkout first on
PYTHONPATH, so the code under test is always the checkout's own. `lint` and
`review` run `./kit lint` / `./kit review` of that checkout when it has them;
when it does not, the check is "not available yet": it neither passes nor
fails, and the report says so.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tools.common.proc import checkout_env
from tools.taskkit.spec import Check

Status = Literal["passed", "failed", "not available"]
TAIL_LINES = 30


@dataclass(frozen=True)
class CheckResult:
    check: Check
    status: Status
    output: str
    seconds: float

    def tail(self, lines: int = TAIL_LINES) -> str:
        return "\n".join(self.output.rstrip().splitlines()[-lines:])


def _kit_command(root: Path, name: str) -> list[str] | None:
    if not (root / "tools" / "kit" / "commands" / f"{name}.py").is_file():
        return None
    return [sys.executable, "-m", "tools.kit", name]


def command_for(root: Path, check: Check, base: str | None = None) -> list[str] | None:
    """The command line of a check, or None when this checkout cannot run it yet.

    `base` is what the branch is compared with (the task's setup commit, see
    tools/taskkit/spec.py); the review check reviews the commits after it.
    """
    if check.kind == "pytest":
        return [sys.executable, "-m", "pytest", *check.argv]
    if check.kind == "mutants":  # tools/taskkit/mutants.py, when the checkout has it
        if not (root / "tools" / "taskkit" / "mutants.py").is_file():
            return None
        return [sys.executable, "-m", "tools.taskkit.mutants", str(check.mutants), *check.argv]
    if check.kind == "command":
        first = sys.executable if check.argv[0] == "python" else check.argv[0]
        return [first, *check.argv[1:]]
    cmd = _kit_command(root, check.kind)
    if cmd is not None and check.kind == "review" and base is not None:
        cmd += ["--base", base]
    return cmd


def run_check(root: Path, check: Check, base: str | None = None) -> CheckResult:
    cmd = command_for(root, check, base)
    if cmd is None:
        why = f"this checkout has no `./kit {check.kind}` yet, so it was not run"
        return CheckResult(check, "not available", why, 0.0)
    start = time.monotonic()
    try:
        proc = subprocess.run(
            cmd,
            cwd=root,
            env=checkout_env(root),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            timeout=check.timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as e:
        out = e.output if isinstance(e.output, str) else ""
        msg = f"{out}\n[kit: stopped after {check.timeout}s (the check's timeout)]"
        return CheckResult(check, "failed", msg, time.monotonic() - start)
    except OSError as e:
        return CheckResult(check, "failed", f"could not run {cmd[0]}: {e.strerror}", 0.0)
    status: Status = "passed" if proc.returncode == 0 else "failed"
    return CheckResult(check, status, proc.stdout, time.monotonic() - start)


def passed(results: Sequence[CheckResult]) -> bool:
    """All checks that could run passed, and at least one ran."""
    ran = [r for r in results if r.status != "not available"]
    return bool(ran) and all(r.status == "passed" for r in ran)


def first_failure(results: Sequence[CheckResult]) -> CheckResult | None:
    return next((r for r in results if r.status == "failed"), None)


def build_command(root: Path) -> list[str] | None:
    """`./kit build` of this checkout (incremental), or None before it exists."""
    return _kit_command(root, "build")
