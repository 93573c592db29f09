"""Planted autograd bugs that the generic autograd checks must catch.

Each planted op is a torch.library custom op whose backward, registered with
torch.library.register_autograd, is wrong in one way; its twin is right. The
check must fail on the first with a message naming the op and pass on the
second. No build needed.
"""

from __future__ import annotations

from typing import Any

import torch
from opinfo import checks
from opinfo.core import OpInfo
from planted_testutil import detached_inplace_failure, failure, sigmoid_info
from torch import Tensor

NS = "kit_planted_autograd"


def sigmoid_op(name: str) -> Any:
    op = torch.library.custom_op(f"{NS}::{name}", mutates_args=())(_sigmoid)
    op.register_fake(lambda self: torch.empty_like(self))
    return op


def _sigmoid(self: Tensor) -> Tensor:
    return torch.sigmoid(self)


def save_result(ctx: Any, inputs: tuple[Any, ...], output: Tensor) -> None:
    ctx.save_for_backward(output)


def right_backward(ctx: Any, grad: Tensor) -> Tensor:
    (y,) = ctx.saved_tensors
    return grad * y * (1 - y)


def wrong_backward(ctx: Any, grad: Tensor) -> Tensor:
    (y,) = ctx.saved_tensors
    return grad * y  # the bug: d sigmoid(x) / dx is y * (1 - y)


def detached_backward(ctx: Any, grad: Tensor) -> Tensor:
    (y,) = ctx.saved_tensors
    y = y.detach()  # the bug: right values, but the backward itself has no gradient
    return grad * y * (1 - y)


PLANTED = {
    "sigmoid_right_grad": right_backward,
    "sigmoid_wrong_grad": wrong_backward,
    "sigmoid_detached_grad": detached_backward,
}
OPS = {name: sigmoid_op(name) for name in PLANTED}
for name, backward in PLANTED.items():
    OPS[name].register_autograd(backward, setup_context=save_result)


def opinfo(name: str, **kwargs: Any) -> OpInfo:
    """A float64 OpInfo of the planted op `name` (torch.sigmoid for other names)."""
    return sigmoid_info(name, **{"op": OPS.get(name, torch.sigmoid), **kwargs})


def test_gradcheck_catches_a_wrong_formula() -> None:
    message = failure(checks.check_gradcheck, opinfo("sigmoid_wrong_grad"))
    assert message.startswith("OpInfo('sigmoid_wrong_grad') on cpu with float64: gradcheck fails")
    assert "Jacobian mismatch for output 0 with respect to input 0" in message
    assert "SampleInput '1-d'(Tensor[5, float64])" in message
    assert "tools/autograd/derivatives.yaml" in message
    checks.check_gradcheck(opinfo("sigmoid_right_grad"), "cpu")


def test_gradgradcheck_catches_a_backward_that_is_not_differentiable() -> None:
    op = opinfo("sigmoid_detached_grad")
    checks.check_gradcheck(op, "cpu")  # first order is right
    message = failure(checks.check_gradgradcheck, op)
    assert message.startswith("OpInfo('sigmoid_detached_grad') on cpu with float64: gradgrad")
    assert "GradcheckError: Jacobian mismatch" in message
    checks.check_gradgradcheck(opinfo("sigmoid_right_grad"), "cpu")


def test_inplace_grad_catches_an_inplace_variant_without_history() -> None:
    right = opinfo("sigmoid_right_grad", supports_inplace=True, inplace_variant=torch.sigmoid_)
    message = detached_inplace_failure(checks.check_inplace_grad, right)
    assert "the backward of the in-place variant differs from the out-of-place one" in message
    assert "gradient of input 0, in-place vs out-of-place: Tensor-likes are not close" in message


def test_out_requires_grad_catches_an_out_variant_that_ignores_grad() -> None:
    def sigmoid_out(self: Tensor, *, out: Tensor) -> Tensor:
        with torch.no_grad():  # the bug: silently drops the graph instead of raising
            return torch.sigmoid(self, out=out)

    checks.check_out_requires_grad(opinfo("sigmoid", supports_out=True), "cpu")  # torch's own
    op = opinfo("sigmoid_out", op=sigmoid_out, supports_out=True)
    message = failure(checks.check_out_requires_grad, op)
    assert "OpInfo('sigmoid_out') on cpu with float64: the out= variant accepts" in message
    assert "with inputs that require grad: did not raise; expected RuntimeError" in message
    assert "with an out that requires grad: did not raise" in message
