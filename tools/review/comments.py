"""Review comments and the review they make up, with a JSON form for CI artifacts.

The JSON travels from the PR job (read-only) to the posting job (write token),
so `Review.from_json` treats it as untrusted: every field is type-checked and
size-capped, and anything odd is a `ReviewFormatError`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any

MAX_COMMENTS = 200
MAX_TEXT = 4000


class Severity(StrEnum):
    BLOCKING = "blocking"
    SUGGESTION = "suggestion"
    NIT = "nit"


SEVERITY_ORDER = {Severity.BLOCKING: 0, Severity.SUGGESTION: 1, Severity.NIT: 2}


class ReviewFormatError(Exception):
    pass


@dataclass(frozen=True)
class Comment:
    """One finding at a line; `side` is RIGHT (head) or LEFT (base, for removed lines)."""

    rule: str
    severity: Severity
    path: str
    line: int
    message: str
    side: str = "RIGHT"
    in_diff: bool = False

    def sort_key(self) -> tuple[int, str, int, str]:
        return (SEVERITY_ORDER[self.severity], self.path, self.line, self.rule)

    def placed(self, in_diff: bool) -> Comment:
        return replace(self, in_diff=in_diff)


@dataclass
class Review:
    comments: list[Comment]
    base: str = ""
    head: str = ""
    files_changed: int = 0
    pr_number: int | None = None
    head_sha: str | None = None
    errors: list[str] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        return sum(1 for c in self.comments if c.severity == severity)

    @property
    def blocking(self) -> bool:
        return self.count(Severity.BLOCKING) > 0 or bool(self.errors)

    def to_json(self) -> str:
        data = asdict(self)
        data["comments"] = [{**asdict(c), "severity": c.severity.value} for c in self.comments]
        return json.dumps(data, indent=2, sort_keys=True)

    @staticmethod
    def from_json(text: str) -> Review:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ReviewFormatError(f"review JSON does not parse: {exc.msg}") from None
        if not isinstance(data, dict):
            raise ReviewFormatError("review JSON is not an object")
        return _review_from_dict(data)


def _str(data: dict[str, Any], key: str, default: str = "") -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise ReviewFormatError(f"review JSON: `{key}` is not a string")
    return value[:MAX_TEXT]


def _opt_int(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise ReviewFormatError(f"review JSON: `{key}` is not an integer")
    return value


def _comment_from_dict(c: Any) -> Comment:
    if not isinstance(c, dict):
        raise ReviewFormatError("review JSON: a comment is not an object")
    try:
        severity = Severity(str(c.get("severity")))
    except ValueError:
        raise ReviewFormatError("review JSON: unknown severity") from None
    line = _opt_int(c, "line")
    side = _str(c, "side", "RIGHT")
    if line is None or line < 1 or side not in ("LEFT", "RIGHT"):
        raise ReviewFormatError("review JSON: a comment has a bad line or side")
    in_diff = c.get("in_diff", False) is True
    fields = (_str(c, "rule"), severity, _str(c, "path"), line, _str(c, "message"), side)
    return Comment(*fields, in_diff=in_diff)


def _review_from_dict(data: dict[str, Any]) -> Review:
    raw = data.get("comments", [])
    if not isinstance(raw, list) or len(raw) > MAX_COMMENTS:
        raise ReviewFormatError(f"review JSON: `comments` is not a list of <= {MAX_COMMENTS}")
    errors = data.get("errors", [])
    if not isinstance(errors, list) or not all(isinstance(e, str) for e in errors):
        raise ReviewFormatError("review JSON: `errors` is not a list of strings")
    return Review(
        comments=[_comment_from_dict(c) for c in raw],
        base=_str(data, "base"),
        head=_str(data, "head"),
        files_changed=_opt_int(data, "files_changed") or 0,
        pr_number=_opt_int(data, "pr_number"),
        head_sha=data.get("head_sha") if isinstance(data.get("head_sha"), str) else None,
        errors=[e[:MAX_TEXT] for e in errors[:20]],
    )
