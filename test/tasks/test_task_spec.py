"""task.yaml validation: each mistake is one line naming the file and line;
and every real task of this checkout loads."""

# ruff: noqa: E501

from __future__ import annotations

import tempfile
import textwrap
from pathlib import Path

from expecttest import TestCase

from tools.common.errors import KitError
from tools.taskkit import catalog
from tools.taskkit.spec import load_task

ROOT = Path(__file__).resolve().parents[2]

GOOD = """\
id: 07-good-task
title: A good task
difficulty: easy
track: foundations
topics: [docs]
prerequisites: []
files: [greet.py]
checks:
  - kind: pytest
    args: [tests]
hints:
  - a hint
"""


class TaskSpecTest(TestCase):
    def setUp(self) -> None:
        self._tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self._tmp.cleanup)
        self.root = Path(self._tmp.name)

    def error_for(self, text: str, name: str = "07-good-task") -> str:
        directory = self.root / "tools" / "tasks" / name
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "task.yaml").write_text(textwrap.dedent(text))
        try:
            load_task(directory, self.root)
        except KitError as e:
            return str(e)
        return "no error"

    def test_a_good_task_loads(self) -> None:
        self.assertEqual(self.error_for(GOOD), "no error")

    def test_unknown_key_suggests_the_close_one(self) -> None:
        self.assertExpectedInline(
            self.error_for(GOOD.replace("hints:", "hint:")),
            """tools/tasks/07-good-task/task.yaml:11: unknown key 'hint' in task.yaml (did you mean 'hints'?)""",
        )

    def test_missing_key(self) -> None:
        self.assertExpectedInline(
            self.error_for(GOOD.replace("title: A good task\n", "")),
            """tools/tasks/07-good-task/task.yaml:1: task.yaml has no 'title'""",
        )

    def test_bad_difficulty(self) -> None:
        self.assertExpectedInline(
            self.error_for(GOOD.replace("easy", "trivial")),
            """tools/tasks/07-good-task/task.yaml:3: difficulty 'trivial' must be one of: easy, medium, hard""",
        )

    def test_id_differs_from_directory(self) -> None:
        self.assertExpectedInline(
            self.error_for(GOOD, name="08-other"),
            """tools/tasks/08-other/task.yaml:1: id '07-good-task' differs from its directory name '08-other'""",
        )

    def test_unknown_check_kind(self) -> None:
        self.assertExpectedInline(
            self.error_for(GOOD.replace("kind: pytest", "kind: pytests")),
            """tools/tasks/07-good-task/task.yaml:9: check kind 'pytests' must be one of: pytest, command, lint, review, mutants""",
        )

    def test_lint_check_takes_no_args(self) -> None:
        self.assertExpectedInline(
            self.error_for(GOOD.replace("kind: pytest", "kind: lint")),
            """tools/tasks/07-good-task/task.yaml:10: a 'lint' check takes no 'args'""",
        )

    def test_file_outside_the_repository(self) -> None:
        self.assertExpectedInline(
            self.error_for(GOOD.replace("[greet.py]", "[../x.py]")),
            """tools/tasks/07-good-task/task.yaml:7: file '../x.py' must be a path inside the repository, relative to its root""",
        )

    def test_duplicate_key(self) -> None:
        self.assertExpectedInline(
            self.error_for(GOOD + "title: again\n"),
            """tools/tasks/07-good-task/task.yaml:13: duplicate key 'title' (first given on line 2)""",
        )

    def test_not_yaml(self) -> None:
        self.assertExpectedInline(
            self.error_for(GOOD.replace("topics: [docs]", "topics: [docs")),
            """tools/tasks/07-good-task/task.yaml:6: not valid YAML: did not find expected ',' or ']'""",
        )

    def test_no_hints(self) -> None:
        self.assertExpectedInline(
            self.error_for(GOOD.replace("  - a hint\n", "")),
            """tools/tasks/07-good-task/task.yaml:11: 'hints' must be a list of strings""",
        )

    def test_topic_outside_the_vocabulary_suggests_the_close_one(self) -> None:
        self.assertExpectedInline(
            self.error_for(GOOD.replace("topics: [docs]", "topics: [docs, Forward-AD]")),
            """tools/tasks/07-good-task/task.yaml:5: topic 'Forward-AD' is not in the vocabulary (did you mean 'forward AD'?); the topics are TOPICS in tools/taskkit/vocab.py""",
        )

    def test_topic_far_from_every_word(self) -> None:
        self.assertExpectedInline(
            self.error_for(GOOD.replace("topics: [docs]", "topics: [docs, knitting]")),
            """tools/tasks/07-good-task/task.yaml:5: topic 'knitting' is not in the vocabulary; the topics are TOPICS in tools/taskkit/vocab.py""",
        )

    def test_topic_on_a_later_line_of_a_flow_list(self) -> None:
        text = GOOD.replace("topics: [docs]", "topics: [docs,\n         pointwse]")
        self.assertExpectedInline(
            self.error_for(text),
            """tools/tasks/07-good-task/task.yaml:6: topic 'pointwse' is not in the vocabulary (did you mean 'pointwise'?); the topics are TOPICS in tools/taskkit/vocab.py""",
        )

    def test_topic_twice(self) -> None:
        self.assertExpectedInline(
            self.error_for(GOOD.replace("topics: [docs]", "topics: [docs, autograd, docs]")),
            """tools/tasks/07-good-task/task.yaml:5: topic 'docs' is listed twice""",
        )

    def test_no_topics(self) -> None:
        self.assertExpectedInline(
            self.error_for(GOOD.replace("topics: [docs]", "topics: []")),
            """tools/tasks/07-good-task/task.yaml:5: 'topics' must name at least one topic""",
        )

    def test_unknown_track(self) -> None:
        self.assertExpectedInline(
            self.error_for(GOOD.replace("track: foundations", "track: kernel")),
            """tools/tasks/07-good-task/task.yaml:4: track 'kernel' is not a track (did you mean 'kernels'?); tracks: foundations, kernels, autograd, compiler-and-dispatcher, upstream-practice""",
        )

    def test_missing_track(self) -> None:
        self.assertExpectedInline(
            self.error_for(GOOD.replace("track: foundations\n", "")),
            """tools/tasks/07-good-task/task.yaml:1: task.yaml has no 'track'""",
        )

    def test_a_mutants_check(self) -> None:
        (self.root / "muts").mkdir()
        (self.root / "muts" / "off-by-one.patch").write_text("# a mutant\n")
        text = GOOD.replace(
            "  - kind: pytest\n    args: [tests]\n",
            "  - kind: mutants\n    mutants: muts\n    args: [tests]\n",
        )
        self.assertEqual(self.error_for(text), "no error")
        (check,) = load_task(self.root / "tools" / "tasks" / "07-good-task", self.root).checks
        self.assertEqual((check.kind, check.mutants, check.argv), ("mutants", "muts", ("tests",)))
        self.assertEqual(check.name, "your tests kill every mutant: pytest tests")

    def test_a_mutants_check_needs_patches(self) -> None:
        (self.root / "empty").mkdir()
        text = GOOD.replace(
            "  - kind: pytest\n    args: [tests]\n",
            "  - kind: mutants\n    mutants: empty\n    args: [tests]\n",
        )
        self.assertExpectedInline(
            self.error_for(text),
            """tools/tasks/07-good-task/task.yaml:10: mutants 'empty' has no mutant: a directory of <name>.patch files is wanted""",
        )
        self.assertExpectedInline(
            self.error_for(text.replace("mutants: empty", "mutants: ../elsewhere")),
            """tools/tasks/07-good-task/task.yaml:10: mutants '../elsewhere' must be a directory inside the repository, relative to its root""",
        )
        self.assertExpectedInline(
            self.error_for(text.replace("    mutants: empty\n", "")),
            """tools/tasks/07-good-task/task.yaml:9: check 1 has no 'mutants'""",
        )

    def test_only_a_mutants_check_takes_mutants(self) -> None:
        text = GOOD.replace("    args: [tests]\n", "    args: [tests]\n    mutants: muts\n")
        self.assertExpectedInline(
            self.error_for(text),
            """tools/tasks/07-good-task/task.yaml:11: a 'pytest' check takes no 'mutants'""",
        )

    def test_every_task_of_this_checkout_loads(self) -> None:
        tasks = catalog.load_all(ROOT)
        self.assertGreaterEqual(len(tasks), 2)
        for task in tasks:
            self.assertTrue(task.hints and task.checks, task.id)
