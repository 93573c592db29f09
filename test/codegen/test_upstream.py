"""The api/ translations over PyTorch's own native_functions.yaml (2,585 entries).

Read from the installed torchgen package, never copied into the repository.
Every upstream schema must have C++ signatures; the Python bindings support
a subset of types, and every entry outside it must fail with a located error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from torchgen_mini.api import cpp, dispatcher, pyi, python
from torchgen_mini.model import NativeFunction, ParseError
from torchgen_mini.native_yaml import parse_native_yaml

torchgen = pytest.importorskip("torchgen", reason="upstream YAML ships with torch's torchgen")
UPSTREAM = Path(torchgen.__file__).parent / "packaged" / "ATen" / "native"


@pytest.fixture(scope="module")
def upstream() -> list[NativeFunction]:
    parsed = parse_native_yaml(UPSTREAM / "native_functions.yaml", UPSTREAM / "tags.yaml")
    assert not parsed.errors
    return parsed.native_functions


def test_every_upstream_schema_has_cpp_signatures(upstream: list[NativeFunction]) -> None:
    for f in upstream:
        assert dispatcher.signature(f).args is not None
        assert cpp.cpp_api_signatures(f)
        for kernel in f.dispatch.values():
            assert cpp.native_signature(f, kernel).name == kernel


def test_python_bindings_cover_most_upstream_schemas(upstream: list[NativeFunction]) -> None:
    unsupported = 0
    for f in upstream:
        try:
            pyi.stub(python.python_signature(f, None))
        except ParseError as e:
            unsupported += 1
            assert e.loc is not None and e.loc.line > 0, e.message
            assert "Python bindings do not support" in e.message
    assert unsupported < len(upstream) // 50, f"{unsupported} upstream schemas unsupported"


def _normalize(cpp_type: str) -> str:
    t = cpp_type.replace("::std::", "std::").replace(" &", "&").replace(", ", ",")
    return t.replace("at::OptionalSymIntArrayRef", "c10::OptionalArrayRef<c10::SymInt>")


def test_dispatcher_argument_types_match_torchgen(upstream: list[NativeFunction]) -> None:
    # torchgen itself is the oracle for the C++ type of every upstream argument.
    from torchgen import local
    from torchgen.api import dispatcher as tg_dispatcher
    from torchgen.model import FunctionSchema as TgSchema

    mismatches = []
    for f in upstream:
        if f.use_const_ref_for_mutable_tensors:
            continue
        with local.parametrize(
            use_const_ref_for_mutable_tensors=False, use_ilistref_for_tensor_lists=False
        ):
            tg_schema = TgSchema.parse(str(f.func))
            tg_args = tg_dispatcher.arguments(tg_schema)
            tg_ret = tg_dispatcher.returns_type(tg_schema.returns).cpp_type()
        theirs = [_normalize(a.type) for a in tg_args] + [_normalize(tg_ret)]
        sig = dispatcher.signature(f)
        ours = [_normalize(b.type) for b in sig.args] + [_normalize(sig.returns)]
        if theirs != ours:
            mismatches.append(f"{f.func.name}: {ours} != {theirs}")
    assert not mismatches, "\n".join(mismatches[:10])
