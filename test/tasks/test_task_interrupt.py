"""`./kit start` and `./kit reset` cut short: nothing half-done, and no learner work lost.

`./kit start` runs as a real process (`python -m tools.kit`, signal handling
installed) in a throw-away repository, with a stand-in `git` first on PATH
that runs the real git and then, once, at a chosen git command, waits (for
the test to send a signal) or SIGKILLs the kit. See Note [An interrupted
start] in tools/kit/commands/start.py. The reset test checks that the backup
keeps both the staged and the unstaged version of a file.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from taskrepo import KIT_ENV, git, kit, make_repo, normalise

ROOT = Path(__file__).resolve().parents[2]
TASK = "01-fix-greeting"
BRANCH = f"task/{TASK}"

FAKE_GIT = """\
#!/bin/bash
# The real git, then once (at $KIT_TEST_AT) $KIT_TEST_DO: wait for a signal, or kill the kit.
"$KIT_TEST_GIT" "$@"
rc=$?
if [ "$1" = "$KIT_TEST_AT" ] && mkdir "$KIT_TEST_MARK" 2>/dev/null; then
    case "$KIT_TEST_DO" in
    wait) sleep 2 ;;
    kill) kill -KILL "$PPID" ;;
    esac
fi
exit $rc
"""


def fake_git(tmp: Path) -> Path:
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    (bin_dir / "git").write_text(FAKE_GIT)
    (bin_dir / "git").chmod(0o755)
    return bin_dir


def start_kit(repo: Path, tmp: Path, at: str, do: str) -> subprocess.Popen[str]:
    real = shutil.which("git")
    assert real is not None
    env = {
        **os.environ,
        **KIT_ENV,
        "PATH": f"{fake_git(tmp)}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
        "KIT_TEST_GIT": real,
        "KIT_TEST_AT": at,
        "KIT_TEST_DO": do,
        "KIT_TEST_MARK": str(tmp / "reached"),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tools.kit", "start", "1"],
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def wait_for(path: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"the kit never reached {path.name}"
        time.sleep(0.02)


def recorded(repo: Path) -> str:
    path = repo / ".kit" / "progress.json"
    if not path.exists():
        return "new"
    state = json.loads(path.read_text())["tasks"].get(TASK)
    return "new" if state is None else str(state["status"])


def branches(repo: Path) -> list[str]:
    return git(repo, "branch", "--format=%(refname:short)").split()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["INT", "TERM"])
def test_signal_before_the_branch_leaves_nothing(repo: Path, tmp_path: Path, signum: int) -> None:
    proc = start_kit(repo, tmp_path, at="status", do="wait")  # the dirty-tree check
    wait_for(tmp_path / "reached")
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + signum, err
    assert f"interrupted ({signal.Signals(signum).name})" in err and "Traceback" not in err
    assert branches(repo) == ["main"] and recorded(repo) == "new"
    rc, out, _ = kit(repo, "start", "1")
    assert rc == 0 and "greet() is impolite" in out, out
    assert git(repo, "branch", "--show-current").strip() == BRANCH and recorded(repo) == "started"


def test_signal_during_the_switch_finishes_the_start(repo: Path, tmp_path: Path) -> None:
    proc = start_kit(repo, tmp_path, at="switch", do="wait")
    wait_for(tmp_path / "reached")
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    # The signal waited for the branch and its progress entry: both are there.
    assert git(repo, "branch", "--show-current").strip() == BRANCH
    assert recorded(repo) == "started"
    assert git(repo, "status", "--porcelain") == ""


def test_kill_after_the_switch_is_finished_by_the_next_start(repo: Path, tmp_path: Path) -> None:
    proc = start_kit(repo, tmp_path, at="switch", do="kill")
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert git(repo, "branch", "--show-current").strip() == BRANCH and recorded(repo) == "new"
    rc, out, err = kit(repo, "start", "1")
    assert rc == 0, err
    assert "finishing an interrupted start of this task" in err
    assert recorded(repo) == "started" and out.strip()  # the issue is printed
    assert kit(repo, "start", "1")[0] == 1  # now it is started: a second start refuses


def test_kill_after_the_switch_then_start_from_main(repo: Path, tmp_path: Path) -> None:
    proc = start_kit(repo, tmp_path, at="switch", do="kill")
    proc.communicate(timeout=30)
    git(repo, "switch", "--quiet", "main")
    rc, _, err = kit(repo, "start", "1")
    assert rc == 0, err
    assert git(repo, "branch", "--show-current").strip() == BRANCH and recorded(repo) == "started"


def test_a_branch_with_work_is_never_taken_over(repo: Path) -> None:
    assert kit(repo, "start", "1")[0] == 0
    (repo / "greet.py").write_text("# my attempt\n")
    git(repo, "commit", "--quiet", "-am", "my attempt")
    (repo / ".kit" / "progress.json").unlink()  # progress lost: the branch still counts
    git(repo, "switch", "--quiet", "main")
    rc, _, err = kit(repo, "start", "1")
    assert rc == 1 and "already started on branch" in err
    assert git(repo, "show", f"{BRANCH}:greet.py") == "# my attempt\n"


def test_reset_backs_up_the_staged_and_the_unstaged_version(repo: Path) -> None:
    assert kit(repo, "start", "1")[0] == 0
    (repo / "greet.py").write_text("# staged attempt\n")
    git(repo, "add", "greet.py")
    (repo / "greet.py").write_text("# later, unstaged attempt\n")
    rc, _, err = kit(repo, "reset", "1")
    assert rc == 0, err
    (backup,) = git(repo, "branch", "--list", "backup/*").split()
    assert git(repo, "show", f"{backup}:greet.py") == "# later, unstaged attempt\n"
    assert git(repo, "show", f"{backup}~1:greet.py") == "# staged attempt\n"
    shown = normalise(backup).strip()  # kit() normalises the time in the name
    assert f"what you had staged is {shown}~1" in err
    assert f"`git checkout {shown}~1 -- <file>`" in err


def test_reset_with_nothing_staged_apart_makes_one_backup_commit(repo: Path) -> None:
    assert kit(repo, "start", "1")[0] == 0
    (repo / "greet.py").write_text("# staged, nothing after\n")
    git(repo, "add", "greet.py")
    rc, _, err = kit(repo, "reset", "1")
    assert rc == 0, err
    (backup,) = git(repo, "branch", "--list", "backup/*").split()
    assert git(repo, "show", f"{backup}:greet.py") == "# staged, nothing after\n"
    assert git(repo, "rev-parse", f"{backup}~1") == git(repo, "rev-parse", BRANCH)
    assert "staged" not in err
