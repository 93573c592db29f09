"""A light, line-aware view of native_functions.yaml entries.

The schema model (`torchgen_mini.model`) validates entries; this module only
answers the questions the linter and the reviewer ask about a file's text
(which may come from another branch): where each entry starts, its op and
overload name, its kind, its dispatch keys. It needs no other file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

NAME = re.compile(r"^(?P<base>[A-Za-z0-9_]+)(?:\.(?P<overload>[A-Za-z0-9_]+))?$")


class EntriesError(Exception):
    """The text is not a YAML list of mappings; `line` is 1-based."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class YamlEntry:
    func: str
    line: int
    end_line: int
    data: dict[str, Any]

    @property
    def overload(self) -> str:
        """`add.Tensor`, `add_.Tensor`, `relu`: the operator name as in the schema."""
        return self.func.split("(", 1)[0].strip()

    @property
    def name(self) -> str:
        return self.overload.split(".", 1)[0]

    @property
    def base(self) -> str:
        """The op's base name: `add` for `add_.Tensor` and `add.out`."""
        name = self.name
        if name.endswith("_") and not name.startswith("__"):
            return name[:-1]
        return name

    @property
    def kind(self) -> str:
        """`inplace`, `out` or `functional` (torchgen's SchemaKind, simplified)."""
        if self.name != self.base:
            return "inplace"
        args = self.func.split("(", 1)[1].rsplit(") ->", 1)[0] if "(" in self.func else ""
        parts = [p.strip() for p in args.split(",")]
        kwarg_only = parts[parts.index("*") + 1 :] if "*" in parts else []
        return "out" if any("!)" in p for p in kwarg_only) else "functional"

    @property
    def dispatch_keys(self) -> frozenset[str]:
        dispatch = self.data.get("dispatch")
        if not isinstance(dispatch, dict):
            return frozenset()
        keys = (k.strip() for key in dispatch for k in str(key).split(","))
        return frozenset(k for k in keys if k)

    @property
    def is_composite(self) -> bool:
        """No device kernel of its own: CompositeImplicit/Explicit, or no dispatch at all."""
        keys = self.dispatch_keys
        return not keys or all(k.startswith("Composite") for k in keys)

    @property
    def is_composite_implicit(self) -> bool:
        keys = self.dispatch_keys
        return not keys or "CompositeImplicitAutograd" in keys

    @property
    def returns_tensor(self) -> bool:
        returns = self.func.rsplit("->", 1)[-1]
        return "Tensor" in returns

    def kernel_names(self, key_prefix: str = "") -> frozenset[str]:
        dispatch = self.data.get("dispatch")
        if not isinstance(dispatch, dict):
            return frozenset()
        return frozenset(
            str(v)
            for k, v in dispatch.items()
            if any(p.strip().startswith(key_prefix) for p in str(k).split(","))
        )

    @property
    def tags(self) -> frozenset[str]:
        tags = self.data.get("tags", [])
        return frozenset([tags] if isinstance(tags, str) else [str(t) for t in tags or []])


def load_entries(text: str) -> list[YamlEntry]:
    """The entries of a native_functions.yaml text, in file order."""
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 1
        raise EntriesError(f"invalid YAML: {exc.problem}", line) from None
    except yaml.YAMLError as exc:
        raise EntriesError(f"invalid YAML: {exc}", 1) from None
    if root is None:
        return []
    if not isinstance(root, yaml.SequenceNode) or not isinstance(data, list):
        raise EntriesError("expected a list of entries (`- func: ...`)", root.start_mark.line + 1)
    return [_entry(node, item) for node, item in zip(root.value, data, strict=True)]


def _entry(node: yaml.Node, item: object) -> YamlEntry:
    line = node.start_mark.line + 1
    if not isinstance(item, dict) or not isinstance(item.get("func"), str):
        raise EntriesError("every entry needs a `func:` schema string", line)
    return YamlEntry(item["func"], line, node.end_mark.line, item)
