"""Installing the pre-commit hook (`.pre-commit-config.yaml`) into the clone.

The hooks are `language: system` local hooks that run the tools in `.venv`,
so they work offline and need nothing beyond `./kit`'s own bootstrap.
`offer_install()` is what `./kit` calls on bootstrap: it asks first (or takes
`--yes`), and never installs silently.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def hooks_installed(root: Path = ROOT) -> bool:
    hook = root / ".git" / "hooks" / "pre-commit"
    return hook.is_file() and "pre-commit" in hook.read_text(errors="replace")


def install_hooks(root: Path = ROOT) -> int:
    exe = Path(sys.executable).parent / "pre-commit"
    cmd = [str(exe) if exe.is_file() else "pre-commit", "install", "--hook-type", "pre-commit"]
    try:
        proc = subprocess.run(cmd, cwd=root, check=False)
    except FileNotFoundError:
        print("kit: error: pre-commit is not installed; run ./kit to set up .venv", file=sys.stderr)
        return 1
    return proc.returncode


def offer_install(assume_yes: bool = False, root: Path = ROOT) -> int:
    """Ask the learner whether to install the hook (default no when not a terminal)."""
    if hooks_installed(root):
        return 0
    if not assume_yes:
        if not sys.stdin.isatty():
            return 0
        answer = input("kit: install the git pre-commit hook (runs ./kit lint checks)? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("kit: skipped; `./kit lint --install-hooks` installs it later", file=sys.stderr)
            return 0
    return install_hooks(root)
