"""The learning path (tools/taskkit/path.py): order, unlocking, the next task, the
practice summary, the path rules catalog enforces, and the README's topic table."""

# ruff: noqa: E501

from __future__ import annotations

import tempfile
import textwrap
from pathlib import Path

from expecttest import TestCase

from tools.common.errors import KitError
from tools.taskkit import catalog, path
from tools.taskkit.spec import Task
from tools.taskkit.vocab import TOPICS, TRACKS

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / catalog.TASKS_DIR / "README.md"


def task_yaml(task_id: str, track: str, topics: str, prerequisites: str = "") -> str:
    return textwrap.dedent(f"""\
        id: {task_id}
        title: Task {task_id}
        difficulty: easy
        track: {track}
        topics: [{topics}]
        prerequisites: [{prerequisites}]
        files: [a.py]
        checks:
          - kind: lint
        hints:
          - a hint
        """)


class PathTest(TestCase):
    def setUp(self) -> None:
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.root = Path(tmp.name)

    def add(self, task_id: str, track: str, topics: str = "docs", prerequisites: str = "") -> None:
        directory = self.root / catalog.TASKS_DIR / task_id
        directory.mkdir(parents=True)
        (directory / "task.yaml").write_text(task_yaml(task_id, track, topics, prerequisites))
        (directory / "issue.md").write_text("# issue\n")
        (directory / "solution.patch").write_text("")

    def load(self) -> list[Task]:
        return catalog.load_all(self.root)

    def load_error(self) -> str:
        try:
            self.load()
        except KitError as e:
            return str(e)
        return "no error"

    def four_tasks(self) -> list[Task]:
        # ids and tracks out of order on purpose: the path sorts by track, then prerequisites
        self.add("01-b", "kernels", "pointwise, OpInfo", "04-a")
        self.add("02-c", "foundations", "docs")
        self.add("03-d", "foundations", "schema, docs", "05-e")
        self.add("04-a", "foundations", "schema")
        self.add("05-e", "foundations", "codegen")
        return self.load()

    def test_order_is_track_then_prerequisites_then_id(self) -> None:
        order = [t.id for t in path.ordered(self.four_tasks())]
        self.assertEqual(order, ["02-c", "04-a", "05-e", "03-d", "01-b"])

    def test_states_follow_the_progress(self) -> None:
        statuses = {"04-a": "passed", "05-e": "started"}
        steps = path.steps(self.four_tasks(), lambda t: statuses.get(t.id, "new"))
        self.assertEqual(
            [(s.task.id, s.state, s.waiting_for) for s in steps],
            [
                ("02-c", "unlocked", ()),
                ("04-a", "passed", ()),
                ("05-e", "started", ()),
                ("03-d", "locked", ("05-e",)),
                ("01-b", "unlocked", ()),
            ],
        )

    def test_next_is_the_first_unlocked_not_started(self) -> None:
        tasks = self.four_tasks()
        statuses = {"02-c": "passed", "04-a": "started"}
        step = path.next_step(path.steps(tasks, lambda t: statuses.get(t.id, "new")))
        assert step is not None
        self.assertEqual(step.task.id, "05-e")  # 01-b waits for 04-a, which is only started
        statuses = dict.fromkeys(("02-c", "04-a", "05-e", "03-d", "01-b"), "passed")
        self.assertIsNone(path.next_step(path.steps(tasks, lambda t: statuses[t.id])))

    def test_practised_counts_passed_tasks_per_topic_in_vocabulary_order(self) -> None:
        statuses = {"02-c": "passed", "03-d": "passed"}
        steps = path.steps(self.four_tasks(), lambda t: statuses.get(t.id, "new"))
        self.assertEqual(
            [(p.topic, p.passed, p.total) for p in path.practised(steps)],
            [
                ("schema", 1, 2),
                ("codegen", 0, 1),
                ("docs", 2, 2),
                ("pointwise", 0, 1),
                ("OpInfo", 0, 1),
            ],
        )

    def test_a_prerequisite_in_a_later_track_is_refused(self) -> None:
        self.add("01-a", "kernels")
        self.add("02-b", "foundations", prerequisites="01-a")
        self.assertExpectedInline(
            self.load_error(),
            """tools/tasks/02-b/task.yaml:1: prerequisite '01-a' is in track 'kernels', which comes after this task's track 'foundations' (tracks in order: foundations, kernels, autograd, compiler-and-dispatcher, upstream-practice)""",
        )

    def test_a_prerequisite_cycle_is_refused(self) -> None:
        self.add("01-a", "kernels", prerequisites="03-c")
        self.add("02-b", "kernels", prerequisites="01-a")
        self.add("03-c", "kernels", prerequisites="02-b")
        self.assertExpectedInline(
            self.load_error(),
            """tools/tasks/01-a/task.yaml:1: prerequisites form a cycle: 01-a -> 03-c -> 02-b -> 01-a""",
        )

    def test_a_task_that_is_its_own_prerequisite_is_a_cycle(self) -> None:
        self.add("01-a", "kernels", prerequisites="01-a")
        self.assertExpectedInline(
            self.load_error(),
            """tools/tasks/01-a/task.yaml:1: prerequisites form a cycle: 01-a -> 01-a""",
        )

    def test_topic_table(self) -> None:
        table = path.topic_table(self.four_tasks())
        cells = [line.strip("| ").split(" | ") for line in table.splitlines()[2:]]
        rows = {topic: tasks for topic, _, tasks in cells}
        self.assertEqual(list(rows), list(TOPICS))
        self.assertEqual(rows["schema"], "03-d, 04-a")
        self.assertEqual(rows["vmap"], path.NO_TASK_YET)

    def test_with_table_replaces_only_the_table(self) -> None:
        text = f"before\n{path.TABLE_BEGIN}\nold\n{path.TABLE_END}\nafter\n"
        new = path.with_table(text, "| new |\n")
        self.assertEqual(new, f"before\n{path.TABLE_BEGIN}\n| new |\n{path.TABLE_END}\nafter\n")
        self.assertEqual(path.readme_table(new), "| new |\n")
        self.assertIsNone(path.readme_table("no markers"))


class ThisCheckoutTest(TestCase):
    """The real tasks: on one path, and the README's table says what their task.yaml say."""

    def test_the_readme_topic_table_matches_the_tasks(self) -> None:
        expected = path.topic_table(catalog.load_all(ROOT))
        actual = path.readme_table(README.read_text(encoding="utf-8"))
        self.assertIsNotNone(actual, f"{README} lacks the topic table markers")
        self.assertEqual(
            actual,
            expected,
            f"the topic table of {README.relative_to(ROOT)} is out of date: run "
            "`.venv/bin/python -m tools.taskkit.path --write-readme` (or paste the table below)\n"
            + expected,
        )

    def test_every_topic_has_a_task(self) -> None:
        # issue 16's "Must show": each topic of the vocabulary maps to >= 1 task
        tasks = catalog.load_all(ROOT)
        bare = [topic for topic in TOPICS if not any(topic in t.topics for t in tasks)]
        self.assertEqual(bare, [], "topics no task practises (add a task or drop the word)")

    def test_every_track_has_a_task_and_the_path_starts_unlocked(self) -> None:
        tasks = catalog.load_all(ROOT)
        self.assertEqual(sorted({t.track for t in tasks}), sorted(TRACKS))
        first = path.ordered(tasks)[0]
        self.assertEqual(first.prerequisites, ())
