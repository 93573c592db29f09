"""Review comments and the review they make up, with a JSON form for CI artifacts.

The JSON travels from the PR job (read-only) to the posting job (write token),
so `load_review` and `Review.from_json` treat it as untrusted: the file is
size-capped, must be UTF-8 and shallow (checked before parsing, so a 200k-deep
artifact is one error, not a RecursionError), keys are the known ones only,
every field is type-checked and size-capped, and anything odd is one
`ReviewFormatError`. See Note [Validating the review artifact] in validate.py.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any

from tools.common.errors import KitError

MAX_COMMENTS = 200
MAX_TEXT = 4000
MAX_PATH = 1000
MAX_LINE = 10_000_000
MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 8  # the review's own shape is 3 deep: {"comments": [{...}]}
TOKENS = re.compile(rb'[\[\]{}]|"(?:[^"\\]|\\.)*"', re.DOTALL)
RULE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
HEX_SHA = re.compile(r"^[0-9a-f]{40}$")
REVIEW_KEYS = {"comments", "base", "head", "files_changed", "pr_number", "head_sha", "errors"}
COMMENT_KEYS = {"rule", "severity", "path", "line", "message", "side", "in_diff"}


class Severity(StrEnum):
    BLOCKING = "blocking"
    SUGGESTION = "suggestion"
    NIT = "nit"


SEVERITY_ORDER = {Severity.BLOCKING: 0, Severity.SUGGESTION: 1, Severity.NIT: 2}


class ReviewFormatError(KitError):
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
        _check_depth(text.encode("utf-8", "surrogatepass"))
        try:
            data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_nan)
        except json.JSONDecodeError as exc:
            raise ReviewFormatError(
                f"review JSON does not parse: {exc.msg} (line {exc.lineno}, column {exc.colno})"
            ) from None
        except RecursionError:  # _check_depth makes this unreachable; kept as a backstop
            raise ReviewFormatError(f"review JSON is nested deeper than {MAX_DEPTH}") from None
        if not isinstance(data, dict):
            raise ReviewFormatError("review JSON is not an object")
        return _review_from_dict(data)


def load_review(raw: bytes) -> Review:
    """A review artifact's bytes as a Review, or one ReviewFormatError."""
    if len(raw) > MAX_BYTES:
        raise ReviewFormatError(f"review JSON is over the {MAX_BYTES}-byte limit")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReviewFormatError(f"review JSON is not UTF-8 (byte {exc.start})") from None
    return Review.from_json(text)


def _check_depth(raw: bytes) -> None:
    """Refuse JSON nested deeper than MAX_DEPTH, without recursing (strings skipped)."""
    depth = 0
    for m in TOKENS.finditer(raw):
        tok = m[0]
        if tok in (b"[", b"{"):
            depth += 1
            if depth > MAX_DEPTH:
                raise ReviewFormatError(f"review JSON is nested deeper than {MAX_DEPTH}")
        elif tok in (b"]", b"}"):
            depth -= 1


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ReviewFormatError(f"review JSON: key `{key[:40]}` appears twice")
        out[key] = value
    return out


def _no_nan(name: str) -> Any:
    raise ReviewFormatError(f"review JSON: {name} is not a number JSON allows")


def _only(data: dict[str, Any], keys: set[str], what: str) -> None:
    unknown = sorted(set(data) - keys)
    if unknown:
        raise ReviewFormatError(f"review JSON: unknown key in {what}: `{unknown[0][:40]}`")


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


def _opt_sha(data: dict[str, Any]) -> str | None:
    value = data.get("head_sha")
    if value is not None and not (isinstance(value, str) and HEX_SHA.match(value)):
        raise ReviewFormatError("review JSON: `head_sha` is not a 40-digit hex sha")
    return value


def _comment_from_dict(c: Any) -> Comment:
    if not isinstance(c, dict):
        raise ReviewFormatError("review JSON: a comment is not an object")
    try:
        severity = Severity(str(c.get("severity")))
    except ValueError:
        raise ReviewFormatError("review JSON: unknown severity") from None
    _only(c, COMMENT_KEYS, "a comment")
    line = _opt_int(c, "line")
    side = _str(c, "side", "RIGHT")
    if line is None or not 1 <= line <= MAX_LINE or side not in ("LEFT", "RIGHT"):
        raise ReviewFormatError("review JSON: a comment has a bad line or side")
    in_diff = c.get("in_diff", False)
    if not isinstance(in_diff, bool):
        raise ReviewFormatError("review JSON: `in_diff` is not a boolean")
    rule, path = _str(c, "rule"), _str(c, "path")
    if not RULE_ID.match(rule):
        raise ReviewFormatError("review JSON: a rule id is not of the form `some-rule`")
    if not path or len(path) > MAX_PATH or not path.isprintable():
        raise ReviewFormatError("review JSON: a comment's path is empty, long or not printable")
    fields = (rule, severity, path, line, _str(c, "message"), side)
    return Comment(*fields, in_diff=in_diff)


def _review_from_dict(data: dict[str, Any]) -> Review:
    _only(data, REVIEW_KEYS, "the review")
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
        head_sha=_opt_sha(data),
        errors=[e[:MAX_TEXT] for e in errors[:20]],
    )
