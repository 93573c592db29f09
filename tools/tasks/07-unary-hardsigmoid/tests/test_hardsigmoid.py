"""Task 07: aten_mini.hardsigmoid, a unary pointwise op with a CPU kernel (needs the build)."""

from __future__ import annotations

from types import ModuleType

import pytest
import torch
import torch.nn.functional as F


def _aten_mini() -> ModuleType:
    import aten_mini

    assert hasattr(aten_mini, "hardsigmoid"), (
        "aten_mini.hardsigmoid does not exist: scaffold it with `./kit new-op`, then `./kit build`"
    )
    return aten_mini


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16, torch.half])
def test_matches_torch(dtype: torch.dtype) -> None:
    # Both kinks (-3, 3), the flat parts and enough elements for the vectorized loop.
    x = torch.linspace(-5.0, 5.0, 201, dtype=dtype)
    torch.testing.assert_close(_aten_mini().hardsigmoid(x), F.hardsigmoid(x))


def test_nan_and_infinities() -> None:
    x = torch.tensor([float("nan"), float("inf"), -float("inf")] * 20)
    torch.testing.assert_close(_aten_mini().hardsigmoid(x), F.hardsigmoid(x), equal_nan=True)


def test_non_contiguous_input() -> None:
    x = torch.randn(16, 33).mul(4).t()
    torch.testing.assert_close(_aten_mini().hardsigmoid(x), F.hardsigmoid(x))


def test_has_its_own_cpu_kernel() -> None:
    _aten_mini()
    dump = torch._C._dispatch_dump("aten_mini::hardsigmoid")
    assert "\nCPU:" in dump, f"hardsigmoid should have a CPU kernel:\n{dump}"
