"""`./kit review` with nothing committed: an error that says what to do, not "clean".

See Note [Nothing to review] in tools/kit/commands/review.py. The kit's entry
point is run in-process on a throw-away repository (its ROOT patched to it);
`python -m tools.review check`, what CI runs, as a subprocess.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest
from gitenv import git

from tools.common.errors import KitError
from tools.kit.commands import review

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with one commit on main and a `work` branch checked out at it."""
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "--quiet", "--initial-branch=main")
    (path / "README.md").write_text("base\n")
    git(path, "add", "README.md")
    git(path, "commit", "--quiet", "-m", "base")
    git(path, "checkout", "--quiet", "-b", "work")
    monkeypatch.setattr(review, "ROOT", path)
    return path


def run_review(base: str = "main") -> int:
    return review.run(argparse.Namespace(base=base, head="HEAD", markdown=None))


def test_no_commits_and_a_clean_tree(repo: Path) -> None:
    with pytest.raises(KitError) as exc:
        run_review()
    assert exc.value.exit_code == 1
    message = str(exc.value)
    assert message.startswith("nothing to review: HEAD has no commits beyond main")
    assert "no uncommitted changes" in message
    assert "\n" not in message


def test_no_commits_but_uncommitted_work_says_commit(repo: Path) -> None:
    (repo / "README.md").write_text("changed\n")
    (repo / "new.cpp").write_text("int x;\n")
    with pytest.raises(KitError) as exc:
        run_review()
    message = str(exc.value)
    assert "your 2 changed file(s) are not committed" in message
    assert "git commit" in message
    assert "clean" not in message


def test_committed_work_is_reviewed(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "README.md").write_text("changed\n")
    git(repo, "commit", "--quiet", "-am", "change")
    (repo / "README.md").write_text("uncommitted on top\n")  # not a reason to refuse
    assert run_review() == 0
    assert "review: clean" in capsys.readouterr().out


def test_unknown_base_is_left_to_the_reviewer(repo: Path) -> None:
    # The reviewer's own error (exit 2) names the bad ref; no "nothing to review".
    with pytest.raises(KitError) as exc:
        run_review(base="no-such-branch")
    assert exc.value.exit_code == 2


def test_ci_reviewer_refuses_an_empty_range(repo: Path) -> None:
    cmd = [sys.executable, "-m", "tools.review", "check", "--repo", str(repo), "--base", "main"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    assert "review: error: nothing to review: HEAD has no commits beyond main" in proc.stderr
    assert "clean" not in proc.stdout
