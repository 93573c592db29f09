"""Sample-input generators shared by the entries of `op_db.py`.

Every generator takes `(op, device, dtype)` and yields `SampleInput`s covering
the shapes a kernel gets wrong most often: 0-dim, empty, odd lengths (the tail
of a vectorized loop), broadcasting, transposed and strided (non-contiguous),
channels-last 4-D, and one large input of about a million elements. The
generic tests add more layouts themselves (see checks.check_layouts).

# Note [The large sample]
# One sample per op has 1024 x 1024 elements: enough to take the parallel and
# vectorized paths of a kernel and to show accumulation error in reductions.
# It is generated for float32 only, so it runs once per op and test instead of
# once per dtype; the other samples stay tiny so the suite stays fast.

# Note [Special-value samples]
# Random values are never exactly 0, -0.0, NaN or inf, and those are where
# pointwise kernels go wrong: a heaviside that ignores `values` (only read
# where self is 0), a relu that turns NaN into 0, a sign that loses -0.0, a
# division by an integer zero. `sample_inputs_pointwise` (what `./kit new-op`
# scaffolds) adds, to the layouts of `sample_inputs_unary` / `_binary`, all
# zeros, all -0.0 (floating dtypes), and one tensor holding each special value
# of the dtype (see `special_values`); a two-tensor op gets every pair of them
# by broadcasting a column against a row, both as 0-dim/broadcast shapes and
# as a long contiguous and a non-contiguous pair, so a vectorized loop meets
# them in its vector body and its scalar tail.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import torch
from torch.testing import make_tensor

from opinfo.core import FLOATING, BinaryOpInfo, OpInfo, SampleInput, UnaryOpInfo

LARGE_SHAPE = (1024, 1024)  # See Note [The large sample]


def make(shape: tuple[int, ...], device: str, dtype: torch.dtype, **kw: Any) -> torch.Tensor:
    """A random tensor; values are small so integer ops do not overflow."""
    return make_tensor(shape, device=device, dtype=dtype, **kw)


def transposed(shape: tuple[int, ...], device: str, dtype: torch.dtype) -> torch.Tensor:
    """A tensor of `shape` whose last two dims are swapped in memory."""
    flipped = (*shape[:-2], shape[-1], shape[-2])
    return make(flipped, device, dtype).transpose(-1, -2)


def strided(shape: tuple[int, ...], device: str, dtype: torch.dtype) -> torch.Tensor:
    """A tensor of `shape` that reads every other element of its last dim."""
    wide = (*shape[:-1], shape[-1] * 2)
    return make(wide, device, dtype)[..., ::2]


def channels_last(
    shape: tuple[int, int, int, int], device: str, dtype: torch.dtype
) -> torch.Tensor:
    return make(shape, device, dtype).contiguous(memory_format=torch.channels_last)


def _shapes_one(device: str, dtype: torch.dtype) -> Iterator[tuple[str, torch.Tensor]]:
    """(name, tensor) pairs of every layout a one-tensor op should handle."""
    yield "0-dim", make((), device, dtype)
    yield "1-d", make((5,), device, dtype)
    yield "odd length", make((67,), device, dtype)
    yield "2-d", make((4, 7), device, dtype)
    yield "empty", make((0, 3), device, dtype)
    yield "transposed", transposed((5, 6), device, dtype)
    yield "strided", strided((3, 9), device, dtype)
    yield "channels_last", channels_last((2, 3, 4, 5), device, dtype)
    if dtype == torch.float32:
        yield "large", make(LARGE_SHAPE, device, dtype)


def _shapes_two(
    device: str, dtype: torch.dtype
) -> Iterator[tuple[str, torch.Tensor, torch.Tensor]]:
    """(name, a, b) pairs of every layout and broadcast a two-tensor op should handle."""

    def m(*shape: int) -> torch.Tensor:
        return make(shape, device, dtype)

    yield "same shape", m(4, 7), m(4, 7)
    yield "0-dim", m(), m()
    yield "0-dim other", m(4, 7), m()
    yield "0-dim self", m(), m(3, 2)
    yield "broadcast", m(4, 1), m(1, 7)
    yield "broadcast rank", m(3, 4, 5), m(5)
    yield "odd length", m(67), m(67)
    yield "empty", m(0, 3), m(0, 3)
    yield "broadcast empty", m(0, 3), m(3)
    yield "transposed", transposed((5, 6), device, dtype), transposed((5, 6), device, dtype)
    yield "strided", strided((3, 9), device, dtype), m(3, 9)
    cl = channels_last((2, 3, 4, 5), device, dtype)
    yield "channels_last", cl, channels_last((2, 3, 4, 5), device, dtype)
    yield "channels_last and contiguous", cl, m(2, 3, 4, 5)
    if dtype == torch.float32:
        yield "large", m(*LARGE_SHAPE), m(*LARGE_SHAPE)


def _promotion_others(device: str, dtype: torch.dtype) -> Iterator[tuple[str, Any]]:
    """Second operands of another dtype: type promotion, as torch does it."""
    yield "promote 0-dim float64", torch.tensor(2.5, dtype=torch.float64, device=device)
    wider = torch.float64 if dtype.is_floating_point or dtype.is_complex else torch.int64
    yield f"promote {wider}", make((4, 7), device, wider)


# --------------------------------------------------------------------------- unary


def sample_inputs_unary(op: OpInfo, device: str, dtype: torch.dtype) -> Iterator[SampleInput]:
    for name, t in _shapes_one(device, dtype):
        yield SampleInput(t, name=name)


def sample_inputs_softplus(op: OpInfo, device: str, dtype: torch.dtype) -> Iterator[SampleInput]:
    yield from sample_inputs_unary(op, device, dtype)
    x = make((4, 7), device, dtype)
    yield SampleInput(x, args=(2,), name="beta")
    yield SampleInput(x, args=(2, 3), name="beta and threshold (crossed by the values)")
    yield SampleInput(x, kwargs={"beta": 0.5, "threshold": 1.5}, name="float beta and threshold")


# --------------------------------------------------------------------------- binary


def sample_inputs_binary(op: OpInfo, device: str, dtype: torch.dtype) -> Iterator[SampleInput]:
    for name, a, b in _shapes_two(device, dtype):
        yield SampleInput(a, args=(b,), name=name)
    for name, other in _promotion_others(device, dtype):
        yield SampleInput(make((4, 7), device, dtype), args=(other,), name=name)


def _alpha_for(dtype: torch.dtype) -> Any:
    if dtype == torch.bool:
        return True
    return 2 if not (dtype.is_floating_point or dtype.is_complex) else 0.5


def sample_inputs_add(op: OpInfo, device: str, dtype: torch.dtype) -> Iterator[SampleInput]:
    yield from sample_inputs_binary(op, device, dtype)
    a, b = make((4, 7), device, dtype), make((4, 7), device, dtype)
    yield SampleInput(a, args=(b,), kwargs={"alpha": _alpha_for(dtype)}, name="alpha")
    yield SampleInput(a, args=(b,), kwargs={"alpha": 2}, name="integer alpha")
    yield SampleInput(
        make((4, 1), device, dtype), args=(b,), kwargs={"alpha": 3}, name="alpha broadcast"
    )
    # no_out: native_functions.yaml has no add.Scalar_out overload.
    yield SampleInput(a, args=(3,), name="Python number other", no_out=True)
    number_alpha = "Python number other, alpha"
    yield SampleInput(a, args=(2,), kwargs={"alpha": 2}, name=number_alpha, no_out=True)


def sample_inputs_where(op: OpInfo, device: str, dtype: torch.dtype) -> Iterator[SampleInput]:
    def cond(*shape: int) -> torch.Tensor:
        return make(shape, device, torch.bool)

    for name, a, b in _shapes_two(device, dtype):
        shape = torch.broadcast_shapes(a.shape, b.shape)
        yield SampleInput(cond(*shape), args=(a, b), name=name)
    m = make((4, 7), device, dtype)
    yield SampleInput(cond(4, 1), args=(m, make((7,), device, dtype)), name="broadcast condition")
    yield SampleInput(cond(), args=(m, m.clone()), name="0-dim condition")
    transposed_cond = cond(7, 4).t()
    yield SampleInput(transposed_cond, args=(m, m + 1), name="transposed condition")
    for name, other in _promotion_others(device, dtype):
        yield SampleInput(cond(4, 7), args=(m, other), name=name)


# --------------------------------------------------------------------------- special values


def special_values(dtype: torch.dtype) -> list[Any]:
    """The values of `dtype` a pointwise kernel most often gets wrong. See Note [Special-...]."""
    if dtype == torch.bool:
        return [False, True]
    if dtype.is_floating_point or dtype.is_complex:
        return [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, math.inf, -math.inf, math.nan]
    if dtype.is_signed:
        return [0, 1, -1, 7, -7]
    return [0, 1, 7]


def _special_names(dtype: torch.dtype) -> str:
    if dtype == torch.bool:
        return "False, True"
    if dtype.is_floating_point or dtype.is_complex:
        return "0, -0.0, +-1, 0.5, -2.5, +-inf, NaN"
    return "0, +-1, +-7" if dtype.is_signed else "0, 1, 7"


def _zeros(device: str, dtype: torch.dtype, negative: bool = False) -> torch.Tensor:
    return torch.full((4, 7), -0.0 if negative else 0, device=device, dtype=dtype)


def sample_inputs_special_unary(
    op: OpInfo, device: str, dtype: torch.dtype
) -> Iterator[SampleInput]:
    """Zeros, -0.0 and each special value of `dtype`. See Note [Special-value samples]."""
    values = torch.tensor(special_values(dtype), device=device, dtype=dtype)
    yield SampleInput(_zeros(device, dtype), name="zeros")
    if dtype.is_floating_point:
        yield SampleInput(_zeros(device, dtype, negative=True), name="-0.0")
    named = f"special values ({_special_names(dtype)})"
    yield SampleInput(values, name=named)
    yield SampleInput(values.repeat(9), name=f"{named}, long")
    yield SampleInput(values.repeat(9)[::2], name=f"{named}, strided")


def sample_inputs_special_binary(
    op: OpInfo, device: str, dtype: torch.dtype
) -> Iterator[SampleInput]:
    """Zeros on either side, and every pair of special values of `dtype`, broadcast,
    contiguous and not. See Note [Special-value samples]."""
    values = torch.tensor(special_values(dtype), device=device, dtype=dtype)
    n = values.numel()
    other = make((4, 7), device, dtype)
    yield SampleInput(_zeros(device, dtype), args=(other,), name="zeros self")
    yield SampleInput(
        make((4, 7), device, dtype), args=(_zeros(device, dtype),), name="zeros other"
    )
    if dtype.is_floating_point:
        minus = _zeros(device, dtype, negative=True)
        yield SampleInput(minus, args=(other,), name="-0.0 self")
        yield SampleInput(other.clone(), args=(minus.clone(),), name="-0.0 other")
    pairs = f"every pair of special values ({_special_names(dtype)})"
    column, row = values.reshape(n, 1), values.reshape(1, n)
    yield SampleInput(column, args=(row,), name=f"{pairs}, broadcast")
    a, b = values.repeat_interleave(n), values.repeat(n)
    yield SampleInput(a, args=(b,), name=f"{pairs}, contiguous")
    strided_b = torch.stack([b, b], dim=1)[:, 0]  # b, reading every other element
    yield SampleInput(a, args=(strided_b,), name=f"{pairs}, strided other")
    yield SampleInput(values[0].clone(), args=(values,), name="0-dim special self")
    yield SampleInput(values, args=(values[0].clone(),), name="0-dim special other")


def sample_inputs_pointwise(
    op: OpInfo, device: str, dtype: torch.dtype, *, special_values: bool = True
) -> Iterator[SampleInput]:
    """The samples of a pointwise op of one tensor (`UnaryOpInfo`) or two (`BinaryOpInfo`):
    every layout, broadcast and promotion of `sample_inputs_unary` / `_binary`, and
    (`special_values`) the samples of Note [Special-value samples]."""
    if isinstance(op, BinaryOpInfo):
        yield from sample_inputs_binary(op, device, dtype)
        if special_values:
            yield from sample_inputs_special_binary(op, device, dtype)
    elif isinstance(op, UnaryOpInfo):
        yield from sample_inputs_unary(op, device, dtype)
        if special_values:
            yield from sample_inputs_special_unary(op, device, dtype)
    else:
        raise TypeError(
            f"sample_inputs_pointwise: {op!r} is a {type(op).__name__}; it needs a "
            "UnaryOpInfo (one tensor) or a BinaryOpInfo (two) to know the op's arity"
        )


# --------------------------------------------------------------------------- reductions


def _accumulate_dtype(dtype: torch.dtype) -> torch.dtype:
    """A different dtype for the `dtype=` kwarg samples."""
    return torch.float64 if dtype in FLOATING or dtype.is_complex else torch.int32


def sample_inputs_sum(op: OpInfo, device: str, dtype: torch.dtype) -> Iterator[SampleInput]:
    x = make((4, 7, 3), device, dtype)
    yield SampleInput(x, name="full reduction", no_out=True)
    yield SampleInput(x, args=(None,), name="dim=None")
    yield SampleInput(x, args=(1,), name="dim")
    yield SampleInput(x, args=(-1,), kwargs={"keepdim": True}, name="negative dim, keepdim")
    yield SampleInput(x, args=([0, 2],), name="dim list")
    yield SampleInput(x, args=([2, 0],), kwargs={"keepdim": True}, name="dim list, keepdim")
    acc = _accumulate_dtype(dtype)
    yield SampleInput(x, kwargs={"dtype": acc}, name="full reduction, dtype", no_out=True)
    yield SampleInput(x, args=(1,), kwargs={"dtype": acc}, name="dim, dtype")
    yield from _reduction_layouts(device, dtype)
    yield SampleInput(make((0, 3), device, dtype), args=(0,), name="empty, reduced dim empty")
    yield SampleInput(make((0, 3), device, dtype), args=(1,), name="empty, kept dim empty")
    yield SampleInput(make((0, 3), device, dtype), name="empty, full reduction", no_out=True)
    if dtype == torch.float32:
        big = make(LARGE_SHAPE, device, dtype)
        yield SampleInput(big, args=(None,), name="large, full reduction")
        yield SampleInput(big, args=(0,), name="large, dim 0")


def _reduction_layouts(device: str, dtype: torch.dtype) -> Iterator[SampleInput]:
    """Reductions over 0-dim, odd-length, non-contiguous and channels-last inputs."""
    yield SampleInput(make((), device, dtype), args=(0,), name="0-dim, dim 0")
    yield SampleInput(make((), device, dtype), args=(-1,), name="0-dim, dim -1")
    yield SampleInput(make((67,), device, dtype), args=(0,), name="odd length")
    t = transposed((5, 6), device, dtype)
    yield SampleInput(t, args=(0,), name="transposed, dim 0")
    yield SampleInput(t, args=(1,), name="transposed, dim 1")
    yield SampleInput(strided((3, 9), device, dtype), args=(1,), name="strided")
    cl = channels_last((2, 3, 4, 5), device, dtype)
    yield SampleInput(cl, args=(1,), name="channels_last, dim 1")


def sample_inputs_cumsum(op: OpInfo, device: str, dtype: torch.dtype) -> Iterator[SampleInput]:
    x = make((4, 7), device, dtype)
    yield SampleInput(x, args=(0,), name="dim 0")
    yield SampleInput(x, args=(1,), name="dim 1")
    yield SampleInput(x, args=(-1,), name="negative dim")
    yield SampleInput(x, args=(1,), kwargs={"dtype": _accumulate_dtype(dtype)}, name="dtype")
    yield SampleInput(x, args=(0,), kwargs={"dtype": dtype}, name="dtype same as input")
    yield from _reduction_layouts(device, dtype)
    yield SampleInput(make((0, 3), device, dtype), args=(0,), name="empty")
    yield SampleInput(make((0, 3), device, dtype), args=(1,), name="empty, other dim")
    if dtype == torch.float32:
        yield SampleInput(make(LARGE_SHAPE, device, dtype), args=(1,), name="large")
