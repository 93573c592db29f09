"""Task 28: cumsum on CPU supports float16 and bfloat16, accumulating in float (opmath).

Values are compared with torch.cumsum at torch's tolerances for the dtype
(torch.testing.assert_close's defaults). The long scans are the samples where
the accumulator's type shows: a running sum kept in bfloat16 stops growing at
256 (256 + 1 rounds back to 256), one kept in float16 at 2048, while torch
keeps the running sum in float and rounds each output once.
"""

from __future__ import annotations

from typing import Any

import pytest
import torch

REDUCED = (torch.float16, torch.bfloat16)


def _aten_mini() -> Any:
    import aten_mini

    return aten_mini


def _samples(dtype: torch.dtype) -> list[tuple[str, torch.Tensor, int]]:
    g = torch.Generator().manual_seed(28)
    x = torch.randn(5, 6, 7, generator=g).to(dtype)
    return [
        ("3-d, last dim", x, -1),
        ("3-d, first dim (scans side by side)", x, 0),
        ("3-d, middle dim", x, 1),
        ("transposed", x.transpose(0, 2), 1),
        ("sliced", x[:, ::2, 1:], 2),
        ("0-dim", torch.tensor(1.5, dtype=dtype), 0),
        ("empty", torch.empty(0, 3, dtype=dtype), 0),
    ]


@pytest.mark.parametrize("dtype", REDUCED, ids=str)
def test_values_match_torch(dtype: torch.dtype) -> None:
    m = _aten_mini()
    for name, x, dim in _samples(dtype):
        expected = torch.cumsum(x, dim)
        got = m.cumsum(x, dim)
        assert got.dtype == dtype, f"{name}: dtype {got.dtype}"
        try:
            torch.testing.assert_close(got, expected)
        except AssertionError as e:
            raise AssertionError(f"{name}: {e}") from None


@pytest.mark.parametrize("dtype", REDUCED, ids=str)
@pytest.mark.parametrize("dim", [0, 1])
def test_long_scan_accumulates_in_float(dtype: torch.dtype, dim: int) -> None:
    # 4096 ones: every running sum is an integer a float holds exactly; the
    # kernel must round each output once, never the running sum itself.
    m = _aten_mini()
    n = 4096
    x = torch.ones(n, 3, dtype=dtype) if dim == 0 else torch.ones(3, n, dtype=dtype)
    expected = torch.cumsum(x, dim)
    got = m.cumsum(x, dim)
    last = got.select(dim, n - 1)
    assert last.float().tolist() == expected.select(dim, n - 1).float().tolist(), (
        f"cumsum of {n} ones in {dtype} ends at {last.float().tolist()}, torch at "
        f"{expected.select(dim, n - 1).float().tolist()}: the running sum is kept in {dtype}, "
        "not in float"
    )
    torch.testing.assert_close(got, expected)


@pytest.mark.parametrize("dtype", REDUCED, ids=str)
def test_small_increments_are_not_lost(dtype: torch.dtype) -> None:
    # 1 followed by many values below half an ulp of the running sum.
    m = _aten_mini()
    x = torch.full((2000,), 1e-3, dtype=dtype)
    x[0] = 1
    torch.testing.assert_close(m.cumsum(x, 0), torch.cumsum(x, 0))


@pytest.mark.parametrize("dtype", REDUCED, ids=str)
def test_inplace_out_and_dtype_argument(dtype: torch.dtype) -> None:
    m = _aten_mini()
    g = torch.Generator().manual_seed(7)
    x = torch.randn(300, 4, generator=g).to(dtype)
    y = x.clone()
    assert m.cumsum_(y, 0) is y
    torch.testing.assert_close(y, torch.cumsum(x, 0))
    out = torch.empty(0, dtype=dtype)
    assert m.cumsum(x, 1, out=out) is out
    torch.testing.assert_close(out, torch.cumsum(x, 1))
    f = torch.randn(300, generator=g)
    for a, to in ((f, dtype), (x, torch.float32)):
        expected = torch.cumsum(a, 0, dtype=to)
        got = m.cumsum(a, 0, dtype=to)
        assert got.dtype == expected.dtype == to
        torch.testing.assert_close(got, expected)


def test_float_and_integer_results_unchanged() -> None:
    m = _aten_mini()
    g = torch.Generator().manual_seed(3)
    for dtype in (torch.float32, torch.float64, torch.int32, torch.int64, torch.bool):
        x = (torch.randn(400, 3, generator=g) * 3).to(dtype)
        expected = torch.cumsum(x, 0)
        got = m.cumsum(x, 0)
        assert got.dtype == expected.dtype
        torch.testing.assert_close(got, expected)
