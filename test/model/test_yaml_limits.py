# ruff: noqa: E501  (expected compiler output is data: its lines stay whole)
"""The loader's limits (Note [Loader limits]) on hostile input, message by message.

The hostile cases run `python -m torchgen_mini check` as a real process
under resource limits (CPU and address space), so a crash, a hang, a
traceback or a memory blow-up fails the test instead of the test run.  To
update a message: `EXPECTTEST_ACCEPT=1 python -m pytest test/model/test_yaml_limits.py`.
"""

from __future__ import annotations

import functools
import os
import pathlib
import resource
import subprocess
import sys
import tempfile
from typing import Any

import expecttest
import pytest
import yaml
from model_testutil import REPO, TAGS, UPSTREAM_DIR, UPSTREAM_TAGS, UPSTREAM_YAML

from torchgen_mini import yaml_loader
from torchgen_mini.derivatives import parse_derivatives_yaml
from torchgen_mini.diagnostics import ParseError
from torchgen_mini.native_yaml import MAX_ENTRIES, load_tags
from torchgen_mini.yaml_loader import MAX_BYTES, MAX_DEPTH, MAX_NODES, load_yaml

UPSTREAM_DERIVATIVES = UPSTREAM_DIR.parents[1] / "autograd/derivatives.yaml"
CPU_LIMIT_S = 2.0
MEMORY_LIMIT_MB = 200

ALIAS_BOMB = """\
- func: lol() -> ()
  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
"""


@functools.cache
def _baseline_vm() -> int:
    """Address space of a Python that has imported the checker, in bytes."""
    code = "import torchgen_mini.__main__, torchgen_mini.model; print(open('/proc/self/status').read().split('VmSize:')[1].split()[0])"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    return int(out.stdout) * 1024


def _limits() -> None:
    limit = _baseline_vm() + MEMORY_LIMIT_MB * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CPU, (5, 6))


def check(data: bytes | str, name: str = "native_functions.yaml") -> str:
    """Run `python -m torchgen_mini check` on `data` under limits; its stderr.

    Asserts the outcome class: exit 1, no traceback, within the time and memory limits.
    """
    _baseline_vm()  # measured outside the limits
    raw = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
    with tempfile.TemporaryDirectory() as d:
        (pathlib.Path(d) / name).write_bytes(raw)
        (pathlib.Path(d) / "tags.yaml").write_text(TAGS)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        r = subprocess.run(
            [sys.executable, "-m", "torchgen_mini", "check", name],
            cwd=d,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            capture_output=True,
            text=True,
            timeout=60,
            preexec_fn=_limits,
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    assert r.returncode == 1, (r.returncode, r.stderr[-2000:])
    assert "Traceback" not in r.stderr, r.stderr[-2000:]
    assert cpu < CPU_LIMIT_S, f"{cpu:.2f} s of CPU"
    assert r.stdout == ""
    return r.stderr


class TestHostileInput(expecttest.TestCase):
    def test_alias_bomb(self) -> None:
        self.assertExpectedInline(
            check(ALIAS_BOMB),
            """\
native_functions.yaml:2:6: error: YAML anchor '&a' is not allowed
  hint: write the value out in full; the kit's YAML files use no anchors or aliases
1 error
""",
        )

    def test_alias_without_anchor(self) -> None:
        self.assertExpectedInline(
            check("- func: f() -> ()\n  variants: *v\n"),
            """\
native_functions.yaml:2:13: error: YAML alias '*v' is not allowed
  hint: write the value out in full; the kit's YAML files use no anchors or aliases
1 error
""",
        )

    def test_fifty_thousand_brackets(self) -> None:
        # libyaml's C composer recursed into a SIGSEGV here.
        self.assertExpectedInline(
            check("- func: " + "[" * 50_000 + "]" * 50_000 + "\n"),
            """\
native_functions.yaml:1:71: error: nested deeper than 64 levels
  hint: the kit's YAML files need a few levels; look for unbalanced '[' or '{'
1 error
""",
        )

    def test_five_thousand_levels_block(self) -> None:
        # PyYAML's composer recursed into a RecursionError traceback here.
        self.assertExpectedInline(
            check("- " * 5_000 + "x\n"),
            """\
native_functions.yaml:1:129: error: nested deeper than 64 levels
  hint: the kit's YAML files need a few levels; look for unbalanced '[' or '{'
1 error
""",
        )

    def test_five_thousand_levels_flow_mappings(self) -> None:
        self.assertExpectedInline(
            check("- func: f() -> ()\n  dispatch: " + "{a: " * 5_000 + "1" + "}" * 5_000 + "\n"),
            """\
native_functions.yaml:2:261: error: nested deeper than 64 levels
  hint: the kit's YAML files need a few levels; look for unbalanced '[' or '{'
1 error
""",
        )

    def test_depth_limit_is_exact(self) -> None:
        ok = "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n"
        value, errors = _load(ok)
        assert errors == [] and isinstance(value, list)
        with pytest.raises(ParseError, match=f"nested deeper than {MAX_DEPTH} levels"):
            _load("[" + ok)

    def test_unacceptable_character(self) -> None:
        # PyYAML's C reader reports it with a byte offset only.
        self.assertExpectedInline(
            check("- func: relu(Tensor self) -> Tensor\n  variants: fünc\x07tion\n"),
            """\
native_functions.yaml:2:17: error: character U+0007 is not allowed in YAML
  hint: delete it; YAML files hold printable characters, tabs and newlines only
1 error
""",
        )

    def test_unacceptable_character_in_a_comment(self) -> None:
        self.assertExpectedInline(
            check("# a comment\r\n# \x00\r\n- func: f() -> ()\r\n"),
            """\
native_functions.yaml:2:3: error: character U+0000 is not allowed in YAML
  hint: delete it; YAML files hold printable characters, tabs and newlines only
1 error
""",
        )

    def test_not_utf8_is_located(self) -> None:
        self.assertExpectedInline(
            check(b"- func: f() -> ()\n  variants: fun\xe9\n"),
            """\
native_functions.yaml:2:16: error: not a UTF-8 text file (byte 0xe9 is not valid UTF-8)
1 error
""",
        )

    def test_too_large(self) -> None:
        self.assertExpectedInline(
            check("- func: f() -> ()\n" + "#" * MAX_BYTES + "\n"),
            """\
native_functions.yaml: error: file is larger than 2 MiB
  hint: the kit reads YAML files up to that size; is this the right file?
1 error
""",
        )

    def test_too_many_values(self) -> None:
        self.assertExpectedInline(
            check("- func: f() -> ()\n  tags: [" + "core, " * MAX_NODES + "]\n"),
            """\
native_functions.yaml:2:359974: error: more than 60,000 values in one file
  hint: split the file, or look for a runaway list
1 error
""",
        )

    def test_too_many_entries(self) -> None:
        # Under the value cap, but validating this many entries would take seconds.
        entry = "- func: f{}.out(Tensor s, *, Tensor(a!) out) -> Tensor(a!)\n"
        text = "".join(entry.format(i) for i in range(MAX_ENTRIES + 1))
        self.assertExpectedInline(
            check(text),
            """\
native_functions.yaml:6001: error: more than 6,000 entries in one file
  hint: upstream's native_functions.yaml has about 2,600; split the file
1 error
""",
        )

    def test_yaml_syntax_error_has_a_column(self) -> None:
        self.assertExpectedInline(
            check("- func: f() -> ()\n  dispatch: {CPU: f,, }\n"),
            """\
native_functions.yaml:2:21: error: not valid YAML: did not find expected node content
1 error
""",
        )

    def test_three_thousand_type_suffixes(self) -> None:
        # The schema parser nests a type per suffix and prints it recursively:
        # a RecursionError traceback, found by the fuzz's schema_noise.
        self.assertExpectedInline(
            check("- func: f(Tensor" + "[]" * 3_000 + " a) -> ()\n")[:110],
            """native_functions.yaml:1: error: more than 4 '?' and '[]' after one type in 'f(Tensor[][][][][][][][][][][][][]""",
        )

    def test_two_documents(self) -> None:
        self.assertExpectedInline(
            check("- func: f() -> ()\n---\n- func: g() -> ()\n"),
            """\
native_functions.yaml:2:1: error: more than one YAML document in the file
  hint: keep one document: delete the second '---' and what follows, or merge them
1 error
""",
        )


def _load(text: str) -> tuple[Any, list[Any]]:
    with tempfile.TemporaryDirectory() as d:
        path = pathlib.Path(d) / "x.yaml"
        path.write_text(text)
        return load_yaml(path)


@pytest.mark.parametrize(
    "text",
    ["[" + "a, " * (MAX_NODES - 1) + "]\n", "- " + "x" * (MAX_BYTES - 3) + "\n"],
    ids=["most values", "most bytes"],
)
def test_limits_hold_at_the_caps(text: str, tmp_path: pathlib.Path) -> None:
    """The largest inputs the loader accepts load within the time and memory limits."""
    path = tmp_path / "x.yaml"
    path.write_text(text)
    code = (
        "import sys; from torchgen_mini.yaml_loader import load_yaml; v, e = load_yaml(sys.argv[1]);"
        "peak = open('/proc/self/status').read().split('VmHWM:')[1].split()[0]; print(len(v), len(e), peak)"
    )
    _baseline_vm()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limits,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert (r.returncode, r.stderr) == (0, "")
    values, errors, peak_kb = map(int, r.stdout.split())
    assert errors == 0 and values in (1, MAX_NODES - 1)
    assert after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime < CPU_LIMIT_S
    assert peak_kb < MEMORY_LIMIT_MB * 1024, f"peak RSS {peak_kb} KB"


def test_every_loader_refuses_aliases(tmp_path: pathlib.Path) -> None:
    """tags.yaml, derivatives.yaml and task.yaml go through the same loader."""
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("- tag: core\n  desc: &d [x, x]\n- tag: other\n  desc: *d\n")
    with pytest.raises(ParseError, match=r"YAML anchor '&d' is not allowed"):
        load_tags(bomb)
    parsed = parse_derivatives_yaml(bomb, [])
    assert [str(e).splitlines()[0] for e in parsed.errors] == [
        f"{bomb}:2:9: error: YAML anchor '&d' is not allowed"
    ]


def test_task_yaml_refuses_aliases(tmp_path: pathlib.Path) -> None:
    from tools.taskkit.spec import TaskSpecError, load_task

    task = tmp_path / "tasks" / "01-x"
    task.mkdir(parents=True)
    (task / "task.yaml").write_text("id: 01-x\ntitle: &t [a, a]\ndifficulty: *t\n")
    with pytest.raises(TaskSpecError) as e:
        load_task(task, tmp_path)
    assert str(e.value) == "tasks/01-x/task.yaml:2: YAML anchor '&t' is not allowed"


@pytest.mark.parametrize(
    "path", [UPSTREAM_YAML, UPSTREAM_TAGS, UPSTREAM_DERIVATIVES], ids=lambda p: p.name
)
def test_upstream_files_need_no_anchors(path: pathlib.Path) -> None:
    """Refusing anchors costs nothing: upstream's own files use none, and nest a few levels."""
    depth = deepest = 0
    for event in yaml.parse(path.read_text(), Loader=yaml.CSafeLoader):
        assert not isinstance(event, yaml.AliasEvent), event.start_mark
        assert getattr(event, "anchor", None) is None, event.start_mark
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            deepest = max(deepest, depth)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    assert deepest <= MAX_DEPTH // 8
    _, errors = load_yaml(path)
    assert errors == []


KIT_FILES = [
    REPO / "native_functions.yaml",
    REPO / "tags.yaml",
    REPO / "tools/autograd/derivatives.yaml",
    *sorted((REPO / "tools/tasks").glob("*/task.yaml")),
    UPSTREAM_TAGS,
    UPSTREAM_DERIVATIVES,
]


@pytest.mark.parametrize("path", KIT_FILES, ids=lambda p: str(p.relative_to(p.parents[1])))
def test_pure_python_parser_agrees(path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without libyaml, PyYAML's Python parser gives the same values and lines."""
    fast = load_yaml(path)
    monkeypatch.setattr(yaml_loader, "_Parser", yaml.SafeLoader)
    slow = load_yaml(path)
    assert _with_lines(fast[0]) == _with_lines(slow[0])
    assert [str(e) for e in fast[1]] == [str(e) for e in slow[1]]


@pytest.mark.parametrize(
    "text",
    ["[" * 200 + "]" * 200, "- " * 200 + "x", "a: &x 1\nb: *x\n", "a: *x\n", "a: 1\n---\nb: 2\n"],
    ids=["flow", "block", "anchor", "alias", "documents"],
)
def test_pure_python_parser_same_limits(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ParseError) as fast:
        _load(text)
    monkeypatch.setattr(yaml_loader, "_Parser", yaml.SafeLoader)
    with pytest.raises(ParseError) as slow:
        _load(text)
    where = [
        (e.value.message, e.value.loc and (e.value.loc.line, e.value.loc.col)) for e in (fast, slow)
    ]
    assert where[0] == where[1]


def _with_lines(v: Any) -> Any:
    if isinstance(v, dict):
        items = {k: _with_lines(x) for k, x in v.items()}
        return ("map", v.line, v.key_lines, items)  # type: ignore[attr-defined]
    if isinstance(v, list):
        return ("list", v.line, v.item_lines, [_with_lines(x) for x in v])  # type: ignore[attr-defined]
    return (type(v).__name__, v)


def test_scalars_keep_their_yaml_meaning() -> None:
    value, _ = _load(
        "a: [yes, 'yes', ~, 3, '3', 1.5, !!str 4, !!int '5', !!bool 'on', ! 6, !custom 7, 0x1f]\n"
    )
    assert value == {"a": [True, "yes", None, 3, "3", 1.5, "4", 5, True, "6", "7", "0x1f"]}
