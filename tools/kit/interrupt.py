"""What a kit command does on SIGINT, SIGTERM or SIGHUP: stop, and take its processes with it.

See Note [Interrupting a kit command]. `install()` is called once when
`python -m tools.kit` starts (not when a test calls `main()` in-process);
`stop_descendants()` runs when the interrupt has unwound the command.
"""

from __future__ import annotations

import ctypes
import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

# Note [Interrupting a kit command]
# `./kit build` runs cmake, which runs ninja, which runs compilers, each in
# its own process group (ninja does that so a ^C reaches only itself). A ^C
# at the terminal, a `kill -INT`, or SIGTERM from a CI runner or an IDE must
# stop all of them, or ninja keeps compiling into build/ behind the learner's
# back and races the next build. Python alone does not: SIGTERM kills it
# without any cleanup, and on SIGINT subprocess.run kills only the direct
# child, whose children live on.
# So the kit (1) makes itself a child subreaper (Linux prctl), so that a
# process whose parent dies is re-parented to the kit rather than to init and
# stays findable; (2) on SIGINT, SIGTERM or SIGHUP, passes the signal at once
# to every process below it (found through /proc; ninja then stops its
# compilers the way it does on ^C), and raises `Interrupted`, a
# KeyboardInterrupt, so the command unwinds as on ^C; (3) once unwound,
# waits up to GRACE_S seconds for everything below it to exit, sending
# SIGTERM to any process it has not sent SIGTERM yet (one that ignores
# SIGINT, as the background jobs of a script do, or one orphaned since),
# then SIGKILL to what is left. A second signal during that wait means "now": SIGKILL at once. The
# exit status is 128 + the signal's number (130 for ^C). Where there is no
# /proc (not Linux), only the direct children are stopped, by subprocess.
GRACE_S = 3.0
_PR_SET_CHILD_SUBREAPER = 36
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(KeyboardInterrupt):
    """A kit command stopped by a signal; `signum` is which."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


_sent: dict[int, int] = {}  # pid -> the last signal we sent it
_hurry = [False]


def install() -> None:
    """Become a subreaper and turn SIGINT/SIGTERM/SIGHUP into `Interrupted`."""
    _become_subreaper()
    for signum in SIGNALS:
        signal.signal(signum, _on_signal)


def _become_subreaper() -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: descendants are found as far as /proc allows
        pass


def _on_signal(signum: int, frame: FrameType | None) -> None:
    pids = descendants()
    if signum == signal.SIGINT:  # a ^C has reached our own process group already
        pids = [p for p in pids if _pgid(p) != os.getpgrp()]
    _send(pids, signum)
    raise Interrupted(signum)


def _pgid(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return None


@contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP until the block is done.

    For steps that must not stop half-way (a branch created but not
    recorded). The processes the block starts inherit the hold, so a ^C at
    the terminal does not stop them either; a signal that came meanwhile
    takes effect when the block ends.
    """
    old = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _on_second_signal(signum: int, frame: FrameType | None) -> None:
    _hurry[0] = True


def installed() -> bool:
    return signal.getsignal(signal.SIGTERM) is _on_signal


def exit_status(exc: KeyboardInterrupt) -> int:
    """128 + the signal's number (a KeyboardInterrupt not of ours counts as SIGINT)."""
    return 128 + _signum(exc)


def signal_name(exc: KeyboardInterrupt) -> str:
    return signal.Signals(_signum(exc)).name


def _signum(exc: KeyboardInterrupt) -> int:
    return exc.signum if isinstance(exc, Interrupted) else int(signal.SIGINT)


def stop_descendants(grace_s: float = GRACE_S) -> list[int]:
    """Wait for every process below this one to exit, killing the slow; returns those killed."""
    for signum in SIGNALS:
        signal.signal(signum, _on_second_signal)
    deadline = time.monotonic() + grace_s
    killed: list[int] = []
    while True:
        _reap()
        left = descendants()
        if not left:
            return killed
        if _hurry[0] or time.monotonic() > deadline:
            _send(left, signal.SIGKILL)
            killed += left
        else:
            _send([p for p in left if _sent.get(p) != signal.SIGTERM], signal.SIGTERM)
        time.sleep(0.05)


def _send(pids: list[int], signum: int) -> None:
    for pid in pids:
        try:
            os.kill(pid, signum)
            _sent[pid] = signum
        except ProcessLookupError:
            pass


def _reap() -> None:
    """Collect exited children (orphans re-parented to us included), so they leave /proc."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def descendants(root: int | None = None) -> list[int]:
    """Every live (not zombie) process below `root` (default: this one), from /proc."""
    children: dict[int, list[int]] = {}
    for pid, ppid in _processes():
        children.setdefault(ppid, []).append(pid)
    found: list[int] = []
    todo = [os.getpid() if root is None else root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _processes() -> list[tuple[int, int]]:
    """(pid, parent pid) of every live process; empty without /proc."""
    result = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile, or no /proc
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] != "Z":
            result.append((int(entry.name), int(fields[1])))
    return result
