"""The mutants check (tools/taskkit/mutants.py) on a throw-away repository with a
Python "kernel": survivors are named, killed mutants say by which test, the
learner's uncommitted tests are the ones graded, and their checkout is untouched.
No C++: the repository has no `./kit build`, so a mutant needs no rebuild."""

from __future__ import annotations

import io
import os
import re
import tempfile
from contextlib import redirect_stdout
from pathlib import Path
from unittest import mock

from expecttest import TestCase
from gitenv import GIT_ENV, git

from tools.taskkit import mutants

CALC = "def double(x: int) -> int:\n    return 2 * x\n"
WEAK_TESTS = """\
from calc import double


def test_zero() -> None:
    assert double(0) == 0


def test_two() -> None:
    assert double(2) == 4
"""
STRONG_TESTS = WEAK_TESTS + "\n\ndef test_three() -> None:\n    assert double(3) == 6\n"


def mutant_patch(what: str, body: str) -> str:
    return (
        f"# {what}\n"
        "diff --git a/calc.py b/calc.py\n"
        "--- a/calc.py\n"
        "+++ b/calc.py\n"
        "@@ -1,2 +1,2 @@\n"
        " def double(x: int) -> int:\n"
        "-    return 2 * x\n"
        f"+    {body}\n"
    )


class MutantsTest(TestCase):
    def setUp(self) -> None:
        super().setUp()
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.repo = Path(tmp.name) / "clone"
        (self.repo / "test").mkdir(parents=True)
        (self.repo / "calc.py").write_text(CALC)
        (self.repo / "test" / "test_calc.py").write_text(WEAK_TESTS)
        (self.repo / ".gitignore").write_text("/.kit/\n__pycache__/\n")
        self.mutants = self.repo / "mutants"
        self.mutants.mkdir()
        (self.mutants / "plus-one.patch").write_text(
            mutant_patch("one too many", "return 2 * x + 1")
        )
        (self.mutants / "square.patch").write_text(
            mutant_patch("squares instead of doubling", "return x * x")
        )
        git(self.repo, "init", "--quiet", "--initial-branch=main")
        git(self.repo, "add", "--all")
        git(self.repo, "commit", "--quiet", "-m", "initial")
        env = mock.patch.dict(os.environ, GIT_ENV)
        env.start()
        self.addCleanup(env.stop)

    def check(self) -> tuple[int, str]:
        out = io.StringIO()
        with redirect_stdout(out):
            rc = mutants.check(self.repo, self.mutants, ["-q", "-x", "test/test_calc.py"])
        return rc, re.sub(r"\(\d+s\)", "(<t>)", out.getvalue())

    def test_a_surviving_mutant_is_named(self) -> None:
        rc, out = self.check()
        self.assertEqual(rc, 1)
        self.assertExpectedInline(
            out,
            """\
your tests pass on the real kernel; now 2 mutants, one build each
killed: plus-one by test/test_calc.py::test_zero (<t>)
FAILED mutant square survived: squares instead of doubling (<t>)
1/2 mutants killed; survived: square
""",
        )

    def test_uncommitted_tests_kill_them_all_and_the_checkout_is_untouched(self) -> None:
        (self.repo / "test" / "test_calc.py").write_text(STRONG_TESTS)
        rc, out = self.check()
        self.assertEqual(rc, 0, out)
        self.assertExpectedInline(
            out,
            """\
your tests pass on the real kernel; now 2 mutants, one build each
killed: plus-one by test/test_calc.py::test_zero (<t>)
killed: square by test/test_calc.py::test_three (<t>)
2/2 mutants killed
""",
        )
        self.assertEqual((self.repo / "calc.py").read_text(), CALC)
        self.assertEqual(
            git(self.repo, "status", "--porcelain"), " M test/test_calc.py\n"
        )  # nothing but the learner's own edit
        # the scratch worktree is kept for the next run, at the snapshot, unmutated
        scratch = self.repo / mutants.SCRATCH
        self.assertEqual((scratch / "calc.py").read_text(), CALC)
        self.assertEqual((scratch / "test" / "test_calc.py").read_text(), STRONG_TESTS)
        self.assertEqual(self.check()[0], 0)  # and reused

    def test_tests_that_fail_on_the_real_kernel(self) -> None:
        (self.repo / "test" / "test_calc.py").write_text(
            WEAK_TESTS + "\n\ndef test_wrong() -> None:\n    assert double(1) == 3\n"
        )
        rc, out = self.check()
        self.assertEqual(rc, 1)
        self.assertEqual(
            out.splitlines()[-1],
            "FAILED your tests fail on the real kernel (pytest exited 1); fix them first",
        )
        self.assertFalse((self.repo / mutants.SCRATCH).exists())  # no mutant was tried

    def test_a_mutant_that_does_not_apply_is_an_error(self) -> None:
        (self.repo / "calc.py").write_text("def double(x: int) -> int:\n    return x + x\n")
        rc, out = self.check()
        self.assertEqual(rc, 1)
        self.assertRegex(
            out,
            r"ERROR mutant plus-one does not apply to your tree: error: patch failed: calc.py:1",
        )
        self.assertIn("0/2 mutants killed", out)

    def test_load_mutants_reads_the_what_line(self) -> None:
        self.assertEqual(
            [(m.name, m.what) for m in mutants.load_mutants(self.mutants)],
            [("plus-one", "one too many"), ("square", "squares instead of doubling")],
        )


def test_the_first_failing_test_is_named_whole() -> None:
    out = (
        "x\nFAILED test/t.py::test_mul[int times float] - AssertionError: no\nFAILED test/t.py::b\n"
    )
    assert mutants._first_failed(out) == "test/t.py::test_mul[int times float]"
    assert mutants._first_failed("ERROR test/t.py::c\n") == "test/t.py::c"
    assert mutants._first_failed("1 failed\n") == "(a test failed)"
