"""Mutation-graded tests: the learner's tests must catch every planted mutant of a kernel.

A check `{kind: mutants, mutants: <dir>, args: [<pytest args>]}` grades the
learner's tests rather than their kernel. `<dir>` (relative to the
repository root) holds the mutants, one `<name>.patch` each: a `git diff`
that plants one bug (a broadcast that only goes one way, a lost -0.0, ...),
with one line `# <what it breaks>` before the diff. The check passes when

1. the tests (`python -m pytest <args>`) pass on the checkout as it is
   (the real kernel), and
2. for every mutant, applied to a copy of the checkout and built, the same
   tests fail: the mutant is *killed*. One that the tests let pass
   *survived*, and the report names it (`FAILED mutant <name> survived`).

The copy is a scratch worktree, `.kit/mutants/tree`, kept between runs so
its build stays warm (ccache makes a kernel's rebuild cheap once it was
built before); before each mutant it is set to a snapshot of the checkout
(committed, changed and new files alike), so the learner's uncommitted
tests are the ones graded. The learner's own checkout is never modified.
Builds skip CUDA (ATEN_MINI_NO_CUDA=1), as `./kit dev verify` does.

Run as `python -m tools.taskkit.mutants <dir> <pytest args...>` in the
checkout; `checks.command_for` builds that line for a `mutants` check.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tools.common.git import git, remove_worktree, run_git
from tools.common.proc import checkout_env
from tools.taskkit import gitrepo
from tools.taskkit.checks import build_command

SCRATCH = Path(".kit") / "mutants" / "tree"
BUILD_ENV = {"ATEN_MINI_NO_CUDA": "1"}
TIMEOUT_S = 1800
PYTEST_FAILED = 1  # pytest's exit code when tests ran and some failed


@dataclass(frozen=True)
class Mutant:
    name: str
    what: str
    patch: Path


def load_mutants(directory: Path) -> list[Mutant]:
    """The mutants of `directory`, by name; `what` is the `# ...` line before the diff."""
    mutants = []
    for patch in sorted(directory.glob("*.patch")):
        first = patch.read_text(encoding="utf-8").splitlines()[:1]
        what = first[0][1:].strip() if first and first[0].startswith("#") else ""
        mutants.append(Mutant(patch.stem, what, patch))
    return mutants


@dataclass(frozen=True)
class Outcome:
    mutant: Mutant
    result: str  # "killed" | "survived" | "error"
    detail: str  # the first failing test, or what went wrong
    seconds: float


def _run(cmd: list[str], cwd: Path, extra_env: dict[str, str] | None = None) -> tuple[int, str]:
    env = {**checkout_env(cwd), **(extra_env or {})}
    proc = subprocess.run(
        cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, errors="replace", timeout=TIMEOUT_S, check=False,
    )  # fmt: skip
    return proc.returncode, proc.stdout


def _pytest(root: Path, args: list[str]) -> tuple[int, str]:
    return _run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], root)


# pytest's summary line: `FAILED <test id> - <message>`; a test id may hold spaces
# (`test_mul[int times float]`)
_FAILED = re.compile(r"^(FAILED|ERROR) (.+?)(?: - .*)?$")


def _first_failed(output: str) -> str:
    for line in output.splitlines():
        m = _FAILED.match(line)
        if m:
            return m.group(2)
    return "(a test failed)"


def snapshot(root: Path) -> str:
    """A commit (on no branch) holding the checkout's files as they are now: HEAD plus
    every change and every new file git does not ignore."""
    with tempfile.TemporaryDirectory() as scratch:
        env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        git(root, "read-tree", "HEAD", env=env)
        git(root, "add", "--all", env=env)
        tree = git(root, "write-tree", env=env).strip()
    head = git(root, "rev-parse", "HEAD").strip()
    message = "mutation check: snapshot of the working tree (./kit check)"
    return git(
        root, "commit-tree", tree, "-p", head, "-m", message, env=gitrepo.KIT_IDENTITY
    ).strip()


def _scratch(root: Path, commit: str) -> Path:
    """The scratch worktree at `commit`, created on first use and kept (its build too)."""
    wt = root / SCRATCH
    if not (wt / ".git").exists():
        remove_worktree(root, wt)
        wt.parent.mkdir(parents=True, exist_ok=True)
        git(root, "worktree", "add", "--quiet", "--detach", str(wt), commit)
    else:
        _reset(wt, commit)
    return wt


def _reset(wt: Path, commit: str) -> None:
    git(wt, "checkout", "--quiet", "--force", "--detach", commit)
    git(wt, "clean", "-fdq")


def _try(wt: Path, m: Mutant, args: list[str], commit: str) -> Outcome:
    start = time.monotonic()

    def outcome(result: str, detail: str) -> Outcome:
        return Outcome(m, result, detail, time.monotonic() - start)

    _reset(wt, commit)
    proc = run_git(wt, "apply", "--whitespace=nowarn", str(m.patch))
    if proc.returncode != 0:
        why = proc.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
        return outcome("error", f"does not apply to your tree: {(why or ['?'])[0]}")
    build = build_command(wt)  # None: nothing to compile (a checkout without ./kit build)
    if build is not None:
        rc, out = _run(build, wt, BUILD_ENV)
        if rc != 0:
            return outcome("error", "does not build: " + (out.strip().splitlines() or ["?"])[-1])
    rc, out = _pytest(wt, args)
    if rc == 0:
        return outcome("survived", m.what)
    if rc == PYTEST_FAILED:
        return outcome("killed", f"by {_first_failed(out)}")
    return outcome("error", f"pytest exited {rc}: " + (out.strip().splitlines() or ["?"])[-1])


def check(root: Path, directory: Path, args: list[str]) -> int:
    """Run the mutation check in the checkout `root`; print the report; 0 when it passes."""
    mutants = load_mutants(directory)
    if not mutants:
        print(f"no mutants (*.patch) in {directory}")
        return 2
    rc, out = _pytest(root, args)
    if rc != 0:
        print(out.rstrip())
        print(f"FAILED your tests fail on the real kernel (pytest exited {rc}); fix them first")
        return 1
    print(f"your tests pass on the real kernel; now {len(mutants)} mutants, one build each")
    wt = _scratch(root, snapshot(root))
    commit = git(wt, "rev-parse", "HEAD").strip()
    outcomes = []
    for m in mutants:
        outcomes.append(_try(wt, m, args, commit))
        o = outcomes[-1]
        if o.result == "survived":
            print(f"FAILED mutant {m.name} survived: {o.detail} ({o.seconds:.0f}s)", flush=True)
        elif o.result == "killed":
            print(f"killed: {m.name} {o.detail} ({o.seconds:.0f}s)", flush=True)
        else:
            print(f"ERROR mutant {m.name} {o.detail} ({o.seconds:.0f}s)", flush=True)
    _reset(wt, commit)
    killed = sum(o.result == "killed" for o in outcomes)
    survived = [o.mutant.name for o in outcomes if o.result == "survived"]
    print(f"{killed}/{len(mutants)} mutants killed", end="")
    print(f"; survived: {', '.join(survived)}" if survived else "")
    return 0 if killed == len(mutants) else 1


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: python -m tools.taskkit.mutants <mutants dir> <pytest args...>")
        return 2
    root = Path(git(Path.cwd(), "rev-parse", "--show-toplevel").strip())
    directory = Path(argv[0])
    return check(root, directory if directory.is_absolute() else root / directory, argv[1:])


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main(sys.argv[1:]))
