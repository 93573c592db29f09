"""A learner's walk-through of the two tasks graded on something other than a kernel.

Task 26 (respond to review) and task 25 (mutation-graded tests), each solved
all but one piece, as a learner leaves a PR before the last push: `./kit
check` must fail and name what is left, by the name the learner reads in the
issue (the review comment "R4 (docstring argument names)", the mutant
"mul-negative-zero"), `./kit review` must still make the R4 finding, and the
last piece must turn the check green. `pytest -s --slow` prints the
transcript a learner would read. Minutes (one CPU build of a copy of the
checkout, five mutant rebuilds): marked slow.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from clitools import checkout_copy, kit_in
from gitenv import git

REVIEW = "26-respond-to-review-atan2"
MUTANTS = "25-mutation-tests-mul"
CPU_ONLY = {"ATEN_MINI_NO_CUDA": "1"}


def _apply(repo: Path, patch: Path, *flags: str) -> None:
    proc = subprocess.run(
        ["git", "apply", *flags, str(patch)], cwd=repo, capture_output=True, text=True
    )
    assert proc.returncode == 0, f"{patch} {flags} does not apply: {proc.stderr}"


def _commit(repo: Path, message: str) -> None:
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", message)


def _check(repo: Path, task: str, tmp: Path) -> tuple[int, str, dict[str, str]]:
    """`./kit check --json` of `task`: exit status, what it printed, check name -> status."""
    results = tmp / f"{task}.json"
    rc, out = kit_in(repo, "check", task, "--json", str(results), env=CPU_ONLY)
    print(f"$ ./kit check {task}\n{out}")  # the transcript, with pytest -s
    assert results.is_file(), f"./kit check wrote no results:\n{out[-3000:]}"
    doc = json.loads(results.read_text())
    assert (doc["status"] == "passed") == (rc == 0), (rc, doc["status"])
    return rc, out, {c["name"]: c["status"] for c in doc["checks"]}


def _respond_to_three_of_four_comments(repo: Path) -> None:
    """R1-R3 answered (the kernel and the YAML of solution.patch); the docstring, R4, not."""
    patch = repo / "tools/tasks" / REVIEW / "solution.patch"
    _apply(repo, patch, "--exclude=python/aten_mini/_docs.py")
    _commit(repo, "atan2: TensorIterator in both kernels, and atan2_ (R1, R2, R3)")


def _answer_r4(repo: Path) -> None:
    patch = repo / "tools/tasks" / REVIEW / "solution.patch"
    _apply(repo, patch, "--include=python/aten_mini/_docs.py")
    _commit(repo, "atan2 docs: torch's argument names (R4)")


def _tests_blind_to_the_sign_of_zero(repo: Path) -> None:
    """The reference tests of task 25, less the signbit comparison that catches -0.0."""
    _apply(repo, repo / "tools/tasks" / MUTANTS / "solution.patch")
    cases = repo / "test/ops/test_mul_cases.py"
    text, n = re.subn(
        r"    if expected\.is_floating_point\(\):\n(?:        .*\n)+",
        "",
        cases.read_text(),
        count=1,
    )
    assert n == 1, "the signbit comparison of the reference tests moved"
    cases.write_text(text)
    _commit(repo, "mul: more cases (broadcast, promotion, strides, special values)")


@pytest.mark.slow
@pytest.mark.needs_build
def test_an_open_review_comment_and_a_surviving_mutant_are_named(tmp_path: Path) -> None:
    repo = checkout_copy(tmp_path)

    rc, out = kit_in(repo, "start", REVIEW, env=CPU_ONLY)
    assert rc == 0, out
    _respond_to_three_of_four_comments(repo)
    rc, out, checks = _check(repo, REVIEW, tmp_path)
    assert rc != 0, f"./kit check passed with R4 open:\n{out[-3000:]}"
    still_open = sorted(name for name, status in checks.items() if status != "passed")
    assert len(still_open) == 1 and still_open[0].startswith("R4 (docstring argument names)"), (
        checks
    )
    assert "R4 (docstring" in out, f"./kit check does not name R4:\n{out[-3000:]}"
    rc, review = kit_in(repo, "review", env=CPU_ONLY)
    assert "doc-signature" in review and "atan2" in review, review[-3000:]
    _answer_r4(repo)
    rc, out, checks = _check(repo, REVIEW, tmp_path)
    assert rc == 0, f"./kit check fails with every comment answered:\n{out[-3000:]}"

    git(repo, "switch", "--quiet", "main")
    rc, out = kit_in(repo, "start", MUTANTS, env=CPU_ONLY)
    assert rc == 0, out
    _tests_blind_to_the_sign_of_zero(repo)
    rc, out, checks = _check(repo, MUTANTS, tmp_path)
    assert rc != 0, f"./kit check passed with a blind spot for -0.0:\n{out[-3000:]}"
    assert "FAILED mutant mul-negative-zero survived" in out, out[-3000:]
    assert re.search(r"4/5 mutants killed; survived: mul-negative-zero\b", out), out[-3000:]
    for killed in ("mul-broadcast", "mul-nan", "mul-promotion", "mul-strides"):
        assert f"killed: {killed}" in out, f"{killed} not reported killed:\n{out[-3000:]}"
