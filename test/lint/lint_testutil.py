"""Helpers shared by the linter tests."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git_repo(tmp_path: Path, files: dict[str, str]) -> Path:
    """A git repository in `tmp_path` holding `files` (path -> text), untracked."""
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path
