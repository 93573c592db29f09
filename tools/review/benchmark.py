"""`python -m tools.review.benchmark`: the kit's gates on the reviewer benchmark corpus.

Each case of test/review/corpus/cases.py (Note [The benchmark corpus]) is
applied to a detached worktree of `--base` (default HEAD), committed, and put
through the gates that need no C++ build:
  lint    `python -m tools.lint` (what `./kit lint` runs) inside the worktree,
          counting only findings in files the case touches (a finding main has
          already is not the case's);
  review  `python -m tools.review check` (what `./kit review` runs) of this
          checkout's reviewer against the case's commit, base `--base`.
`--with-tests OP...` also builds the worktree and runs `./kit test -k <op>` for
the cases of those ops, under the shared build lock (one C++ build per case:
minutes each). The table says, per case, which gate blocked it, which rules of
the reviewer spoke, and whether the expected rule named the defect.
`--patches DIR` writes each case as a patch against `--base` and stops.

Exit status: 1 when a control is blocked by any gate or a case does not apply.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from tools.common.errors import KitError
from tools.common.git import GitError, git, remove_worktree, run_git
from tools.review.comments import Review
from tools.review.context import dict_context
from tools.review.engine import run_rules

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "test" / "review" / "corpus" / "cases.py"
LOCK = "/tmp/aten-mini-build.lock"
LINT_LINE = re.compile(r"^(?P<path>[^:\s]+):(?P<line>\d+):(?:\d+:)?\s*(?P<rest>.*)$")


class CaseError(KitError):
    """A case does not apply to the base (its anchor is gone): the corpus must be updated."""


def load_corpus(path: Path = CORPUS) -> ModuleType:
    spec = importlib.util.spec_from_file_location("review_corpus_cases", path)
    if spec is None or spec.loader is None:
        raise CaseError(f"{path}: cannot load the corpus")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def run(cmd: list[str], cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd, cwd=cwd, capture_output=True, text=True, check=False, timeout=timeout
    )


def edited(case: Any, read: Callable[[str], str | None]) -> dict[str, str]:
    """The files the case changes, as they are after its edits; `read` gives the base's."""
    files: dict[str, str] = {}
    for e in case.edits:
        if e.before is None and not e.append:
            files[e.path] = e.text
            continue
        text = files.get(e.path, read(e.path))
        if text is None:
            raise CaseError(f"case {case.name}: {e.path} is not in the base")
        if e.append:
            text += e.text
        else:
            at = text.rfind(e.before) if e.last else text.find(e.before)
            if at < 0:
                raise CaseError(
                    f"case {case.name}: anchor {e.before[:60]!r} not found in {e.path} "
                    "(main moved: update test/review/corpus/cases.py)"
                )
            text = text[:at] + e.text + text[at:]
        files[e.path] = text
    return files


def apply_case(wt: Path, case: Any) -> list[str]:
    """Write the case's edits into the worktree; the paths it touched."""

    def read(rel: str) -> str | None:
        path = wt / rel
        return path.read_text(encoding="utf-8") if path.is_file() else None

    files = edited(case, read)
    for rel, text in files.items():
        (wt / rel).parent.mkdir(parents=True, exist_ok=True)
        (wt / rel).write_text(text, encoding="utf-8")
    return list(files)


# What the static rules read besides the files a case changes.
CONTEXT_FILES = ("test/opinfo/samples.py", "test/opinfo/core.py", "tools/bc/allowlist.yaml")


@cache
def _show(repo: Path, commit: str, rel: str) -> str | None:
    proc = run_git(repo, "show", f"{commit}:{rel}")
    return proc.stdout.decode("utf-8", "replace") if proc.returncode == 0 else None


def static_review(case: Any, base: str = "HEAD", repo: Path = ROOT) -> Review:
    """The reviewer's rules on the case, in memory (no worktree, no lint): the fast path
    test/review/test_review_benchmark.py runs."""
    commit = git(repo, "rev-parse", "--verify", f"{base}^{{commit}}").strip()

    def read(rel: str) -> str | None:
        return _show(repo, commit, rel)

    head = edited(case, read)
    base_files = {p: t for p in [*head, *CONTEXT_FILES] if (t := read(p)) is not None}
    return run_rules(dict_context(base_files, {**base_files, **head}))


@dataclass
class Result:
    case: str
    op: str
    defect: str | None
    expect_rule: str | None
    lint: list[str] = field(default_factory=list)
    blocking: list[str] = field(default_factory=list)  # rule ids
    suggestions: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    test: str = "not run"  # passed | failed | not run
    messages: list[dict[str, Any]] = field(default_factory=list)

    @property
    def named(self) -> bool:
        """The expected rule spoke (blocking or not)."""
        return self.expect_rule in self.blocking + self.suggestions

    @property
    def blocked_by(self) -> list[str]:
        gates = []
        if self.lint:
            gates.append("lint")
        if self.blocking or self.errors:
            gates.append("review")
        if self.test == "failed":
            gates.append("test")
        return gates


def lint_case(wt: Path, touched: list[str]) -> list[str]:
    proc = run([sys.executable, "-m", "tools.lint"], wt)
    found = []
    for line in proc.stdout.splitlines():
        m = LINT_LINE.match(line)
        if m and m["path"] in touched:
            found.append(line.strip())
    return found


def review_case(wt: Path, base: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "review.json"
        cmd = [
            sys.executable,
            "-m",
            "tools.review",
            "check",
            "--repo",
            str(wt),
            "--base",
            base,
            "--head",
            "HEAD",
            "--json",
            str(out),
            "--quiet",
        ]
        proc = run(cmd, ROOT)
        if not out.is_file():
            raise CaseError(f"review did not run: {proc.stderr.strip()[:300]}")
        data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return data


def test_case(wt: Path, op: str) -> str:
    """`./kit test -k op` in the worktree (its own build folder; this checkout's venv)."""
    if not (wt / ".venv").exists():
        (wt / ".venv").symlink_to(ROOT / ".venv")
    proc = run(["flock", LOCK, str(wt / "kit"), "test", "-k", op], wt, timeout=3600)
    (wt / "test-output.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    tail = (proc.stdout + proc.stderr).strip().splitlines()[-1:]
    print(f"benchmark: ./kit test -k {op}: exit {proc.returncode}: {tail}", file=sys.stderr)
    return "passed" if proc.returncode == 0 else "failed"


def run_case(wt: Path, base: str, case: Any, with_tests: set[str], lint: bool = True) -> Result:
    git(wt, "checkout", "-q", "--detach", "-f", base)
    git(wt, "clean", "-q", "-fd")
    touched = apply_case(wt, case)
    git(wt, "add", "-A")
    git(
        wt,
        "-c",
        "user.name=benchmark",
        "-c",
        "user.email=benchmark@invalid",
        "commit",
        "-q",
        "-m",
        f"benchmark case {case.name}",
    )
    r = Result(case.name, case.op, case.defect, case.expect_rule)
    r.lint = lint_case(wt, touched) if lint else []
    review = review_case(wt, base)
    for c in review["comments"]:
        (r.blocking if c["severity"] == "blocking" else r.suggestions).append(c["rule"])
        r.messages.append({k: c[k] for k in ("rule", "severity", "path", "line", "message")})
    r.errors = list(review.get("errors", []))
    if case.op in with_tests:
        r.test = test_case(wt, case.op)
    return r


def write_patches(base: str, out: Path, corpus: ModuleType) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with Worktree(base) as wt:
        for case in corpus.cases():
            git(wt, "checkout", "-q", "--detach", "-f", base)
            git(wt, "clean", "-q", "-fd")
            apply_case(wt, case)
            git(wt, "add", "-A")
            (out / f"{case.name}.patch").write_text(git(wt, "diff", "--cached"), encoding="utf-8")


class Worktree:
    """A detached worktree of `base` in a temporary folder, removed on exit."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.tmp = tempfile.TemporaryDirectory(prefix="review-bench-")
        self.path = Path(self.tmp.name) / "wt"

    def __enter__(self) -> Path:
        git(ROOT, "worktree", "add", "-q", "--detach", str(self.path), self.base)
        return self.path

    def __exit__(self, *exc: object) -> None:
        remove_worktree(ROOT, self.path)
        self.tmp.cleanup()


def table(results: list[Result]) -> str:
    rows = [
        "| case | defect class | lint | review (blocking) | review (suggestions) | test "
        "| expected rule named |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        rows.append(
            f"| {r.case} | {r.defect or 'control'} | {len(r.lint) or '-'} "
            f"| {', '.join(sorted(set(r.blocking))) or '-'} "
            f"| {', '.join(sorted(set(r.suggestions))) or '-'} | {r.test} "
            f"| {'-' if r.expect_rule is None else ('yes' if r.named else 'NO')} |"
        )
    defects = [r for r in results if r.defect]
    controls = [r for r in results if not r.defect]
    caught = [r for r in defects if r.blocked_by]
    named = [r for r in defects if r.named]
    named_blocking = [r for r in defects if r.expect_rule in r.blocking]
    false_blocks = [r for r in controls if r.blocked_by]
    rows += [
        "",
        f"defects blocked by the gate (lint, review, test run): {len(caught)} of {len(defects)}",
        f"defects named by the reviewer's expected rule: {len(named)} of {len(defects)} "
        f"({len(named_blocking)} as blocking)",
        f"controls blocked: {len(false_blocks)} of {len(controls)}",
    ]
    return "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.review.benchmark")
    parser.add_argument("--base", default="HEAD", help="the revision the cases apply to")
    parser.add_argument("--case", action="append", help="run only these cases (by name)")
    parser.add_argument(
        "--with-tests",
        nargs="*",
        default=[],
        metavar="OP",
        help="also build and run ./kit test -k OP for these ops' cases",
    )
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--patches", help="write each case as a patch into this folder, then stop")
    args = parser.parse_args(argv)
    # SIGTERM unwinds like an exception, so the worktree is removed
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        corpus = load_corpus()
        base = git(ROOT, "rev-parse", "--verify", f"{args.base}^{{commit}}").strip()
        if args.patches:
            write_patches(base, Path(args.patches), corpus)
            return 0
        chosen = [c for c in corpus.cases() if not args.case or c.name in args.case]
        results = []
        with Worktree(base) as wt:
            for case in chosen:
                results.append(run_case(wt, base, case, set(args.with_tests)))
                print(
                    f"benchmark: {case.name}: blocked by {results[-1].blocked_by or 'nothing'}",
                    file=sys.stderr,
                    flush=True,
                )
    except (CaseError, GitError, subprocess.TimeoutExpired) as exc:
        print(f"benchmark: error: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write(table(results))
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                [{**r.__dict__, "blocked_by": r.blocked_by, "named": r.named} for r in results],
                indent=2,
            ),
            encoding="utf-8",
        )
    return 1 if any(r.blocked_by for r in results if not r.defect) else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    sys.exit(main())
