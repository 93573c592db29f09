"""The task commands on a throw-away repository: every bad-input case of issue 8,
each with its exact one-line message, and a learner's session from start to pass."""

# Expected messages are single lines by design (one clear line per error).
# ruff: noqa: E501

from __future__ import annotations

import json

from taskrepo import RepoTestCase, git, kit, show

FIXED_GREET = 'def greet(name: str) -> str:\n    return f"Hello, {name}!"\n'


class TaskCliTest(RepoTestCase):
    def fix_greeting(self) -> None:
        path = self.repo / "greet.py"
        text = path.read_text()
        path.write_text(
            text.replace('    return "hello " + name\n', FIXED_GREET.split("\n")[1] + "\n")
        )

    def test_unknown_task_id(self) -> None:
        self.assertExpectedInline(
            show(kit(self.repo, "start", "99-nope")),
            """\
exit 1
kit: error: unknown task '99-nope'; `./kit tasks` lists them
""",
        )

    def test_unknown_task_id_close_match(self) -> None:
        self.assertExpectedInline(
            kit(self.repo, "start", "fix-greting")[2],
            """\
kit: error: unknown task 'fix-greting' (did you mean '01-fix-greeting'?); `./kit tasks` lists them
""",
        )

    def test_task_started_twice(self) -> None:
        self.assertEqual(kit(self.repo, "start", "1")[0], 0)
        self.assertExpectedInline(
            kit(self.repo, "start", "1")[2],
            """\
kit: error: task '01-fix-greeting' is already started and you are on its branch task/01-fix-greeting; edit the files, then `./kit check`
""",
        )
        git(self.repo, "switch", "--quiet", "main")
        rc, _, err = kit(self.repo, "start", "01-fix-greeting")
        self.assertEqual(rc, 1)
        self.assertExpectedInline(
            err,
            """\
kit: error: task '01-fix-greeting' is already started on branch task/01-fix-greeting; `git switch task/01-fix-greeting` to continue it, or `./kit reset 01-fix-greeting` to start over (your work is backed up)
""",
        )

    def test_start_refuses_a_dirty_tree(self) -> None:
        (self.repo / "greet.py").write_text("# my unsaved work\n")
        rc, _, err = kit(self.repo, "start", "1")
        self.assertEqual(rc, 1)
        self.assertExpectedInline(
            err,
            """\
kit: error: your working tree has uncommitted changes (1 file(s), e.g. greet.py); commit them (or `git stash`), then `./kit start 01-fix-greeting` again
""",
        )
        self.assertEqual((self.repo / "greet.py").read_text(), "# my unsaved work\n")
        self.assertEqual(git(self.repo, "branch", "--show-current"), "main\n")

    def test_check_outside_a_task_branch(self) -> None:
        self.assertExpectedInline(
            show(kit(self.repo, "check")),
            """\
exit 1
kit: error: you are on branch 'main', not on a task branch; `./kit start <task>` starts one, or name the task: `./kit check <task>`
""",
        )

    def test_hint_outside_a_task_branch(self) -> None:
        self.assertExpectedInline(
            kit(self.repo, "hint")[2],
            """\
kit: error: you are on branch 'main', not on a task branch; `./kit start <task>` starts one, or name the task: `./kit hint <task>`
""",
        )

    def test_corrupted_progress_file(self) -> None:
        kit(self.repo, "start", "1")
        progress = self.repo / ".kit" / "progress.json"
        progress.write_text('{"version": 1, "tasks": {')
        rc, out, err = kit(self.repo, "status")
        self.assertEqual(rc, 0)
        self.assertExpectedInline(
            err,
            """\
kit: warning: .kit/progress.json could not be read (not JSON: Expecting property name enclosed in double quotes at line 1); it was moved to .kit/progress.json.corrupt-<time> and progress starts afresh (your branches and files are untouched)
""",
        )
        (moved,) = (self.repo / ".kit").glob("progress.json.corrupt-*")
        self.assertEqual(moved.read_text(), '{"version": 1, "tasks": {')
        self.assertIn("01-fix-greeting | started", out)  # the branch still says so

    def test_progress_of_another_version_is_moved_aside(self) -> None:
        (self.repo / ".kit").mkdir()
        (self.repo / ".kit" / "progress.json").write_text('{"version": 7}')
        self.assertExpectedInline(
            kit(self.repo, "tasks")[2],
            """\
kit: warning: .kit/progress.json could not be read (not a version-1 progress file); it was moved to .kit/progress.json.corrupt-<time> and progress starts afresh (your branches and files are untouched)
""",
        )

    def test_solution_needs_a_pass_or_reveal(self) -> None:
        kit(self.repo, "start", "1")
        self.assertExpectedInline(
            kit(self.repo, "solution")[2],
            """\
kit: error: task '01-fix-greeting' has not passed yet; `./kit check` it first, or `./kit solution 01-fix-greeting --reveal` to see the reference solution anyway
""",
        )
        rc, out, _ = kit(self.repo, "solution", "--reveal")
        self.assertEqual(rc, 0)
        self.assertIn('+ return f"Hello, {name}!"', out)

    def test_hints_come_one_at_a_time(self) -> None:
        kit(self.repo, "start", "1")
        self.assertExpectedInline(
            kit(self.repo, "hint")[1],
            """\
hint 1/2: Look at greet.py.
""",
        )
        self.assertExpectedInline(
            kit(self.repo, "hint")[1],
            """\
hint 1/2: Look at greet.py.
hint 2/2: The greeting is "Hello, <name>!".
""",
        )
        self.assertExpectedInline(
            kit(self.repo, "hint")[1],
            """\
hint 1/2: Look at greet.py.
hint 2/2: The greeting is "Hello, <name>!".
That was the last hint; `./kit solution --reveal` shows the reference.
""",
        )

    def test_reset_on_the_branch_backs_up_everything_first(self) -> None:
        kit(self.repo, "start", "1")
        (self.repo / "greet.py").write_text("# attempt\n")
        (self.repo / "notes.txt").write_text("my notes\n")
        rc, _, err = kit(self.repo, "reset", "1")
        self.assertEqual(rc, 0)
        self.assertExpectedInline(
            err,
            """\
kit: your work is saved on branch backup/task-01-fix-greeting-<time>; restored main's version of: greet.py
kit: to get a file back: `git checkout backup/task-01-fix-greeting-<time> -- <file>`
""",
        )
        self.assertEqual(git(self.repo, "status", "--porcelain"), "?? notes.txt\n")
        (backup,) = git(self.repo, "branch", "--list", "backup/*").split()
        self.assertEqual(git(self.repo, "show", f"{backup}:greet.py"), "# attempt\n")
        self.assertEqual(git(self.repo, "show", f"{backup}:notes.txt"), "my notes\n")
        state = json.loads((self.repo / ".kit" / "progress.json").read_text())
        self.assertEqual(state["tasks"]["01-fix-greeting"]["backups"], [backup])

    def test_reset_elsewhere_moves_the_branch_after_a_backup(self) -> None:
        kit(self.repo, "start", "1")
        self.fix_greeting()
        tip = self.commit_and_leave("my fix")
        self.assertEqual(kit(self.repo, "reset", "1")[0], 0)
        (backup,) = git(self.repo, "branch", "--list", "backup/*").split()
        self.assertEqual(git(self.repo, "rev-parse", backup), tip)
        main = git(self.repo, "rev-parse", "main")
        self.assertEqual(git(self.repo, "rev-parse", "task/01-fix-greeting"), main)

    def test_reset_of_a_task_never_started(self) -> None:
        self.assertExpectedInline(
            show(kit(self.repo, "reset", "2")),
            """\
exit 1
kit: error: task '02-shout' was never started (no branch task/02-shout); nothing to reset
""",
        )

    def test_unavailable_checks_neither_pass_nor_fail(self) -> None:
        kit(self.repo, "start", "2")
        path = self.repo / "greet.py"
        path.write_text(path.read_text().replace("return text\n", "return text.upper()\n"))
        rc, out, _ = kit(self.repo, "check")
        self.assertEqual(rc, 0)
        self.assertExpectedInline(
            out,
            """\
./kit check 02-shout
| check | result | time |
| python -c import greet, sys; sys.exit(greet.shout('a') != 'A') | passed | <t> |
| review | not available | |
| ./kit lint (the linters CI runs) | not available | |
note: review: this checkout has no `./kit review` yet, so it was not run
note: ./kit lint (the linters CI runs): this checkout has no `./kit lint` yet, so it was not run
Task 02-shout passed. Compare with the reference: `./kit solution`; next: `./kit next`.
""",
        )

    def test_a_learner_session(self) -> None:
        # From `./kit start` on: what `./kit tasks` shows first is pinned in
        # test_task_next.py (test_tasks_shows_the_path_by_track_with_locked_tasks).
        transcript = []
        for argv in (["start", "1"], ["check"], None, ["check"]):
            if argv is None:
                self.fix_greeting()
                continue
            rc, out, err = kit(self.repo, *argv)
            transcript.append(f"$ ./kit {' '.join(argv)}  (exit {rc})\n{out}{err}")
        self.assertExpectedInline(
            "".join(transcript),
            """\
$ ./kit start 1  (exit 0)
# greet() is impolite

`greet("Ada")` returns `hello Ada`; it should return `Hello, Ada!`.

kit: on branch task/01-fix-greeting; when you are done: `./kit check` (or `./kit watch`)
$ ./kit check  (exit 1)
./kit check 01-fix-greeting
| check | result | time |
| pytest -q -p no:cacheprovider tools/tasks/01-fix-greeting/tests | failed | <t> |
| greeting ends with "!" | failed | <t> |
| ./kit lint (the linters CI runs) | not available | |
| review bot on your commits | not available | |
note: ./kit lint (the linters CI runs): this checkout has no `./kit lint` yet, so it was not run
note: review bot on your commits: this checkout has no `./kit review` yet, so it was not run
-- failing check: pytest -q -p no:cacheprovider tools/tasks/01-fix-greeting/tests --
(declared at tools/tasks/01-fix-greeting/task.yaml:10; the last lines of its output follow)
F [100%]
============================================= FAILURES =============================================
____________________________________________ test_greet ____________________________________________

 def test_greet() -> None:
> assert greet.greet("Ada") == "Hello, Ada!"
E AssertionError: assert 'hello Ada' == 'Hello, Ada!'
E
E - Hello, Ada!
E ? ^ - -
E + hello Ada
E ? ^

tools/tasks/01-fix-greeting/tests/test_greet.py:5: AssertionError
===================================== short test summary info ======================================
FAILED tools/tasks/01-fix-greeting/tests/test_greet.py::test_greet - AssertionError: assert 'hell...
1 failed in <t>
hint 1/2: Look at greet.py.
kit: -> pytest -q -p no:cacheprovider tools/tasks/01-fix-greeting/tests
kit: -> greeting ends with "!"
kit: -> ./kit lint (the linters CI runs)
kit: -> review bot on your commits
kit: -> your new tests fail on main and pass here
kit: (this branch adds no test file under test/; a PR usually does)
$ ./kit check  (exit 0)
./kit check 01-fix-greeting
| check | result | time |
| pytest -q -p no:cacheprovider tools/tasks/01-fix-greeting/tests | passed | <t> |
| greeting ends with "!" | passed | <t> |
| ./kit lint (the linters CI runs) | not available | |
| review bot on your commits | not available | |
note: ./kit lint (the linters CI runs): this checkout has no `./kit lint` yet, so it was not run
note: review bot on your commits: this checkout has no `./kit review` yet, so it was not run
Task 01-fix-greeting passed. Compare with the reference: `./kit solution`; next: `./kit next`.
kit: -> pytest -q -p no:cacheprovider tools/tasks/01-fix-greeting/tests
kit: -> greeting ends with "!"
kit: -> ./kit lint (the linters CI runs)
kit: -> review bot on your commits
kit: -> your new tests fail on main and pass here
kit: (this branch adds no test file under test/; a PR usually does)
""",
        )
        # The session's progress: the failing check's hint counted, the pass
        # timed (the rest of `./kit status` is pinned in test_task_next.py).
        rc, out, err = kit(self.repo, "status")
        self.assertEqual(rc, 0, err)
        self.assertIn("| 01-fix-greeting | passed | 1/2 | <time> |", out)
        self.assertIn("1/2 passed, 0 started; you are on task 01-fix-greeting.", out)
