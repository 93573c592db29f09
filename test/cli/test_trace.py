"""`./kit trace`: the path of `aten_mini.add(x, y)` (needs the build), with
line numbers and the CPU capability normalised, and its one-line errors."""

# ruff: noqa: E501

from __future__ import annotations

import pytest
from clitools import ROOT, captured, normalise
from expecttest import TestCase

from tools.kit.commands import trace
from tools.kit.ui import KitError


@pytest.mark.needs_build
class TraceTest(TestCase):
    def run_trace(self, expression: str) -> str:
        return normalise(captured(lambda: trace.trace(ROOT, expression, None)))

    def test_trace_add(self) -> None:
        self.assertExpectedInline(
            self.run_trace("aten_mini.add(x, y)"),
            """\
>>> aten_mini.add(x, y)
result: Tensor(shape=(2, 3), dtype=torch.float32, device=cpu)

== Op calls the dispatcher made (observed: torch.profiler)
  aten_mini::add(2x3, 2x3, -)

== Dispatch of aten_mini::add.Tensor (key set from the call's tensors and TLS)
  AutogradCPU      kit autograd kernel autograd_add_Tensor at build/generated/RegisterAutograd.cpp:N
                   records a backward node if an input requires grad, then redispatches
  ADInplaceOrView  fallthrough: skipped
  BackendSelect    fallthrough: skipped
  CPU              generated wrapper wrapper_CPU_add_Tensor at build/generated/RegisterCPU.cpp:N
                   calls TORCH_META_FUNC2(add, Tensor) at aten_mini/native/BinaryOps.cpp:N
                   calls TORCH_IMPL_FUNC(add_out) at aten_mini/native/BinaryOps.cpp:N

== DispatchStub calls (observed: aten_mini._C._stub_trace)
  add_stub -> its <cap> kernel
      registered by REGISTER_DISPATCH at aten_mini/native/cpu/BinaryOpsKernel.cpp:N
  CPU capability in use: <cap> (ATEN_MINI_CPU_CAPABILITY or --capability change it)

How this was observed (see Note [What ./kit trace observes] in tools/taskkit/tracer.py):
op calls by torch.profiler; key paths by walking the call's key set down the
dispatcher's own table (torch._C._dispatch_dump_table), since a release libtorch
logs no per-key trace; stub calls by the kit's stub trace.
""",
        )

    def test_a_composite_op_shows_the_calls_it_makes(self) -> None:
        out = self.run_trace("aten_mini.silu(x)")
        self.assertIn("  aten_mini::silu(2x3)\n    aten_mini::sigmoid(2x3)\n", out)
        self.assertIn("== Dispatch of aten_mini::silu (key set from the tensors of its call", out)
        self.assertIn("AutogradCPU      CompositeImplicitAutograd wrapper_", out)

    def test_autograd_records_a_node_when_an_input_requires_grad(self) -> None:
        out = self.run_trace("aten_mini.mul(x.requires_grad_(), y)")
        self.assertIn("grad_fn=MulBackward0", out)

    def test_the_chosen_capability_is_the_one_that_ran(self) -> None:
        out = captured(lambda: trace.trace(ROOT, "aten_mini.relu(x)", "default"))
        self.assertIn("relu_stub -> its 'default' kernel", out)
        self.assertIn("CPU capability in use: default", out)

    def test_an_expression_that_raises(self) -> None:
        out = self.run_trace("aten_mini.add(x, torch.ones(5))")
        self.assertExpectedInline(
            out,
            """\
>>> aten_mini.add(x, torch.ones(5))
raised RuntimeError: The size of tensor a (3) must match the size of tensor b (5) at non-singleton dimension 1
""",
        )


class TraceErrorsTest(TestCase):
    def test_not_an_expression(self) -> None:
        with pytest.raises(KitError) as info:
            trace.trace(ROOT, "aten_mini.add(x,", None)
        self.assertExpectedInline(
            str(info.value), """not a Python expression: '(' was never closed (column 14)"""
        )
