"""Running a subprocess: streamed with a KitError on failure, or in a checkout's environment."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from tools.common.errors import KitError
from tools.common.paths import ROOT


def run_process(cmd: Sequence[str], *, cwd: Path = ROOT, what: str, hint: str = "") -> None:
    """Run a command, streaming its output; raise KitError naming `what` on failure."""
    proc = subprocess.run(list(cmd), cwd=cwd)
    if proc.returncode != 0:
        message = f"{what} failed (exit {proc.returncode})"
        raise KitError(f"{message}; {hint}" if hint else message, proc.returncode)


# pytest prints untruncated short summaries when it sees these variables, so a
# check's output (and the hint shown with it) would differ between a learner's
# machine and CI. Checks run without them: the same output everywhere.
CI_MARKERS = ("CI", "BUILD_NUMBER")


def checkout_env(root: Path) -> dict[str, str]:
    """The environment a child runs in: the checkout `root`'s code before any other."""
    paths = [str(root), str(root / "python")]
    if os.environ.get("PYTHONPATH"):
        paths.append(os.environ["PYTHONPATH"])
    env = {k: v for k, v in os.environ.items() if k not in CI_MARKERS}
    return {**env, "PYTHONPATH": os.pathsep.join(paths), "PYTHONHASHSEED": "0"}
