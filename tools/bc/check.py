"""Compare the schemas of two native_functions.yaml texts the way PyTorch's BC check does.

Each schema of the base is parsed with `torch._C.parse_schema` under the
`aten_mini` namespace. A base overload missing from the head is a break; an
overload present in both breaks when torch says the head schema is not
`is_backward_compatible_with` the base one. We add a plain-words reason
(which argument went away, which one has no default) to torch's verdict.
Both texts are read by the codegen's loader, so the check sees the schemas the
codegen sees (in canonical form).
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass
from typing import Any

import yaml

from torchgen_mini.diagnostics import ParseError
from torchgen_mini.model import NativeFunction
from torchgen_mini.native_yaml import parse_native_yaml_text

NAMESPACE = "aten_mini"


@dataclass(frozen=True)
class BCBreak:
    overload: str
    message: str
    base_line: int
    head_line: int | None  # None: the overload was removed

    @property
    def qualified(self) -> str:
        return f"{NAMESPACE}::{self.overload}"


@dataclass(frozen=True)
class AllowEntry:
    name: str
    reason: str
    expires: dt.date
    line: int


@dataclass
class BCResult:
    breaks: list[BCBreak]
    allowed: list[BCBreak]
    errors: list[str]  # bad allow-list entries, expired entries, unparsable schemas


def _torch() -> Any:
    # Imported lazily and untyped: mypy need not analyse all of torch for this.
    return importlib.import_module("torch")


def parse_schema(func: str) -> Any:
    return _torch()._C.parse_schema(f"{NAMESPACE}::{func}")


def _arg_map(schema: Any) -> dict[str, Any]:
    return {a.name: a for a in schema.arguments}


def explain(old: Any, new: Any) -> str:
    """Why `new` is not compatible with `old`, in a maintainer's words."""
    old_args, new_args = _arg_map(old), _arg_map(new)
    reasons = [f"argument `{n}` was removed or renamed" for n in old_args if n not in new_args]
    reasons += [
        f"new argument `{n}` has no default"
        for n, a in new_args.items()
        if n not in old_args and not a.has_default_value()
    ]
    reasons += [
        f"argument `{n}` changed type from `{old_args[n].type}` to `{a.type}`"
        for n, a in new_args.items()
        if n in old_args and str(a.type) != str(old_args[n].type)
    ]
    if [str(r.type) for r in old.returns] != [str(r.type) for r in new.returns]:
        reasons.append("the return types changed")
    return "; ".join(reasons) or "arguments were reordered or became keyword-only"


def load_entries(text: str) -> list[NativeFunction]:
    """The entries of a native_functions.yaml text whose schema parses.

    ParseError (with its location) when the text is not a YAML list of entries.
    """
    parsed = parse_native_yaml_text(text)
    if not parsed.loaded:
        fatal = parsed.errors[-1]
        raise ParseError(fatal.message, fatal.hint, fatal.loc)
    return parsed.native_functions


def _by_overload(entries: list[NativeFunction]) -> dict[str, NativeFunction]:
    return {str(e.func.name): e for e in entries}


def schema_breaks(
    base: list[NativeFunction], head: list[NativeFunction]
) -> tuple[list[BCBreak], list[str]]:
    """Every break of `head` against `base`, and schemas torch could not parse."""
    heads = _by_overload(head)
    breaks: list[BCBreak] = []
    errors: list[str] = []
    for overload, b in _by_overload(base).items():
        h = heads.get(overload)
        if h is None:
            breaks.append(BCBreak(overload, "overload was removed", b.loc.line, None))
            continue
        if str(h.func) == str(b.func):
            continue
        try:
            old, new = parse_schema(str(b.func)), parse_schema(str(h.func))
        except RuntimeError as exc:
            first = str(exc).strip().splitlines()[:1] or ["parse error"]
            errors.append(
                f"native_functions.yaml:{h.loc.line}: torch cannot parse the schema: {first[0]}"
            )
            continue
        if not new.is_backward_compatible_with(old):
            breaks.append(BCBreak(overload, explain(old, new), b.loc.line, h.loc.line))
    return breaks, errors


def load_allowlist(text: str) -> tuple[list[AllowEntry], list[str]]:
    """The entries of allowlist.yaml, and one error per malformed entry."""
    try:
        data = yaml.safe_load(text) or {}
        nodes = yaml.compose(text)
    except yaml.YAMLError as exc:
        return [], [f"tools/bc/allowlist.yaml: invalid YAML: {exc}"]
    raw = data.get("allow") if isinstance(data, dict) else None
    if not isinstance(raw, list):
        return [], ["tools/bc/allowlist.yaml: expected a top-level `allow:` list"]
    lines = _entry_lines(nodes)
    entries, errors = [], []
    for i, item in enumerate(raw):
        line = lines[i] if i < len(lines) else 1
        entry = _allow_entry(item, line)
        if isinstance(entry, str):
            errors.append(f"tools/bc/allowlist.yaml:{line}: {entry}")
        else:
            entries.append(entry)
    return entries, errors


def _entry_lines(root: Any) -> list[int]:
    for key, value in getattr(root, "value", []):
        if getattr(key, "value", None) == "allow" and isinstance(value, yaml.SequenceNode):
            return [n.start_mark.line + 1 for n in value.value]
    return []


def _allow_entry(item: Any, line: int) -> AllowEntry | str:
    if not isinstance(item, dict):
        return "an entry must be a mapping with name, reason and expires"
    name, reason, expires = item.get("name"), item.get("reason"), item.get("expires")
    if not isinstance(name, str) or not name.startswith(f"{NAMESPACE}::"):
        return f"`name` must be `{NAMESPACE}::<op>[.<overload>]`"
    if not isinstance(reason, str) or len(reason.strip()) < 10:
        return f"{name}: `reason` must say why the break is acceptable (a sentence)"
    if not isinstance(expires, dt.date):
        return f"{name}: `expires` must be a date, YYYY-MM-DD"
    return AllowEntry(name, reason.strip(), expires, line)


def check(base_yaml: str, head_yaml: str, allowlist: str, today: dt.date | None = None) -> BCResult:
    today = today or dt.date.today()
    breaks, errors = schema_breaks(load_entries(base_yaml), load_entries(head_yaml))
    entries, allow_errors = load_allowlist(allowlist)
    live = {e.name for e in entries if e.expires >= today}
    errors += allow_errors + [
        f"tools/bc/allowlist.yaml:{e.line}: entry for {e.name} expired on {e.expires}; "
        "remove it (or renew it with a new reason)"
        for e in entries
        if e.expires < today
    ]
    return BCResult(
        [b for b in breaks if b.qualified not in live],
        [b for b in breaks if b.qualified in live],
        errors,
    )
