"""Autograd of the built ops: gradcheck, gradgradcheck, in-place, out=, versions, opcheck.

Until OpInfo has `supports_gradgrad` (issue 7, item 5), the cases live here:
one table, one function per op overload, float64 inputs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
import torch
from torch.autograd import gradcheck, gradgradcheck

pytestmark = pytest.mark.needs_build

Fn = Callable[..., torch.Tensor]


def ops() -> object:
    import aten_mini  # noqa: F401  (loads the extension and its registrations)

    return torch.ops.aten_mini


@dataclass(frozen=True)
class Case:
    """One differentiable call: `fn(*tensors)` with float64 tensors of `shapes`."""

    name: str
    fn: Callable[[object], Fn]
    shapes: tuple[tuple[int, ...], ...]
    inplace: Callable[[object], Fn] | None = None


COND = torch.tensor([[True, False, True, False]] * 3)

CASES = [
    Case(
        "add.Tensor",
        lambda o: lambda x, y: o.add.Tensor(x, y, alpha=2.5),
        ((3, 4), (4,)),
        lambda o: lambda x, y: o.add_.Tensor(x, y, alpha=2.5),
    ),
    Case(
        "add.Scalar",
        lambda o: lambda x: o.add.Scalar(x, 3.0, 2.0),
        ((3, 4),),
        lambda o: lambda x: o.add_.Scalar(x, 3.0, 2.0),
    ),
    Case("mul.Tensor", lambda o: o.mul.Tensor, ((3, 4), (3, 1)), lambda o: o.mul_.Tensor),
    Case("where.self", lambda o: lambda x, y: o.where.self(COND, x, y), ((3, 4), (3, 4))),
    Case("sigmoid", lambda o: o.sigmoid.default, ((3, 4),), lambda o: o.sigmoid_.default),
    Case("relu", lambda o: o.relu.default, ((3, 4),), lambda o: o.relu_.default),
    Case("softplus", lambda o: lambda x: o.softplus.default(x, 2.0, 1.0), ((3, 4),)),
    Case("sum", lambda o: o.sum.default, ((3, 4),)),
    Case("sum.dim_IntList", lambda o: lambda x: o.sum.dim_IntList(x, [0, 2]), ((2, 3, 4),)),
    Case(
        "sum.dim_IntList keepdim", lambda o: lambda x: o.sum.dim_IntList(x, [-1], True), ((2, 3),)
    ),
    Case("sum.dim_IntList all", lambda o: lambda x: o.sum.dim_IntList(x, None), ((2, 3),)),
    Case(
        "cumsum",
        lambda o: lambda x: o.cumsum.default(x, 1),
        ((3, 4),),
        lambda o: lambda x: o.cumsum_.default(x, 1),
    ),
    Case("silu (composite)", lambda o: o.silu.default, ((3, 4),)),
]
IDS = [c.name for c in CASES]


def inputs(case: Case, seed: int = 0) -> list[torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    out = []
    for shape in case.shapes:
        # Keep away from relu's kink at 0 and softplus's switch at beta * x = threshold.
        t = torch.rand(shape, generator=g, dtype=torch.float64) * 0.8 + 0.1
        sign = torch.where(torch.rand(shape, generator=g) < 0.5, -1.0, 1.0).double()
        out.append((t * sign).requires_grad_())
    return out


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_gradcheck(case: Case) -> None:
    assert gradcheck(case.fn(ops()), inputs(case))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_gradgradcheck(case: Case) -> None:
    assert gradgradcheck(case.fn(ops()), inputs(case))


INPLACE = [c for c in CASES if c.inplace is not None]


@pytest.mark.parametrize("case", INPLACE, ids=[c.name for c in INPLACE])
def test_inplace_backward_matches_out_of_place(case: Case) -> None:
    assert case.inplace is not None
    xs = inputs(case)
    expected = torch.autograd.grad(case.fn(ops())(*xs).sum(), xs)
    ys = inputs(case)
    first = ys[0].clone()  # not a leaf, so it may be written in place
    result = case.inplace(ops())(first, *ys[1:])
    assert result is first or result.data_ptr() == first.data_ptr()
    got = torch.autograd.grad(result.sum(), ys)
    for e, g in zip(expected, got, strict=True):
        torch.testing.assert_close(g, e)


def test_grad_fn_is_the_generated_node() -> None:
    x, y = torch.randn(3, requires_grad=True), torch.randn(3)
    assert ops().mul.Tensor(x, y).grad_fn.name() == "MulBackward0"
    assert ops().add.Scalar(x, 1.0).grad_fn.name() == "AddBackward1"


def test_requires_grad_per_input() -> None:
    x, y = torch.randn(3, requires_grad=True), torch.randn(3)
    ops().mul.Tensor(x, y).sum().backward()
    torch.testing.assert_close(x.grad, y)
    assert y.grad is None


def test_no_grad_makes_no_node() -> None:
    x = torch.randn(3, requires_grad=True)
    with torch.no_grad():
        assert not ops().sigmoid.default(x).requires_grad


def test_inplace_on_leaf_that_requires_grad() -> None:
    x = torch.randn(3, requires_grad=True)
    msg = "a leaf Variable that requires grad is being used in an in-place operation."
    with pytest.raises(RuntimeError, match=msg):
        ops().relu_.default(x)


def test_mutation_bumps_version_counter() -> None:
    x, out = torch.randn(3), torch.empty(3)
    v = x._version
    ops().relu_.default(x)
    assert x._version == v + 1
    v = out._version
    ops().mul.out(x, x, out=out)
    assert out._version == v + 1


def test_saved_tensor_modified_in_place() -> None:
    x, y = torch.randn(3, requires_grad=True), torch.randn(3)
    z = ops().mul.Tensor(x, y)
    ops().add_.Tensor(y, torch.ones(3))
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


def test_out_refuses_inputs_that_require_grad() -> None:
    x, out = torch.randn(3, requires_grad=True), torch.empty(3)
    msg = r"aten_mini::mul.out: functions with out=\.\.\. arguments don't support automatic"
    with pytest.raises(RuntimeError, match=msg):
        ops().mul.out(x, x, out=out)


def _x() -> torch.Tensor:
    return torch.randn(3, 4, dtype=torch.float64, requires_grad=True)


# (overload, arguments): every overload with a derivatives.yaml entry.
OPCHECK: list[tuple[str, Callable[[], tuple[object, ...]]]] = [
    ("add.Tensor", lambda: (_x(), _x())),
    ("add.Scalar", lambda: (_x(), 3.0)),
    ("mul.Tensor", lambda: (_x(), _x())),
    ("where.self", lambda: (COND, _x(), _x())),
    ("sigmoid.default", lambda: (_x(),)),
    ("relu.default", lambda: (_x(),)),
    ("softplus.default", lambda: (_x(), 2.0, 1.0)),
    ("sum.default", lambda: (_x(),)),
    ("sum.dim_IntList", lambda: (_x(), [0])),
    ("cumsum.default", lambda: (_x(), 1)),
]


@pytest.mark.parametrize(("name", "args"), OPCHECK, ids=[n for n, _ in OPCHECK])
def test_opcheck_autograd_registration(name: str, args: Callable[[], tuple[object, ...]]) -> None:
    packet, overload = name.split(".")
    op = getattr(getattr(ops(), packet), overload)
    torch.library.opcheck(op, args(), test_utils=("test_autograd_registration",))
