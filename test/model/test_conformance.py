"""Conformance against data nobody here wrote: upstream PyTorch's own YAML.

The upstream native_functions.yaml and tags.yaml ship inside the installed
torchgen package; they are read from there, never copied.  Every entry must
load without an error, print back exactly as torchgen prints it, and get
the schema kind (and grouping signature) torchgen gives it.
"""

from __future__ import annotations

import pytest
import torchgen.model as tgm
import yaml
from model_testutil import REPO, UPSTREAM_TAGS, UPSTREAM_YAML

from torchgen_mini.model import NativeFunction, NativeFunctionsGroup, group_native_functions
from torchgen_mini.native_yaml import ParsedNativeYaml, parse_native_yaml


@pytest.fixture(scope="module")
def upstream() -> ParsedNativeYaml:
    return parse_native_yaml(UPSTREAM_YAML, UPSTREAM_TAGS)


@pytest.fixture(scope="module")
def upstream_funcs() -> list[str]:
    entries = yaml.load(UPSTREAM_YAML.read_text(), Loader=yaml.CSafeLoader)
    return [e["func"] for e in entries]


def test_upstream_loads_without_errors(upstream: ParsedNativeYaml) -> None:
    assert [str(e) for e in upstream.errors[:5]] == []
    assert len(upstream.native_functions) >= 2500


def test_upstream_entries_in_file_order(
    upstream: ParsedNativeYaml, upstream_funcs: list[str]
) -> None:
    assert [str(f.func) for f in upstream.native_functions] == upstream_funcs


def test_schema_text_and_kind_match_torchgen(
    upstream: ParsedNativeYaml, upstream_funcs: list[str]
) -> None:
    mismatches = []
    for f, text in zip(upstream.native_functions, upstream_funcs, strict=True):
        theirs = tgm.FunctionSchema.parse(text)
        ours = (str(f.func), f.func.kind().name, str(f.func.signature()))
        if ours != (str(theirs), theirs.kind().name, str(theirs.signature())):
            mismatches.append(f"line {f.loc.line}: {ours} vs torchgen {theirs}")
    assert mismatches == []


def test_unambiguous_names_match_torchgen(
    upstream: ParsedNativeYaml, upstream_funcs: list[str]
) -> None:
    ours = [f.func.name.unambiguous_name() for f in upstream.native_functions]
    theirs = [tgm.FunctionSchema.parse(t).name.unambiguous_name() for t in upstream_funcs]
    assert ours == theirs


def _group_names(g: NativeFunction | NativeFunctionsGroup) -> tuple[str, ...]:
    if isinstance(g, NativeFunction):
        return (str(g.func.name),)
    return tuple(sorted(str(f.func.name) for f in g.functions()))


def test_grouping_of_upstream_is_consistent(upstream: ParsedNativeYaml) -> None:
    groups = group_native_functions(upstream.native_functions)
    names = [n for g in groups for n in _group_names(g)]
    assert sorted(names) == sorted(str(f.func.name) for f in upstream.native_functions)
    full = [g for g in groups if isinstance(g, NativeFunctionsGroup)]
    assert all(g.out.func.kind().name == "out" for g in full)
    assert any(g.inplace is not None for g in full)


def test_repo_native_functions_yaml_is_clean() -> None:
    parsed = parse_native_yaml(REPO / "native_functions.yaml", REPO / "tags.yaml")
    assert [str(e) for e in parsed.errors] == []
    groups = group_native_functions(parsed.native_functions)
    add = [g for g in groups if isinstance(g, NativeFunctionsGroup) and g.root_name == "add"]
    assert [str(g.out.func.name) for g in add] == ["add.out"]
    assert add[0].inplace is not None and str(add[0].inplace.func.name) == "add_.Tensor"
