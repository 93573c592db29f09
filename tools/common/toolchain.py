"""The build tools the kit runs (cmake, ninja): from .venv, where ./kit installs them."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from tools.common.errors import KitError
from tools.common.paths import ROOT


def default_jobs() -> str:
    """Parallel compile jobs: MAX_JOBS when set (the variable PyTorch's own build
    reads), else every CPU this process may run on (2 on the kit's CI machines,
    16 on the GPU machine, where a fixed -j2 made the build 3x slower)."""
    env = os.environ.get("MAX_JOBS", "").strip()
    if env:
        if not env.isdigit() or int(env) < 1:
            raise KitError(f"MAX_JOBS={env!r}: expected a whole number of jobs, 1 or more")
        return env
    return str(max(1, len(os.sched_getaffinity(0))))


def tool(name: str) -> str:
    """A build tool from .venv (where ./kit installs it), else from PATH."""
    for candidate in (ROOT / ".venv" / "bin" / name, Path(sys.executable).parent / name):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise KitError(f"{name} not found; run ./kit once to set up .venv with the pinned tools")
    return found
