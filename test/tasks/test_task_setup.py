"""Tasks that start from a planted state (`setup.patch`, see tools/taskkit/spec.py):
start commits it, check/newtests/reset/solution compare with that commit instead
of main, dev verify applies it before the checks, and every way it can go wrong
gives one line and leaves nothing behind."""

# Expected messages are single lines by design (one clear line per error).
# ruff: noqa: E501

from __future__ import annotations

from pathlib import Path

from taskrepo import RepoTestCase, git, kit, show

from tools.taskkit import checks, gitrepo, newtests
from tools.taskkit.spec import Check, load_task
from torchgen_mini.diagnostics import Location

TASK = "03-planted-double"
TASK_DIR = Path("tools") / "tasks" / TASK
BRANCH = f"task/{TASK}"

CALC = "def double(x: int) -> int:\n    return 2 * x\n"
PLANTED = "def double(x: int) -> int:\n    return 2 * x + 1\n"
SETUP_PATCH = """\
diff --git a/calc.py b/calc.py
--- a/calc.py
+++ b/calc.py
@@ -1,2 +1,2 @@
 def double(x: int) -> int:
-    return 2 * x
+    return 2 * x + 1
"""
SOLUTION_PATCH = SETUP_PATCH.replace(
    "-    return 2 * x\n+    return 2 * x + 1", "-    return 2 * x + 1\n+    return 2 * x"
)
TASK_YAML = f"""\
id: {TASK}
title: double() is off by one
difficulty: easy
track: foundations
topics: [bug fix]
prerequisites: []
files: [calc.py]
checks:
  - kind: command
    name: double(2) == 4
    argv: [python, -c, "import calc, sys; sys.exit(calc.double(2) != 4)"]
hints:
  - Look at calc.py.
"""
# A learner's regression test: it fails with the planted bug (the base) and
# passes once fixed, but it would pass on main, which never had the bug.
NEW_TEST = "import calc\n\n\ndef test_double() -> None:\n    assert calc.double(2) == 4\n"


def add_setup_task(repo: Path, *, needs_build: bool = False) -> None:
    """Commit calc.py and a task whose setup.patch plants a bug in it, on main."""
    (repo / "calc.py").write_text(CALC)
    task = repo / TASK_DIR
    task.mkdir(parents=True)
    spec = TASK_YAML.replace("files: [calc.py]", "files: [calc.py]\nneeds_build: true")
    (task / "task.yaml").write_text(spec if needs_build else TASK_YAML)
    (task / "issue.md").write_text("# double(2) returns 5\n")
    (task / "setup.patch").write_text(SETUP_PATCH)
    (task / "solution.patch").write_text(SOLUTION_PATCH)
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "add a task with a setup.patch")


class SetupTaskTest(RepoTestCase):
    def setUp(self) -> None:
        super().setUp()
        add_setup_task(self.repo)

    def branches(self) -> list[str]:
        return git(self.repo, "branch", "--format=%(refname:short)").split()

    def break_main(self) -> None:
        """A commit on main that the setup patch clashes with."""
        (self.repo / "calc.py").write_text(CALC.replace("2 * x", "x * 2"))
        git(self.repo, "commit", "--quiet", "-am", "main moves on")

    def fix(self) -> None:
        (self.repo / "calc.py").write_text(CALC)

    def test_start_commits_the_setup_patch(self) -> None:
        rc, out, err = kit(self.repo, "start", "3")
        self.assertEqual(rc, 0, err)
        self.assertIn("# double(2) returns 5", out)
        self.assertExpectedInline(
            err,
            """\
kit: the branch's first commit, 'task setup: double() is off by one (planted by ./kit start; do not revert)', sets up the state the issue describes
kit: on branch task/03-planted-double; when you are done: `./kit check` (or `./kit watch`)
""",
        )
        self.assertEqual((self.repo / "calc.py").read_text(), PLANTED)
        self.assertExpectedInline(
            git(self.repo, "log", "-1", "--format=%an <%ae>%n%B"),
            """\
aten-mini kit <kit@aten-mini.invalid>
task setup: double() is off by one (planted by ./kit start; do not revert)

Kit-Task-Setup: 03-planted-double

""",
        )
        self.assertEqual(git(self.repo, "rev-parse", "HEAD~"), git(self.repo, "rev-parse", "main"))
        self.assertEqual(git(self.repo, "status", "--porcelain"), "")
        self.assertEqual(
            gitrepo.setup_commit(self.repo, TASK), git(self.repo, "rev-parse", "HEAD").strip()
        )

    def test_a_setup_patch_that_does_not_apply_leaves_nothing_behind(self) -> None:
        self.break_main()
        before = git(self.repo, "rev-parse", "HEAD")
        self.assertExpectedInline(
            show(kit(self.repo, "start", "3")),
            """\
exit 1
kit: error: tools/tasks/03-planted-double/setup.patch does not apply to main (error: patch failed: calc.py:1); nothing was created. If you committed to main yourself, that change clashes with the task: start it from an unchanged main; otherwise the task is out of date (report it)
""",
        )
        self.assertEqual(self.branches(), ["main"])
        self.assertEqual(git(self.repo, "rev-parse", "HEAD"), before)
        self.assertEqual(git(self.repo, "status", "--porcelain", "--untracked-files=all"), "")
        self.assertFalse((self.repo / ".kit" / "progress.json").exists())

    def test_started_twice(self) -> None:
        self.assertEqual(kit(self.repo, "start", "3")[0], 0)
        setup = git(self.repo, "rev-parse", "HEAD")
        git(self.repo, "switch", "--quiet", "main")
        self.assertExpectedInline(
            show(kit(self.repo, "start", "3")),
            """\
exit 1
kit: error: task '03-planted-double' is already started on branch task/03-planted-double; `git switch task/03-planted-double` to continue it, or `./kit reset 03-planted-double` to start over (your work is backed up)
""",
        )
        self.assertEqual(git(self.repo, "rev-parse", BRANCH), setup)

    def test_check_and_new_tests_compare_with_the_setup_commit(self) -> None:
        kit(self.repo, "start", "3")
        self.fix()
        (self.repo / "test").mkdir()
        (self.repo / "test" / "test_calc.py").write_text(NEW_TEST)
        rc, out, err = kit(self.repo, "check")
        self.assertEqual(rc, 0, out + err)  # against main, the new test "cannot fail"
        self.assertIn("| your new tests fail on the setup commit and pass here | passed |", out)
        base = gitrepo.setup_commit(self.repo, TASK)
        assert base is not None
        result = newtests.check_new_tests(
            self.repo, load_task(self.repo / TASK_DIR, self.repo), base
        )
        assert result is not None
        self.assertIn(
            "ok (fails on the task's setup commit, passes here): test.test_calc::test_double",
            result.output,
        )

    def test_a_new_test_that_cannot_fail_on_the_base_is_reported(self) -> None:
        kit(self.repo, "start", "3")
        self.fix()
        (self.repo / "test").mkdir()
        (self.repo / "test" / "test_calc.py").write_text(NEW_TEST.replace("== 4", "> 0"))
        rc, out, _ = kit(self.repo, "check")
        self.assertEqual(rc, 1)
        self.assertIn(
            "cannot fail (passes on the task's setup commit too): test.test_calc::test_double", out
        )

    def test_the_review_check_reviews_the_commits_after_the_setup_commit(self) -> None:
        kit(self.repo, "start", "3")
        setup = git(self.repo, "rev-parse", "HEAD").strip()
        (self.repo / "tools" / "kit" / "commands").mkdir(parents=True)
        (self.repo / "tools" / "kit" / "commands" / "review.py").write_text("")
        review = Check("review", "review", (), 60, Location("task.yaml", 1))
        cmd = checks.command_for(self.repo, review, setup)
        assert cmd is not None
        self.assertEqual(cmd[-4:], ["tools.kit", "review", "--base", setup])

    def test_check_on_a_branch_without_the_setup_commit(self) -> None:
        git(self.repo, "switch", "--quiet", "-c", BRANCH)
        self.assertExpectedInline(
            show(kit(self.repo, "check")),
            """\
exit 1
kit: error: this branch lacks task 03-planted-double's setup commit (trailer 'Kit-Task-Setup: 03-planted-double'), so there is nothing to compare with; `./kit start 03-planted-double` (or `git switch task/03-planted-double`) to work on it, or from another branch `./kit reset 03-planted-double` to begin it afresh (your work is backed up)
""",
        )

    def test_reset_on_the_branch_restores_the_setup_state(self) -> None:
        kit(self.repo, "start", "3")
        setup = git(self.repo, "rev-parse", "HEAD")
        self.fix()
        git(self.repo, "commit", "--quiet", "-am", "my fix")
        rc, _, err = kit(self.repo, "reset", "3")
        self.assertEqual(rc, 0, err)
        self.assertExpectedInline(
            err,
            """\
kit: your work is saved on branch backup/task-03-planted-double-<time>; restored its setup commit's version of: calc.py
kit: to get a file back: `git checkout backup/task-03-planted-double-<time> -- <file>`
""",
        )
        self.assertEqual((self.repo / "calc.py").read_text(), PLANTED)
        backup = next(b for b in self.branches() if b.startswith("backup/"))
        self.assertEqual(git(self.repo, "show", f"{backup}:calc.py"), CALC)
        self.assertEqual(git(self.repo, "rev-parse", "HEAD~"), setup)  # history is kept

    def test_reset_elsewhere_restarts_from_a_fresh_setup_commit(self) -> None:
        kit(self.repo, "start", "3")
        self.fix()
        mine = self.commit_and_leave("my fix")
        rc, _, err = kit(self.repo, "reset", "3")
        self.assertEqual(rc, 0, err)
        self.assertIn(
            "branch task/03-planted-double now starts again from main plus a fresh setup commit",
            err,
        )
        self.assertEqual(
            git(self.repo, "rev-parse", f"{BRANCH}~"), git(self.repo, "rev-parse", "main")
        )
        self.assertEqual(git(self.repo, "show", f"{BRANCH}:calc.py"), PLANTED)
        backup = next(b for b in self.branches() if b.startswith("backup/"))
        self.assertEqual(git(self.repo, "rev-parse", backup), mine)

    def test_reset_elsewhere_when_the_setup_patch_no_longer_applies(self) -> None:
        kit(self.repo, "start", "3")
        git(self.repo, "switch", "--quiet", "main")
        branch_before = git(self.repo, "rev-parse", BRANCH)
        self.break_main()
        rc, _, err = kit(self.repo, "reset", "3")
        self.assertEqual(rc, 1)
        self.assertEqual(err.count("\n"), 1)
        self.assertIn("setup.patch does not apply to main", err)
        self.assertEqual(git(self.repo, "rev-parse", BRANCH), branch_before)
        self.assertFalse(any(b.startswith("backup/") for b in self.branches()))

    def test_solution_says_what_it_is_a_diff_against(self) -> None:
        kit(self.repo, "start", "3")
        rc, out, err = kit(self.repo, "solution", "--reveal")
        self.assertEqual(rc, 0)
        self.assertIn(
            "-    return 2 * x + 1\n+    return 2 * x\n",
            (self.repo / TASK_DIR / "solution.patch").read_text(),
        )
        self.assertIn("- return 2 * x + 1\n+ return 2 * x", out)  # kit() squeezes spaces
        self.assertExpectedInline(
            err,
            """\
kit: note: this diff is against the task's setup commit (main + setup.patch, the first commit of task/03-planted-double), not against main
""",
        )


class VerifySetupTaskTest(RepoTestCase):
    def test_verify_applies_the_setup_patch_first(self) -> None:
        add_setup_task(self.repo)
        rc, out, err = kit(self.repo, "dev", "verify", "3")
        self.assertEqual(rc, 0, out + err)
        self.assertIn("| 03-planted-double | fails | passes | ok | <t> |", out)
        self.assertEqual(git(self.repo, "worktree", "list").count("\n"), 1)

    def test_verify_in_the_shared_build_worktree(self) -> None:
        add_setup_task(self.repo, needs_build=True)
        (self.repo / ".gitignore").write_text("build/\n")
        git(self.repo, "add", ".gitignore")
        git(self.repo, "commit", "--quiet", "-m", "ignore build/")
        rc, out, err = kit(self.repo, "dev", "verify", "3")
        self.assertEqual(rc, 0, out + err)
        shared = self.repo / ".kit" / "verify" / "shared"
        self.assertEqual(git(shared, "rev-parse", "HEAD"), git(self.repo, "rev-parse", "HEAD"))
        self.assertEqual(git(shared, "status", "--porcelain"), "")
        self.assertEqual((shared / "calc.py").read_text(), CALC)

    def test_a_setup_patch_that_no_longer_applies(self) -> None:
        add_setup_task(self.repo)
        (self.repo / "calc.py").write_text(CALC.replace("2 * x", "x * 2"))
        git(self.repo, "commit", "--quiet", "-am", "main moves on")
        self.assertExpectedInline(
            kit(self.repo, "dev", "verify", "3")[2],
            """\
kit: error: task 03-planted-double: setup.patch no longer applies to HEAD (error: patch failed: calc.py:1)
kit: 0/1 tasks ok in <t>
""",
        )

    def test_a_solution_written_against_main_instead_of_the_setup(self) -> None:
        add_setup_task(self.repo)
        (self.repo / TASK_DIR / "solution.patch").write_text(SETUP_PATCH)
        self.assertExpectedInline(
            kit(self.repo, "dev", "verify", "3")[2],
            """\
kit: error: task 03-planted-double: solution.patch no longer applies to HEAD + setup.patch (error: patch failed: calc.py:1)
kit: 0/1 tasks ok in <t>
""",
        )

    def test_a_setup_patch_that_plants_nothing(self) -> None:
        add_setup_task(self.repo)
        harmless = SETUP_PATCH.replace("+    return 2 * x + 1", "+    return x + x")
        (self.repo / TASK_DIR / "setup.patch").write_text(harmless)
        self.assertExpectedInline(
            kit(self.repo, "dev", "verify", "3")[2],
            """\
kit: error: task 03-planted-double: its checks pass without the solution
kit: 0/1 tasks ok in <t>
""",
        )
