"""Task 17: aten_mini.where must lay its result out as torch.where does.

torch's rule for a pointwise op with no `out=`: the result follows the memory
format of its inputs (TensorIterator picks the output's strides from theirs),
so a channels-last batch stays channels-last through the op, and a transposed
input gives a transposed result. Each case below compares the result's
values, shape and strides with torch.where's on the same inputs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType

import pytest
import torch

# the built extension, typed as a module: its functions are generated (see _C.pyi)
aten_mini: ModuleType = importlib.import_module("aten_mini")

Case = Callable[[], tuple[torch.Tensor, torch.Tensor, torch.Tensor]]


def _rand(*shape: int) -> torch.Tensor:
    return torch.randn(*shape, dtype=torch.float32)


def _cond(*shape: int) -> torch.Tensor:
    return torch.rand(*shape) > 0.5


def _channels_last() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    cl = torch.channels_last
    return (
        _cond(2, 3, 4, 5).contiguous(memory_format=cl),
        _rand(2, 3, 4, 5).contiguous(memory_format=cl),
        _rand(2, 3, 4, 5).contiguous(memory_format=cl),
    )


def _channels_last_self_only() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    # the condition and other broadcast (no strides of their own to follow)
    x = _rand(2, 3, 4, 5).contiguous(memory_format=torch.channels_last)
    return _cond(1, 1, 4, 5), x, torch.tensor(0.0)


def _channels_last_3d() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    cl = torch.channels_last_3d
    return (
        _cond(2, 3, 2, 4, 5).contiguous(memory_format=cl),
        _rand(2, 3, 2, 4, 5).contiguous(memory_format=cl),
        _rand(2, 3, 2, 4, 5).contiguous(memory_format=cl),
    )


def _transposed() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    return _cond(5, 4).t(), _rand(5, 4).t(), _rand(5, 4).t()


def _permuted() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    p = (2, 0, 1)
    return _cond(4, 5, 3).permute(p), _rand(4, 5, 3).permute(p), _rand(4, 5, 3).permute(p)


def _sliced_and_transposed() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    # not dense: the result is dense, in the inputs' order of dims
    return _cond(8, 6)[::2].t(), _rand(8, 6)[::2].t(), _rand(8, 6)[::2].t()


CASES: dict[str, Case] = {
    "channels_last": _channels_last,
    "channels_last self, broadcast condition and 0-dim other": _channels_last_self_only,
    "channels_last_3d": _channels_last_3d,
    "transposed": _transposed,
    "permuted 3-d": _permuted,
    "sliced and transposed": _sliced_and_transposed,
}


@pytest.mark.parametrize("name", list(CASES))
def test_where_follows_the_inputs_memory_format(name: str) -> None:
    cond, x, y = CASES[name]()
    want = torch.where(cond, x, y)
    got = aten_mini.where(cond, x, y)
    torch.testing.assert_close(got, want)
    assert got.shape == want.shape
    assert got.stride() == want.stride(), (
        f"{name}: aten_mini.where returned strides {got.stride()}, torch.where "
        f"{want.stride()} (input strides: condition {cond.stride()}, self {x.stride()}, "
        f"other {y.stride()})"
    )


def test_a_channels_last_batch_stays_channels_last() -> None:
    cond, x, y = _channels_last()
    got = aten_mini.where(cond, x, y)
    assert got.is_contiguous(memory_format=torch.channels_last), got.stride()


def test_contiguous_inputs_still_give_a_contiguous_result() -> None:
    got = aten_mini.where(_cond(2, 3, 4, 5), _rand(2, 3, 4, 5), _rand(2, 3, 4, 5))
    assert got.is_contiguous()


def test_out_keeps_the_strides_of_out() -> None:
    """out= of the right shape is written in place, in its own layout, as in torch."""
    cond, x, y = _channels_last()
    out = torch.empty(x.shape)
    assert aten_mini.where(cond, x, y, out=out) is out
    assert out.is_contiguous()
    torch.testing.assert_close(out, torch.where(cond, x, y))
