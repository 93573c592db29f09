"""Running the rules over a context and placing their comments on the diff."""

from __future__ import annotations

from tools.review.comments import Comment, Review
from tools.review.context import ReviewContext
from tools.review.rules import RULES, Rule

MAX_INLINE = 50


def _place(ctx: ReviewContext, c: Comment) -> Comment:
    f = ctx.changed(c.path)
    return c.placed(f is not None and f.commentable(c.line, c.side))


def run_rules(ctx: ReviewContext, rules: dict[str, Rule] | None = None) -> Review:
    """Every rule's comments, sorted by severity; a crashing rule is an error, not a crash."""
    comments: list[Comment] = []
    errors: list[str] = []
    for name, rule in (rules or RULES).items():
        try:
            comments += rule(ctx)
        except Exception as exc:  # one broken rule must not hide the others
            errors.append(f"rule {name} failed: {type(exc).__name__}: {exc}")
    placed = sorted((_place(ctx, c) for c in comments), key=Comment.sort_key)
    inline = [c for c in placed if c.in_diff][:MAX_INLINE]
    keep = {id(c) for c in inline}
    placed = [c if id(c) in keep else c.placed(False) for c in placed]
    return Review(comments=placed, files_changed=len(ctx.files), errors=errors)
