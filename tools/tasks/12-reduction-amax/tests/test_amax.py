"""Task 12: aten_mini.amax, a max-reduction over a list of dims (needs the build)."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
import torch

from tools.common.tasktest import aten_mini_with, dtype_id


def _aten_mini() -> ModuleType:
    return aten_mini_with(
        "amax",
        "add amax(Tensor self, int[1] dim=[], bool keepdim=False) -> Tensor to "
        "native_functions.yaml, then `./kit build`",
    )


def _assert_like_torch(x: torch.Tensor, *args: Any, **kwargs: Any) -> None:
    expected = torch.amax(x, *args, **kwargs)
    actual = _aten_mini().amax(x, *args, **kwargs)
    call = ", ".join([f"Tensor{list(x.shape)}[{x.dtype}]", *map(repr, args)]
                     + [f"{k}={v!r}" for k, v in kwargs.items()])  # fmt: skip
    assert actual.dtype == expected.dtype, (
        f"amax({call}): dtype {actual.dtype}, torch {expected.dtype}"
    )
    assert actual.shape == expected.shape, (
        f"amax({call}): shape {list(actual.shape)}, torch {list(expected.shape)}"
    )
    torch.testing.assert_close(
        actual, expected, equal_nan=True, rtol=0, atol=0, msg=lambda m: f"amax({call}): {m}"
    )


DTYPES = [torch.bool, torch.uint8, torch.int8, torch.int32, torch.int64,
          torch.float16, torch.bfloat16, torch.float32, torch.float64]  # fmt: skip

DIM_FORMS: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
    ((), {}),
    (([],), {}),
    ((), {"keepdim": True}),
    ((1,), {}),
    ((-1,), {"keepdim": True}),
    (([0, 2],), {}),
    (([2, -3],), {"keepdim": True}),
    (([0, 1, 2],), {}),
    ((), {"dim": (1, 0)}),
]


@pytest.mark.parametrize("args, kwargs", DIM_FORMS, ids=dtype_id)
@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
def test_dims_and_keepdim(
    dtype: torch.dtype, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    x = torch.testing.make_tensor((5, 6, 35), dtype=dtype, device="cpu")
    _assert_like_torch(x, *args, **kwargs)


@pytest.mark.parametrize("dtype", [torch.int8, torch.int16, torch.int64], ids=dtype_id)
def test_all_negative_integers(dtype: torch.dtype) -> None:
    # The maximum of an all-negative slice is negative: no slot may start at 0.
    info = torch.iinfo(dtype)
    x = torch.full((3, 40), info.min, dtype=dtype)
    x[1, 7] = info.min + 1
    _assert_like_torch(x, 1)
    _assert_like_torch(x)


def test_minus_infinity_slices() -> None:
    x = torch.full((2, 33), float("-inf"))
    x[1, 32] = -1e30
    _assert_like_torch(x, 1)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64],
                         ids=dtype_id)  # fmt: skip
@pytest.mark.parametrize("where", [0, 13, 64, 70], ids=lambda i: f"nan_at_{i}")
def test_nan_propagates(dtype: torch.dtype, where: int) -> None:
    # A NaN at the start, inside and after the vectorized part, and in the tail.
    x = torch.testing.make_tensor((3, 71), dtype=dtype, device="cpu")
    x[1, where] = float("nan")
    x[2, 0] = float("inf")
    _assert_like_torch(x, 1)
    _assert_like_torch(x, 0)
    _assert_like_torch(x)
    _assert_like_torch(x.t().contiguous().t(), 1)


def test_non_contiguous_layouts() -> None:
    x = torch.randn(2, 3, 8, 9).contiguous(memory_format=torch.channels_last)
    _assert_like_torch(x, [1, 3])
    _assert_like_torch(x, 1, keepdim=True)
    t = torch.randn(40, 17).t()
    _assert_like_torch(t, 0)
    _assert_like_torch(t, 1)
    _assert_like_torch(torch.randn(6, 50)[:, ::3], -1)


def test_zero_dim_and_empty_kept_dims() -> None:
    _assert_like_torch(torch.tensor(3.5))
    _assert_like_torch(torch.tensor(-2), 0)
    _assert_like_torch(torch.tensor(-2), [-1], keepdim=True)
    _assert_like_torch(torch.empty(0, 3), 1)
    _assert_like_torch(torch.empty(2, 0, 3), [0, 2], keepdim=True)


def test_large() -> None:
    x = torch.randn(512, 1031)
    _assert_like_torch(x)
    _assert_like_torch(x, 0)
    _assert_like_torch(x, 1)


ERRORS: list[tuple[torch.Tensor, tuple[Any, ...]]] = [
    (torch.empty(0, 3), (0,)),
    (torch.empty(0, 3), ([1, -2],)),
    (torch.empty(0, 3), ()),
    (torch.empty(0, 3), ([],)),
    (torch.ones(2, 3), ([0, 0],)),
    (torch.ones(2, 3), ([1, -1],)),
    (torch.ones(2, 3), (2,)),
    (torch.ones(2, 3), ([0, -3],)),
]


@pytest.mark.parametrize(
    "x, args", ERRORS, ids=lambda v: str(list(v.shape)) if isinstance(v, torch.Tensor) else repr(v)
)
def test_errors_are_torchs(x: torch.Tensor, args: tuple[Any, ...]) -> None:
    amax = _aten_mini().amax
    with pytest.raises(Exception) as expected:
        torch.amax(x, *args)
    try:
        amax(x, *args)
    except Exception as exc:
        assert (type(exc), str(exc).splitlines()[0]) == (expected.type, str(expected.value)), (
            f"amax(Tensor{list(x.shape)}, {args}) raised {type(exc).__name__}: {exc}; "
            f"torch raises {expected.type.__name__}: {expected.value}"
        )
    else:
        pytest.fail(f"amax(Tensor{list(x.shape)}, {args}) did not raise; torch raises "
                    f"{expected.type.__name__}: {expected.value}")  # fmt: skip


def test_has_its_own_cpu_kernel() -> None:
    _aten_mini()
    dump = torch._C._dispatch_dump("aten_mini::amax")
    assert "\nCPU:" in dump, f"amax should have a CPU kernel:\n{dump}"
