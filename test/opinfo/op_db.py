"""The OpInfo database: one entry per operator of the kit.

Adding an op? Add one entry here, in alphabetical order, with the op's base
name first (`OpInfo("add", ...)`: tools grep for that). The generic tests in
`test/ops/test_ops.py` then run on it. Claim in `dtypes` exactly the dtypes the
kernel supports: the claimed-vs-working test fails in both directions. A skip
or xfail needs a `DecorateInfo` with a written reason.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from opinfo.core import (
    FLOATING,
    INTEGRAL,
    BinaryOpInfo,
    DecorateInfo,
    ErrorInput,
    OpInfo,
    ReductionOpInfo,
    SampleInput,
    UnaryOpInfo,
)
from opinfo.samples import (
    make,
    sample_inputs_add,
    sample_inputs_cumsum,
    sample_inputs_pointwise,
    sample_inputs_softplus,
    sample_inputs_sum,
    sample_inputs_unary,
    sample_inputs_where,
)

ALL_REAL_AND_BOOL = (*FLOATING, *INTEGRAL, torch.bool)
LOG1P_NO_FORMULA = (
    "log1p has no derivative formula yet (backward raises 'not implemented'): "
    "writing it is practice task 13"
)

# --------------------------------------------------------------------------- references


def softplus_numpy(x: np.ndarray, beta: float = 1, threshold: float = 20) -> np.ndarray:
    """softplus(x) = log(1 + exp(beta * x)) / beta, linear above `threshold`."""
    bx = x * beta
    with np.errstate(over="ignore"):
        soft = np.log1p(np.exp(bx)) / beta
    return np.where(bx > threshold, x, soft)


def numpy_ref(fn: Any) -> Any:
    """Wraps a NumPy function as a reference: computes in float64, returns self's dtype."""

    def ref(x: torch.Tensor, *args: Any, **kwargs: Any) -> torch.Tensor:
        result = fn(x.detach().cpu().to(torch.float64).numpy(), *args, **kwargs)
        return torch.from_numpy(np.asarray(result)).to(dtype=x.dtype, device=x.device)

    return ref


# --------------------------------------------------------------------------- samples


def _into_log1p_domain(t: torch.Tensor) -> torch.Tensor:
    """In place, keeping the layout: [-9, 9] -> [-0.9, 0.9] for floats, |t| for integers."""
    if t.dtype.is_floating_point or t.dtype.is_complex:
        return t.div_(10)
    return t.abs_() if t.dtype.is_signed else t


def sample_inputs_log1p(op: OpInfo, device: str, dtype: torch.dtype) -> Iterator[SampleInput]:
    """Every layout with values in log1p's domain, then for floating dtypes values near 0
    and the special values (-1, below -1, inf, NaN: -inf and NaN results).

    Layouts stay in the domain because opcheck's AOTAutograd check runs on the first
    samples and compares outputs without equal_nan. The last two samples are long enough,
    and of odd length, for a vectorized CPU loop to run both its vector body and its
    scalar tail on them (the small layouts are shorter than two AVX512 vectors)."""
    for s in sample_inputs_unary(op, device, dtype):
        _into_log1p_domain(s.input)
        yield s
    if not dtype.is_floating_point:
        return
    yield SampleInput(make((8, 37), device, dtype, low=-1e-3, high=1e-3), name="near zero")
    special = [-1.0, -2.0, -0.5, 0.0, -0.0, 1e-30, 1e30, math.inf, -math.inf, math.nan, 3.0]
    values = torch.tensor(special * 9, device=device, dtype=dtype)
    yield SampleInput(values, name="special values (-1, below -1, inf, nan, tiny, huge)")


# --------------------------------------------------------------------------- error inputs


def _err(inp: Any, *args: Any, regex: str, exc: type[BaseException] = RuntimeError,
         **kwargs: Any) -> ErrorInput:  # fmt: skip
    return ErrorInput(SampleInput(inp, args=args, kwargs=kwargs), exc, regex)


def error_inputs_binary(op: OpInfo, device: str) -> Iterator[ErrorInput]:
    a, b = make((3,), device, torch.float32), make((4,), device, torch.float32)
    yield _err(a, b, regex=r"size of tensor a \(3\) must match the size of tensor b \(4\)")


def error_inputs_add(op: OpInfo, device: str) -> Iterator[ErrorInput]:
    yield from error_inputs_binary(op, device)
    i = make((3,), device, torch.int64)
    float_alpha = r"alpha=1.5 is a float, but the result dtype Long is integral"
    yield _err(i, i, alpha=1.5, regex=float_alpha)
    yield _err(i, i, alpha=True, regex=r"a boolean alpha needs boolean tensors")


def error_inputs_where(op: OpInfo, device: str) -> Iterator[ErrorInput]:
    x = make((3,), device, torch.float32)
    yield _err(x, x, x, regex=r"where: expected a bool condition, but got a tensor of dtype Float")
    c = make((3,), device, torch.bool)
    yield _err(c, x, make((4,), device, torch.float32), regex=r"must match the size")


def error_inputs_dim(op: OpInfo, device: str) -> Iterator[ErrorInput]:
    x = make((3, 4), device, torch.float32)
    yield _err(x, 2, exc=IndexError, regex=r"Dimension out of range \(expected to be in range")
    yield _err(x, -3, exc=IndexError, regex=r"Dimension out of range")


def error_inputs_sum(op: OpInfo, device: str) -> Iterator[ErrorInput]:
    yield from error_inputs_dim(op, device)
    x = make((3, 4), device, torch.float32)
    yield _err(x, [0, 0], regex=r"dim 0 appears multiple times in the list of dims")


def error_inputs_relu(op: OpInfo, device: str) -> Iterator[ErrorInput]:
    yield _err(make((3,), device, torch.bool), regex=r"relu: boolean tensors are not supported")


def error_inputs_softplus(op: OpInfo, device: str) -> Iterator[ErrorInput]:
    integers = make((3,), device, torch.int64)
    yield _err(integers, regex=r"softplus: expected a floating-point tensor, but got Long")


# --------------------------------------------------------------------------- the database

op_db: list[OpInfo] = [
    BinaryOpInfo(
        "add",
        ref=torch.add,
        ref_inplace=torch.Tensor.add_,
        sample_inputs_func=sample_inputs_add,
        error_inputs_func=error_inputs_add,
        dtypes=ALL_REAL_AND_BOOL,
        supports_autograd=True,
        supports_forward_ad=True,
    ),
    OpInfo(
        "cumsum",
        ref=torch.cumsum,
        ref_inplace=torch.Tensor.cumsum_,
        sample_inputs_func=sample_inputs_cumsum,
        error_inputs_func=error_inputs_dim,
        dtypes=ALL_REAL_AND_BOOL,
        supports_autograd=True,
        supports_forward_ad=True,
        supports_inplace=True,
    ),
    UnaryOpInfo(
        "log1p",
        ref=torch.log1p,
        ref_inplace=torch.log1p_,
        sample_inputs_func=sample_inputs_log1p,
        dtypes=ALL_REAL_AND_BOOL,  # integers and bool promote to float, as in torch
        supports_autograd=True,
        skips=(
            DecorateInfo("skip", LOG1P_NO_FORMULA, test="test_gradcheck"),
            DecorateInfo("skip", LOG1P_NO_FORMULA, test="test_gradgradcheck"),
            DecorateInfo("skip", LOG1P_NO_FORMULA, test="test_inplace_grad"),
            DecorateInfo("skip", "log1p has no CUDA kernel yet: practice task 15", device="cuda"),
        ),
    ),
    BinaryOpInfo(
        "mul",
        ref=torch.mul,
        ref_inplace=torch.Tensor.mul_,
        sample_inputs_func=sample_inputs_pointwise,
        error_inputs_func=error_inputs_binary,
        dtypes=ALL_REAL_AND_BOOL,
        supports_autograd=True,
        supports_forward_ad=True,
    ),
    UnaryOpInfo(
        "relu",
        ref=torch.relu,
        ref_inplace=torch.relu_,
        sample_inputs_func=sample_inputs_pointwise,
        error_inputs_func=error_inputs_relu,
        dtypes=(*FLOATING, *INTEGRAL),
        supports_autograd=True,
        supports_forward_ad=True,
    ),
    UnaryOpInfo(
        "sigmoid",
        ref=torch.sigmoid,
        ref_inplace=torch.sigmoid_,
        sample_inputs_func=sample_inputs_pointwise,
        dtypes=ALL_REAL_AND_BOOL,  # integers and bool promote to float, as in torch
        supports_autograd=True,
        supports_forward_ad=True,
    ),
    UnaryOpInfo(
        "silu",
        ref=F.silu,
        sample_inputs_func=sample_inputs_pointwise,
        dtypes=FLOATING,
        supports_autograd=True,
        supports_forward_ad=True,
        supports_out=False,
        supports_inplace=False,
    ),
    UnaryOpInfo(
        "softplus",
        ref=numpy_ref(softplus_numpy),
        jvp_ref=F.softplus,
        sample_inputs_func=sample_inputs_softplus,
        error_inputs_func=error_inputs_softplus,
        dtypes=FLOATING,
        supports_autograd=True,
        supports_forward_ad=True,
        supports_inplace=False,
    ),
    ReductionOpInfo(
        "sum",
        ref=torch.sum,
        sample_inputs_func=sample_inputs_sum,
        error_inputs_func=error_inputs_sum,
        dtypes=ALL_REAL_AND_BOOL,
        supports_autograd=True,
        supports_forward_ad=True,
        # Summing 1024 floats in another order than torch: both are about
        # 6e-5 from the float64 sum (measured), so allow that much apart.
        tolerances={torch.float32: (1.3e-6, 2e-3)},
    ),
    OpInfo(
        "where",
        ref=torch.where,
        sample_inputs_func=sample_inputs_where,
        error_inputs_func=error_inputs_where,
        dtypes=(*ALL_REAL_AND_BOOL, torch.complex64),
        supports_autograd=True,
        supports_forward_ad=True,
    ),
]
