"""Read a YAML file into plain Python values that remember their line numbers.

PyYAML composes the node tree (with its C parser when available); we walk
the nodes ourselves instead of using a constructor.  That is faster than
torchgen's line-tracking loader, gives every mapping key and list item its
line, and lets us report duplicate keys, which PyYAML silently drops (the
last one wins).  Nothing here raises for bad input except `ParseError`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from torchgen_mini.diagnostics import Diagnostic, Location, ParseError


def _pick_loader() -> Any:
    # Note [Plain scalars]
    # With the C parser we skip PyYAML's implicit resolver (a Python regex
    # scan per scalar, a sixth of the load time): every scalar arrives tagged
    # as a string and `_plain` gives plain (unquoted, style None or "") ones their YAML 1.1 meaning
    # (bool, null, int, float) itself.  The pure-Python fallback resolves
    # tags as usual, and `_scalar` handles both.
    try:
        from yaml._yaml import CParser
    except ImportError:
        return yaml.SafeLoader

    class _FastLoader(CParser, yaml.constructor.BaseConstructor, yaml.resolver.BaseResolver):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.constructor.BaseConstructor.__init__(self)
            yaml.resolver.BaseResolver.__init__(self)

    return _FastLoader


_Loader: Any = _pick_loader()
_BOOLS = {w: True for w in ("true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON")}
_BOOLS.update(
    {w: False for w in ("false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF")}
)
_NULLS = frozenset(["", "~", "null", "Null", "NULL"])
_INT_RE = re.compile(r"[-+]?[0-9][0-9_]*")
_FLOAT_RE = re.compile(r"[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?")

_TAG = "tag:yaml.org,2002:"
_STR_TAG = _TAG + "str"
_BOOL_TRUE = frozenset(["true", "yes", "on"])


class YMap(dict[str, Any]):
    """A YAML mapping: a dict plus `line` and the line of each key."""

    line: int
    key_lines: dict[str, int]


class YList(list[Any]):
    """A YAML sequence: a list plus `line` and the line of each item."""

    line: int
    item_lines: list[int]


class _Walker:
    """Turns a composed node tree into YMap / YList / scalars."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[Diagnostic] = []

    def value(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return _scalar(node)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node)
        if isinstance(node, yaml.SequenceNode):
            return self.sequence(node)
        raise ParseError("unsupported YAML node", loc=self.loc(node))

    def loc(self, node: yaml.Node) -> Location:
        return Location(self.file, node.start_mark.line + 1)

    def mapping(self, node: yaml.MappingNode) -> YMap:
        m = YMap()
        m.line = node.start_mark.line + 1
        m.key_lines = {}
        for knode, vnode in node.value:
            key = self.key(knode)
            if key is None:
                continue
            if key in m:
                self.duplicate(key, knode, m.key_lines[key])
                continue
            m.key_lines[key] = knode.start_mark.line + 1
            m[key] = self.value(vnode)
        return m

    def key(self, knode: yaml.Node) -> str | None:
        if isinstance(knode, yaml.ScalarNode):
            return str(knode.value)
        self.errors.append(Diagnostic(self.loc(knode), "a mapping key must be a plain string"))
        return None

    def duplicate(self, key: str, knode: yaml.Node, first: int) -> None:
        msg = f"duplicate key '{key}' (first given on line {first})"
        hint = "YAML keeps only one of them; merge the two or delete one"
        self.errors.append(Diagnostic(self.loc(knode), msg, hint))

    def sequence(self, node: yaml.SequenceNode) -> YList:
        out = YList(self.value(n) for n in node.value)
        out.line = node.start_mark.line + 1
        out.item_lines = [n.start_mark.line + 1 for n in node.value]
        return out


def _plain(text: str) -> Any:
    if text in _BOOLS:
        return _BOOLS[text]
    if text in _NULLS:
        return None
    if _INT_RE.fullmatch(text):
        return _to_number(text, int)
    if _FLOAT_RE.fullmatch(text):
        return _to_number(text, float)
    return text


def _scalar(node: yaml.ScalarNode) -> Any:
    tag, text = node.tag, node.value
    if tag == _STR_TAG:
        return _plain(text) if not node.style else text
    if not tag.startswith(_TAG):
        return text
    kind = tag[len(_TAG) :]
    if kind == "bool":
        return text.lower() in _BOOL_TRUE
    if kind == "null":
        return None
    if kind == "int":
        return _to_number(text, int)
    if kind == "float":
        return _to_number(text, float)
    return text


def _to_number(text: str, conv: type[int] | type[float]) -> Any:
    try:
        return conv(text.replace("_", ""))
    except ValueError:
        return text


def read_text(path: str | Path) -> str:
    """The file's text, or ParseError naming the file (missing, unreadable, binary)."""
    name = str(path)
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ParseError("no such file", loc=Location(name, 0)) from None
    except IsADirectoryError:
        raise ParseError("is a directory, not a YAML file", loc=Location(name, 0)) from None
    except UnicodeDecodeError:
        raise ParseError("not a UTF-8 text file", loc=Location(name, 0)) from None
    except OSError as e:
        raise ParseError(f"cannot read file: {e.strerror}", loc=Location(name, 0)) from None


def _check_tabs(text: str, name: str) -> None:
    # YAML forbids tabs in indentation, and PyYAML's message about them is
    # obscure; a tab anywhere outside a comment is reported up front.
    if "\t" not in text:
        return
    for n, line in enumerate(text.splitlines(), 1):
        code = line.split("#", 1)[0]
        if "\t" in code:
            raise ParseError(
                "tab character in YAML",
                "indent with spaces; YAML does not allow tabs",
                Location(name, n),
            )


def load_yaml(path: str | Path) -> tuple[Any, list[Diagnostic]]:
    """Parse one YAML document: (value, duplicate-key errors) or ParseError."""
    return load_yaml_text(read_text(path), str(path))


def load_yaml_text(text: str, name: str) -> tuple[Any, list[Diagnostic]]:
    """`load_yaml` of a text already read (a file of another branch); `name` is its file."""
    _check_tabs(text, name)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else 0
        raise ParseError(f"not valid YAML: {e.problem}", loc=Location(name, line)) from None
    except yaml.YAMLError as e:
        raise ParseError(f"not valid YAML: {e}", loc=Location(name, 0)) from None
    if node is None:
        raise ParseError("file is empty", "add at least one entry", Location(name, 0))
    walker = _Walker(name)
    return walker.value(node), walker.errors
