"""The progress store: round trip, atomic writes, and a bad file moved aside."""

from __future__ import annotations

import tempfile
from pathlib import Path

from expecttest import TestCase

from tools.kit.commands.watch import relevant
from tools.taskkit import progress


class ProgressTest(TestCase):
    def setUp(self) -> None:
        self._tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self._tmp.cleanup)
        self.root = Path(self._tmp.name)

    def test_round_trip_leaves_no_temporary_files(self) -> None:
        p = progress.load(self.root)
        entry = p.of("01-x")
        entry.status, entry.hints_shown = "passed", 2
        p.save()
        again = progress.load(self.root)
        self.assertEqual(again.peek("01-x"), entry)
        self.assertEqual(sorted(f.name for f in (self.root / ".kit").iterdir()), ["progress.json"])

    def test_peek_does_not_create_entries(self) -> None:
        p = progress.load(self.root)
        self.assertEqual(p.peek("01-x").status, "new")
        self.assertEqual(p.tasks, {})

    def test_a_bad_entry_is_moved_aside_not_deleted(self) -> None:
        path = self.root / ".kit" / "progress.json"
        path.parent.mkdir()
        text = '{"version": 1, "tasks": {"01-x": {"status": "done"}}}'
        path.write_text(text)
        self.assertEqual(progress.load(self.root).tasks, {})
        (moved,) = path.parent.glob("progress.json.corrupt-*")
        self.assertEqual(moved.read_text(), text)
        self.assertFalse(path.exists())

    def test_watch_ignores_build_outputs_and_git(self) -> None:
        root = self.root
        self.assertTrue(relevant(root, str(root / "python" / "aten_mini" / "_docs.py")))
        for ignored in (".git/index", "build/x.o", ".kit/progress.json", "a/__pycache__/m.pyc"):
            self.assertFalse(relevant(root, str(root / ignored)), ignored)
        self.assertFalse(relevant(root, "/elsewhere/file.py"))
