"""`./kit lint` as a front over lintrunner, PyTorch's linter driver.

`lintrunner_command(...)` is the upstream command line for a `./kit lint`
invocation; `run_lintrunner(...)` prints it, runs it with .venv/bin first on
PATH (so `.lintrunner.toml`'s `python3` is the kit's interpreter and the
pinned tools are found) and returns its exit status. Without lintrunner
installed it says so and returns None: the callers then run the kit's
built-in runner (`tools.lint.run`, the same linter functions), so `./kit lint`
never stops on a half-installed `.venv`.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from tools.lint.adapters import CODES

ROOT = Path(__file__).resolve().parents[2]


# Note [Which files ./kit lint gives lintrunner]
# `lintrunner --all-files` lints the files git tracks, so a learner's new file
# that is not `git add`ed yet would go unlinted until CI. `./kit lint` has
# always linted tracked and untracked-but-not-ignored files, so it passes
# lintrunner that list with `--paths-cmd` (the command is printed, as run).
# `--changed` is plain `lintrunner`: the files changed since HEAD, upstream's
# default.
ALL_FILES = "git ls-files --cached --others --exclude-standard"


def lintrunner_command(
    names: Sequence[str] = (), fix: bool = False, changed: bool = False
) -> list[str]:
    """The lintrunner command line for `./kit lint [NAMES] [--fix] [--changed]`."""
    cmd = ["lintrunner"]
    if not changed:
        cmd += ["--paths-cmd", ALL_FILES]
    if names:
        cmd += ["--take", ",".join(CODES[n] for n in names)]
    if fix:
        cmd.append("-a")
    return cmd


def shown(cmd: Sequence[str]) -> str:
    return " ".join(shlex.quote(c) for c in cmd)


def _bin_dir() -> Path:
    return Path(sys.executable).parent


def lintrunner_path() -> str | None:
    candidate = _bin_dir() / "lintrunner"
    return str(candidate) if candidate.is_file() else shutil.which("lintrunner")


def run_lintrunner(
    names: Sequence[str] = (), fix: bool = False, changed: bool = False, root: Path = ROOT
) -> int | None:
    """lintrunner's exit status; None when it is not installed (the caller falls back)."""
    exe = lintrunner_path()
    if exe is None:
        print(
            "kit: lintrunner is not installed (requirements.txt pins it; ./kit installs it); "
            "running the kit's built-in lint runner instead",
            file=sys.stderr,
        )
        return None
    env = dict(os.environ, PATH=f"{_bin_dir()}{os.pathsep}{os.environ.get('PATH', '')}")

    def once(cmd: list[str]) -> int:
        print(f"kit: {shown(cmd)}", file=sys.stderr, flush=True)
        return subprocess.run([exe, *cmd[1:]], cwd=root, env=env, check=False).returncode

    start = time.monotonic()
    # With -a, fixes of two linters to one file conflict (each is the whole
    # file): lintrunner applies one, and a fix can leave work for another
    # (ruff drops an import, ruff format then owes a blank line), while the
    # messages it prints are those from before its patches. So `--fix` runs
    # `lintrunner -a` until it is clean, three runs at most, and when it is not,
    # one plain run says what is left: that run's status is the answer.
    returncode = 1
    for _ in range(3 if fix else 0):
        returncode = once(lintrunner_command(names, True, changed))
        if returncode == 0:
            break
    if returncode != 0:
        returncode = once(lintrunner_command(names, False, changed))
    took = time.monotonic() - start
    chosen = ", ".join(names or CODES)
    if returncode == 0:
        status = "clean"
    elif fix:
        status = f"lintrunner exit {returncode}: what it could not fix is listed above"
    else:
        status = (
            f"lintrunner exit {returncode}: problems listed above; "
            "`./kit lint --fix` (= `lintrunner -a`) applies the fixes it shows"
        )
    print(f"lint: {chosen}: {status} ({took:.1f}s)", file=sys.stderr)
    return returncode
