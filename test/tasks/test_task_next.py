"""`./kit next`, the path in `./kit tasks` and the practice summary of `./kit status`, on
the fixture repository (01-fix-greeting in foundations; 02-shout in kernels, after 01)."""

# Expected messages are single lines by design (one clear line per error).
# ruff: noqa: E501

from __future__ import annotations

from taskrepo import RepoTestCase, changed, git, kit, show

from tools.taskkit import progress


class TaskNextTest(RepoTestCase):
    def mark_passed(self, task_id: str) -> None:
        p = progress.load(self.repo)
        p.of(task_id).status = "passed"
        p.save()

    def test_next_starts_the_first_task_of_the_path(self) -> None:
        self.assertExpectedInline(
            show(kit(self.repo, "next")),
            """\
exit 0
# greet() is impolite

`greet("Ada")` returns `hello Ada`; it should return `Hello, Ada!`.

kit: next on the path (1/2, track foundations): 01-fix-greeting
kit: on branch task/01-fix-greeting; when you are done: `./kit check` (or `./kit watch`)
""",
        )
        self.assertEqual(git(self.repo, "branch", "--show-current"), "task/01-fix-greeting\n")
        self.assertEqual(progress.load(self.repo).peek("01-fix-greeting").status, "started")

    def test_next_waits_for_a_started_prerequisite(self) -> None:
        kit(self.repo, "next")
        self.assertExpectedInline(
            show(kit(self.repo, "next")),
            """\
exit 1
kit: error: every task not passed yet is started or waits for one that is: 01-fix-greeting; finish one (`git switch task/01-fix-greeting`, then `./kit check`), or `./kit reset 01-fix-greeting` to begin it afresh
""",
        )

    def test_next_after_a_pass_leaves_the_branch_for_the_next_task(self) -> None:
        kit(self.repo, "next")
        self.mark_passed("01-fix-greeting")
        rc, _, err = kit(self.repo, "next")
        self.assertEqual(rc, 0, err)
        self.assertExpectedInline(
            err,
            """\
kit: next on the path (2/2, track kernels): 02-shout
kit: on branch task/02-shout; when you are done: `./kit check` (or `./kit watch`)
""",
        )
        self.assertEqual(git(self.repo, "branch", "--show-current"), "task/02-shout\n")

    def test_next_says_which_unfinished_task_it_leaves(self) -> None:
        third = self.repo / "tools" / "tasks" / "03-wave"
        third.mkdir()
        (third / "task.yaml").write_text(
            (self.repo / "tools/tasks/02-shout/task.yaml")
            .read_text()
            .replace("02-shout", "03-wave")
            .replace("track: kernels", "track: upstream-practice")
            .replace("prerequisites: [01-fix-greeting]", "prerequisites: []")
        )
        (third / "issue.md").write_text("# wave\n")
        (third / "solution.patch").write_text("")
        git(self.repo, "add", "--all")
        git(self.repo, "commit", "--quiet", "-m", "a third task")
        kit(self.repo, "start", "1")
        self.assertExpectedInline(
            show(kit(self.repo, "next")),
            """\
exit 0
# wave

kit: leaving task 01-fix-greeting unfinished; `git switch task/01-fix-greeting` returns to it
kit: next on the path (3/3, track upstream-practice): 03-wave
kit: on branch task/03-wave; when you are done: `./kit check` (or `./kit watch`)
""",
        )

    def test_next_refuses_a_dirty_tree_and_says_to_run_next_again(self) -> None:
        (self.repo / "greet.py").write_text("# my unsaved work\n")
        self.assertExpectedInline(
            show(kit(self.repo, "next")),
            """\
exit 1
kit: next on the path (1/2, track foundations): 01-fix-greeting
kit: error: your working tree has uncommitted changes (1 file(s), e.g. greet.py); commit them (or `git stash`), then `./kit next` again
""",
        )
        self.assertEqual(git(self.repo, "branch", "--show-current"), "main\n")

    def test_next_when_every_task_passed(self) -> None:
        self.mark_passed("01-fix-greeting")
        self.mark_passed("02-shout")
        self.assertExpectedInline(
            show(kit(self.repo, "next")),
            """\
exit 0
All 2 tasks passed: you have walked the whole path. `./kit status` shows what you practised by
topic; `./kit solution <id>` compares your work with a reference.
""",
        )

    def test_tasks_shows_the_path_by_track_with_locked_tasks(self) -> None:
        before = show(kit(self.repo, "tasks"))
        self.assertExpectedInline(
            before,
            """\
exit 0
aten-mini learning path
| | id | title | level | status |
| | 1. foundations | | | |
| | 01-fix-greeting | Greet politely | easy | unlocked |
| | 2. kernels | | | |
| | 02-shout | Shout (after 01) | medium | locked |
0/2 passed. Next on the path: 01-fix-greeting; `./kit next` starts it, `./kit start <id>` starts any
task (a number or the slug also works).
""",
        )
        self.mark_passed("01-fix-greeting")
        # Passing 01 marks it passed, unlocks 02 and moves "next" on.
        self.assertExpectedInline(
            changed(before, show(kit(self.repo, "tasks"))),
            """\
-| | 01-fix-greeting | Greet politely | easy | unlocked |
+| | 01-fix-greeting | Greet politely | easy | passed |
-| | 02-shout | Shout (after 01) | medium | locked |
-0/2 passed. Next on the path: 01-fix-greeting; `./kit next` starts it, `./kit start <id>` starts any
-task (a number or the slug also works).
+| | 02-shout | Shout | medium | unlocked |
+1/2 passed. Next on the path: 02-shout; `./kit next` starts it, `./kit start <id>` starts any task
+(a number or the slug also works).
""",
        )

    def test_tasks_filters_by_topic_and_track(self) -> None:
        out = kit(self.repo, "tasks", "--topic", "testing")[1]
        self.assertIn("| 02-shout |", out)
        self.assertNotIn("| 01-fix-greeting |", out)
        out = kit(self.repo, "tasks", "--track", "foundations")[1]
        self.assertIn("| 01-fix-greeting |", out)
        self.assertNotIn("| 02-shout |", out)

    def test_tasks_refuses_a_word_outside_the_vocabulary(self) -> None:
        self.assertExpectedInline(
            show(kit(self.repo, "tasks", "--topic", "autograds")),
            """\
exit 1
kit: error: unknown topic 'autograds' (did you mean 'autograd'?); the topics: schema, native_functions.yaml, variants, codegen, python bindings, docs, new op, composite, pointwise, reduction, TensorIterator, DispatchStub, vectorization, CUDA, type promotion, dtypes, memory format, autograd, forward AD, vmap, structured kernels, dispatcher, torch.compile, profiling, performance, backward compatibility, OpInfo, testing, bug fix, code review
""",
        )
        self.assertExpectedInline(
            kit(self.repo, "tasks", "--track", "kernel")[2],
            """\
kit: error: unknown track 'kernel' (did you mean 'kernels'?); the tracks: foundations, kernels, autograd, compiler-and-dispatcher, upstream-practice
""",
        )

    def test_status_counts_what_was_practised_by_topic(self) -> None:
        self.mark_passed("01-fix-greeting")
        self.assertExpectedInline(
            show(kit(self.repo, "status")),
            """\
exit 0
your progress
| id | status | hints used | passed at |
| 01-fix-greeting | passed | 0/2 | |
| 02-shout | new | 0/1 | |
what you have practised
| topic | tasks passed | of |
| new op | 0 | 1 |
| testing | 0 | 1 |
| bug fix | 1 | 1 |
1/2 passed, 0 started; you are on branch main. Progress is kept in .kit/progress.json.
""",
        )
