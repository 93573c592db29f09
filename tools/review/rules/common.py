"""Helpers the rules share: the YAML of both sides, code spans, comment builders."""

from __future__ import annotations

from tools.lint.nfentries import EntriesError, YamlEntry, load_entries
from tools.review.comments import Comment, Severity
from tools.review.context import ReviewContext

YAML = "native_functions.yaml"
MAX_CODE = 120


def code(value: str) -> str:
    """`value` as a Markdown code span that cannot break out of itself."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in value).replace("`", "'")
    if len(clean) > MAX_CODE:
        clean = clean[: MAX_CODE - 3] + "..."
    return f"`{clean}`"


def entries(text: str | None) -> list[YamlEntry] | None:
    """Entries of a YAML text; None when absent or unparsable (yaml-parse reports it)."""
    if text is None:
        return None
    try:
        return load_entries(text)
    except EntriesError:
        return None


def head_entries(ctx: ReviewContext) -> list[YamlEntry]:
    return entries(ctx.head(YAML)) or []


def base_entries(ctx: ReviewContext) -> list[YamlEntry]:
    return entries(ctx.base(YAML)) or []


def yaml_changed(ctx: ReviewContext) -> bool:
    return ctx.changed(YAML) is not None


def new_ops(ctx: ReviewContext) -> dict[str, YamlEntry]:
    """Ops (base names) in the head YAML but not the base, each at its first entry."""
    if not yaml_changed(ctx):
        return {}
    old = {e.base for e in base_entries(ctx)}
    found: dict[str, YamlEntry] = {}
    for e in head_entries(ctx):
        if e.base not in old:
            found.setdefault(e.base, e)
    return found


def new_overloads(ctx: ReviewContext) -> list[YamlEntry]:
    if not yaml_changed(ctx):
        return []
    old = {e.overload for e in base_entries(ctx)}
    return [e for e in head_entries(ctx) if e.overload not in old]


def at(rule: str, severity: Severity, path: str, line: int, message: str) -> Comment:
    return Comment(rule, severity, path, max(line, 1), message)
