"""A new op on main touches only its own files and breaks no practice task.

In a throw-away `git worktree` of HEAD, `./kit new-op` adds scratch ops (one
near the top, one in the middle and one at the end of the files it edits, so
that every place a task's patch may have context is tried); each is
committed, and then:

- the files it changed are exactly that op's own files (ALLOWED below);
- every task whose setup.patch and solution.patch applied before the op
  still applies after it, in the same way `./kit dev verify` applies them.

No C++ is built: new-op writes text, git applies patches. The slow test
(`--slow`) also runs the codegen, autograd and model tests in the worktree
after the ops are added: they pass with no test edited.
See Note [No golden lists every op] in test/autograd/test_autograd_codegen.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from gitenv import GIT_ENV, git

ROOT = Path(__file__).resolve().parents[2]
TASKS = Path("tools") / "tasks"


@dataclass(frozen=True)
class Scratch:
    name: str
    camel: str
    schema: str
    flags: tuple[str, ...]
    # Declared non-differentiable afterwards, as CONTRIBUTING.md says to
    # (`output_differentiability: [False]` instead of new-op's formulas).
    non_differentiable: bool = False


SCRATCH = [
    Scratch("a_scratch", "AScratch", "a_scratch(Tensor self) -> Tensor", ("--no-cuda",), True),
    Scratch(
        "scratch_op",
        "ScratchOp",
        "scratch_op(Tensor self, Tensor other) -> Tensor",
        ("--inplace", "--out"),
    ),
    Scratch("zz_scratch", "ZzScratch", "zz_scratch(Tensor self) -> Tensor", ()),
]


def allowed(op: Scratch) -> set[str]:
    """Every file an added op may change: its entries, kernels, OpInfo, docs and formulas.

    The kernel files follow the kit's convention (aten_mini/native/<Family>.cpp,
    cpu/<Family>Kernel.cpp, cuda/<Family>Kernel.cu); new-op's family is the
    op's CamelCase name.
    """
    return {
        "native_functions.yaml",
        "tools/autograd/derivatives.yaml",
        "test/opinfo/op_db.py",
        "python/aten_mini/_docs.py",
        f"aten_mini/native/{op.camel}.cpp",
        f"aten_mini/native/cpu/{op.camel}Kernel.cpp",
        f"aten_mini/native/cuda/{op.camel}Kernel.cu",
    }


def kit_in(wt: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """`./kit ARGV` run by this interpreter with the worktree's own code first."""
    env = {**os.environ, **GIT_ENV, "PYTHONPATH": os.pathsep.join([str(wt), str(wt / "python")])}
    return subprocess.run(
        [sys.executable, "-m", "tools.kit", *argv],
        cwd=wt, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip


def applies(wt: Path, commit: str, task: str) -> str | None:
    """None if the task's setup.patch, then its solution.patch, apply to `commit`; else why.

    As `./kit start` / `./kit dev verify` do (tools/taskkit/gitrepo.py:
    commit_patch, apply_patch): plain `git apply --whitespace=nowarn`, setup
    first. Here both go to a scratch index, so the worktree stays as it is.
    A mutation-graded task's mutants (mutants/*.patch, tools/taskkit/mutants.py)
    must each apply on top of the solved tree, as they do to a learner's.
    """
    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, **GIT_ENV, "GIT_INDEX_FILE": str(Path(scratch) / "index")}

        def run(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                ["git", *args], cwd=wt, env=env, capture_output=True, text=True, check=False
            )

        run("read-tree", commit).check_returncode()
        for patch in ("setup.patch", "solution.patch"):
            path = wt / TASKS / task / patch
            if not path.exists():
                continue
            proc = run("apply", "--cached", "--whitespace=nowarn", str(path))
            if proc.returncode != 0:
                return f"{patch}: {proc.stderr.strip().splitlines()[0]}"
        for mutant in sorted((wt / TASKS / task / "mutants").glob("*.patch")):
            proc = run("apply", "--cached", "--check", "--whitespace=nowarn", str(mutant))
            if proc.returncode != 0:
                return f"mutants/{mutant.name}: {proc.stderr.strip().splitlines()[0]}"
    return None


def declare_non_differentiable(wt: Path, op: Scratch) -> None:
    path = wt / "tools" / "autograd" / "derivatives.yaml"
    formulas = f'  self: not_implemented("{op.name}")\n'
    text = path.read_text()
    assert formulas in text, text
    path.write_text(text.replace(formulas, "  output_differentiability: [False]\n"))


def task_ids(wt: Path) -> list[str]:
    return sorted(p.parent.name for p in (wt / TASKS).glob("*/task.yaml"))


@dataclass
class Result:
    wt: Path
    base: str
    commits: list[tuple[Scratch, str]]


@pytest.fixture(scope="module")
def scratch_ops() -> Iterator[Result]:
    with tempfile.TemporaryDirectory() as d:
        wt = Path(d) / "wt"
        git(ROOT, "worktree", "add", "--quiet", "--detach", str(wt), "HEAD")
        try:
            base = git(wt, "rev-parse", "HEAD").strip()
            commits = []
            for op in SCRATCH:
                proc = kit_in(wt, "new-op", op.name, "--schema", op.schema, *op.flags)
                assert proc.returncode == 0, proc.stdout + proc.stderr
                if op.non_differentiable:
                    declare_non_differentiable(wt, op)
                git(wt, "add", "--all")
                git(wt, "commit", "--quiet", "-m", f"scratch op {op.name}")
                commits.append((op, git(wt, "rev-parse", "HEAD").strip()))
            yield Result(wt, base, commits)
        finally:
            git(ROOT, "worktree", "remove", "--force", str(wt))


def test_an_op_changes_only_its_own_files(scratch_ops: Result) -> None:
    for op, commit in scratch_ops.commits:
        changed = set(git(scratch_ops.wt, "diff", "--name-only", f"{commit}~1", commit).split())
        assert changed, f"new-op {op.name} changed nothing"
        outside = changed - allowed(op)
        assert not outside, f"new-op {op.name} changed files outside its own: {sorted(outside)}"
        # the op's YAML entries are there, the rest of the file is untouched
        assert "native_functions.yaml" in changed


def test_what_it_writes_still_parses(scratch_ops: Result) -> None:
    # An op inserted first or last must not land inside a neighbour's entry.
    wt = scratch_ops.wt
    for op, commit in scratch_ops.commits:
        for rel in git(wt, "diff", "--name-only", f"{commit}~1", commit).split():
            text = git(wt, "show", f"{commit}:{rel}")
            if rel.endswith(".py"):
                try:
                    compile(text, rel, "exec")
                except SyntaxError as e:
                    pytest.fail(f"after new-op {op.name}, {rel}:{e.lineno}: {e.msg}")
            elif rel.endswith(".yaml"):
                assert isinstance(yaml.safe_load(text), list), f"{rel} after new-op {op.name}"


def test_tasks_still_apply_after_a_new_op(scratch_ops: Result) -> None:
    wt = scratch_ops.wt
    tasks = task_ids(wt)
    assert tasks, "no tasks found under tools/tasks"
    before = {t: applies(wt, scratch_ops.base, t) for t in tasks}
    fine = [t for t, why in before.items() if why is None]
    # On main every task applies (./kit dev verify checks it with a build); on a
    # task branch the learner's own task may not. The claim here is only that
    # an added op changes nothing that applied.
    assert fine, f"no task's patches apply to HEAD: {before}"
    for op, commit in scratch_ops.commits:
        broken = {t: why for t in fine if (why := applies(wt, commit, t)) is not None}
        assert not broken, f"after new-op {op.name}, these tasks no longer apply: {broken}"


def test_every_task_applies_off_a_task_branch(scratch_ops: Result) -> None:
    # On main (and in CI) every task's patches must apply: a refactor that moves
    # the code a solution patches breaks that task (./kit dev verify would say
    # so only after a 25-minute run). On a task branch the learner's own edits
    # may keep some patches from applying: not the learner's problem.
    branch = subprocess.run(
        ["git", "symbolic-ref", "--quiet", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if branch.startswith("task/"):
        pytest.skip(f"on task branch {branch}: other tasks' patches need not apply here")
    wt = scratch_ops.wt
    broken = {t: why for t in task_ids(wt) if (why := applies(wt, scratch_ops.base, t))}
    assert not broken, f"these tasks' patches no longer apply to HEAD: {broken}"


@pytest.mark.slow
def test_goldens_pass_after_a_new_op(scratch_ops: Result) -> None:
    env = {
        **os.environ,
        **GIT_ENV,
        "PYTHONPATH": os.pathsep.join([str(scratch_ops.wt), str(scratch_ops.wt / "python")]),
    }
    env.pop("EXPECTTEST_ACCEPT", None)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0",
         "-m", "not needs_build", "test/autograd", "test/codegen", "test/model"],
        cwd=scratch_ops.wt, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
