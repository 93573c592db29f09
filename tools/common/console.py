"""Terminal output shared by the kit's tools: `kit:` lines on stderr, timed steps."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from tools.common.errors import KitError


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
