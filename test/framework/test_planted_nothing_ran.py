"""Tests of the test framework: an op whose kernel always raises fails every generic check.

Such an op is what `./kit new-op` scaffolds (its loop raises "TODO(new-op):
implement ..."). The checks that compare the op with itself (memory layouts,
CPU capabilities, CUDA vs CPU, torch.compile, out= rejected) used to skip each
sample the op rejected, so they passed it; see Note [A check must run on
something] in test/opinfo/checks.py. Each check must now fail, naming the
error, and still pass a correct twin. No build needed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
import torch
from opinfo import capabilities, checks
from opinfo.core import ErrorInput, OpInfo
from opinfo.samples import sample_inputs_unary
from planted_testutil import packet_info
from torch import Tensor

TODO = "TODO(new-op): implement sigmoid_raises in aten_mini/native/cpu/SigmoidRaisesKernel.cpp"


@torch.library.custom_op("kit_planted_raises::sigmoid_raises", mutates_args=())
def sigmoid_raises(self: Tensor) -> Tensor:
    raise RuntimeError(TODO)  # the bug: the kernel was never written


@torch.library.custom_op("kit_planted_raises::sigmoid_runs", mutates_args=())
def sigmoid_runs(self: Tensor) -> Tensor:
    return torch.sigmoid(self)


def save_input(ctx: Any, inputs: tuple[Tensor, ...], output: Tensor) -> None:
    ctx.save_for_backward(inputs[0])


def sigmoid_backward(ctx: Any, grad: Tensor) -> Tensor:
    (x,) = ctx.saved_tensors
    y = torch.sigmoid(x)  # differentiable again, for gradgradcheck
    return grad * y * (1 - y)


for planted in (sigmoid_raises, sigmoid_runs):
    planted.register_fake(lambda self: torch.empty_like(self))
    planted.register_autograd(sigmoid_backward, setup_context=save_input)


def raise_todo(*args: Any, **kwargs: Any) -> Tensor:
    raise RuntimeError(TODO)


def unary(name: str) -> OpInfo:
    # The custom op takes no out= (packet_info's supports_out=False): test_out
    # checks it is rejected.
    return packet_info(
        name,
        getattr(torch.ops.kit_planted_raises, name),
        dtypes=(torch.float32, torch.float64),
        supports_inplace=True,
        inplace_variant=raise_todo if name == "sigmoid_raises" else torch.Tensor.sigmoid_,
        supports_autograd=True,
    )


def capability_results(op: OpInfo) -> dict[str, dict[str, Any]]:
    """Two capabilities that run the same kernel, as the capability test records them."""
    return {cap: capabilities.sample_results(op, torch.float32) for cap in ("default", "avx2")}


CHECKS: dict[str, Callable[[OpInfo], None]] = {
    "test_reference": lambda op: checks.check_reference(op, "cpu", torch.float32),
    "test_dtypes": lambda op: checks.check_dtypes(op, "cpu"),
    "test_out": lambda op: checks.check_out(op, "cpu", torch.float32),
    "test_inplace": lambda op: checks.check_inplace(op, "cpu", torch.float32),
    "test_layouts": lambda op: checks.check_layouts(op, "cpu", torch.float32),
    "test_cpu_capabilities": lambda op: checks.check_capabilities(
        op, torch.float32, capability_results(op)
    ),
    # opcheck finds the in-place overload by name; the twin's in-place is torch's own.
    "test_opcheck": lambda op: checks.check_opcheck(
        dataclasses.replace(op, supports_inplace=False), "cpu"
    ),
    "test_compile": lambda op: checks.check_compile(op, "cpu"),
    "test_gradcheck": lambda op: checks.check_gradcheck(op, "cpu"),
    "test_gradgradcheck": lambda op: checks.check_gradgradcheck(op, "cpu"),
    "test_inplace_grad": lambda op: checks.check_inplace_grad(op, "cpu"),
}


@pytest.mark.parametrize("test", sorted(CHECKS))
def test_a_kernel_that_always_raises_fails(test: str) -> None:
    with pytest.raises(checks.CheckFailure) as info:
        CHECKS[test](unary("sigmoid_raises"))
    assert f"RuntimeError: {TODO}" in str(info.value), str(info.value)


# Not test_dtypes: the twin claims only two of the dtypes that work (claims are
# test_planted_bugs' subject).
@pytest.mark.parametrize("test", sorted(set(CHECKS) - {"test_dtypes"}))
def test_a_kernel_that_runs_passes(test: str) -> None:
    CHECKS[test](unary("sigmoid_runs"))


def test_nothing_ran_says_how_to_declare_it() -> None:
    with pytest.raises(checks.CheckFailure) as info:
        checks.check_layouts(unary("sigmoid_raises"), "cpu", torch.float32)
    assert "OpInfo('sigmoid_raises') on cpu with float32: no sample ran" in str(info.value)
    assert 'DecorateInfo("skip", "<why>", test="test_layouts")' in str(info.value)


@pytest.mark.cuda
def test_cuda_vs_cpu_fails_when_neither_device_runs() -> None:
    with pytest.raises(checks.CheckFailure, match="no sample ran") as info:
        checks.check_cuda_vs_cpu(unary("sigmoid_raises"), torch.float32)
    assert TODO in str(info.value)
    checks.check_cuda_vs_cpu(unary("sigmoid_runs"), torch.float32)


def test_errors_fail_when_there_is_no_error_input() -> None:
    op = dataclasses.replace(unary("sigmoid_runs"), error_inputs_func=lambda op, device: [])
    with pytest.raises(checks.CheckFailure, match="error_inputs_func yields no error input"):
        checks.check_error_inputs(op, "cpu")
    sample = next(iter(sample_inputs_unary(op, "cpu", torch.float32)))
    not_a_tensor = ErrorInput(dataclasses.replace(sample, input="x"), RuntimeError, "Tensor")
    checks.check_error_inputs(
        dataclasses.replace(op, error_inputs_func=lambda op, device: [not_a_tensor]), "cpu"
    )
