"""The BC rule: a schema change that breaks existing callers, unless allow-listed.

See tools/bc/check.py for how breaks are decided (torch's own check).
"""

from __future__ import annotations

from tools.bc.check import check
from tools.review.comments import Comment, Severity
from tools.review.context import ReviewContext
from tools.review.rules.common import YAML, at, code
from torchgen_mini.diagnostics import ParseError

ALLOWLIST = "tools/bc/allowlist.yaml"


def bc_breaking(ctx: ReviewContext) -> list[Comment]:
    base, head = ctx.base(YAML), ctx.head(YAML)
    if base is None or head is None or ctx.changed(YAML) is None:
        return []
    try:
        result = check(base, head, ctx.head(ALLOWLIST) or "allow: []")
    except ParseError:
        return []  # yaml-parse reports it
    found = [
        _break_comment(b.qualified, b.message, b.base_line, b.head_line) for b in result.breaks
    ]
    found += [at("bc-breaking", Severity.BLOCKING, ALLOWLIST, _line(e), e) for e in result.errors]
    return found


def _line(error: str) -> int:
    parts = error.split(":", 2)
    return int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else 1


def _break_comment(name: str, why: str, base_line: int, head_line: int | None) -> Comment:
    msg = (
        f"This breaks backward compatibility of {code(name)}: {why}. Existing callers "
        "(and serialized models) would stop working. Keep the old schema working (add new "
        "arguments with a default, keep names and types), or, if the break is intended, add "
        f"an entry with a reason and an expiry date to {code(ALLOWLIST)}."
    )
    if head_line is None:
        comment = at("bc-breaking", Severity.BLOCKING, YAML, base_line, msg)
        return Comment(comment.rule, comment.severity, YAML, base_line, msg, side="LEFT")
    return at("bc-breaking", Severity.BLOCKING, YAML, head_line, msg)
