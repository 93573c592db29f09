"""relu's gradient and tangent at its kink and at the special values, against torch's.

The OpInfo autograd tests (test/ops/test_autograd_ops.py) leave samples with
0, -0.0, inf or NaN out: finite differences are meaningless there (Note
[Gradcheck samples] in test/opinfo/checks.py). Yet that is where a backward
written as `grad * (result > 0)` goes wrong: inf * 0 is NaN where the gradient
must be exactly 0, a negative gradient leaves -0.0 instead of torch's 0, and a
NaN output gets no gradient where torch passes it on. torch computes it as
threshold_backward(grad, result, 0), a select; these tests compare with torch
itself, value by value, NaNs in the same places and zeros of the same sign.
"""

from __future__ import annotations

import math

import pytest
import torch

pytestmark = pytest.mark.needs_build

SPECIAL = [-1.0, -0.0, 0.0, 1.0, math.nan, math.inf, -math.inf, 1e-300, -1e-300, 2.5]
# The incoming gradients (or tangents): finite of both signs, infinite, NaN.
INCOMING = [1.0, -1.0, math.inf, -math.inf, math.nan, 0.0]


def kit_relu(x: torch.Tensor) -> torch.Tensor:
    import aten_mini

    return aten_mini.relu(x)


def inputs(length: int) -> torch.Tensor:
    """The special values, repeated to `length` (a long one runs a vectorized loop's body)."""
    reps = -(-length // len(SPECIAL))
    return torch.tensor(SPECIAL * reps, dtype=torch.float64)[:length]


def assert_same(
    got: torch.Tensor, want: torch.Tensor, what: str, signed_zeros: bool = True
) -> None:
    """Equal values, NaN where torch has NaN, and (signed_zeros) every zero's sign as torch's."""
    assert got.shape == want.shape and got.dtype == want.dtype, what
    same = (got == want) | (got.isnan() & want.isnan())
    if signed_zeros:
        same &= got.signbit() == want.signbit()
    if not bool(same.all()):
        bad = (~same).nonzero().flatten().tolist()
        pytest.fail(f"{what}: differs from torch at {bad}: got {got[bad]}, torch {want[bad]}")


def vjp(fn: object, x: torch.Tensor, grad: torch.Tensor) -> torch.Tensor:
    leaf = x.clone().requires_grad_()
    (gx,) = torch.autograd.grad(fn(leaf), leaf, grad)  # type: ignore[operator]
    return gx


@pytest.mark.parametrize("length", [len(SPECIAL), 67])
@pytest.mark.parametrize("g", INCOMING)
def test_backward_matches_torch(g: float, length: int) -> None:
    x = inputs(length)
    grad = torch.full_like(x, g)
    assert_same(vjp(kit_relu, x, grad), vjp(torch.relu, x, grad), f"backward with grad {g}")


def test_backward_with_mixed_incoming_gradient() -> None:
    # Every input value meets every incoming gradient: a column against a row.
    x = torch.tensor(SPECIAL, dtype=torch.float64).repeat_interleave(len(INCOMING))
    grad = torch.tensor(INCOMING * len(SPECIAL), dtype=torch.float64)
    assert_same(vjp(kit_relu, x, grad), vjp(torch.relu, x, grad), "backward")


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16, torch.bfloat16])
@pytest.mark.parametrize("length", [len(SPECIAL), 67])
def test_forward_matches_torch(dtype: torch.dtype, length: int) -> None:
    # 67 elements: the vectorized loop's body and its scalar tail both see -0.0
    # (torch.relu(-0.0) is -0.0: only x < 0 becomes 0)
    x = inputs(length).to(dtype)
    assert_same(kit_relu(x), torch.relu(x), f"relu, {dtype}")


@pytest.mark.parametrize("t", INCOMING)
def test_forward_ad_matches_torch(t: float) -> None:
    x = inputs(len(SPECIAL))
    tangent = torch.full_like(x, t)
    got = torch.func.jvp(kit_relu, (x,), (tangent,))
    want = torch.func.jvp(torch.relu, (x,), (tangent,))
    assert_same(got[0], want[0], "torch.func.jvp: the result")
    assert_same(got[1], want[1], f"torch.func.jvp: the tangent, for tangent {t}")
    fwad = torch.autograd.forward_ad
    with fwad.dual_level():
        dual_tangent = fwad.unpack_dual(kit_relu(fwad.make_dual(x, tangent))).tangent
    assert dual_tangent is not None, "forward_ad (dual tensors): the result has no tangent"
    assert_same(dual_tangent, want[1], f"forward_ad (dual tensors): the tangent, for tangent {t}")


@pytest.mark.parametrize("g", INCOMING)
def test_double_backward_matches_torch(g: float) -> None:
    # The backward's own derivative, with respect to the incoming gradient.
    x = inputs(len(SPECIAL))
    grads = []
    for fn in (kit_relu, torch.relu):
        leaf = x.clone().requires_grad_()
        grad = torch.ones_like(x).requires_grad_()
        (gx,) = torch.autograd.grad(fn(leaf), leaf, grad, create_graph=True)
        (ggrad,) = torch.autograd.grad(gx, grad, torch.full_like(x, g))
        grads.append(ggrad)
    assert_same(grads[0], grads[1], f"double backward with grad {g}")


def test_gradgradcheck_away_from_the_kink() -> None:
    x = torch.tensor([-2.0, -0.5, 0.25, 3.0], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(kit_relu, (x,), check_forward_ad=True)
    assert torch.autograd.gradgradcheck(kit_relu, (x,), check_fwd_over_rev=True)
