"""Task 27: sigmoid is a structured op again: one meta(), one impl(), generated wrappers.

The YAML is read with torchgen_mini's own loader (the keys the code generator
acts on, not their spelling), the kernels are found where the dispatcher says
they were registered (`torch._C._dispatch_dump`: a Meta kernel from the
generated RegisterMeta.cpp, not a Python fake), and the behaviour is compared
with torch.sigmoid: values, result dtypes, out= resizing and out=/in-place
dtype errors, with torch's own messages.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import torch

from tools.common.tasktest import raises_like_torch, registered_at
from torchgen_mini.model import NativeFunction
from torchgen_mini.native_yaml import parse_native_yaml

ROOT = Path(__file__).resolve().parents[4]
OVERLOADS = ("sigmoid", "sigmoid_", "sigmoid.out")


def _aten_mini() -> Any:
    import aten_mini

    return aten_mini


def _entries() -> dict[str, NativeFunction]:
    parsed = parse_native_yaml(ROOT / "native_functions.yaml", ROOT / "tags.yaml")
    assert not parsed.errors, "\n".join(str(e) for e in parsed.errors)
    return {str(f.func.name): f for f in parsed.native_functions if f.root_name == "sigmoid"}


# ---------------------------------------------------------------- the YAML


def test_yaml_out_is_the_structured_kernel() -> None:
    out = _entries()["sigmoid.out"]
    assert out.structured, "sigmoid.out: expected `structured: True`"
    assert out.structured_inherits == "TensorIteratorBase", (
        "sigmoid.out: expected `structured_inherits: TensorIteratorBase`"
        " (meta() builds the iterator)"
    )
    kernels = {str(k): v for k, v in out.dispatch.items()}
    assert kernels == {"CPU": "sigmoid_out", "CUDA": "sigmoid_out"}, kernels


@pytest.mark.parametrize("name", ["sigmoid", "sigmoid_"])
def test_yaml_functional_and_inplace_delegate(name: str) -> None:
    f = _entries()[name]
    assert str(f.structured_delegate) == "sigmoid.out", (
        f"{name}: expected `structured_delegate: sigmoid.out`, got {f.structured_delegate}"
    )
    assert not f.structured, f"{name}: only the out= entry is `structured: True`"
    assert not f.explicit_dispatch, (
        f"{name}: a delegating entry has no `dispatch:` of its own (the wrappers are generated)"
    )


# ---------------------------------------------------------------- registrations


@pytest.mark.parametrize("name", OVERLOADS)
def test_meta_kernel_is_generated_cpp(name: str) -> None:
    where = registered_at(f"aten_mini::{name}", "Meta")
    assert re.fullmatch(r".*RegisterMeta\.cpp:\d+", where), (
        f"aten_mini::{name}: the Meta kernel is registered at {where}, not by the generated "
        "RegisterMeta.cpp (a structured op's meta() is its Meta kernel)"
    )


@pytest.mark.parametrize("name", OVERLOADS)
def test_cpu_kernel_is_generated_wrapper(name: str) -> None:
    where = registered_at(f"aten_mini::{name}", "CPU")
    assert re.fullmatch(r".*RegisterCPU\.cpp:\d+", where), where


# ---------------------------------------------------------------- meta tensors


@pytest.mark.parametrize(
    ("dtype", "expected"),
    [
        (torch.float32, torch.float32),
        (torch.float64, torch.float64),
        (torch.bfloat16, torch.bfloat16),
        (torch.int64, torch.float32),
        (torch.bool, torch.float32),
    ],
)
def test_meta_result(dtype: torch.dtype, expected: torch.dtype) -> None:
    m = _aten_mini()
    x = torch.empty(4, 3, dtype=dtype, device="meta")
    r = m.sigmoid(x)
    assert (r.device.type, r.shape, r.dtype) == ("meta", torch.Size([4, 3]), expected)
    t = m.sigmoid(x.t())  # TensorIterator keeps the input's layout
    assert t.stride() == torch.sigmoid(torch.empty(4, 3, dtype=dtype).t()).stride()


def test_meta_out_and_inplace() -> None:
    m = _aten_mini()
    x = torch.empty(2, 5, device="meta")
    out = torch.empty(0, device="meta")
    assert m.sigmoid(x, out=out) is out and out.shape == torch.Size([2, 5])
    assert m.sigmoid_(x) is x
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type Long"):
        m.sigmoid_(torch.empty(3, dtype=torch.int64, device="meta"))


# ---------------------------------------------------------------- behaviour = torch


@pytest.mark.parametrize(
    "dtype", [torch.float32, torch.float64, torch.bfloat16, torch.int32, torch.bool]
)
def test_values_and_dtypes(dtype: torch.dtype) -> None:
    m = _aten_mini()
    g = torch.Generator().manual_seed(27)
    x = (torch.randn(6, 7, generator=g) * 4).to(dtype)
    for sample in (x, x.t(), x[:, ::2]):
        expected = torch.sigmoid(sample)
        got = m.sigmoid(sample)
        assert got.dtype == expected.dtype
        torch.testing.assert_close(got, expected)
    if dtype.is_floating_point:
        y = x.clone()
        assert m.sigmoid_(y) is y
        torch.testing.assert_close(y, torch.sigmoid(x))


def test_out_resize_warning_as_upstream() -> None:
    m = _aten_mini()
    x = torch.randn(3, 4)
    with warnings.catch_warnings(record=True) as theirs:
        warnings.simplefilter("always")
        torch.sigmoid(x, out=torch.empty(5))
    assert any("resized" in str(w.message) for w in theirs)
    out = torch.empty(5)
    with pytest.warns(UserWarning, match="An output with one or more elements was resized"):
        assert m.sigmoid(x, out=out) is out
    torch.testing.assert_close(out, torch.sigmoid(x))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m.sigmoid(x, out=torch.empty(0))  # an empty out= is resized silently


def test_out_dtypes_as_upstream() -> None:
    m = _aten_mini()
    x = torch.randn(3)
    out = torch.empty(3, dtype=torch.float64)
    m.sigmoid(x, out=out)  # float32 results may be written to a float64 out=
    torch.testing.assert_close(out, torch.sigmoid(x).double())
    i = torch.arange(3)
    calls: dict[str, Callable[[Any], Any]] = {
        "int out=": lambda mod: mod.sigmoid(x, out=torch.empty(3, dtype=torch.int64)),
        "int input, int out=": lambda mod: mod.sigmoid(i, out=torch.empty(3, dtype=torch.int64)),
        "sigmoid_ of int": lambda mod: mod.sigmoid_(i.clone()),
    }
    raises_like_torch(calls, m)
