"""The files of the repository the linters look at: tracked or new, never ignored."""

from __future__ import annotations

from pathlib import Path

from tools.common.git import ls_files

CPP_SUFFIXES = (".cpp", ".h", ".cu", ".cuh", ".hpp")
# Jinja templates are named after the file they render but are not C++ yet:
# clang-format would mangle their `{% ... %}` blocks.
NOT_CPP_DIRS = ("torchgen_mini/templates/",)


def repo_files(root: Path) -> list[str]:
    """Paths (relative, `/`-separated) git tracks or would track, sorted."""
    names = ls_files(root, "--cached", "--others", "--exclude-standard")
    return sorted({n for n in names if (root / n).is_file()})


def tracked_files(root: Path) -> list[str]:
    """Paths git tracks (committed or staged)."""
    return sorted(n for n in ls_files(root, "--cached") if (root / n).is_file())


def cpp_files(root: Path) -> list[str]:
    return [
        f for f in repo_files(root) if f.endswith(CPP_SUFFIXES) and not f.startswith(NOT_CPP_DIRS)
    ]
