"""`./kit check [task]`: does the work on this branch solve the task?

The task is the one of the checked-out `task/<id>` branch unless named. If the
task needs the C++ extension, an incremental `./kit build` runs first. Then
every check of its task.yaml runs, then `./kit lint` and the review bot on the
commits of the branch (as CI and a PR reviewer would), unless task.yaml already
lists them; a table says which passed. The plan is tools/taskkit/plan.py's,
the same `./kit dev verify` runs (Note [One check plan] there). On failure the
first failing check's output tail is shown with the next hint (each hint is
shown once; `./kit hint` repeats them). Test files the branch adds under
`test/` are checked too: they must fail on main and pass here
(tools/taskkit/newtests.py). For a task with a `setup.patch`, "main" is the
task's setup commit: the review bot reviews the commits after it, and new
tests must fail on it (see tools/taskkit/spec.py).

`--json [PATH]` also writes the verdict as a versioned results document
(tools/taskkit/results.py, results.schema.json; default PATH
.kit/results/<task>.json): each check's status, time, message, first failure
and hint, the next hint and the next task. The exit status is the document's
`status`, and the task-check workflow posts the same document on the PR.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from rich.table import Table

from tools.common.console import info
from tools.taskkit import checks as checks_mod
from tools.taskkit import results as results_mod
from tools.taskkit.checks import CheckResult
from tools.taskkit.plan import check_plan, run_plan
from tools.taskkit.session import Session, console, open_session, task_base
from tools.taskkit.spec import Task

NAME = "check"
HELP = "run the checks of the current task (or the one named): pass/fail, output, next hint"

_RESULT_STYLE = {"passed": "green", "failed": "bold red", "not available": "dim"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("task", nargs="?", help="task id (default: the task of this branch)")
    parser.add_argument("--no-build", action="store_true", help="skip the incremental build")
    parser.add_argument(
        "--json",
        nargs="?",
        const="",
        default=None,
        metavar="PATH",
        help="also write the results document (default: .kit/results/<task>.json)",
    )


def _results_table(task: Task, results: list[CheckResult]) -> Table:
    table = Table(title=f"./kit check {task.id}", title_justify="left")
    for column in ("check", "result", "time"):
        table.add_column(column)
    for r in results:
        style = _RESULT_STYLE[r.status]
        took = "" if r.status == "not available" else f"{r.seconds:.1f}s"
        table.add_row(r.check.name, f"[{style}]{r.status}[/]", took)
    return table


def _next_hint(s: Session, task: Task) -> str:
    entry = s.progress.of(task.id)
    if entry.hints_shown >= len(task.hints):
        return "no hints left; `./kit solution --reveal` shows the reference solution"
    entry.hints_shown += 1
    n = entry.hints_shown
    return f"hint {n}/{len(task.hints)}: {task.hints[n - 1]}"


def _report_failure(failed: CheckResult, hint: str) -> None:
    out = console()
    out.rule(f"failing check: {failed.check.name}")
    out.print(
        f"(declared at {failed.check.loc}; the last lines of its output follow)", markup=False
    )
    out.print(failed.tail(), markup=False, highlight=False)
    out.rule()
    out.print(hint, markup=False)


def _mark_passed(s: Session, task: Task) -> None:
    entry = s.progress.of(task.id)
    if entry.status != "passed":
        entry.status, entry.passed_at = "passed", time.strftime("%Y-%m-%dT%H:%M:%S")
    console().print(
        f"[green]Task {task.id} passed.[/] Compare with the reference: `./kit solution`; "
        "next: `./kit next`."
    )


def _passed_ids(s: Session) -> set[str]:
    return {t.id for t in s.tasks if s.progress.peek(t.id).status == "passed"}


def check_task(
    s: Session,
    task: Task,
    *,
    build: bool,
    json_path: Path | None = None,
    instead_of_hint: str | None = None,
) -> bool:
    """Run the task's checks in the checkout, print the report; True when it passes.

    The verdict is the results document's (tools/taskkit/results.py), written
    to `json_path` when given: what CI posts is what decided here. A failure
    spends the task's next hint, unless `instead_of_hint` gives the line to show
    in its place (`./kit watch`: Note [watch spends no hints]).
    """
    base = task_base(s.root, task)
    results = run_plan(s.root, check_plan(s.root, task, build=build), base, say=info)
    out = console()
    out.print(_results_table(task, results))
    for r in results:
        if r.status == "not available":
            out.print(f"[dim]note: {r.check.name}: {r.output}[/]")
    failed = checks_mod.first_failure(results)
    ok = checks_mod.passed(results)
    hint = None
    if not ok and failed is not None:
        hint = instead_of_hint if instead_of_hint is not None else _next_hint(s, task)
    if ok:
        _mark_passed(s, task)
    elif failed is not None and hint is not None:
        _report_failure(failed, hint)
    s.progress.save()
    doc = results_mod.document(
        task,
        results,
        commit=results_mod.kit_commit(s.root),
        next_hint=hint,
        next_task_id=results_mod.next_task(s.tasks, task, _passed_ids(s)),
    )
    if json_path is not None:
        results_mod.write(json_path, doc)
        info(f"results: {json_path}")
    return bool(doc["status"] == "passed")


def run(args: argparse.Namespace) -> int:
    s = open_session()
    task = s.task_or_current(args.task, NAME)
    json_path = None
    if args.json is not None:
        json_path = (
            Path(args.json) if args.json else s.root / ".kit" / "results" / f"{task.id}.json"
        )
    return 0 if check_task(s, task, build=not args.no_build, json_path=json_path) else 1
