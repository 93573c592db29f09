"""What a rule sees: the changed files, both sides' file contents, the PR body.

`GitSource` reads files at two revisions of a clone (`git show rev:path`, through
tools/common/git.py);
`DictSource` holds them in memory (tests, and any caller that has the files).
Contents are decoded as UTF-8 with replacement: a rule never sees bytes.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Protocol

from tools.common.git import GitError, git, git_bytes
from tools.review.diff import FileChange, parse_diff


class Source(Protocol):
    def base_text(self, path: str) -> str | None: ...
    def head_text(self, path: str) -> str | None: ...


@dataclass(frozen=True)
class GitSource:
    repo: Path
    base_rev: str
    head_rev: str

    def _show(self, rev: str, path: str) -> str | None:
        try:
            return git_bytes(self.repo, "show", f"{rev}:{path}").decode("utf-8", "replace")
        except GitError:
            return None

    def base_text(self, path: str) -> str | None:
        return _cached_show(self, self.base_rev, path)

    def head_text(self, path: str) -> str | None:
        return _cached_show(self, self.head_rev, path)


@cache
def _cached_show(src: GitSource, rev: str, path: str) -> str | None:
    return src._show(rev, path)


@dataclass(frozen=True)
class DictSource:
    base: dict[str, str]
    head: dict[str, str]

    def base_text(self, path: str) -> str | None:
        return self.base.get(path)

    def head_text(self, path: str) -> str | None:
        return self.head.get(path)


@dataclass
class ReviewContext:
    files: list[FileChange]
    source: Source
    pr_body: str | None = None
    by_path: dict[str, FileChange] = field(init=False)

    def __post_init__(self) -> None:
        self.by_path = {f.path: f for f in self.files}

    def changed(self, path: str) -> FileChange | None:
        return self.by_path.get(path)

    def head(self, path: str) -> str | None:
        return self.source.head_text(path)

    def base(self, path: str) -> str | None:
        return self.source.base_text(path)


def git_context(
    repo: Path, base: str, head: str = "HEAD", pr_body: str | None = None
) -> tuple[ReviewContext, str]:
    """The context of `base...head` (from their merge base); also the merge base's sha."""
    merge_base = git(repo, "merge-base", base, head).strip()
    diff = git_bytes(
        repo,
        "-c",
        "core.quotepath=false",
        "diff",
        "--no-color",
        "--no-ext-diff",
        "-M",
        "--unified=3",
        merge_base,
        head,
        "--",
    )
    return ReviewContext(parse_diff(diff), GitSource(repo, merge_base, head), pr_body), merge_base


def unified_diff(base: dict[str, str], head: dict[str, str]) -> str:
    """A git-style diff of two in-memory trees (what tests and DictSource use)."""
    out = []
    for path in sorted(set(base) | set(head)):
        old, new = base.get(path), head.get(path)
        if old == new:
            continue
        a = "/dev/null" if old is None else f"a/{path}"
        b = "/dev/null" if new is None else f"b/{path}"
        lines = difflib.unified_diff(
            (old or "").splitlines(keepends=True), (new or "").splitlines(keepends=True), a, b
        )
        body = "".join(line if line.endswith("\n") else line + "\n" for line in lines)
        out.append(f"diff --git a/{path} b/{path}\n{body}")
    return "".join(out)


def dict_context(
    base: dict[str, str], head: dict[str, str], pr_body: str | None = None
) -> ReviewContext:
    return ReviewContext(parse_diff(unified_diff(base, head)), DictSource(base, head), pr_body)
