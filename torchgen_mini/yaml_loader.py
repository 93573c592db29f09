"""Read a YAML file into plain Python values that remember their line numbers.

Every YAML file of the kit (native_functions.yaml, tags.yaml,
derivatives.yaml, task.yaml) is read here.  PyYAML (its C parser when
available) turns the text into a stream of events; we build the values from
that stream ourselves, with an explicit stack, instead of composing a node
tree and running a constructor.  That is faster than torchgen's line-tracking
loader, gives every mapping key and list item its line, reports duplicate
keys (PyYAML silently keeps the last one), and lets us enforce the limits of
Note [Loader limits] before anything can blow up.  Nothing here raises for
bad input except `ParseError`, and every such error has a line and a column
when the problem has a place in the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from torchgen_mini.diagnostics import Diagnostic, Location, ParseError

# Note [Loader limits]
# The loader must end quickly, in bounded memory and with a located error on
# any input, however hostile.  PyYAML alone does not: an alias bomb (anchors
# referring to lists of aliases) expands exponentially, 5,000 nested
# collections overflow the recursion of PyYAML's composer, 50,000 `[`
# crash its C composer with SIGSEGV.  So:
# - anchors and aliases are rejected: the kit's files and upstream's
#   native_functions.yaml, tags.yaml and derivatives.yaml use none, and
#   without them the values are never bigger than the text;
# - nesting deeper than MAX_DEPTH is rejected while the events stream in,
#   before the parser goes any deeper (the values are built with an explicit
#   stack, so nothing recurses);
# - files over MAX_BYTES and documents of more than MAX_NODES values are
#   rejected, which bounds the loader's time and memory (at the caps: well
#   under a second and 100 MB) and the number of entries the next steps see.
#   Upstream's native_functions.yaml is 0.6 MB and 28,841 values, so the caps
#   leave it room to grow 2-3 times.  They bound `check`, but do not make it
#   fast on any input: validation costs about 0.1-0.2 ms per entry, and a file
#   of 20,000 minimal entries under both caps takes 1-2 s of CPU;
# - characters YAML does not allow are reported with their line and column
#   before PyYAML sees them (its C parser reports only a byte offset).
MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 60_000


def _pick_parser() -> Any:
    # Note [Plain scalars]
    # We resolve scalars ourselves instead of running PyYAML's implicit
    # resolver (a Python regex scan per scalar, a sixth of the load time):
    # an untagged plain (unquoted) scalar gets its YAML 1.1 meaning (bool,
    # null, int, float) from `_plain`, an untagged quoted one stays a string,
    # an explicitly tagged one (`!!int 3`) follows its tag.  The C parser and
    # the pure-Python fallback deliver the same events, so both agree.
    try:
        from yaml._yaml import CParser
    except ImportError:
        return yaml.SafeLoader
    return CParser


_Parser: Any = _pick_parser()
_BOOLS = {w: True for w in ("true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON")}
_BOOLS.update(
    {w: False for w in ("false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF")}
)
_NULLS = frozenset(["", "~", "null", "Null", "NULL"])
_INT_RE = re.compile(r"[-+]?[0-9][0-9_]*")
_FLOAT_RE = re.compile(r"[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?")
# The characters YAML 1.1 allows in a stream (PyYAML's reader checks the same).
_NOT_ALLOWED = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# What YAML counts as a line break; line numbers here agree with PyYAML's.
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")

_TAG = "tag:yaml.org,2002:"
_BOOL_TRUE = frozenset(["true", "yes", "on"])


class YMap(dict[str, Any]):
    """A YAML mapping: a dict plus `line` and the line of each key."""

    line: int
    key_lines: dict[str, int]


class YList(list[Any]):
    """A YAML sequence: a list plus `line` and the line of each item."""

    line: int
    item_lines: list[int]


@dataclass
class _Frame:
    """A collection being built; for a mapping, the key waiting for its value."""

    value: YMap | YList
    expect_key: bool = True
    key: str | None = None  # None: the pending key was bad or a duplicate, drop its value
    key_line: int = 0


def _line(event: yaml.Event) -> int:
    mark: Any = event.start_mark  # PyYAML always sets it on parser events
    return int(mark.line) + 1


class _Builder:
    """Turns a YAML event stream into YMap / YList / scalars, enforcing the limits."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[Diagnostic] = []
        self.stack: list[_Frame] = []
        self.nodes = 0
        self.documents = 0
        self.root: Any = None

    def loc(self, event: yaml.Event) -> Location:
        mark: Any = event.start_mark
        return Location(self.file, int(mark.line) + 1, int(mark.column) + 1)

    def run(self, events: Iterable[yaml.Event]) -> Any:
        for event in events:
            self.event(event)
        return self.root

    def event(self, event: yaml.Event) -> None:
        if type(event) is yaml.ScalarEvent and event.anchor is None:  # the common case, first
            self.count(event)
            self.add(event, None, _line(event))
        elif isinstance(event, yaml.NodeEvent):
            self.node_event(event)
        elif isinstance(event, yaml.CollectionEndEvent):
            done = self.stack.pop().value
            self.add(None, done, done.line)
        elif isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise ParseError(
                    "more than one YAML document in the file",
                    "keep one document: delete the second '---' and what follows, or merge them",
                    self.loc(event),
                )

    def node_event(self, event: yaml.NodeEvent) -> None:
        if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
            what = "alias '*" if isinstance(event, yaml.AliasEvent) else "anchor '&"
            raise ParseError(
                f"YAML {what}{event.anchor}' is not allowed",
                "write the value out in full; the kit's YAML files use no anchors or aliases",
                self.loc(event),
            )
        self.count(event)
        if isinstance(event, yaml.ScalarEvent):
            self.add(event, None, _line(event))
            return
        if len(self.stack) >= MAX_DEPTH:
            raise ParseError(
                f"nested deeper than {MAX_DEPTH} levels",
                "the kit's YAML files need a few levels; look for unbalanced '[' or '{'",
                self.loc(event),
            )
        value: YMap | YList
        if isinstance(event, yaml.MappingStartEvent):
            value = YMap()
            value.key_lines = {}
        else:
            value = YList()
            value.item_lines = []
        value.line = _line(event)
        self.stack.append(_Frame(value))

    def count(self, event: yaml.Event) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ParseError(
                f"more than {MAX_NODES:,} values in one file",
                "split the file, or look for a runaway list",
                self.loc(event),
            )

    def add(self, scalar: yaml.ScalarEvent | None, done: YMap | YList | None, line: int) -> None:
        """Attach a scalar (its event) or a finished collection to its parent."""
        top = self.stack[-1] if self.stack else None
        if top is not None and isinstance(top.value, YMap) and top.expect_key:
            self.key(top, scalar, line)
            return
        value = done if scalar is None else _scalar(scalar)
        if top is None:
            self.root = value
        elif isinstance(top.value, YList):
            top.value.append(value)
            top.value.item_lines.append(line)
        else:
            top.expect_key = True
            if top.key is not None:
                top.value.key_lines[top.key] = top.key_line
                top.value[top.key] = value

    def key(self, top: _Frame, scalar: yaml.ScalarEvent | None, line: int) -> None:
        assert isinstance(top.value, YMap)
        top.expect_key, top.key = False, None
        if scalar is None:
            loc = Location(self.file, line)
            self.errors.append(Diagnostic(loc, "a mapping key must be a plain string"))
            return
        key = str(scalar.value)
        if key in top.value.key_lines:
            first = top.value.key_lines[key]
            msg = f"duplicate key '{key}' (first given on line {first})"
            hint = "YAML keeps only one of them; merge the two or delete one"
            self.errors.append(Diagnostic(self.loc(scalar), msg, hint))
            return
        top.key, top.key_line = key, line


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


def _scalar(event: yaml.ScalarEvent) -> Any:
    """The value of one scalar; see Note [Plain scalars]."""
    tag, text = event.tag, event.value
    if tag is None or tag == "!":
        return _plain(text) if tag is None and not event.style else text
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


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of character `offset` in `text`, lines as YAML counts them."""
    before = text[:offset]
    breaks = list(_LINE_BREAK.finditer(before))
    start = breaks[-1].end() if breaks else 0
    return len(breaks) + 1, offset - start + 1


def _read_bytes(path: str | Path, name: str) -> bytes:
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ParseError("no such file", loc=Location(name, 0)) from None
    except IsADirectoryError:
        raise ParseError("is a directory, not a YAML file", loc=Location(name, 0)) from None
    except OSError as e:
        raise ParseError(f"cannot read file: {e.strerror}", loc=Location(name, 0)) from None
    if len(data) > MAX_BYTES:
        raise ParseError(
            f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB",
            "the kit reads YAML files up to that size; is this the right file?",
            Location(name, 0),
        )
    return data


def read_text(path: str | Path) -> str:
    """The file's text, or ParseError naming the file (missing, too large, not UTF-8)."""
    name = str(path)
    data = _read_bytes(path, name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        good = data[: e.start].decode("utf-8")
        line, col = _position(good, len(good))
        msg = f"not a UTF-8 text file (byte 0x{data[e.start]:02x} is not valid UTF-8)"
        raise ParseError(msg, loc=Location(name, line, col)) from None


def _check_characters(text: str, name: str) -> None:
    bad = _NOT_ALLOWED.search(text)
    if bad is None:
        return
    line, col = _position(text, bad.start())
    raise ParseError(
        f"character U+{ord(bad.group()):04X} is not allowed in YAML",
        "delete it; YAML files hold printable characters, tabs and newlines only",
        Location(name, line, col),
    )


def _check_tabs(text: str, name: str) -> None:
    # YAML forbids tabs in indentation, and PyYAML's message about them is
    # obscure; a tab anywhere outside a comment is reported up front.
    if "\t" not in text:
        return
    for n, line in enumerate(_LINE_BREAK.split(text), 1):
        code = line.split("#", 1)[0]
        if "\t" in code:
            raise ParseError(
                "tab character in YAML",
                "indent with spaces; YAML does not allow tabs",
                Location(name, n, code.index("\t") + 1),
            )


def _yaml_error(e: yaml.YAMLError, name: str) -> ParseError:
    # Every error of PyYAML's scanner, parser and composer has a mark; its
    # reader's (the only unmarked one) cannot happen, `_check_characters` ran.
    mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
    problem = getattr(e, "problem", None) or getattr(e, "context", None) or str(e)
    if mark is None:
        return ParseError(f"not valid YAML: {problem}", loc=Location(name, 0))
    return ParseError(
        f"not valid YAML: {problem}", loc=Location(name, mark.line + 1, mark.column + 1)
    )


def load_yaml(path: str | Path) -> tuple[Any, list[Diagnostic]]:
    """Parse one YAML document: (value, duplicate-key errors) or ParseError.

    See Note [Loader limits] for what is refused.
    """
    name = str(path)
    text = read_text(path)
    _check_characters(text, name)
    _check_tabs(text, name)
    builder = _Builder(name)
    try:
        doc = builder.run(yaml.parse(text, Loader=_Parser))
    except yaml.YAMLError as e:
        raise _yaml_error(e, name) from None
    if builder.nodes == 0:
        raise ParseError("file is empty", "add at least one entry", Location(name, 0))
    return doc, builder.errors
