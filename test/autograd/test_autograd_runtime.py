"""Autograd of the built ops: what the OpInfo autograd tests do not cover.

gradcheck, gradgradcheck, in-place vs out-of-place backward and out= with
inputs that require grad run on every OpInfo with supports_autograd, in
test/ops/test_autograd_ops.py. Here: node names, requires_grad per input,
no_grad, in-place on a leaf, version counters, and opcheck's autograd
registration test on every overload with a derivatives.yaml entry.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch

pytestmark = pytest.mark.needs_build


def ops() -> object:
    import aten_mini  # noqa: F401  (loads the extension and its registrations)

    return torch.ops.aten_mini


COND = torch.tensor([[True, False, True, False]] * 3)


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
