"""tools/common: the one error type and the one git wrapper every package of tools/ uses."""

from __future__ import annotations

import ast
import os
import subprocess
from pathlib import Path

import pytest

from tools.common.errors import KitError
from tools.common.git import GitError, git, git_bytes, git_succeeds, ls_files, toplevel
from tools.common.toolchain import default_jobs
from torchgen_mini.diagnostics import Location


def test_kit_error_leads_with_where_it_is_about() -> None:
    e = KitError("unknown key 'cheks'", where=Location("tools/tasks/x/task.yaml", 7))
    assert str(e) == "tools/tasks/x/task.yaml:7: unknown key 'cheks'"
    assert e.exit_code == 1 and e.where == Location("tools/tasks/x/task.yaml", 7)
    assert str(KitError("plain", 2)) == "plain" and KitError("plain", 2).exit_code == 2


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    subprocess.run(["git", "init", "-q", "--initial-branch=main"], cwd=tmp_path, check=True)
    (tmp_path / "a.txt").write_bytes(b"caf\xc3\xa9\n")
    subprocess.run(["git", "add", "a.txt"], cwd=tmp_path, check=True)
    ident = ["-c", "user.name=t", "-c", "user.email=t@t.invalid"]
    subprocess.run(["git", *ident, "commit", "-qm", "one"], cwd=tmp_path, check=True)
    return tmp_path


def test_git_text_bytes_and_questions(repo: Path) -> None:
    assert git(repo, "show", "HEAD:a.txt") == "café\n"
    assert git_bytes(repo, "show", "HEAD:a.txt") == b"caf\xc3\xa9\n"
    assert git_succeeds(repo, "cat-file", "-e", "HEAD:a.txt")
    assert not git_succeeds(repo, "cat-file", "-e", "HEAD:missing.txt")
    assert ls_files(repo, "--cached") == ["a.txt"]
    assert toplevel(repo).resolve() == repo.resolve()


def test_a_git_failure_is_a_kit_error_with_gits_reason(repo: Path) -> None:
    with pytest.raises(GitError) as info:
        git(repo, "show", "HEAD:missing.txt")
    assert isinstance(info.value, KitError)
    assert str(info.value).startswith("git show failed: fatal: ")
    assert "missing.txt" in str(info.value)


def test_outside_a_checkout(tmp_path: Path) -> None:
    assert ls_files(tmp_path) == []
    with pytest.raises(KitError, match="is not inside a git checkout"):
        toplevel(tmp_path)


def test_build_jobs_follow_max_jobs_else_the_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MAX_JOBS", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(16)))
    assert default_jobs() == "16"  # not a fixed -j2 on a 16-core machine
    monkeypatch.setenv("MAX_JOBS", "3")
    assert default_jobs() == "3"
    for bad in ("x", "0", "-2"):
        monkeypatch.setenv("MAX_JOBS", bad)
        with pytest.raises(KitError, match=r"MAX_JOBS=.*whole number"):
            default_jobs()


def test_git_runs_through_the_one_wrapper() -> None:
    # A command list starting with "git" anywhere in tools/ or torchgen_mini/
    # except tools/common/git.py is a second git wrapper (issue 12).
    root = Path(__file__).resolve().parents[2]
    wrapper = root / "tools" / "common" / "git.py"
    found = []
    for path in sorted([*(root / "tools").rglob("*.py"), *(root / "torchgen_mini").rglob("*.py")]):
        if path == wrapper:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.List | ast.Tuple)
                and node.elts
                and isinstance(node.elts[0], ast.Constant)
                and node.elts[0].value == "git"
            ):
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    assert found == []
