"""What the poster checks before it posts anything from a review artifact.

Note [Validating the review artifact]
review.yml runs on the PR with a read-only token and uploads review.json;
review-post.yml posts it with a write token. For a fork's PR the artifact is
the attacker's: its `pull_request` run uses the PR's own copy of review.yml, so
every byte of review.json may be hostile. The poster therefore trusts nothing
in it but structure it has checked, in this order, and posts nothing at all
when a check fails (one `review: error: ...` line, exit 1):
1. the file: at most 4 MiB, UTF-8, JSON nested at most 8 deep (scanned before
   parsing), known keys only, typed and capped fields (comments.load_review);
2. the words: each comment's rule id must be a rule of this (the default)
   branch, and its message must match one of that rule's templates in
   tools/review/messages.py; the posted text is the template, rendered here,
   with only the slot values from the artifact, each as an unbreakable code
   span or escaped text (Note [Untrusted text in the review] in render.py);
   internal errors are reduced to the failing rule's id;
3. the target: the PR is the one given by the workflow (`--head-sha`, and
   `--head-repo` when given, must be the PR's head now), each comment's path
   is a file of the PR's diff (GitHub's list, not the artifact's) or a path its
   rule may name, and an inline comment must sit on a line of a hunk, on the
   side it names; one that does not is listed in the summary only;
4. the output: every body below GitHub's 65,536-character limit (a note says
   what was left out), and only comments of the poster's own identity that
   carry the marker are edited or deleted (tools/review/github.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from tools.common.errors import KitError
from tools.review.comments import Comment, Review
from tools.review.messages import CATALOG, TemplateError, render_message
from tools.review.render import code_text, md_code

HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
ERROR = re.compile(r"^rule ([a-z0-9-]+) failed: ([A-Za-z_][A-Za-z0-9_.]{0,80}):")
MAX_INLINE = 50


class ArtifactError(KitError):
    """The review artifact cannot be posted; the message says why, in one line."""


@dataclass(frozen=True)
class DiffFile:
    """One file of the PR as GitHub lists it: the lines an inline comment may sit on."""

    path: str
    right: frozenset[int] = frozenset()
    left: frozenset[int] = frozenset()

    def commentable(self, line: int, side: str) -> bool:
        return line in (self.left if side == "LEFT" else self.right)


def parse_patch(path: str, patch: str | None) -> DiffFile:
    """The commentable lines of a `patch` field of GET /pulls/{n}/files (hunks only)."""
    right: set[int] = set()
    left: set[int] = set()
    old = new = 0
    for line in (patch or "").split("\n"):
        m = HUNK.match(line)
        if m:
            old, new = int(m[1]), int(m[3])
        elif not old and not new:
            continue
        elif line.startswith("+"):
            right.add(new)
            new += 1
        elif line.startswith("-"):
            left.add(old)
            old += 1
        elif line.startswith(" "):
            right.add(new)
            left.add(old)
            old, new = old + 1, new + 1
    return DiffFile(path, frozenset(right), frozenset(left))


@dataclass(frozen=True)
class SafeComment:
    """A comment fit to post: checked against the catalog and the diff, message rendered."""

    comment: Comment
    markdown: str


@dataclass(frozen=True)
class SafeReview:
    review: Review  # its comments are those of `comments`, in the same order
    comments: list[SafeComment]
    errors: list[str] = field(default_factory=list)  # Markdown, rendered here

    @property
    def messages(self) -> list[str]:
        return [c.markdown for c in self.comments]


def check_words(review: Review) -> SafeReview:
    """Step 2 of Note [Validating the review artifact]: rule ids and messages (offline)."""
    safe = []
    for i, c in enumerate(review.comments):
        try:
            safe.append(SafeComment(c, render_message(c.rule, c.message)))
        except TemplateError as exc:
            raise ArtifactError(f"review JSON: comment {i + 1}: {exc}") from None
    errors = []
    for e in review.errors:
        m = ERROR.match(e)
        if m and m[1] in CATALOG:
            errors.append(f"rule {md_code(m[1])} failed ({md_code(m[2])}); see the check job's log")
        else:
            errors.append("an internal error; see the check job's log")
    return SafeReview(review, safe, errors)


def check_places(safe: SafeReview, files: dict[str, DiffFile]) -> SafeReview:
    """Step 3: each path in the PR's diff (or one its rule may name); inline lines in hunks."""
    placed = []
    inline = 0
    for i, s in enumerate(safe.comments):
        c = s.comment
        spec = CATALOG[c.rule]
        in_files = spec.diff_paths and c.path in files
        if not in_files and c.path not in spec.paths:
            raise ArtifactError(
                f"review JSON: comment {i + 1} ({c.rule}) names a path that is not in the "
                f"PR's diff: {code_text(c.path, 120)!r}"
            )
        here = c.in_diff and in_files and files[c.path].commentable(c.line, c.side)
        here = here and inline < MAX_INLINE
        inline += here
        placed.append(SafeComment(c.placed(here), s.markdown))
    review = replace(safe.review, comments=[s.comment for s in placed])
    return SafeReview(review, placed, safe.errors)
