"""Helpers the rules share: the YAML of both sides, code spans, comment builders."""

from __future__ import annotations

from tools.lint import opindex
from tools.review.comments import Comment, Severity
from tools.review.context import ReviewContext
from torchgen_mini.model import NativeFunction

YAML = "native_functions.yaml"
MAX_CODE = 120


def code(value: str) -> str:
    """`value` as a Markdown code span that cannot break out of itself."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in value).replace("`", "'")
    if len(clean) > MAX_CODE:
        clean = clean[: MAX_CODE - 3] + "..."
    return f"`{clean}`"


def entries(text: str | None) -> list[NativeFunction] | None:
    """Entries of a YAML text (the codegen's loader); None when absent or not loadable."""
    if text is None:
        return None
    try:
        return opindex.load(text)
    except opindex.YamlError:
        return None  # yaml-parse reports it


def head_entries(ctx: ReviewContext) -> list[NativeFunction]:
    return entries(ctx.head(YAML)) or []


def base_entries(ctx: ReviewContext) -> list[NativeFunction]:
    return entries(ctx.base(YAML)) or []


def yaml_changed(ctx: ReviewContext) -> bool:
    return ctx.changed(YAML) is not None


def new_ops(ctx: ReviewContext) -> dict[str, NativeFunction]:
    """Ops (`root_name`s) in the head YAML but not the base, each at its first entry."""
    if not yaml_changed(ctx):
        return {}
    old = {e.root_name for e in base_entries(ctx)}
    found: dict[str, NativeFunction] = {}
    for e in head_entries(ctx):
        if e.root_name not in old:
            found.setdefault(e.root_name, e)
    return found


def new_overloads(ctx: ReviewContext) -> list[NativeFunction]:
    if not yaml_changed(ctx):
        return []
    old = {str(e.func.name) for e in base_entries(ctx)}
    return [e for e in head_entries(ctx) if str(e.func.name) not in old]


def at(rule: str, severity: Severity, path: str, line: int, message: str) -> Comment:
    return Comment(rule, severity, path, max(line, 1), message)
