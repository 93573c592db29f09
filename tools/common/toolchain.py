"""The build tools the kit runs (cmake, ninja): from .venv, where ./kit installs them."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from tools.common.errors import KitError
from tools.common.paths import ROOT

JOBS = "2"  # these machines have 2 cores, shared


def tool(name: str) -> str:
    """A build tool from .venv (where ./kit installs it), else from PATH."""
    for candidate in (ROOT / ".venv" / "bin" / name, Path(sys.executable).parent / name):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise KitError(f"{name} not found; run ./kit once to set up .venv with the pinned tools")
    return found
