"""The files of the repository the linters look at: tracked or new, never ignored."""

from __future__ import annotations

import subprocess
from pathlib import Path

CPP_SUFFIXES = (".cpp", ".h", ".cu", ".cuh", ".hpp")
# Jinja templates are named after the file they render but are not C++ yet:
# clang-format would mangle their `{% ... %}` blocks.
NOT_CPP_DIRS = ("torchgen_mini/templates/",)


def repo_files(root: Path) -> list[str]:
    """Paths (relative, `/`-separated) git tracks or would track, sorted."""
    proc = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=root,
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        return []
    names = proc.stdout.decode("utf-8", "replace").split("\0")
    return sorted({n for n in names if n and (root / n).is_file()})


def tracked_files(root: Path) -> list[str]:
    """Paths git tracks (committed or staged)."""
    proc = subprocess.run(
        ["git", "ls-files", "--cached", "-z"], cwd=root, capture_output=True, check=False
    )
    names = proc.stdout.decode("utf-8", "replace").split("\0")
    return sorted(n for n in names if n and (root / n).is_file())


def cpp_files(root: Path) -> list[str]:
    return [
        f for f in repo_files(root) if f.endswith(CPP_SUFFIXES) and not f.startswith(NOT_CPP_DIRS)
    ]
