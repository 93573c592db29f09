"""Terminal output shared by the kit commands: steps, errors, the repo root."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class KitError(Exception):
    """A failure the user can act on: printed as one `kit: error:` line, no traceback."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def info(message: str) -> None:
    print(f"kit: {message}", file=sys.stderr, flush=True)


def error(message: str) -> None:
    print(f"kit: error: {message}", file=sys.stderr, flush=True)


@contextmanager
def step(title: str) -> Iterator[None]:
    """Print a step's title, then its duration; name the step if it fails."""
    info(f"-> {title}")
    start = time.monotonic()
    try:
        yield
    except KitError as exc:
        raise KitError(f"step '{title}' failed: {exc}", exc.exit_code) from exc
    info(f"   done: {title} ({time.monotonic() - start:.1f}s)")


def run_process(cmd: Sequence[str], *, cwd: Path = ROOT, what: str, hint: str = "") -> None:
    """Run a command, streaming its output; raise KitError naming `what` on failure."""
    proc = subprocess.run(list(cmd), cwd=cwd)
    if proc.returncode != 0:
        message = f"{what} failed (exit {proc.returncode})"
        raise KitError(f"{message}; {hint}" if hint else message, proc.returncode)
