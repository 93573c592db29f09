"""`./kit check` judges the learner's own new tests (issue 8, item 4): a new test
file must fail on main and pass on the branch; a test that cannot fail is named."""

from __future__ import annotations

from taskrepo import RepoTestCase, git, kit

GOOD_TEST = """\
from greet import greet


def test_polite_greeting() -> None:
    assert greet("Ada") == "Hello, Ada!"
"""

USELESS_TEST = """\
from greet import greet


def test_polite_greeting() -> None:
    assert greet("Ada") == "Hello, Ada!"


def test_greet_returns_a_string() -> None:
    assert isinstance(greet("Ada"), str)
"""


class NewTestsTest(RepoTestCase):
    def setUp(self) -> None:
        super().setUp()
        kit(self.repo, "start", "1")
        path = self.repo / "greet.py"
        path.write_text(path.read_text().replace('"hello " + name', 'f"Hello, {name}!"'))

    def add_test(self, text: str) -> None:
        (self.repo / "test").mkdir(exist_ok=True)
        (self.repo / "test" / "test_polite.py").write_text(text)

    def test_a_test_that_fails_on_main_passes(self) -> None:
        self.add_test(GOOD_TEST)
        rc, out, err = kit(self.repo, "check")
        self.assertEqual(rc, 0, out + err)
        self.assertIn("| your new tests fail on main and pass here | passed | <t> |", out)

    def test_a_test_that_cannot_fail_is_reported(self) -> None:
        self.add_test(USELESS_TEST)
        rc, out, _ = kit(self.repo, "check")
        self.assertEqual(rc, 1)
        self.assertIn("| your new tests fail on main and pass here | failed | <t> |", out)
        self.assertExpectedInline(
            out[out.index("new test files:") :].split("\nhint")[0],
            """\
new test files: test/test_polite.py
cannot fail (passes on main too): test.test_polite::test_greet_returns_a_string
ok (fails on main, passes here): test.test_polite::test_polite_greeting""",
        )

    def test_a_committed_test_counts_too_and_main_is_left_alone(self) -> None:
        self.add_test(GOOD_TEST)
        git(self.repo, "add", "--all")
        git(self.repo, "commit", "--quiet", "-m", "fix greeting, with a test")
        rc, out, _ = kit(self.repo, "check")
        self.assertEqual(rc, 0, out)
        self.assertIn("your new tests fail on main and pass here | passed", out)
        self.assertFalse((self.repo / ".kit" / "newtests").exists())
        self.assertEqual(git(self.repo, "worktree", "list").count("\n"), 1)
        self.assertEqual(git(self.repo, "status", "--porcelain"), "")

    def test_no_new_test_file_is_said(self) -> None:
        rc, out, err = kit(self.repo, "check")
        self.assertEqual(rc, 0)
        self.assertNotIn("your new tests", out)
        self.assertIn("this branch adds no test file under test/", err)
