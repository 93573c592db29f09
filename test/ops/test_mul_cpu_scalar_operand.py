"""mul of a Half/BFloat16 tensor by a single value held in a wider type.

A 0-dim float32 tensor does not promote a float16 tensor (same category), so
the result is float16; TensorIterator casts the 0-dim operand to float16
first, where 1e5 is inf. torch multiplies by the value from before that cast
and rounds only the product (Note [A number times a Half tensor] in
aten_mini/native/cpu/BinaryOpsKernel.cpp). These compare with torch bit for
bit, in both operand orders, in place and with out=.
"""

from __future__ import annotations

import pytest
import torch

pytestmark = pytest.mark.needs_build

REDUCED = [torch.float16, torch.bfloat16]
# 1e5 overflows float16 but not bfloat16; 1.001 rounds differently in both;
# 3e38 * 2 overflows only in the product
SCALARS = [1e5, 1.001, -3.3, 3e38]


def kit_mul(*args: torch.Tensor, **kwargs: torch.Tensor) -> torch.Tensor:
    import aten_mini

    return aten_mini.mul(*args, **kwargs)


def assert_bitwise(got: torch.Tensor, want: torch.Tensor) -> None:
    assert got.dtype == want.dtype and got.shape == want.shape
    torch.testing.assert_close(got, want, rtol=0, atol=0, equal_nan=True)


def ramp(dtype: torch.dtype) -> torch.Tensor:
    # 70 elements: the vectorized loop and its scalar tail
    return torch.linspace(-2, 2, 70).to(dtype)


@pytest.mark.parametrize("value", SCALARS)
@pytest.mark.parametrize("dtype", REDUCED)
def test_times_a_wider_0dim_tensor(dtype: torch.dtype, value: float) -> None:
    x, s = ramp(dtype), torch.tensor(value)
    assert_bitwise(kit_mul(x, s), torch.mul(x, s))
    assert_bitwise(kit_mul(s, x), torch.mul(s, x))


@pytest.mark.parametrize("dtype", REDUCED)
def test_in_place_and_out(dtype: torch.dtype) -> None:
    import aten_mini

    x, s = ramp(dtype), torch.tensor(1e5)
    want = torch.mul(x, s)
    mine = x.clone()
    aten_mini.mul_(mine, s)
    assert_bitwise(mine, want)
    out = torch.empty_like(x)
    kit_mul(x, s, out=out)
    assert_bitwise(out, want)


def test_float32_and_same_dtype_scalars_unchanged() -> None:
    x = torch.linspace(-2, 2, 70)
    assert_bitwise(kit_mul(x, torch.tensor(1e5)), torch.mul(x, torch.tensor(1e5)))
    h = ramp(torch.float16)
    s = torch.tensor(3.0, dtype=torch.float16)
    assert_bitwise(kit_mul(h, s), torch.mul(h, s))
