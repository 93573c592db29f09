"""`./kit watch [task]`: re-run what your change can break, whenever a file is saved.

On a task branch (or given a task) it re-runs that task's `./kit check`, like
rustlings' watch mode. On any other branch it re-runs the tests relevant to
the files changed on the branch (Note [What watch re-runs]). It runs once at
start, then after every change to a file of the checkout (build outputs,
`.git` and `.kit` ignored). It never spends a hint: a failing check says so
and `./kit hint` shows the next one (Note [watch spends no hints]). Where
file events go missing it polls instead (Note [Polling]). Ctrl-C stops.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tools.common.console import error, info
from tools.common.errors import KitError
from tools.common.git import git, run_git
from tools.kit.commands.check import check_task
from tools.taskkit.session import console, open_session
from tools.taskkit.spec import Task

NAME = "watch"
HELP = "re-run the task's checks, or the tests your change can break, on every save"

_IGNORED_DIRS = frozenset(
    {
        ".git",
        ".kit",
        "build",
        ".venv",
        "__pycache__",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        ".hypothesis",
    }
)


# Note [What watch re-runs]
# Off a task branch there is no task.yaml to say what to check, so watch works
# it out from the changed files (committed on the branch since it left main,
# uncommitted, or just saved):
# - an op's files (native_functions.yaml, derivatives.yaml, the kernels under
#   aten_mini/, python/aten_mini/, op_db.py): the ops named on the changed
#   lines, their hunk headers (the enclosing C++ function) or nearby context;
#   for a C++ file whose changed lines name no op, the ops the file mentions.
#   These run as `./kit test --no-lint -k "<op> or <op>"` (which builds first),
#   the same command CONTRIBUTING gives for an op;
# - a test file: that file; a helper module of a test directory, or a tool's
#   source (tools/review -> test/review, ...): that test directory, with pytest.
# A file that maps to nothing is listed as such, so the learner knows nothing
# ran for it rather than thinking it passed.

OP_FILES = (
    "native_functions.yaml",
    "tools/autograd/derivatives.yaml",
    "test/opinfo/op_db.py",
)
OP_DIRS = ("aten_mini/", "python/aten_mini/")
CPP_SUFFIXES = (".cpp", ".cu", ".cuh", ".h", ".hpp")
TEST_DIRS = {
    "torchgen_mini/": "test/codegen",
    "tools/autograd/": "test/autograd",
    "tools/bench/": "test/bench",
    "tools/kit/": "test/cli",
    "tools/ops/": "test/cli",
    "tools/taskkit/": "test/tasks",
    "tools/tasks/": "test/tasks",
    "tools/lint/": "test/lint",
    "tools/review/": "test/review",
    "CMakeLists.txt": "test/build",
    "cmake/": "test/build",
}


@dataclass
class Plan:
    """What one round of watch runs for a set of changed files."""

    ops: list[str] = field(default_factory=list)
    tests: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)

    def commands(self, build: bool) -> list[list[str]]:
        cmds = []
        if self.ops:
            cmd = [sys.executable, "-m", "tools.kit", "test", "--no-lint"]
            cmd += ["-k", " or ".join(self.ops)] + ([] if build else ["--no-build"])
            cmds.append(cmd)
        if self.tests:
            cmds.append([sys.executable, "-m", "pytest", "-q", *self.tests])
        return cmds


def branch_base(root: Path) -> str:
    """What this branch's changes are measured from: its merge base with main, else HEAD."""
    proc = run_git(root, "merge-base", "main", "HEAD")
    return proc.stdout.decode().strip() if proc.returncode == 0 else "HEAD"


def changed_on_branch(root: Path, base: str) -> list[str]:
    """Files changed since `base`: committed, staged, unstaged and new (relative paths)."""
    names = git(root, "diff", "--name-only", "--no-renames", base, "--").splitlines()
    names += git(root, "ls-files", "--others", "--exclude-standard").splitlines()
    return sorted({n for n in names if n and relevant(root, str(root / n))})


def _changed_text(root: Path, base: str, rel: str) -> str:
    """The lines of `rel` around its changes since `base` (all of it if git does not know it)."""
    if run_git(root, "ls-files", "--error-unmatch", "--", rel).returncode != 0:
        path = root / rel
        return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
    diff = git(root, "diff", "--no-color", "--unified=3", base, "--", rel)
    keep = []
    for line in diff.splitlines():
        if line.startswith(("+++", "---", "diff ", "index ")):
            continue
        keep.append(line.split("@@", 2)[-1] if line.startswith("@@") else line[1:])
    return "\n".join(keep)


def _op_patterns(root: Path) -> dict[str, re.Pattern[str]]:
    from tools.ops import oplookup

    fns = oplookup.load_functions(root)
    return {
        op: oplookup.identifier_pattern(oplookup.identifiers(oplookup.entries(fns, op)))
        for op in oplookup.op_names(fns)
    }


def _is_op_file(rel: str) -> bool:
    return rel in OP_FILES or rel.startswith(OP_DIRS)


def _test_target(root: Path, rel: str) -> str | None:
    name = Path(rel).name
    if rel.startswith("test/"):
        if name.startswith("test_") and name.endswith(".py"):
            return rel if (root / rel).is_file() else None
        parent = Path(rel).parent.as_posix()
        return parent if parent != "test" and (root / parent).is_dir() else None
    for prefix, directory in TEST_DIRS.items():
        if rel == prefix or rel.startswith(prefix):
            return directory if (root / directory).is_dir() else None
    return None


def plan_for(root: Path, paths: Iterable[str], base: str) -> Plan:
    """What to run for changes to `paths` (relative to `root`). See Note [What watch re-runs]."""
    plan = Plan()
    patterns: dict[str, re.Pattern[str]] | None = None
    ops: set[str] = set()
    for rel in sorted(set(paths)):
        if _is_op_file(rel):
            patterns = patterns if patterns is not None else _op_patterns(root)
            text = _changed_text(root, base, rel)
            found = {op for op, pat in patterns.items() if pat.search(text)}
            if not found and rel.endswith(CPP_SUFFIXES) and (root / rel).is_file():
                whole = (root / rel).read_text(encoding="utf-8", errors="replace")
                found = {op for op, pat in patterns.items() if pat.search(whole)}
            if found:
                ops |= found
                continue
        target = _test_target(root, rel)
        if target is None:
            plan.unmapped.append(rel)
        elif target not in plan.tests:
            plan.tests.append(target)
    plan.ops = sorted(ops)
    # A test file inside a directory that runs anyway is not run twice.
    dirs = {t for t in plan.tests if not t.endswith(".py")}
    plan.tests = [t for t in plan.tests if t in dirs or Path(t).parent.as_posix() not in dirs]
    return plan


def test_round(root: Path, paths: Iterable[str], build: bool) -> bool:
    """Run the tests `paths` can break; True when all of them passed (or none were found)."""
    plan = plan_for(root, paths, branch_base(root))
    if plan.unmapped:
        info(f"no tests are known for: {', '.join(plan.unmapped)}")
    cmds = plan.commands(build)
    if not cmds:
        info("nothing to run yet: no changed file of this branch maps to a test")
        return True
    ok = True
    for cmd in cmds:
        shown = " ".join(cmd[2:]).replace("tools.kit ", "./kit ", 1)
        info(f"-> {shown}")
        ok = subprocess.run(cmd, cwd=root, check=False).returncode == 0 and ok
    info("all passed" if ok else "some tests failed (above)")
    return ok


# Note [watch spends no hints]
# `./kit check` reveals the next hint whenever a check fails; watch runs the
# check on every save, so it would hand out a task's hints one by one while
# the learner is still typing. In watch the failure report says where the
# next hint is instead (check_task's `instead_of_hint`), and the hint count in
# .kit/progress.json is untouched.
NO_HINT = "a hint, when you want one: `./kit hint` (watch never shows one by itself)"


def check_round(root: Path, task: Task, build: bool) -> bool:
    return check_task(open_session(root), task, build=build, instead_of_hint=NO_HINT)


# Note [Polling]
# watchfiles uses the OS's file events (inotify on Linux). They go missing on
# network and VM-shared filesystems (NFS, SMB, 9p and drvfs under WSL, VirtualBox
# and virtiofs shares: the editor writes on the other side), and inotify fails
# outright when its per-user watch limit is used up. watchfiles already polls
# under WSL; watch also polls on those filesystems, after the native watcher
# fails, and with `--poll` (or WATCHFILES_FORCE_POLLING=1).
POLLED_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "drvfs", "vboxsf", "virtiofs"}
)
POLLED_PREFIXES = ("fuse.sshfs", "fuse.grpcfuse", "fuse.vmhgfs")


def filesystem_of(path: Path, mounts: str | None = None) -> str | None:
    """The type of the filesystem `path` is on, from /proc/mounts (None when unknown)."""
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    target = path.resolve().as_posix()
    best, kind = "", None
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fields[2]
    return kind


def polling_reason(root: Path, forced: bool, mounts: str | None = None) -> str | None:
    """Why watch should poll for changes (None: file events will do)."""
    if forced:
        return "--poll"
    kind = filesystem_of(root, mounts)
    if kind is not None and (kind in POLLED_FILESYSTEMS or kind.startswith(POLLED_PREFIXES)):
        return f"the checkout is on a {kind} filesystem, where file events can go missing"
    return None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("task", nargs="?", help="task id (default: the task of this branch)")
    parser.add_argument("--no-build", action="store_true", help="skip the incremental build")
    parser.add_argument(
        "--poll", action="store_true", help="poll for changes instead of file events"
    )


def relevant(root: Path, path: str) -> bool:
    """Whether a change to `path` should trigger a new run."""
    try:
        parts = Path(path).resolve().relative_to(root.resolve()).parts
    except ValueError:
        return False
    return not any(p in _IGNORED_DIRS for p in parts) and not path.endswith((".swp", "~"))


def _changes(root: Path, poll: str | None) -> Iterator[set[str]]:
    """Sets of changed paths (relative to root), by file events or by polling."""
    from watchfiles import watch

    def keep(_change: object, path: str) -> bool:
        return relevant(root, path)

    def relative(changes: Iterable[tuple[object, str]]) -> set[str]:
        return {Path(p).resolve().relative_to(root.resolve()).as_posix() for _c, p in changes}

    if poll is not None:
        info(f"watching by polling ({poll})")
    try:
        for changes in watch(root, watch_filter=keep, force_polling=True if poll else None):
            yield relative(changes)
    except OSError as exc:
        if poll is not None:
            raise
        info(f"file events failed ({exc}); watching by polling instead")
        for changes in watch(root, watch_filter=keep, force_polling=True):
            yield relative(changes)


def run(args: argparse.Namespace) -> int:
    s = open_session()
    root = s.root
    task = s.find(args.task) if args.task else s.current_task()
    build = not args.no_build
    one_round: Callable[[set[str] | None], object]
    if task is not None:

        def one_round(_changed: set[str] | None) -> object:
            return check_round(root, task, build)

        what = f"task {task.id}'s checks"
    else:

        def one_round(changed: set[str] | None) -> object:
            paths = changed_on_branch(root, branch_base(root)) if changed is None else changed
            return test_round(root, paths, build)

        what = "the tests of the files you change (no task branch)"
    _guarded(one_round, None)
    info(f"watching for changes, re-running {what}; Ctrl-C stops")
    try:
        for changed in _changes(root, polling_reason(root, args.poll or _env_forces_polling())):
            console().clear()
            _guarded(one_round, changed)
            info(f"watching for changes, re-running {what}; Ctrl-C stops")
    except KeyboardInterrupt:
        info("watch stopped")
    return 0


def _env_forces_polling() -> bool:
    value = os.environ.get("WATCHFILES_FORCE_POLLING", "")
    return bool(value) and value.lower() not in {"false", "disable", "disabled", "0"}


def _guarded(one_round: Callable[[set[str] | None], object], changed: set[str] | None) -> None:
    """One round; a KitError (a failed build, a broken task.yaml) is shown, watching goes on."""
    try:
        one_round(changed)
    except KitError as exc:
        error(str(exc))
