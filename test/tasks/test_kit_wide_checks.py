"""`./kit check` adds `./kit lint` and the review bot to every task's own checks."""

from __future__ import annotations

from pathlib import Path

from tools.kit.commands.check import _kit_wide_checks
from tools.taskkit import catalog

REPO = Path(__file__).resolve().parents[2]


def test_a_task_without_lint_or_review_gets_both() -> None:
    task = catalog.find(catalog.load_all(REPO), "01")
    assert not {c.kind for c in task.checks} & {"lint", "review"}
    assert [c.kind for c in _kit_wide_checks(task)] == ["lint", "review"]


def test_a_task_that_lists_lint_keeps_it_where_it_is() -> None:
    task = catalog.find(catalog.load_all(REPO), "06")
    assert "lint" in {c.kind for c in task.checks}
    assert [c.kind for c in _kit_wide_checks(task)] == ["review"]
