"""Tests of the test framework: planted bugs that each generic check must catch.

Each planted op is a real dispatcher op (torch.library), deliberately broken in
one way. The generic check for that kind of bug must fail on it with a message
naming the problem, and pass on a correct twin, so a check can neither miss
the bug nor fail on everything. No build needed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
import torch
from opinfo import checks
from opinfo.core import ALL_DTYPES, BinaryOpInfo, OpInfo, SampleInput, UnaryOpInfo
from opinfo.samples import sample_inputs_add, sample_inputs_unary
from torch import Tensor
from torch.types import Number

NS = "kit_planted"
FLOATS = (torch.float16, torch.bfloat16, torch.float32, torch.float64)


# --------------------------------------------------------------------------- planted ops


@torch.library.custom_op(f"{NS}::add_ignores_alpha", mutates_args=())
def add_ignores_alpha(self: Tensor, other: Tensor, alpha: Number = 1) -> Tensor:
    return torch.add(self, other)  # the bug: alpha is dropped


@torch.library.custom_op(f"{NS}::add_good", mutates_args=())
def add_good(self: Tensor, other: Tensor, alpha: Number = 1) -> Tensor:
    return torch.add(self, other, alpha=alpha)


def contiguous_strides(shape: torch.Size) -> tuple[int, ...]:
    strides, step = [], 1
    for size in reversed(shape):
        strides.append(step)
        step *= max(size, 1)
    return tuple(reversed(strides))


@torch.library.custom_op(f"{NS}::sigmoid_ignores_strides", mutates_args=())
def sigmoid_ignores_strides(self: Tensor) -> Tensor:
    # The bug: reads the memory as if the input were contiguous.
    flat = self.as_strided(self.shape, contiguous_strides(self.shape), self.storage_offset())
    return torch.sigmoid(flat)


@torch.library.custom_op(f"{NS}::sigmoid_no_half", mutates_args=())
def sigmoid_no_half(self: Tensor) -> Tensor:
    if self.dtype == torch.float16:  # the bug: claimed in the OpInfo, missing in the kernel
        raise RuntimeError("\"sigmoid_cpu\" not implemented for 'Half'")
    return torch.sigmoid(self)


@torch.library.custom_op(f"{NS}::sigmoid_good", mutates_args=())
def sigmoid_good(self: Tensor) -> Tensor:
    return torch.sigmoid(self)


for planted in (
    add_ignores_alpha,
    add_good,
    sigmoid_ignores_strides,
    sigmoid_no_half,
    sigmoid_good,
):
    planted.register_fake(lambda self, *args, **kwargs: torch.empty_like(self))

# An op registered for CPU only, as a kernel without a Meta kernel would be.
_LIB = torch.library.Library(NS, "FRAGMENT")
_LIB.define("relu_no_fake(Tensor self) -> Tensor")
_LIB.impl("relu_no_fake", lambda self: torch.relu(self), "CPU")


# --------------------------------------------------------------------------- their OpInfos


def tensor_samples_add(op: OpInfo, device: str, dtype: torch.dtype) -> Iterator[SampleInput]:
    """The add samples whose `other` is a tensor (the planted ops take no Scalar other)."""
    return (s for s in sample_inputs_add(op, device, dtype) if isinstance(s.args[0], Tensor))


def binary(name: str, fn: object) -> OpInfo:
    return BinaryOpInfo(
        name,
        op=fn,  # type: ignore[arg-type]
        ref=torch.add,
        sample_inputs_func=tensor_samples_add,
        dtypes=(torch.float32,),
        supports_out=False,
        supports_inplace=False,
        overload_packet=getattr(torch.ops.kit_planted, name),
    )


def unary(name: str, **kwargs: object) -> OpInfo:
    kwargs.setdefault("dtypes", FLOATS)
    return UnaryOpInfo(
        name,
        op=getattr(torch.ops.kit_planted, name),
        ref=torch.sigmoid,
        sample_inputs_func=sample_inputs_unary,
        supports_out=False,
        supports_inplace=False,
        overload_packet=getattr(torch.ops.kit_planted, name),
        **kwargs,  # type: ignore[arg-type]
    )


# --------------------------------------------------------------------------- the checks


def failure(check: object, *args: object) -> str:
    with pytest.raises(checks.CheckFailure) as info:
        check(*args)  # type: ignore[operator]
    return str(info.value)


def test_reference_catches_ignored_alpha() -> None:
    message = failure(checks.check_reference, binary("add_ignores_alpha", add_ignores_alpha),
                      "cpu", torch.float32)  # fmt: skip
    assert "differ from the reference" in message
    assert "SampleInput 'alpha'" in message and "alpha=0.5" in message
    assert "'same shape'" not in message, "samples without alpha must pass"
    checks.check_reference(binary("add_good", add_good), "cpu", torch.float32)


def test_layouts_catch_a_kernel_that_ignores_strides() -> None:
    message = failure(checks.check_layouts, unary("sigmoid_ignores_strides"), "cpu", torch.float32)
    assert "non-contiguous (strided) input differs from contiguous" in message
    assert "non-contiguous (transposed) input differs from contiguous" in message
    checks.check_layouts(unary("sigmoid_good"), "cpu", torch.float32)


def test_dtypes_catch_a_claimed_dtype_that_fails() -> None:
    message = failure(checks.check_dtypes, unary("sigmoid_no_half"), "cpu")
    assert "dtype float16 is listed in OpInfo('sigmoid_no_half').dtypes but fails" in message
    assert "not implemented for 'Half'" in message
    checks.check_dtypes(unary("sigmoid_good", dtypes=ALL_DTYPES), "cpu")


def test_dtypes_catch_a_working_dtype_that_is_not_claimed() -> None:
    op = unary("sigmoid_good", dtypes=(torch.float32, torch.float64, torch.complex64))
    message = failure(checks.check_dtypes, op, "cpu")
    assert "dtype float16 works but is not listed in OpInfo('sigmoid_good').dtypes" in message
    assert "dtype bfloat16 works but is not listed" in message


def test_opcheck_catches_a_missing_fake_kernel() -> None:
    message = failure(checks.check_opcheck, unary("relu_no_fake", dtypes=(torch.float32,)), "cpu")
    assert "kit_planted.relu_no_fake.default" in message and "test_faketensor failed" in message
    assert "test_faketensor failed: UnsupportedOperatorException" in message
    assert "needs a Meta (fake) kernel" in message
    checks.check_opcheck(unary("sigmoid_good"), "cpu")


def test_compile_catches_a_missing_fake_kernel() -> None:
    op = unary("relu_no_fake", dtypes=(torch.float32,))
    message = failure(checks.check_compile, op, "cpu")
    assert "torch.compile(fullgraph=True, backend='aot_eager') fails" in message
    checks.check_compile(unary("sigmoid_good"), "cpu")


# --------------------------------------------------------------------------- more variants


def test_out_catches_an_out_variant_that_does_not_write_out() -> None:
    def lazy_out(self: Tensor, *, out: Tensor) -> Tensor:
        return torch.sigmoid(self)  # the bug: computes, but never writes `out`

    op = dataclasses.replace(unary("sigmoid_good"), op=lazy_out, supports_out=True)
    message = failure(checks.check_out, op, "cpu", torch.float32)
    assert "the out= variant must return `out` itself" in message
    assert "with an empty out (must be resized): shape is torch.Size([0])" in message


def test_out_catches_an_unsafe_cast_into_out() -> None:
    def casting_out(self: Tensor, *, out: Tensor) -> Tensor:
        out.resize_(self.shape)
        return out.copy_(torch.sigmoid(self))  # the bug: copy_ casts float into int

    op = dataclasses.replace(unary("sigmoid_good"), op=casting_out, supports_out=True)
    message = failure(checks.check_out, op, "cpu", torch.float32)
    assert "with an out of dtype bool for a float32 result: did not raise" in message


def test_inplace_catches_a_silent_cast_back() -> None:
    def add_inplace_casting(self: Tensor, other: Tensor, alpha: Number = 1) -> Tensor:
        return self.copy_(torch.add(self, other, alpha=alpha))  # int += float must raise

    op = dataclasses.replace(
        binary("add_good", add_good),
        dtypes=(torch.int64,),
        supports_inplace=True,
        inplace_variant=add_inplace_casting,
        ref_inplace=torch.Tensor.add_,
    )
    message = failure(checks.check_inplace, op, "cpu", torch.int64)
    assert "SampleInput 'promote 0-dim float64'" in message
    assert "can't be cast to the desired output type Long) but the in-place variant" in message


def test_errors_catch_a_wrong_message() -> None:
    from opinfo.op_db import error_inputs_binary

    op = dataclasses.replace(binary("add_good", add_good), error_inputs_func=error_inputs_binary)
    checks.check_error_inputs(op, "cpu")  # torch's own message matches

    def vague_add(self: Tensor, other: Tensor) -> Tensor:
        raise RuntimeError("bad shapes")

    message = failure(checks.check_error_inputs, dataclasses.replace(op, op=vague_add), "cpu")
    assert "raised RuntimeError: bad shapes; expected RuntimeError matching" in message


def test_capabilities_catch_a_kernel_that_differs_under_avx2() -> None:
    op = unary("sigmoid_good")
    key = "sigmoid_good|torch.float32|0"
    good = {"default": {key: torch.ones(3)}, "avx2": {key: torch.ones(3)}}
    checks.check_capabilities(op, torch.float32, good)
    bad = {"default": {key: torch.ones(3)}, "avx2": {key: torch.tensor([1.0, 2.0, 1.0])}}
    message = failure(checks.check_capabilities, op, torch.float32, bad)
    assert "CPU capabilities give different results" in message
    assert "avx2 vs default, sample 0: Tensor-likes are not close!" in message
