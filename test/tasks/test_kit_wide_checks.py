"""The check plan (tools/taskkit/plan.py): build, the task's checks, then lint and review."""

from __future__ import annotations

from pathlib import Path

from tools.taskkit import catalog
from tools.taskkit.plan import check_plan, kit_wide_checks

REPO = Path(__file__).resolve().parents[2]


def test_a_task_without_lint_or_review_gets_both() -> None:
    task = catalog.find(catalog.load_all(REPO), "01")
    assert not {c.kind for c in task.checks} & {"lint", "review"}
    assert [c.kind for c in kit_wide_checks(task)] == ["lint", "review"]


def test_a_task_that_lists_lint_keeps_it_where_it_is() -> None:
    task = catalog.find(catalog.load_all(REPO), "06")
    assert "lint" in {c.kind for c in task.checks}
    assert [c.kind for c in kit_wide_checks(task)] == ["review"]


def test_the_plan_is_build_then_task_checks_then_lint_and_review() -> None:
    task = catalog.find(catalog.load_all(REPO), "07")
    assert task.needs_build
    plan = check_plan(REPO, task)
    roles = [s.role for s in plan.steps]
    assert roles == ["build"] + ["task"] * len(task.checks) + ["kit-wide"] * 2
    assert [s.check for s in plan.steps if s.role == "task"] == list(task.checks)
    assert plan.new_tests
    unsolved = plan.only("build", "task")
    assert [s.role for s in unsolved.steps] == roles[:-2] and not unsolved.new_tests
    assert next(s.role for s in check_plan(REPO, task, build=False).steps) == "task"
