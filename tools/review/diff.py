"""Parsing a unified diff (as `git diff` writes it) into what the rules need.

unidiff does the parsing. On top of it: non-UTF-8 bytes are replaced, not
fatal; binary files and renames are kept as such (no lines); a file with a
huge hunk keeps only its first MAX_LINES changed lines (`truncated`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from unidiff.errors import UnidiffParseError
from unidiff.patch import PatchSet

from tools.common.errors import KitError

MAX_LINES = 20_000


class DiffError(KitError):
    pass


@dataclass
class FileChange:
    path: str
    old_path: str
    status: str  # added | removed | modified | renamed
    is_binary: bool = False
    added: dict[int, str] = field(default_factory=dict)  # head line -> text
    removed: dict[int, str] = field(default_factory=dict)  # base line -> text
    context_right: set[int] = field(default_factory=set)
    context_left: set[int] = field(default_factory=set)
    truncated: bool = False

    def commentable(self, line: int, side: str) -> bool:
        """Whether GitHub accepts an inline comment here (a line inside a hunk)."""
        if side == "LEFT":
            return line in self.removed or line in self.context_left
        return line in self.added or line in self.context_right

    def first_changed_line(self) -> int:
        return min(self.added, default=min(self.context_right, default=1))


def _strip_prefix(name: str | None) -> str:
    if not name or name == "/dev/null":
        return ""
    return name[2:] if name.startswith(("a/", "b/")) else name


def _status(pf: object) -> str:
    if getattr(pf, "is_added_file", False):
        return "added"
    if getattr(pf, "is_removed_file", False):
        return "removed"
    if getattr(pf, "is_rename", False):
        return "renamed"
    return "modified"


def _file_change(pf: object) -> FileChange:
    target = _strip_prefix(getattr(pf, "target_file", None))
    source = _strip_prefix(getattr(pf, "source_file", None))
    change = FileChange(target or source, source or target, _status(pf))
    change.is_binary = bool(getattr(pf, "is_binary_file", False))
    seen = 0
    for hunk in pf:  # type: ignore[attr-defined]
        for line in hunk:
            seen += 1
            if seen > MAX_LINES:
                change.truncated = True
                return change
            _record(change, line)
    return change


def _record(change: FileChange, line: object) -> None:
    value = str(getattr(line, "value", "")).rstrip("\n")
    src, tgt = getattr(line, "source_line_no", None), getattr(line, "target_line_no", None)
    if getattr(line, "is_added", False) and tgt:
        change.added[tgt] = value
    elif getattr(line, "is_removed", False) and src:
        change.removed[src] = value
    elif getattr(line, "is_context", False) and src and tgt:
        change.context_left.add(src)
        change.context_right.add(tgt)


def parse_diff(text: str | bytes) -> list[FileChange]:
    """The files of a unified diff; raises DiffError with a one-line reason."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    try:
        patch = PatchSet(text.splitlines(keepends=True))
    except UnidiffParseError as exc:
        raise DiffError(f"the diff does not parse: {exc}") from None
    return [_file_change(pf) for pf in patch]
