"""The one wrapper around the `git` executable; every tool runs git through it.

`git` returns stdout as text, `git_bytes` as bytes (file contents and diffs,
decoded by the caller), `git_succeeds` answers a yes/no question (a ref
exists, a path exists at a ref) by the exit status. A failure raises
`GitError`, a `KitError` whose message is `git <command> failed: <reason>`,
the reason being git's own last line of error output (git prints `fatal:` or
`error:` last, after any hints).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tools.common.errors import KitError


class GitError(KitError):
    """git exited non-zero; the message names the git command and git's reason."""


def run_git(
    root: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run `git args` in `root` (with `env` added to the environment); never raises on exit."""
    return subprocess.run(
        ["git", *args],
        cwd=root,
        capture_output=True,
        check=False,
        env={**os.environ, **env} if env else None,
    )


def reason(proc: subprocess.CompletedProcess[bytes]) -> str:
    """git's last line of error output (stdout if stderr is empty), else the exit status."""
    text = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip()
    lines = text.splitlines()
    return lines[-1] if lines else f"exit {proc.returncode}"


def git_bytes(root: Path, *args: str, env: dict[str, str] | None = None) -> bytes:
    """Run git in `root`; its stdout as bytes, or GitError with git's reason."""
    proc = run_git(root, *args, env=env)
    if proc.returncode != 0:
        raise GitError(f"git {args[0]} failed: {reason(proc)}")
    return proc.stdout


def git(root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run git in `root`; its stdout as text, or GitError with git's reason."""
    return git_bytes(root, *args, env=env).decode("utf-8", "replace")


def git_succeeds(root: Path, *args: str) -> bool:
    """Whether `git args` exits 0 (for questions: does this ref, this path exist)."""
    return run_git(root, *args).returncode == 0


def toplevel(start: Path) -> Path:
    """The root of the checkout `start` is in; KitError when it is in none."""
    proc = run_git(start, "rev-parse", "--show-toplevel")
    if proc.returncode != 0:
        raise KitError(f"{start} is not inside a git checkout; run ./kit from your clone")
    return Path(proc.stdout.decode("utf-8", "replace").strip())


def ls_files(root: Path, *args: str) -> list[str]:
    """The paths `git ls-files -z args` names (relative, `/`-separated), [] outside a checkout."""
    proc = run_git(root, "ls-files", "-z", *args)
    if proc.returncode != 0:
        return []
    return [n for n in proc.stdout.decode("utf-8", "replace").split("\0") if n]


def remove_worktree(root: Path, path: Path) -> None:
    """Remove the scratch worktree at `path` (if any, even a half-made one) and prune."""
    if path.exists():
        run_git(root, "worktree", "remove", "--force", str(path))
        shutil.rmtree(path, ignore_errors=True)
    git(root, "worktree", "prune")
