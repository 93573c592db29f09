"""`./kit`'s first install says what it installs, shows pip's progress, and how long it took.

The bootstrap runs for real, in a copy of the `kit` script, with a stand-in
Python (ATEN_MINI_PYTHON) whose `-m venv` makes a `.venv/bin/python` that
records its command lines: no network, no pip, only the script's own logic.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FAKE_PYTHON = """#!/usr/bin/env bash
# A stand-in interpreter: logs its arguments, fakes what the kit script asks of it.
echo "$0 $*" >>"$LOG"
case "$1" in
  -c) if [[ "$2" == *sysconfig* ]]; then echo "$SITE"; fi; exit 0 ;;
  -m) case "$2" in
        venv) mkdir -p "$3/bin"; cp "$0" "$3/bin/python"; exit 0 ;;
        pip) echo "Collecting torch==2.14.1 (fake pip)"; exit "${PIP_EXIT:-0}" ;;
        tools.kit) echo "kit ran: ${*:3}"; exit 0 ;;
      esac ;;
esac
exit 0
"""


def setup(tmp: Path) -> tuple[Path, dict[str, str]]:
    repo = tmp / "repo"
    repo.mkdir()
    shutil.copy2(ROOT / "kit", repo / "kit")
    shutil.copy2(ROOT / "requirements.txt", repo / "requirements.txt")
    fake = tmp / "python3"
    fake.write_text(FAKE_PYTHON)
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    (tmp / "site").mkdir()
    env = {
        **os.environ,
        "ATEN_MINI_PYTHON": str(fake),
        "LOG": str(tmp / "log"),
        "SITE": str(tmp / "site"),
    }
    return repo, env


def kit(repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(repo / "kit"), "status"],
        cwd=repo, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip


def pinned() -> list[str]:
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return [ln for ln in lines if "==" in ln and not ln.startswith("#")]


def test_first_install_says_what_and_how_long(tmp_path: Path) -> None:
    repo, env = setup(tmp_path)
    proc = kit(repo, env)
    assert proc.returncode == 0, proc.stderr
    torch = next(p for p in pinned() if p.startswith("torch=="))
    others = len(pinned()) - 1
    first = proc.stderr.splitlines()[0]
    assert first == (
        f"kit: installing torch {torch.split('==')[1]} and {others} tools into .venv"
        " (usually 1-3 min); pip's progress follows"
    )
    assert "Collecting torch==2.14.1 (fake pip)" in proc.stdout  # pip's output is shown
    assert "kit: .venv is ready (" in proc.stderr
    assert "kit ran: status" in proc.stdout
    pip = next(ln for ln in (tmp_path / "log").read_text().splitlines() if " -m pip " in ln)
    assert "--quiet" not in pip and "--progress-bar on" in pip
    pth = (tmp_path / "site" / "aten_mini_dev.pth").read_text().splitlines()
    assert pth == [str(repo), str(repo / "python")]


def test_second_run_installs_nothing_and_a_change_says_updating(tmp_path: Path) -> None:
    repo, env = setup(tmp_path)
    kit(repo, env)
    again = kit(repo, env)
    assert again.returncode == 0 and "installing" not in again.stderr
    with (repo / "requirements.txt").open("a") as f:
        f.write("extra-tool==1.0\n")
    changed = kit(repo, env)
    assert changed.stderr.startswith("kit: updating (requirements.txt changed) torch")


def test_a_failed_install_says_so(tmp_path: Path) -> None:
    repo, env = setup(tmp_path)
    proc = kit(repo, {**env, "PIP_EXIT": "1"})
    assert proc.returncode == 1
    assert "kit: error: installing requirements.txt into .venv failed" in proc.stderr
    assert "ready" not in proc.stderr
