"""Task 29: relu's gradient and tangent at its kink and at the special values, as torch's.

Every test compares aten_mini.relu with torch.relu value by value: the same
numbers, NaN in the same places, and every zero of the same sign (torch's
gradient is exactly 0.0 where relu is flat, never -0.0 or NaN). The inputs mix
0, -0.0, +-inf, NaN and tiny values with random ones (a fresh seed per test),
the incoming gradients (and tangents) are finite of both signs, infinite, NaN
or zero, and the tensors are long enough for a vectorized loop's body and its
scalar tail. gradcheck cannot look there: finite differences straddle the kink
and are undefined at inf and NaN, which is why test/ops leaves those out.
"""

from __future__ import annotations

import importlib
import math
import warnings
from collections.abc import Callable
from typing import Any

import pytest
import torch

from tools.common.tasktest import dtype_id

SPECIAL = [-1.0, -0.0, 0.0, 1.0, math.nan, math.inf, -math.inf, 1e-30, -1e-30, 2.5, -2.5]
INCOMING = [1.0, -1.0, 0.5, math.inf, -math.inf, math.nan, 0.0]
UNIFORM = INCOMING[:-1]  # a gradient of zeros is zeros with any formula: only mixed in
DTYPES = [torch.float32, torch.float64]
LENGTH = 131  # odd, and longer than a few AVX512 vectors of float32

Fn = Callable[[torch.Tensor], torch.Tensor]

with warnings.catch_warnings():
    # The first dual tensor imports this module of torch's, which warns (torch.jit.script)
    # under pytest's filterwarnings=error: import it once here, that warning silenced.
    warnings.filterwarnings("ignore", "`torch.jit.script` is deprecated", FutureWarning)
    importlib.import_module("torch._decomp.decompositions_for_jvp")


def _kit() -> Any:
    import aten_mini

    return aten_mini


def kit_relu(x: torch.Tensor) -> torch.Tensor:
    return _kit().relu(x)  # type: ignore[no-any-return]


def kit_relu_(x: torch.Tensor) -> torch.Tensor:
    return _kit().relu_(x)  # type: ignore[no-any-return]


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def inputs(dtype: torch.dtype, seed: int) -> torch.Tensor:
    """Each special value several times, shuffled among random values of both signs."""
    gen = _gen(seed)
    special = torch.tensor(SPECIAL * 6, dtype=torch.float64)
    rand = torch.randn(LENGTH - special.numel(), generator=gen, dtype=torch.float64)
    x = torch.cat([special, rand])
    return x[torch.randperm(LENGTH, generator=gen)].to(dtype)


def incoming(x: torch.Tensor, g: float | None, seed: int) -> torch.Tensor:
    """All `g`, or (g None) every kind of INCOMING value at random places among random ones."""
    if g is not None:
        return torch.full_like(x, g)
    gen = _gen(seed + 1)
    picks = torch.tensor(INCOMING, dtype=torch.float64)[
        torch.randint(len(INCOMING), x.shape, generator=gen)
    ]
    rand = torch.randn(x.shape, generator=gen, dtype=torch.float64)
    return torch.where(torch.rand(x.shape, generator=gen) < 0.6, picks, rand).to(x.dtype)


def assert_as_torch(
    got: torch.Tensor | None, want: torch.Tensor, x: torch.Tensor, g: torch.Tensor, what: str
) -> None:
    assert got is not None, f"{what}: aten_mini gives none (torch gives one)"
    assert got.shape == want.shape and got.dtype == want.dtype, (
        f"{what}: aten_mini's is {got.dtype}{list(got.shape)}, torch's {want.dtype}"
        f"{list(want.shape)}"
    )
    same = ((got == want) | (got.isnan() & want.isnan())) & (got.signbit() == want.signbit())
    if bool(same.all()):
        return
    bad = (~same).nonzero().flatten()[:6].tolist()
    rows = "\n".join(
        f"  x = {x[i].item()!r:>8}, incoming {g[i].item()!r:>8}: aten_mini {got[i].item()!r},"
        f" torch {want[i].item()!r}"
        for i in bad
    )
    pytest.fail(
        f"{what} differs from torch's at {int((~same).sum())} of {got.numel()} elements, e.g.\n"
        f"{rows}",
        pytrace=False,
    )


def vjp(fn: Fn, x: torch.Tensor, grad: torch.Tensor, inplace: bool = False) -> torch.Tensor:
    leaf = x.clone().requires_grad_()
    out = fn(leaf.clone()) if inplace else fn(leaf)
    (gx,) = torch.autograd.grad(out, leaf, grad)
    return gx


def _name(g: float | None) -> str:
    return "mixed" if g is None else str(g)


PARAMS = [pytest.param(d, g, id=f"{dtype_id(d)}-grad {g}") for d in DTYPES for g in UNIFORM]
PARAMS += [pytest.param(d, None, id=f"{dtype_id(d)}-mixed grads") for d in DTYPES]


@pytest.mark.parametrize("dtype, g", PARAMS)
def test_backward_matches_torch(dtype: torch.dtype, g: float | None) -> None:
    x = inputs(dtype, seed=1)
    grad = incoming(x, g, seed=1)
    assert_as_torch(vjp(kit_relu, x, grad), vjp(torch.relu, x, grad), x, grad, "relu's gradient")


@pytest.mark.parametrize("dtype, g", PARAMS)
def test_inplace_backward_matches_torch(dtype: torch.dtype, g: float | None) -> None:
    x = inputs(dtype, seed=2)
    grad = incoming(x, g, seed=2)
    got = vjp(kit_relu_, x, grad, inplace=True)
    want = vjp(torch.relu_, x, grad, inplace=True)
    assert_as_torch(got, want, x, grad, "relu_'s gradient (on a copy of a leaf)")


def test_backward_of_a_transposed_input_matches_torch() -> None:
    x = inputs(torch.float64, seed=3)[:130].reshape(10, 13).t()
    grad = incoming(x, None, seed=3)
    got, want = vjp(kit_relu, x, grad), vjp(torch.relu, x, grad)
    assert_as_torch(got.flatten(), want.flatten(), x.flatten(), grad.flatten(), "relu's gradient")


@pytest.mark.parametrize("dtype, t", PARAMS)
def test_forward_ad_matches_torch(dtype: torch.dtype, t: float | None) -> None:
    x = inputs(dtype, seed=4)
    tangent = incoming(x, t, seed=4)
    want = torch.func.jvp(torch.relu, (x,), (tangent,))[1]
    got = torch.func.jvp(kit_relu, (x,), (tangent,))[1]
    assert_as_torch(got, want, x, tangent, "torch.func.jvp: relu's tangent")
    fwad = torch.autograd.forward_ad
    with fwad.dual_level():
        dual_x = fwad.make_dual(x, tangent)  # type: ignore[no-untyped-call]
        dual_t = fwad.unpack_dual(kit_relu(dual_x)).tangent  # type: ignore[no-untyped-call]
    assert_as_torch(dual_t, want, x, tangent, "forward_ad (dual tensors): relu's tangent")


@pytest.mark.parametrize("t", [math.inf, math.nan, None], ids=_name)
def test_inplace_forward_ad_matches_torch(t: float | None) -> None:
    x = inputs(torch.float64, seed=5)
    tangent = incoming(x, t, seed=5)
    want = torch.func.jvp(lambda v: torch.relu_(v.clone()), (x,), (tangent,))[1]
    got = torch.func.jvp(lambda v: kit_relu_(v.clone()), (x,), (tangent,))[1]
    assert_as_torch(got, want, x, tangent, "torch.func.jvp: relu_'s tangent")


def _double_backward(fn: Fn, x: torch.Tensor, gg: torch.Tensor) -> torch.Tensor:
    """d(relu's gradient)/d(incoming gradient), applied to `gg`."""
    leaf = x.clone().requires_grad_()
    grad = torch.randn(x.shape, generator=_gen(6), dtype=x.dtype).requires_grad_()
    (gx,) = torch.autograd.grad(fn(leaf), leaf, grad, create_graph=True)
    (ggrad,) = torch.autograd.grad(gx, grad, gg)
    return ggrad


@pytest.mark.parametrize("g", [1.0, -1.0, math.inf, math.nan, None], ids=_name)
def test_double_backward_matches_torch(g: float | None) -> None:
    x = inputs(torch.float64, seed=6)
    gg = incoming(x, g, seed=6)
    got, want = _double_backward(kit_relu, x, gg), _double_backward(torch.relu, x, gg)
    assert_as_torch(got, want, x, gg, "double backward (the gradient's own gradient)")


def _fwd_over_rev(fn: Fn, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """The tangent of relu's vjp, with respect to the incoming gradient."""
    grad = torch.randn(x.shape, generator=_gen(7), dtype=x.dtype)
    vjp_fn = torch.func.vjp(fn, x)[1]
    return torch.func.jvp(lambda g: vjp_fn(g)[0], (grad,), (t,))[1]  # type: ignore[no-any-return]


@pytest.mark.parametrize("t", [1.0, math.inf, math.nan, None], ids=_name)
def test_forward_over_reverse_matches_torch(t: float | None) -> None:
    x = inputs(torch.float64, seed=7)
    tangent = incoming(x, t, seed=7)
    got, want = _fwd_over_rev(kit_relu, x, tangent), _fwd_over_rev(torch.relu, x, tangent)
    assert_as_torch(got, want, x, tangent, "forward-over-reverse (jvp of the vjp)")


def test_gradcheck_and_gradgradcheck_away_from_the_kink() -> None:
    # Finite differences are fine where relu is smooth: the fix must keep them passing.
    x = torch.tensor([-2.0, -0.5, -1e-3, 1e-3, 0.25, 3.0], dtype=torch.float64)
    x.requires_grad_()
    assert torch.autograd.gradcheck(kit_relu, (x,), check_forward_ad=True)
    assert torch.autograd.gradgradcheck(kit_relu, (x,), check_fwd_over_rev=True)
