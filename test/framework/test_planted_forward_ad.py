"""Planted forward-mode AD bugs that the generic forward AD checks must catch.

Each planted op is a `torch.autograd.Function` whose `jvp` (its forward
formula) is wrong in one way; its twin is right. The check must fail on the
first with a message naming the op and what broke, and pass on the second.
See Note [Forward AD checks] in test/opinfo/checks.py. No build needed.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import torch
from opinfo import checks
from opinfo.core import OpInfo, SampleInput
from planted_testutil import detached_inplace_failure, failure, sigmoid_info
from torch import Tensor


class _Sigmoid(torch.autograd.Function):
    """sigmoid with a hand-written backward and jvp; subclasses plant the bugs."""

    generate_vmap_rule = True  # jacfwd vmaps over the op

    @staticmethod
    def forward(x: Tensor) -> Tensor:
        return torch.sigmoid(x)

    @staticmethod
    def setup_context(ctx: Any, inputs: tuple[Any, ...], output: Tensor) -> None:
        ctx.save_for_backward(output)
        ctx.save_for_forward(output)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        (y,) = ctx.saved_tensors
        return grad * y * (1 - y)

    @staticmethod
    def jvp(ctx: Any, tangent: Tensor) -> Tensor:
        (y,) = ctx.saved_tensors
        return tangent * y * (1 - y)


class _WrongJvp(_Sigmoid):
    @staticmethod
    def jvp(ctx: Any, tangent: Tensor) -> Tensor:
        (y,) = ctx.saved_tensors
        return tangent * y  # the bug: d sigmoid(x) / dx is y * (1 - y)


def sigmoid_right_jvp(x: Tensor) -> Any:
    return _Sigmoid.apply(x)


def sigmoid_wrong_jvp(x: Tensor) -> Any:
    return _WrongJvp.apply(x)


def sigmoid_dropped_tangent(x: Tensor) -> Tensor:
    return torch.sigmoid(x.detach())  # the bug: the result has no tangent at all


def opinfo(name: str, op: Any, **kwargs: Any) -> OpInfo:
    return sigmoid_info(name, op=op, **{"supports_forward_ad": True, **kwargs})


def test_forward_ad_catches_a_wrong_forward_formula() -> None:
    checks.check_forward_ad(opinfo("sigmoid_right_jvp", sigmoid_right_jvp), "cpu")
    message = failure(checks.check_forward_ad, opinfo("sigmoid_wrong_jvp", sigmoid_wrong_jvp))
    first = "OpInfo('sigmoid_wrong_jvp') on cpu with float64: forward-mode AD is wrong on"
    assert message.startswith(first), message
    assert "SampleInput '1-d'(Tensor[5, float64]): torch.func.jvp: tangent differs" in message
    assert "`result:` formula in tools/autograd/derivatives.yaml" in message


def test_forward_ad_catches_a_dropped_tangent() -> None:
    op = opinfo("sigmoid_dropped_tangent", sigmoid_dropped_tangent)
    message = failure(checks.check_forward_ad, op)
    assert message.startswith("OpInfo('sigmoid_dropped_tangent') on cpu with float64"), message
    # functorch turns a missing tangent into zeros, so jvp sees a wrong tangent
    assert "torch.func.jvp: tangent differs from torch's" in message
    sample = SampleInput(torch.rand(3, dtype=torch.float64))
    why = checks.jvp_problem(dataclasses.replace(op, jvp_ref=sigmoid_dropped_tangent), sample, 0)
    assert why == "forward_ad (dual tensors): the result has no tangent, the inputs' were dropped"


def test_jacfwd_and_fwd_over_rev_catch_a_wrong_forward_formula() -> None:
    wrong = opinfo("sigmoid_wrong_jvp", sigmoid_wrong_jvp)
    message = failure(checks.check_jacfwd, wrong)
    assert message.startswith("OpInfo('sigmoid_wrong_jvp') on cpu with float64: torch.func.jacf")
    assert "with respect to input 0: Tensor-likes are not close" in message
    checks.check_jacfwd(opinfo("sigmoid", torch.sigmoid), "cpu")
    checks.check_fwd_over_rev(opinfo("sigmoid", torch.sigmoid), "cpu")


def test_fwd_over_rev_catches_a_backward_without_forward_formula() -> None:
    # The backward of _Sigmoid runs torch ops, so it is forward-differentiable;
    # one whose backward is itself an opaque Function with a wrong jvp is not.
    class _WrongBackwardJvp(torch.autograd.Function):
        generate_vmap_rule = True

        @staticmethod
        def forward(grad: Tensor, y: Tensor) -> Tensor:
            return grad * y * (1 - y)

        @staticmethod
        def setup_context(ctx: Any, inputs: tuple[Any, ...], output: Tensor) -> None:
            ctx.save_for_forward(*inputs)

        @staticmethod
        def jvp(ctx: Any, grad_t: Tensor, y_t: Tensor) -> Tensor:
            _, y = ctx.saved_tensors
            return grad_t * y * (1 - y)  # the bug: the y_t term is missing

    class _Outer(_Sigmoid):
        @staticmethod
        def backward(ctx: Any, grad: Tensor) -> Any:
            (y,) = ctx.saved_tensors
            return _WrongBackwardJvp.apply(grad, y)

    op = opinfo("sigmoid_bad_fwd_over_rev", lambda x: _Outer.apply(x))
    checks.check_forward_ad(op, "cpu")  # first-order tangents are right
    message = failure(checks.check_fwd_over_rev, op)
    assert message.startswith("OpInfo('sigmoid_bad_fwd_over_rev') on cpu with float64: forward-o")
    assert "gradgradcheck(check_fwd_over_rev=True)" in message


def test_inplace_forward_ad_catches_an_inplace_variant_that_drops_the_tangent() -> None:
    right = opinfo("sigmoid", torch.sigmoid, supports_inplace=True, inplace_variant=torch.sigmoid_)
    message = detached_inplace_failure(checks.check_inplace_forward_ad, right)
    assert "forward AD of the in-place variant differs from the out-of-place one" in message
    assert "tangent, in-place vs out-of-place: Tensor-likes are not close" in message


def test_out_forward_ad_catches_an_out_variant_that_drops_the_tangent() -> None:
    def sigmoid_out(self: Tensor, *, out: Tensor) -> Tensor:
        primal = torch.autograd.forward_ad.unpack_dual(self).primal
        return torch.sigmoid(primal, out=out)  # the bug: silently drops the tangent

    checks.check_out_forward_ad(opinfo("sigmoid", torch.sigmoid, supports_out=True), "cpu")
    op = opinfo("sigmoid_out", sigmoid_out, supports_out=True)
    message = failure(checks.check_out_forward_ad, op)
    assert message.startswith("OpInfo('sigmoid_out') on cpu with float64: the out= variant acce")
    assert "returned a result with no tangent; expected NotImplementedError matching" in message
    assert "forward AD with sigmoid_out_out that does not support it" in message  # <op>_out


def test_forward_ad_refused_catches_a_dropped_tangent() -> None:
    op = opinfo("sigmoid_dropped_tangent", sigmoid_dropped_tangent, supports_forward_ad=False)
    message = failure(checks.check_forward_ad_refused, op)
    assert "without a forward formula, the op must refuse tangents" in message
    assert "returned a result with no tangent; expected NotImplementedError matching" in message
    assert "'Trying to use forward AD with sigmoid_dropped_tangent that does not" in message
