"""SIGINT or SIGTERM to a kit command stops everything it started.

See Note [Interrupting a kit command] in tools/kit/interrupt.py. `./kit build`
runs in a scratch copy of tools/ whose .venv/bin/cmake is a stand-in that
starts a tree like cmake -> ninja -> compilers: one child in the kit's
process group, one in a session of its own (as ninja starts compilers), and
one that ignores SIGINT and SIGTERM (only SIGKILL stops it). Every process
of the tree must be gone when the kit exits.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tools.kit import interrupt

ROOT = Path(__file__).resolve().parents[2]

FAKE_CMAKE = """\
#!/bin/bash
# A stand-in for `cmake --build`: records the pid of every process it starts.
pids="$KIT_TEST_PIDS"
setsid sleep 300 &
echo $! >>"$pids"
bash -c 'trap "" INT TERM; sleep 300 & echo $! >>"$0"; wait' "$pids" &
echo $! >>"$pids"
sleep 300 &
echo $! >>"$pids"
echo $$ >>"$pids"
wait
"""
STARTED = 5  # pids FAKE_CMAKE writes (the stubborn bash's sleep included)


def fake_checkout(root: Path) -> Path:
    """tools/ copied (ROOT follows from it), the codegen inputs linked, a fake cmake."""
    shutil.copytree(ROOT / "tools", root / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("torchgen_mini", "aten_mini", "native_functions.yaml", "tags.yaml"):
        (root / name).symlink_to(ROOT / name)
    (root / "build").mkdir()
    (root / "build" / "build.ninja").write_text("")  # configured: `cmake --build` only
    cmake = root / ".venv" / "bin" / "cmake"
    cmake.parent.mkdir(parents=True)
    cmake.write_text(FAKE_CMAKE)
    cmake.chmod(0o755)
    return root


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def wait_for_lines(path: Path, n: int, timeout: float) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = path.read_text().split() if path.exists() else []
        if len(lines) >= n:
            return [int(x) for x in lines]
        time.sleep(0.05)
    raise AssertionError(f"the fake build started {path.read_text()!r} within {timeout}s")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["INT", "TERM"])
def test_signal_to_build_stops_every_process_it_started(tmp_path: Path, signum: int) -> None:
    root = fake_checkout(tmp_path / "kit")
    pids_file = tmp_path / "pids"
    env = {**os.environ, "KIT_TEST_PIDS": str(pids_file)}
    kit = subprocess.Popen(
        [sys.executable, "-m", "tools.kit", "build"],
        cwd=root,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a signal of ours, not one from pytest's terminal
    )
    pids = wait_for_lines(pids_file, STARTED - 1, timeout=60)
    started = time.monotonic()
    kit.send_signal(signum)
    _, stderr = kit.communicate(timeout=30)
    took = time.monotonic() - started
    assert kit.returncode == 128 + signum, stderr
    assert f"kit: error: interrupted ({signal.Signals(signum).name})" in stderr
    assert "Traceback" not in stderr
    pids = [int(x) for x in pids_file.read_text().split()]
    assert len(pids) == STARTED
    assert [p for p in pids if alive(p)] == []
    # The stubborn bash and its sleep needed SIGKILL after the grace period.
    assert interrupt.GRACE_S <= took < interrupt.GRACE_S + 10
    assert "; 2 process(es) did not stop in time and were killed" in stderr


def test_descendants_finds_grandchildren() -> None:
    cmd = ["bash", "-c", "sleep 30 & echo $!; wait"]
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) as child:
        assert child.stdout is not None
        grandchild = int(child.stdout.readline())
        try:
            found = interrupt.descendants()
            assert child.pid in found and grandchild in found
        finally:
            os.kill(grandchild, signal.SIGKILL)
