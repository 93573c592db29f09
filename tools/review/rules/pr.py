"""Rules about the pull request's description (in Actions, from the event payload).

The body is read, never echoed: a comment only says what is missing.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tools.review.comments import Comment, Severity
from tools.review.context import ReviewContext
from tools.review.rules.common import at

TASK = re.compile(r"^\s*Task:\s*`?(\d{2}-[a-z0-9][a-z0-9-]*)`?\s*$", re.MULTILINE | re.IGNORECASE)
SUMMARY = re.compile(r"^##\s+Summary\s*$(?P<body>.*?)(?=^#{1,2}\s|\Z)", re.MULTILINE | re.DOTALL)
PLACEHOLDER = re.compile(r"<!--.*?-->", re.DOTALL)
PR = "(pull request description)"


def task_id(body: str) -> str | None:
    m = TASK.search(body)
    return m.group(1).lower() if m else None


def has_summary(body: str) -> bool:
    m = SUMMARY.search(body)
    return bool(m and PLACEHOLDER.sub("", m.group("body")).strip())


# What each rule looks for in the description, how much its absence weighs,
# and what the comment says.
_WANTED: dict[str, tuple[Callable[[str], object], Severity, str]] = {
    "pr-summary": (
        has_summary,
        Severity.BLOCKING,
        "The PR description has no `## Summary` (or it is empty). Say what this changes "
        "and why, and how you tested it: reviewers read that before the diff.",
    ),
    "pr-task-id": (
        task_id,
        Severity.SUGGESTION,
        "If this PR solves a kit task, add a line `Task: <id>` (e.g. `Task: 01-unary-op`) "
        "to the description, so CI runs that task's checks.",
    ),
}


def _body_lacks(ctx: ReviewContext, rule: str) -> list[Comment]:
    """One comment on the description when there is one and it lacks what `rule` wants."""
    has, severity, message = _WANTED[rule]
    if ctx.pr_body is None or has(ctx.pr_body):
        return []
    return [at(rule, severity, PR, 1, message)]


def pr_summary(ctx: ReviewContext) -> list[Comment]:
    return _body_lacks(ctx, "pr-summary")


def pr_task_id(ctx: ReviewContext) -> list[Comment]:
    return _body_lacks(ctx, "pr-task-id")
