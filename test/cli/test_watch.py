"""`./kit watch`: what it re-runs off a task branch, no hints spent, polling where needed.

The loop itself is driven by a stand-in for `watchfiles.watch` that yields
one set of changes and stops, so `run()` is tested end to end without waiting
for real file events.
"""

from __future__ import annotations

import argparse
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import watchfiles
from gitenv import git
from tasks.taskrepo import kit, make_repo

from tools.kit.commands import watch
from tools.taskkit import progress
from tools.taskkit.session import open_session

ROOT = Path(__file__).resolve().parents[2]

KERNEL = """\
#include <ATen/ATen.h>
namespace at::native {
static void log1p_kernel(TensorIteratorBase& iter) {
  int x = 1;
  (void)x;
}
// (more lines, so that the registration is not in the change's context)
//
//
//
REGISTER_DISPATCH(log1p_stub, &log1p_kernel);
}  // namespace at::native
"""


@pytest.fixture
def op_repo(tmp_path: Path) -> Path:
    """The kit's op declarations, a kernel file and a test tree, committed on main."""
    repo = tmp_path / "ops"
    for name in ("native_functions.yaml", "tags.yaml"):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, repo / name)
    (repo / "aten_mini/native/cpu").mkdir(parents=True)
    (repo / "aten_mini/native/cpu/Log1pKernel.cpp").write_text(KERNEL)
    (repo / "test/cli").mkdir(parents=True)
    (repo / "test/cli/test_a.py").write_text("def test_a() -> None: ...\n")
    (repo / "test/cli/helpers.py").write_text("X = 1\n")
    (repo / "tools/review").mkdir(parents=True)
    (repo / "tools/review/rule.py").write_text("Y = 1\n")
    (repo / "test/review").mkdir()
    (repo / "README.md").write_text("readme\n")
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "base")
    git(repo, "checkout", "--quiet", "-b", "feature")
    return repo


def test_a_kernel_edit_runs_that_ops_tests(op_repo: Path) -> None:
    kernel = op_repo / "aten_mini/native/cpu/Log1pKernel.cpp"
    kernel.write_text(KERNEL.replace("int x = 1;", "int x = 2;"))  # names no op itself
    plan = watch.plan_for(op_repo, ["aten_mini/native/cpu/Log1pKernel.cpp"], "HEAD")
    assert plan.ops == ["log1p"]  # the changed lines name no op: the file's stub does
    (cmd,) = plan.commands(build=True)
    assert cmd[1:] == ["-m", "tools.kit", "test", "--no-lint", "-k", "log1p"]
    assert "--no-build" in plan.commands(build=False)[0]


def test_test_files_tool_sources_and_unknown_files(op_repo: Path) -> None:
    paths = ["test/cli/test_a.py", "tools/review/rule.py", "README.md"]
    plan = watch.plan_for(op_repo, paths, "HEAD")
    assert (plan.ops, plan.tests, plan.unmapped) == (
        [],
        ["test/cli/test_a.py", "test/review"],
        ["README.md"],
    )
    # A helper module runs its whole directory, which covers the test file too.
    plan = watch.plan_for(op_repo, ["test/cli/helpers.py", "test/cli/test_a.py"], "HEAD")
    assert plan.tests == ["test/cli"]


def test_changes_on_the_branch_count_committed_and_new(op_repo: Path) -> None:
    (op_repo / "README.md").write_text("committed\n")
    git(op_repo, "commit", "--quiet", "-am", "readme")
    (op_repo / "test/cli/test_new.py").write_text("")
    base = watch.branch_base(op_repo)
    assert base == git(op_repo, "rev-parse", "main").strip()
    assert watch.changed_on_branch(op_repo, base) == ["README.md", "test/cli/test_new.py"]


def fake_watch(batches: list[set[str]], fail_native: bool = False) -> Any:
    calls: list[bool | None] = []

    def fake(root: Path, *, watch_filter: Any, force_polling: bool | None) -> Iterator[Any]:
        calls.append(force_polling)
        if fail_native and not force_polling:
            raise OSError(28, "inotify watch limit reached")
        for batch in batches:
            yield {(watchfiles.Change.modified, str(Path(root) / p)) for p in batch}

    fake.calls = calls  # type: ignore[attr-defined]
    return fake


def run_watch(repo: Path, monkeypatch: pytest.MonkeyPatch, **kw: Any) -> None:
    monkeypatch.chdir(repo)
    args = argparse.Namespace(task=None, no_build=True, poll=False, **kw)
    assert watch.run(args) == 0


def test_off_a_task_branch_it_runs_the_changed_files_tests(
    op_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rounds: list[list[str]] = []
    monkeypatch.setattr(watch, "test_round", lambda _r, paths, _b: rounds.append(sorted(paths)))
    (op_repo / "test/cli/test_a.py").write_text("def test_a() -> None: assert True\n")
    monkeypatch.setattr(watchfiles, "watch", fake_watch([{"README.md"}]))
    run_watch(op_repo, monkeypatch)
    assert rounds == [["test/cli/test_a.py"], ["README.md"]]  # at start, then per change


def test_test_round_reports_unmapped_and_runs_pytest(
    op_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (op_repo / "README.md").write_text("changed\n")
    (op_repo / "test/cli/test_a.py").write_text("def test_a() -> None:\n    assert False\n")
    assert not watch.test_round(op_repo, ["README.md", "test/cli/test_a.py"], build=False)
    err = capsys.readouterr().err
    assert "no tests are known for: README.md" in err
    assert "-> pytest -q test/cli/test_a.py" in err
    assert "some tests failed" in err


def test_native_watcher_failure_falls_back_to_polling(
    op_repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(watch, "test_round", lambda *_a: True)
    fake = fake_watch([{"README.md"}], fail_native=True)
    monkeypatch.setattr(watchfiles, "watch", fake)
    monkeypatch.delenv("WATCHFILES_FORCE_POLLING", raising=False)
    run_watch(op_repo, monkeypatch)
    assert fake.calls == [None, True]
    assert "watching by polling instead" in capsys.readouterr().err


def test_polls_on_filesystems_that_miss_events(tmp_path: Path) -> None:
    mounts = f"/dev/sda1 / ext4 rw 0 0\nserver:/home {tmp_path} nfs4 rw 0 0\n"
    assert watch.filesystem_of(tmp_path / "clone", mounts) == "nfs4"
    reason = watch.polling_reason(tmp_path / "clone", forced=False, mounts=mounts)
    assert reason is not None and "nfs4" in reason
    assert watch.polling_reason(Path("/usr"), forced=False, mounts=mounts) is None
    assert watch.polling_reason(Path("/usr"), forced=True, mounts=mounts) == "--poll"
    assert watch.filesystem_of(Path("/x"), "garbage\n") is None


def test_a_task_round_spends_no_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path)
    assert kit(repo, "start", "1")[0] == 0
    monkeypatch.chdir(repo)
    monkeypatch.setenv("COLUMNS", "100")
    for key in ("FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(key, raising=False)
    task = open_session(repo).find("1")
    assert not watch.check_round(repo, task, build=False)  # the task is unsolved
    out = capsys.readouterr().out
    assert watch.NO_HINT in out
    assert "Look at greet.py" not in out
    assert progress.load(repo).peek(task.id).hints_shown == 0
    # `./kit check` itself still spends one.
    rc, out, _err = kit(repo, "check")
    assert rc == 1 and "hint 1/2: Look at greet.py." in out
    assert os.environ.get("COLUMNS") == "100"
