"""Task 11: the in-place and out= variants of silu.

The schema tests read native_functions.yaml with torchgen_mini's model and need
no build; the others call the built extension and compare with torch. silu in
aten-mini follows sigmoid's dtype rules (an integer input gives a float result),
so where torch's own silu has no such rule the reference is torch.sigmoid's
behaviour: the same error messages, the same casts.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import torch
import torch.nn.functional as F

from torchgen_mini.model import NativeFunction, SchemaKind
from torchgen_mini.native_yaml import parse_native_yaml

ROOT = Path(__file__).resolve().parents[4]
YAML = ROOT / "native_functions.yaml"
WANTED = {
    "silu_": ("silu_(Tensor(a!) self) -> Tensor(a!)", SchemaKind.inplace, "self"),
    "silu.out": ("silu.out(Tensor self, *, Tensor(a!) out) -> Tensor(a!)", SchemaKind.out, "out"),
}
FLOATING = (torch.float16, torch.bfloat16, torch.float32, torch.float64)
# (rtol, atol) against torch, as in test/opinfo/core.py: silu is mul(x, sigmoid(x)),
# which rounds twice in half precision where torch rounds once.
TOLERANCE = {
    torch.float16: (2e-3, 1e-5),
    torch.bfloat16: (1.6e-2, 1e-5),
    torch.float32: (1.3e-6, 1e-5),
    torch.float64: (1e-7, 1e-7),
}
OUT_GRAD = r"silu\.out: functions with out=\.\.\. arguments don't support automatic differ"


# --------------------------------------------------------------------------- schemas


def variant_problems(path: Path) -> list[str]:
    """What is wrong with silu_ and silu.out in the YAML file at `path` (empty: nothing)."""
    parsed = parse_native_yaml(path, ROOT / "tags.yaml")
    if parsed.errors:
        return [str(e) for e in parsed.errors]
    by_name = {str(f.func.name): f for f in parsed.native_functions}
    problems = []
    for name in WANTED:
        f = by_name.get(name)
        if f is None:
            problems.append(f"{name} is not declared in {path.name}: add it next to silu")
        else:
            problems += schema_problems(f, name)
    return problems


def schema_problems(f: NativeFunction, name: str) -> list[str]:
    want, kind, written = WANTED[name]
    where = f"{Path(f.loc.file).name}:{f.loc.line}: {f.func}"
    arg = next(a for a in f.func.arguments.flat_all if a.name == written)
    if f.func.kind() is not kind:
        return [f"{where}: is a {f.func.kind().value} schema, not an {kind.value} one"]
    if arg.annotation is None or not arg.annotation.is_write:
        return [f"{where}: '{written}' is written to, so it needs a (a!) annotation"]
    if len(f.func.returns) != 1 or f.func.returns[0].annotation != arg.annotation:
        return [f"{where}: must return '{written}' itself: give the return {written}'s annotation"]
    return [] if str(f.func) == want else [f"{where}: expected exactly `{want}`"]


def test_schemas_carry_alias_annotations() -> None:
    problems = variant_problems(YAML)
    assert not problems, "\n".join(problems)


def test_variants_sit_after_silu() -> None:
    names = [str(f.func.name) for f in parse_native_yaml(YAML, ROOT / "tags.yaml").native_functions]
    assert "silu_" in names and "silu.out" in names, "declare silu_ and silu.out first"
    start = names.index("silu")
    assert names[start : start + 3] == ["silu", "silu_", "silu.out"], (
        "native_functions.yaml keeps one op's entries together: silu, then silu_, then silu.out"
    )


WRONG = {
    "in-place, nothing annotated": "silu_(Tensor self) -> Tensor",
    "in-place, bare return": "silu_(Tensor(a!) self) -> Tensor",
    "out=, bare return": "silu.out(Tensor self, *, Tensor(a!) out) -> Tensor",
    "out=, read-only out": "silu.out(Tensor self, *, Tensor(a) out) -> Tensor(a)",
    "out=, positional out": "silu.out(Tensor self, Tensor(a!) out) -> Tensor(a!)",
}


@pytest.mark.parametrize("schema", WRONG.values(), ids=list(WRONG))
def test_wrong_annotations_are_caught(schema: str, tmp_path: Path) -> None:
    """The check above (and torchgen_mini's validator) rejects a wrong annotation."""
    right = {name: text for name, (text, _, _) in WANTED.items()}
    right[schema.split("(")[0]] = schema
    entries = ["silu(Tensor self) -> Tensor", *right.values()]
    yaml = tmp_path / "native_functions.yaml"
    kernels = ("silu", "silu_", "silu_out")
    yaml.write_text(
        "".join(
            f"- func: {e}\n  dispatch:\n    CompositeExplicitAutograd: {k}\n"
            for e, k in zip(entries, kernels, strict=True)
        )
    )
    assert variant_problems(yaml), f"`{schema}` was accepted"


# --------------------------------------------------------------------------- the built ops


def _aten_mini() -> ModuleType:
    import aten_mini

    assert hasattr(aten_mini, "silu_"), (
        "aten_mini.silu_ does not exist yet: declare silu_ in native_functions.yaml "
        "(next to silu), write its kernel, then `./kit build`"
    )
    return aten_mini


def _silu_out() -> Callable[..., torch.Tensor]:
    aten_mini = _aten_mini()
    overloads = torch._C._jit_get_schemas_for_operator("aten_mini::silu")
    assert any(s.overload_name == "out" for s in overloads), (
        "aten_mini.silu does not take out= yet: declare silu.out in native_functions.yaml "
        "(after silu_), write its kernel, then `./kit build`"
    )
    return aten_mini.silu  # type: ignore[no-any-return]


def _reference(x: torch.Tensor) -> torch.Tensor:
    """torch's silu, computed in float for half and bfloat16 and rounded once."""
    if x.dtype in (torch.float16, torch.bfloat16):
        return F.silu(x.float()).to(x.dtype)
    return F.silu(x)


def _close(actual: torch.Tensor, expected: torch.Tensor) -> None:
    rtol, atol = TOLERANCE[expected.dtype]
    torch.testing.assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=True)


def _inputs(dtype: torch.dtype) -> torch.Tensor:
    """NaN, ±inf, zero and a spread of values, as a non-contiguous 5x4 view."""
    special = torch.tensor([float("nan"), float("inf"), float("-inf"), 0.0, -0.0])
    values = torch.cat([special, torch.linspace(-12, 12, 35)]).to(dtype)
    return values.reshape(4, 10)[:, ::2].t()


def test_type_stub_lists_both_variants() -> None:
    _silu_out()
    stub = Path(str(_aten_mini().__file__)).with_name("_C.pyi").read_text()
    assert "def silu_(input: Tensor) -> Tensor: ..." in stub
    assert "def silu(input: Tensor, *, out: Tensor | None = None) -> Tensor: ..." in stub


def test_registered_schemas() -> None:
    _silu_out()
    ops = torch.ops.aten_mini
    assert str(ops.silu_.default._schema) == "aten_mini::silu_(Tensor(a!) self) -> Tensor(a!)"
    out = str(ops.silu.out._schema)
    assert out == "aten_mini::silu.out(Tensor self, *, Tensor(a!) out) -> Tensor(a!)"


@pytest.mark.parametrize("dtype", FLOATING, ids=str)
def test_inplace_returns_self_and_matches_torch(dtype: torch.dtype) -> None:
    x = _inputs(dtype)
    expected = _reference(x)
    version = x._version
    result = _aten_mini().silu_(x)
    assert result is x, "silu_ must return self itself, not a new tensor"
    assert x.stride() == (2, 10), "silu_ must write into self's memory, keeping its strides"
    assert x._version > version, "silu_ writes self: its version counter must go up"
    _close(x, expected)


@pytest.mark.parametrize("dtype", [torch.int64, torch.int32, torch.uint8, torch.bool], ids=str)
def test_inplace_on_integer_raises_like_sigmoid_(dtype: torch.dtype) -> None:
    x = torch.tensor([0, 1, 1], dtype=dtype)
    with pytest.raises(RuntimeError) as torch_error:
        torch.sigmoid_(x.clone())
    with pytest.raises(RuntimeError, match=re.escape(str(torch_error.value))):
        _aten_mini().silu_(x)
    assert x.tolist() == torch.tensor([0, 1, 1], dtype=dtype).tolist(), "x must be left as it was"


def test_inplace_gradient_matches_torch() -> None:
    base = torch.randn(6, dtype=torch.float64, requires_grad=True)
    grad = torch.randn(6, dtype=torch.float64)
    (expected,) = torch.autograd.grad(F.silu(base), base, grad)
    (actual,) = torch.autograd.grad(_aten_mini().silu_(base * 1), base, grad)
    torch.testing.assert_close(actual, expected)


def test_inplace_refuses_a_leaf_that_requires_grad() -> None:
    leaf = torch.randn(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        _aten_mini().silu_(leaf)


OUTS: dict[str, Callable[[], torch.Tensor]] = {
    "preallocated": lambda: torch.full((5, 4), 7.0),
    "empty (resized)": lambda: torch.empty(0),
    "transposed (non-contiguous)": lambda: torch.full((4, 5), 7.0).t(),
}


@pytest.mark.parametrize("make_out", OUTS.values(), ids=list(OUTS))
def test_out_returns_out_and_matches_torch(make_out: Callable[[], torch.Tensor]) -> None:
    silu = _silu_out()
    x, out = _inputs(torch.float32), make_out()
    strides = out.stride() if out.numel() else None
    result = silu(x, out=out)
    assert result is out, "silu(x, out=out) must return `out` itself"
    if strides is not None:
        assert out.stride() == strides, "an out of the right shape keeps its strides"
    _close(out, F.silu(x))


RESIZED = "An output with one or more elements was resized"


def _warnings_of(fn: Callable[[], object], capfd: pytest.CaptureFixture[str]) -> str:
    """Every warning `fn` gives, as Python warnings or printed to stderr.

    torch's Python functions turn a C++ warning (TORCH_WARN) into a Python
    warning; the kit's generated bindings leave it to c10, which prints it.
    """
    capfd.readouterr()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return "\n".join([str(w.message) for w in caught] + [capfd.readouterr().err])


def test_out_warns_when_it_resizes_a_non_empty_out(capfd: pytest.CaptureFixture[str]) -> None:
    silu, x = _silu_out(), torch.randn(3)
    torch_silu: Any = torch._C._nn.silu  # torch's silu.out, warning in Python
    assert RESIZED in _warnings_of(lambda: torch_silu(x, out=torch.empty(5)), capfd)
    out = torch.empty(5)
    assert RESIZED in _warnings_of(lambda: silu(x, out=out), capfd), (
        f"silu(x, out=out) resized a non-empty out without torch's warning ({RESIZED!r})"
    )
    assert out.shape == (3,)
    _close(out, F.silu(x))


def test_out_resizes_an_empty_out_silently(capfd: pytest.CaptureFixture[str]) -> None:
    silu, out = _silu_out(), torch.empty(0)
    assert RESIZED not in _warnings_of(lambda: silu(torch.randn(2, 3), out=out), capfd)
    assert out.shape == (2, 3)


@pytest.mark.parametrize("dtype", [torch.int64, torch.bool], ids=str)
def test_out_refuses_a_dtype_the_result_cannot_be_cast_to(dtype: torch.dtype) -> None:
    silu, x = _silu_out(), torch.randn(4)
    with pytest.raises(RuntimeError) as torch_error:
        torch.sigmoid(x, out=torch.empty(4, dtype=dtype))
    with pytest.raises(RuntimeError, match=re.escape(str(torch_error.value))):
        silu(x, out=torch.empty(4, dtype=dtype))


def test_out_casts_like_sigmoid() -> None:
    silu, x = _silu_out(), torch.randn(4)
    wide = silu(x, out=torch.empty(4, dtype=torch.float64))
    torch.testing.assert_close(wide, F.silu(x).double())
    integers = torch.arange(-3, 3)
    result = silu(integers, out=torch.empty(0))
    torch.testing.assert_close(result, F.silu(integers.float()))


def test_out_may_be_the_input() -> None:
    silu, x = _silu_out(), torch.randn(2, 3)
    expected = F.silu(x)
    assert silu(x, out=x) is x
    _close(x, expected)


def test_out_refuses_inputs_that_require_grad() -> None:
    silu, x = _silu_out(), torch.randn(3, requires_grad=True)
    with pytest.raises(RuntimeError) as error:
        silu(x, out=torch.empty(3))
    assert re.search(OUT_GRAD, str(error.value)), (
        "silu(x, out=...) with an input that requires grad must be refused by silu.out's own "
        f"Autograd kernel, naming it; got: {error.value}"
    )
