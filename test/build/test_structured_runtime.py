"""Structured ops at run time: their Meta kernel is the generated C++ wrapper.

See Note [How structured wrappers allocate outputs] in
torchgen_mini/dest/structured.py and Note [Structured ops keep a Python fake]
in python/aten_mini/_compile.py.
"""

from __future__ import annotations

import re
import warnings

import pytest
import torch

from tools.common.tasktest import raises_like_torch, registered_at

pytestmark = pytest.mark.needs_build

STRUCTURED = (
    "add.Tensor",
    "add_.Tensor",
    "add.out",
    "cumsum",
    "cumsum_",
    "cumsum.out",
    "log1p",
    "log1p_",
    "log1p.out",
    "mul.Tensor",
    "mul_.Tensor",
    "mul.out",
    "sigmoid",
    "sigmoid_",
    "sigmoid.out",
    "softplus",
    "softplus.out",
    "sum.dim_IntList",
    "sum.IntList_out",
)


@pytest.mark.parametrize("name", STRUCTURED)
def test_meta_kernel_comes_from_generated_cpp(name: str) -> None:
    assert re.fullmatch(r".*RegisterMeta\.cpp:\d+", registered_at(f"aten_mini::{name}", "Meta"))


@pytest.mark.parametrize("name", STRUCTURED)
def test_cpu_kernel_comes_from_generated_cpp(name: str) -> None:
    assert re.fullmatch(r".*RegisterCPU\.cpp:\d+", registered_at(f"aten_mini::{name}", "CPU"))


def test_meta_results() -> None:
    import aten_mini

    x = torch.empty(3, 1, device="meta")
    y = torch.empty(4, dtype=torch.float64, device="meta")
    r = aten_mini.add(x, y, alpha=2)
    assert (r.device.type, r.shape, r.dtype) == ("meta", torch.Size([3, 4]), torch.float64)
    t = torch.empty(4, 3, device="meta").t()
    assert aten_mini.mul(t, t).stride() == (1, 3)  # TensorIterator keeps the input's layout
    with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
        aten_mini.add_(torch.empty(4, device="meta"), torch.empty(3, 4, device="meta"))


def test_meta_results_of_a_reduction_and_a_scan() -> None:
    # meta() on at::impl::MetaBase (no TensorIterator): resize_reduction for sum,
    # set_output_raw_strided for cumsum; integers accumulate in int64.
    import aten_mini

    x = torch.empty(3, 4, 5, dtype=torch.int32, device="meta")
    r = aten_mini.sum(x, [0, -1], keepdim=True)
    assert (r.device.type, r.shape, r.dtype) == ("meta", torch.Size([1, 4, 1]), torch.int64)
    assert aten_mini.sum(x, None).shape == torch.Size([])
    c = aten_mini.cumsum(x, 1, dtype=torch.float64)
    assert (c.shape, c.dtype, c.stride()) == (x.shape, torch.float64, (20, 5, 1))
    assert aten_mini.cumsum_(x, 1).dtype == torch.int32  # in place keeps self's dtype
    with pytest.raises(IndexError, match="Dimension out of range"):
        aten_mini.cumsum(x, 3)


def test_dtype_of_a_given_output_as_upstream() -> None:
    # A given output keeps its dtype; dtype= that differs is the wrappers' error,
    # as torch's structured wrappers give it.
    import aten_mini

    x = torch.randn(3, 4)
    out = torch.empty(0, dtype=torch.float64)
    assert aten_mini.sum(x, [1], out=out) is out and out.dtype == torch.float64
    torch.testing.assert_close(out, x.sum(1, dtype=torch.float64))
    calls = {
        "sum out=": lambda m: m.sum(x, [1], dtype=torch.float64, out=torch.empty(3)),
        "cumsum out=": lambda m: m.cumsum(x, 1, dtype=torch.float64, out=torch.empty(3, 4)),
        "log1p_ int": lambda m: m.log1p_(torch.arange(3)),
    }
    raises_like_torch(calls, aten_mini)
    # torch has cumsum_ as a method only.
    with pytest.raises(RuntimeError) as theirs:
        x.clone().cumsum_(1, dtype=torch.float64)
    with pytest.raises(RuntimeError, match=re.escape(str(theirs.value).splitlines()[0])):
        aten_mini.cumsum_(x.clone(), 1, dtype=torch.float64)


def test_out_rules() -> None:
    import aten_mini

    x, y = torch.randn(3, 4), torch.randn(4)
    out = torch.empty(2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert aten_mini.mul(x, y, out=out) is out
    assert out.shape == (3, 4) and torch.equal(out, x * y)
    assert any("was resized since it had shape [2]" in str(w.message) for w in caught)
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type Long"):
        aten_mini.add(x, y, out=torch.empty(3, 4, dtype=torch.int64))
    # An out that is not resized keeps its strides; the result is still right.
    out_t = torch.empty(4, 3).t()
    aten_mini.add(x, y, out=out_t)
    assert out_t.stride() == (1, 3) and torch.allclose(out_t, x + y)


def test_composite_calling_a_structured_op_under_dynamic_shapes() -> None:
    # add.Scalar's CompositeExplicitAutograd kernel calls add.Tensor from C++ on
    # fake tensors with SymInt sizes; the C++ meta() (TensorIterator) cannot take
    # those, the Python Meta kernel can (Note [Structured ops keep a Python fake]).
    import aten_mini

    x = torch.randn(3, 4)
    result = torch.library.opcheck(
        torch.ops.aten_mini.add.Scalar,
        (x, 2.0),
        test_utils=("test_faketensor", "test_aot_dispatch_dynamic"),
        raise_exception=False,
    )
    assert all(v == "SUCCESS" for v in result.values()), result
    f = torch.compile(lambda a: aten_mini.add(a, 2.0), dynamic=True, fullgraph=True)
    assert f(x).shape == (3, 4) and f(torch.randn(5, 6)).shape == (5, 6)
