"""`./kit dev verify` on a throw-away repository: a good task set passes, and
each way a task can go wrong is reported with one clear line."""

# Expected messages are single lines by design (one clear line per error).
# ruff: noqa: E501

from __future__ import annotations

from pathlib import Path

from taskrepo import RepoTestCase, git, kit, show

TASK_DIR = Path("tools") / "tasks" / "01-fix-greeting"


class DevVerifyTest(RepoTestCase):
    def commit(self, path: str, text: str) -> None:
        (self.repo / path).write_text(text)
        git(self.repo, "commit", "--quiet", "-am", f"change {path}")

    def test_every_fixture_task_verifies(self) -> None:
        rc, out, err = kit(self.repo, "dev", "verify")
        self.assertEqual(rc, 0, err)
        self.assertExpectedInline(
            out,
            """\
./kit dev verify
| task | unsolved | solved | verdict | time |
| 01-fix-greeting | fails | passes | ok | <t> |
| 02-shout | fails | passes | ok | <t> |
""",
        )
        self.assertFalse((self.repo / ".kit" / "verify" / "01-fix-greeting").exists())
        self.assertEqual(git(self.repo, "worktree", "list").count("\n"), 1)

    def test_a_solution_patch_that_no_longer_applies(self) -> None:
        greet = (self.repo / "greet.py").read_text()
        self.commit("greet.py", greet.replace("def greet(name: str)", "def greet(name)"))
        self.assertExpectedInline(
            show(kit(self.repo, "dev", "verify", "1")),
            """\
exit 1
./kit dev verify
| task | unsolved | solved | verdict | time |
| 01-fix-greeting | fails | - | FAIL | <t> |
kit: error: task 01-fix-greeting: solution.patch no longer applies to HEAD (error: patch failed: greet.py:1)
kit: 0/1 tasks ok in <t>
""",
        )

    def test_a_task_that_passes_unsolved(self) -> None:
        greet = (self.repo / "greet.py").read_text()
        self.commit("greet.py", greet.replace('"hello " + name', 'f"Hello, {name}!"'))
        self.assertExpectedInline(
            kit(self.repo, "dev", "verify", "1")[2],
            """\
kit: error: task 01-fix-greeting: its checks pass without the solution
kit: 0/1 tasks ok in <t>
""",
        )

    def test_a_task_that_fails_solved(self) -> None:
        patch = self.repo / TASK_DIR / "solution.patch"
        patch.write_text(patch.read_text().replace("Hello, {name}!", "Hello, {name}."))
        rc, _, err = kit(self.repo, "dev", "verify", "1")  # the edit is uncommitted: still used
        self.assertEqual(rc, 1)
        self.assertExpectedInline(
            err,
            """\
kit: error: task 01-fix-greeting: fails with its solution: check 'pytest -q -p no:cacheprovider tools/tasks/01-fix-greeting/tests' failed: FAILED tools/tasks/01-fix-greeting/tests/test_greet.py::test_greet - AssertionError: assert 'Hell...
kit: 0/1 tasks ok in <t>
""",
        )

    def test_verify_leaves_the_checkout_alone(self) -> None:
        (self.repo / "greet.py").write_text("# work in progress\n")
        kit(self.repo, "dev", "verify", "2")
        self.assertEqual((self.repo / "greet.py").read_text(), "# work in progress\n")


class SharedBuildWorktreeTest(RepoTestCase):
    """Tasks with needs_build share `.kit/verify/shared`, whose ignored files (the build) survive."""

    def setUp(self) -> None:
        super().setUp()
        spec = self.repo / TASK_DIR / "task.yaml"
        spec.write_text(
            spec.read_text().replace("files: [greet.py]", "files: [greet.py]\nneeds_build: true")
        )
        (self.repo / ".gitignore").write_text("build/\n")
        git(self.repo, "add", "--all")
        git(self.repo, "commit", "--quiet", "-m", "task 01 needs the build")

    def test_the_shared_worktree_is_reused_and_reset(self) -> None:
        self.assertEqual(kit(self.repo, "dev", "verify", "1")[0], 0)
        shared = self.repo / ".kit" / "verify" / "shared"
        (shared / "build").mkdir()
        (shared / "build" / "object.o").write_text("compiled\n")
        git(self.repo, "commit", "--quiet", "--allow-empty", "-m", "a newer base")
        rc, out, err = kit(self.repo, "dev", "verify", "1")
        self.assertEqual(rc, 0, out + err)
        self.assertEqual((shared / "build" / "object.o").read_text(), "compiled\n")
        self.assertEqual(git(shared, "rev-parse", "HEAD"), git(self.repo, "rev-parse", "HEAD"))
        self.assertEqual(git(shared, "status", "--porcelain"), "")
        self.assertIn('return "hello " + name', (shared / "greet.py").read_text())


# A stand-in for the checkout's `./kit lint` and `./kit review`: verify runs them
# as `python -m tools.kit lint|review` in its worktree, with the worktree first
# on PYTHONPATH. Lint fails when LINT_FAILS exists; review fails when the
# commits after --base are none (the solution must have been committed).
FAKE_KIT = """\
import pathlib, subprocess, sys
if sys.argv[1] == "lint":
    if pathlib.Path("LINT_FAILS").exists():
        print("greet.py:1:1: X001 a planted lint finding")
        sys.exit(print("lint: 1 finding(s)", file=sys.stderr) or 1)
    sys.exit(0)
base = sys.argv[sys.argv.index("--base") + 1]
out = subprocess.run(["git", "log", "--format=%s", f"{base}..HEAD"], capture_output=True, text=True)
print(f"review of {base[:7]}..HEAD: {out.stdout.strip() or 'no commits'}")
sys.exit(0 if out.stdout.strip() else 1)
"""


class VerifyRunsTheCheckPlanTest(RepoTestCase):
    """The solved task goes through `./kit check`'s whole plan: lint and review included."""

    def setUp(self) -> None:
        super().setUp()
        commands = self.repo / "tools" / "kit" / "commands"
        commands.mkdir(parents=True)
        for init in ("tools/__init__.py", "tools/kit/__init__.py"):
            (self.repo / init).write_text("")
        (self.repo / "tools" / "kit" / "__main__.py").write_text(FAKE_KIT)
        (commands / "lint.py").write_text("")
        (commands / "review.py").write_text("")
        git(self.repo, "add", "--all")
        git(self.repo, "commit", "--quiet", "-m", "a ./kit with lint and review")

    def test_lint_and_review_run_on_the_committed_solution(self) -> None:
        rc, _, err = kit(self.repo, "dev", "verify", "1")
        self.assertEqual(rc, 0, err)

    def test_a_lint_finding_fails_the_solved_task(self) -> None:
        (self.repo / "LINT_FAILS").write_text("")
        git(self.repo, "add", "LINT_FAILS")
        git(self.repo, "commit", "--quiet", "-m", "plant a lint finding")
        self.assertExpectedInline(
            kit(self.repo, "dev", "verify", "1")[2],
            """\
kit: error: task 01-fix-greeting: fails with its solution: check './kit lint (the linters CI runs)' failed: greet.py:1:1: X001 a planted lint finding
kit: 0/1 tasks ok in <t>
""",
        )
