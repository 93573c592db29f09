"""`./kit trace`: the path of `aten_mini.add(x, y)` (needs the build), with
line numbers and the CPU capability normalised, and its one-line errors; for
a structured op, which generated wrapper ran (functional, in-place, out=, Meta)
and its meta and impl functions."""

# ruff: noqa: E501

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from clitools import ROOT, captured, normalise
from expecttest import TestCase

from tools.common.errors import KitError
from tools.kit.commands import trace
from tools.ops import oplookup


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
                   no input requires grad: records no backward node, then redispatches
  ADInplaceOrView  fallthrough: skipped
  BackendSelect    fallthrough: skipped
  CPU              generated wrapper wrapper_CPU_add_Tensor at build/generated/RegisterCPU.cpp:N
                   structured (functional): allocates the output meta() computes; impl() fills it
                   meta: TORCH_META_FUNC2(add, Tensor) at aten_mini/native/BinaryOps.cpp:N
                   impl: TORCH_IMPL_FUNC(add_out) at aten_mini/native/BinaryOps.cpp:N

== Type promotion and output (observed: the dtypes each call saw and returned)
  aten_mini::add.Tensor: inputs float32, float32 -> result float32
    no promotion: every tensor input is float32
    output: allocated by the generated structured wrapper (create_out: at::detail::empty_cpu, no dispatcher call)

== DispatchStub calls (observed: aten_mini._C._stub_trace)
  add_stub -> its <cap> kernel
      registered by REGISTER_DISPATCH at aten_mini/native/cpu/BinaryOpsKernel.cpp:N
  CPU capability in use: <cap> (ATEN_MINI_CPU_CAPABILITY or --capability change it)

How this was observed (see Note [What ./kit trace observes] in tools/ops/tracer.py):
op calls by torch.profiler; key paths by walking the call's key set down the
dispatcher's own table (torch._C._dispatch_dump_table), since a release libtorch
logs no per-key trace; stub calls by the kit's stub trace.
""",
        )

    def test_a_structured_op_names_the_wrapper_that_ran(self) -> None:
        # which of the three generated wrappers ran, what it did with the output, meta and impl
        inplace = self.run_trace("aten_mini.mul_(x, y)")
        self.assertIn(
            "CPU              generated wrapper wrapper_CPU_mul__Tensor at build/generated/RegisterCPU.cpp:N\n"
            "                   structured (in-place): checks self against the output meta() computes; impl() fills it\n"
            "                   meta: TORCH_META_FUNC2(mul, Tensor) at aten_mini/native/BinaryOps.cpp:N\n"
            "                   impl: TORCH_IMPL_FUNC(mul_out) at aten_mini/native/BinaryOps.cpp:N\n",
            inplace,
        )
        self.assertIn(
            "output: self, checked by the generated structured wrapper (check_inplace)", inplace
        )
        out = self.run_trace("aten_mini.mul(x, y, out=torch.empty(0))")
        self.assertIn(
            "generated wrapper wrapper_CPU_mul_out at build/generated/RegisterCPU.cpp:N\n", out
        )
        self.assertIn(
            "structured (out=): resizes out to the output meta() computes; impl() fills it", out
        )
        self.assertIn("output: out, resized by the generated structured wrapper (resize_out)", out)

    def test_on_meta_only_meta_runs(self) -> None:
        out = self.run_trace("aten_mini.sigmoid(x.to('meta'))")
        self.assertIn(
            "Meta             generated wrapper wrapper_Meta_sigmoid at build/generated/RegisterMeta.cpp:N\n"
            "                   structured (functional): allocates the output meta() computes; on Meta, no impl() runs\n"
            "                   meta: TORCH_META_FUNC(sigmoid) at aten_mini/native/UnaryOps.cpp:N\n\n",
            out,
        )
        self.assertIn("(create_out: at::detail::empty_meta, no dispatcher call)", out)
        self.assertIn("none: no kernel of this call went through a DispatchStub", out)

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


@pytest.mark.needs_build
class TraceTeachesTest(TestCase):
    def run_trace(self, expression: str) -> str:
        return normalise(captured(lambda: trace.trace(ROOT, expression, None)))

    def test_argument_building_is_left_out_and_promotion_is_named(self) -> None:
        out = self.run_trace("aten_mini.mul(x, torch.ones(2, 3, dtype=torch.int64))")
        calls = out.split("== Op calls", 1)[1].split("\n== ", 1)[0]
        self.assertNotIn("aten::ones(", calls)  # building an argument: torch's, not the kit's
        self.assertIn("not shown: 1 torch call(s) outside the kit's ops (aten::ones)", calls)
        self.assertIn("aten::to(2x3, -, -, -, -)   <- a cast to the common dtype", calls)
        self.assertIn("aten_mini::mul.Tensor: inputs float32, int64 -> result float32", out)
        self.assertIn(
            "type promotion: result dtype float32, from TensorIterator's common dtype", out
        )
        self.assertIn("no input requires grad: records no backward node", out)

    def test_a_backward_node_only_when_an_input_requires_grad(self) -> None:
        out = self.run_trace("aten_mini.mul(x.requires_grad_(), y)")
        self.assertIn("an input requires grad: records a backward node, then redispatches", out)

    def test_without_a_kit_op_everything_is_shown(self) -> None:
        out = self.run_trace("torch.ones(2)")
        self.assertIn("(no aten_mini op ran: all of torch's calls are shown)", out)
        self.assertIn("aten::ones(", out)


def fixture_context(tmp: Path) -> trace.Context:
    """The autograd fixtures (signbit: output_differentiability [False]; floor: no formula)."""
    fixtures = ROOT / "test" / "fixtures" / "autograd"
    shutil.copy2(fixtures / "native_functions.yaml", tmp / "native_functions.yaml")
    shutil.copy2(ROOT / "tags.yaml", tmp / "tags.yaml")
    (tmp / "tools" / "autograd").mkdir(parents=True)
    shutil.copy2(fixtures / "derivatives.yaml", tmp / "tools" / "autograd" / "derivatives.yaml")
    return trace.Context(tmp, oplookup.load_functions(tmp))


def autograd_lines(ctx: trace.Context, op: str, requires_grad: bool) -> list[str]:
    entry = trace.Entry("AutogradCPU", False, "build/generated/RegisterAutograd.cpp:1", "kernel")
    lines, last = trace.describe(ctx, op, entry, {"requires_grad": requires_grad})
    assert not last
    return lines[1:]


def test_a_non_differentiable_op_records_no_node(tmp_path: Path) -> None:
    ctx = fixture_context(tmp_path)
    for op, why in (
        ("aten_mini::signbit", "output_differentiability: [False]"),
        ("aten_mini::floor", "no input has a formula"),
    ):
        (line,) = autograd_lines(ctx, op, requires_grad=True)
        assert line.startswith(f"non-differentiable ({why} at tools/autograd/derivatives.yaml:")
        assert "records no backward node" in line
        assert "records a backward node" not in line


def test_differentiable_and_refusing_ops(tmp_path: Path) -> None:
    ctx = fixture_context(tmp_path)
    assert autograd_lines(ctx, "aten_mini::mul.Tensor", True) == [
        "an input requires grad: records a backward node, then redispatches"
    ]
    assert autograd_lines(ctx, "aten_mini::mul.Tensor", False) == [
        "no input requires grad: records no backward node, then redispatches"
    ]
    (line,) = autograd_lines(ctx, "aten_mini::relu", True)  # no entry: it refuses
    assert line.startswith("an input requires grad, and this op has no gradient")
