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

import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from tools.lint.adapters import CODES
from tools.lint.files import repo_files

ROOT = Path(__file__).resolve().parents[2]


# Note [Which files ./kit lint gives lintrunner]
# `lintrunner --all-files` lints the files git tracks, so a learner's new file
# that is not `git add`ed yet would go unlinted until CI, and lintrunner 0.13
# stops with "No such file or directory" on a tracked file deleted in the
# working tree. `./kit lint` has always linted the files that exist and git
# tracks or would track (tools/lint/files.py's repo_files), so it writes that
# list to .kit/lint-paths.txt and passes it with `--paths-from` (the command is
# printed, as run). `--changed` is plain `lintrunner`: the files changed since
# HEAD, upstream's default.
PATHS_FILE = Path(".kit") / "lint-paths.txt"


def lintrunner_command(
    names: Sequence[str] = (), fix: bool = False, changed: bool = False
) -> list[str]:
    """The lintrunner command line for `./kit lint [NAMES] [--fix] [--changed]`."""
    cmd = ["lintrunner"]
    if not changed:
        cmd += ["--paths-from", PATHS_FILE.as_posix()]
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


# Note [./kit lint prints lintrunner's messages as findings]
# lintrunner's own output is a block per message with source context, which
# is good in a terminal and bad for everything else that reads `./kit lint`:
# editors jump to `path:line:col:` lines, the check plan quotes the first
# failing line, the kit's tests compare findings. So `./kit lint` asks for
# `--output json` and prints each message as the kit always printed a
# finding, `path:line:col: CODE message` (a whole-file fix as line 1, col 1),
# then one summary line with the count; `lintrunner` itself, run by hand,
# shows the same messages with context and the fixes as diffs.
def finding_line(message: dict[str, object]) -> str:
    """One lintrunner JSON message as `path:line:col: CODE description`."""
    path = message.get("path") or "."
    line = message.get("line") or 1
    col = message.get("char") or 1
    name = message.get("name") or message.get("code") or "LINT"
    text = str(message.get("description") or "").replace("\n", " ").strip()
    return f"{path}:{line}:{col}: {name} {text}".rstrip()


def parse_output(stdout: str) -> list[str]:
    """The finding lines of lintrunner's `--output json` (other lines kept as they are)."""
    found = []
    for raw in stdout.splitlines():
        if not raw.strip():
            continue
        try:
            message = json.loads(raw)
        except json.JSONDecodeError:
            found.append(raw)
            continue
        found.append(finding_line(message) if isinstance(message, dict) else raw)
    return sorted(found)


# Note [lintrunner init, once per checkout]
# lintrunner warns on every run until `lintrunner init` has run for this
# config. `./kit lint` runs it (offline: tools/lint/adapters/init.py only
# checks the pinned packages) the first time in a checkout and again when
# .lintrunner.toml changes, and remembers that in .kit/lintrunner-init.
def ensure_init(exe: str, root: Path, env: dict[str, str]) -> None:
    config = root / ".lintrunner.toml"
    if not config.is_file():
        return
    digest = hashlib.sha256(config.read_bytes()).hexdigest()
    stamp = root / ".kit" / "lintrunner-init"
    if stamp.is_file() and stamp.read_text().strip() == digest:
        return
    print("kit: lintrunner init", file=sys.stderr, flush=True)
    proc = subprocess.run(
        [exe, "init"], cwd=root, env=env, capture_output=True, text=True, check=False
    )
    if proc.returncode == 0:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(digest + "\n")
    else:
        sys.stderr.write(proc.stderr)


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
    ensure_init(exe, root, env)
    if not changed:
        (root / PATHS_FILE).parent.mkdir(parents=True, exist_ok=True)
        (root / PATHS_FILE).write_text("".join(f"{p}\n" for p in repo_files(root)))

    def once(cmd: list[str]) -> tuple[int, list[str]]:
        cmd = [*cmd, "--output", "json"]
        print(f"kit: {shown(cmd)}", file=sys.stderr, flush=True)
        proc = subprocess.run(
            [exe, *cmd[1:]], cwd=root, env=env, stdout=subprocess.PIPE, text=True, check=False
        )
        return proc.returncode, parse_output(proc.stdout)

    start = time.monotonic()
    # With -a, fixes of two linters to one file conflict (each is the whole
    # file): lintrunner applies one, and a fix can leave work for another
    # (ruff drops an import, ruff format then owes a blank line), while the
    # messages it prints are those from before its patches. So `--fix` runs
    # `lintrunner -a` until it is clean, three runs at most, and when it is not,
    # one plain run says what is left: that run's status is the answer.
    returncode, found = 1, list[str]()
    for _ in range(3 if fix else 0):
        returncode, found = once(lintrunner_command(names, True, changed))
        if returncode == 0:
            break
    if returncode != 0:
        returncode, found = once(lintrunner_command(names, False, changed))
    for line in found:
        print(line, flush=True)
    took = time.monotonic() - start
    chosen = ", ".join(names or CODES)
    if returncode == 0 and not found:
        status = "clean"
    else:
        status = f"{len(found)} finding(s), lintrunner exit {returncode}"
        status += (
            "; `lintrunner` shows them in context, `./kit lint --fix` (lintrunner -a) fixes some"
        )
    print(f"lint: {chosen}: {status} ({took:.1f}s)", file=sys.stderr)
    return returncode if returncode != 0 or not found else 1
