"""Task 10: aten_mini.div, true division with type promotion (needs the build)."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
import torch

from tools.common.tasktest import aten_mini_with, default_dtype, dtype_id


def _aten_mini() -> ModuleType:
    return aten_mini_with(
        "div", "add div.Tensor and div.Scalar to native_functions.yaml, then `./kit build`"
    )


def _div(a: torch.Tensor, b: Any) -> torch.Tensor:
    return _aten_mini().div(a, b)  # type: ignore[no-any-return]


def _assert_like_torch(a: torch.Tensor, b: Any) -> None:
    expected = torch.div(a, b)
    actual = _div(a, b)
    assert actual.dtype == expected.dtype, (
        f"div({a.dtype}, {b.dtype if isinstance(b, torch.Tensor) else type(b).__name__}) "
        f"gives {actual.dtype}, torch gives {expected.dtype}"
    )
    torch.testing.assert_close(actual, expected, equal_nan=True)


def _make(shape: tuple[int, ...], dtype: torch.dtype) -> torch.Tensor:
    return torch.testing.make_tensor(shape, dtype=dtype, device="cpu", exclude_zero=True)


DTYPE_PAIRS = [
    (torch.int64, torch.int64),
    (torch.int32, torch.int8),
    (torch.uint8, torch.int16),
    (torch.bool, torch.bool),
    (torch.bool, torch.int64),
    (torch.float16, torch.int64),
    (torch.bfloat16, torch.bool),
    (torch.float16, torch.bfloat16),
    (torch.float32, torch.float64),
    (torch.int16, torch.float16),
]


@pytest.mark.parametrize("a_dtype, b_dtype", DTYPE_PAIRS, ids=dtype_id)
def test_type_promotion(a_dtype: torch.dtype, b_dtype: torch.dtype) -> None:
    # 67 elements: the vectorized loop and its scalar tail.
    _assert_like_torch(_make((67,), a_dtype), _make((67,), b_dtype))


def test_integers_divide_as_floats() -> None:
    result = _div(torch.tensor([1, 2, 3]), torch.tensor([2]))
    assert result.dtype == torch.float32, f"int64 / int64 must be float32, got {result.dtype}"
    torch.testing.assert_close(result, torch.tensor([0.5, 1.0, 1.5]))


def test_integers_follow_the_default_dtype() -> None:
    with default_dtype(torch.float64):
        result = _div(torch.tensor([1, 2]), torch.tensor([4, 8]))
    assert result.dtype == torch.float64, (
        "with torch.set_default_dtype(torch.float64), int / int must be float64, "
        f"got {result.dtype}"
    )


ZERO_DIM_CASES = [
    (torch.int64, (4,), torch.float64, ()),
    (torch.float16, (4,), torch.float64, ()),
    (torch.float32, (), torch.int64, (4,)),
    (torch.int64, (), torch.float16, (4,)),
    (torch.float64, (), torch.float32, ()),
    (torch.int32, (), torch.bool, ()),
]


@pytest.mark.parametrize("a_dtype, a_shape, b_dtype, b_shape", ZERO_DIM_CASES, ids=dtype_id)
def test_zero_dim_operands(
    a_dtype: torch.dtype, a_shape: tuple[int, ...], b_dtype: torch.dtype, b_shape: tuple[int, ...]
) -> None:
    # A 0-dim tensor takes part in promotion only with a higher category.
    _assert_like_torch(_make(a_shape, a_dtype), _make(b_shape, b_dtype))


@pytest.mark.parametrize(
    "a_shape, b_shape",
    [((4, 1), (1, 7)), ((3, 4, 5), (5,)), ((2, 1, 3), (4, 1)), ((0, 3), (3,))],
    ids=dtype_id,
)
def test_broadcasting(a_shape: tuple[int, ...], b_shape: tuple[int, ...]) -> None:
    _assert_like_torch(_make(a_shape, torch.float32), _make(b_shape, torch.float32))


def test_non_contiguous() -> None:
    a = _make((33, 16), torch.float32).t()
    b = _make((16, 66), torch.float64)[:, ::2]
    _assert_like_torch(a, b)
    _assert_like_torch(a, _make((16, 33), torch.float32))


@pytest.mark.parametrize("other", [2, -3, 2.5, True], ids=lambda v: f"{type(v).__name__}({v})")
@pytest.mark.parametrize("dtype", [torch.int64, torch.int16, torch.bool, torch.float16,
                                   torch.bfloat16, torch.float32], ids=dtype_id)  # fmt: skip
def test_python_number_divisor(dtype: torch.dtype, other: Any) -> None:
    _assert_like_torch(_make((67,), dtype), other)


def test_scalar_overload_is_registered() -> None:
    _aten_mini()
    overloads = set(torch.ops.aten_mini.div.overloads())  # type: ignore[no-untyped-call]
    assert {"Tensor", "Scalar"} <= overloads, (
        f"torch.ops.aten_mini.div has the overloads {sorted(overloads)}; the issue asks for "
        "div.Tensor and div.Scalar"
    )
    x = torch.tensor([3, 4], dtype=torch.int32)
    result = torch.ops.aten_mini.div.Scalar(x, 2)
    torch.testing.assert_close(result, torch.tensor([1.5, 2.0]))


def test_division_by_zero() -> None:
    a = torch.tensor([1.0, -1.0, 0.0, float("inf"), float("nan"), 2.0] * 12)
    b = torch.tensor([0.0, 0.0, 0.0, float("inf"), 1.0, -0.0] * 12)
    _assert_like_torch(a, b)
    _assert_like_torch(torch.tensor([1, -1, 0] * 23), torch.tensor([0, 0, 0] * 23))
    _assert_like_torch(torch.tensor([True, False] * 33), torch.tensor([False, False] * 33))
    _assert_like_torch(torch.tensor([1, 0, -1], dtype=torch.int8), 0)
    _assert_like_torch(torch.tensor([1.0, 0.0, -1.0], dtype=torch.float16), 0.0)


def test_shape_mismatch_is_torchs_error() -> None:
    a, b = torch.ones(3), torch.ones(4)
    message = r"The size of tensor a \(3\) must match the size of tensor b \(4\)"
    with pytest.raises(RuntimeError, match=message):
        _div(a, b)


def test_gradients() -> None:
    div = _aten_mini().div
    a = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
    b = (torch.rand(3, dtype=torch.float64) + 0.5).requires_grad_()
    assert torch.autograd.gradcheck(div, (a, b)), "gradcheck of div.Tensor failed"
    assert torch.autograd.gradcheck(lambda x: div(x, -2.5), (a,)), "gradcheck of div.Scalar"


def test_has_its_own_cpu_kernel() -> None:
    _aten_mini()
    dump = torch._C._dispatch_dump("aten_mini::div.Tensor")
    assert "\nCPU:" in dump, f"div.Tensor should have a CPU kernel:\n{dump}"
