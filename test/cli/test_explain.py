"""`./kit explain`: the whole screen for `add` (needs the build for the live table),
and the one-line errors for ops that do not exist (no build needed)."""

# Expected messages are single lines by design (one clear line per error).
# ruff: noqa: E501

from __future__ import annotations

import pytest
from clitools import ROOT, captured, normalise
from expecttest import TestCase

from tools.common.errors import KitError
from tools.kit.commands import explain


class ExplainErrorsTest(TestCase):
    def message(self, name: str) -> str:
        with pytest.raises(KitError) as info:
            explain.explain(ROOT, name, live_facts=False)
        return str(info.value).split("; known ops: ")[0]  # the list grows with the kit

    def test_unknown_op_with_a_close_name(self) -> None:
        self.assertExpectedInline(
            self.message("ad"),
            """unknown op 'ad' (did you mean 'add'?): it is not declared in native_functions.yaml""",
        )

    def test_unknown_op(self) -> None:
        self.assertExpectedInline(
            self.message("zzz_nothing"),
            """unknown op 'zzz_nothing': it is not declared in native_functions.yaml""",
        )

    def test_an_overload_name_resolves_to_its_op(self) -> None:
        out = captured(lambda: explain.explain(ROOT, "add_.Tensor", live_facts=False))
        self.assertTrue(out.startswith("add: one op of aten-mini, 5 overloads\n"), out[:200])
        self.assertIn("(not available: --no-live)", out)


@pytest.mark.needs_build
class ExplainAddTest(TestCase):
    def test_explain_add(self) -> None:
        out = normalise(captured(lambda: explain.explain(ROOT, "add", live_facts=True)))
        self.assertExpectedInline(
            out,
            """\
add: one op of aten-mini, 5 overloads

== YAML: 5 entries in native_functions.yaml
  native_functions.yaml:N  add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor
      structured_delegate add.out
      dispatch_stub add_stub: void(at::TensorIteratorBase&, const c10::Scalar&)
  native_functions.yaml:N  add_.Tensor(Tensor(a!) self, Tensor other, *, Scalar alpha=1) -> Tensor(a!)
      structured_delegate add.out
  native_functions.yaml:N  add.out(Tensor self, Tensor other, *, Scalar alpha=1, Tensor(a!) out) -> Tensor(a!)
      structured (meta class inherits TensorIteratorBase)
      dispatch CPU: add_out, CUDA: add_out
  native_functions.yaml:N  add.Scalar(Tensor self, Scalar other, Scalar alpha=1) -> Tensor
      dispatch CompositeExplicitAutograd: add_scalar
  native_functions.yaml:N  add_.Scalar(Tensor(a!) self, Scalar other, Scalar alpha=1) -> Tensor(a!)
      dispatch CompositeExplicitAutograd: add_scalar_

== Generated code (what ./kit build writes to build/generated/)
  DispatchStubs.cpp                        lines N
  Functions.h                              lines N
  Operators_3.cpp                          lines N
  RegisterAutograd.cpp                     lines N
  RegisterCPU.cpp                          lines N
  RegisterCUDA.cpp                         lines N
  RegisterCompositeExplicitAutograd.cpp    lines N
  RegisterMeta.cpp                         lines N
  RegisterSchema.cpp                       lines N
  _C.pyi                                   lines N
  _C_fakes.py                              lines N
  _C_polyfills.py                          lines N
  ops/add.h                                lines N
  ops/add_meta.h                           lines N
  ops/add_native.h                         lines N
  ops/add_ops.h                            lines N
  ops/add_stubs.h                          lines N
  python_functions_3.cpp                   lines N

== Kernels (hand-written, in aten_mini/native/)
  TORCH_IMPL_FUNC(add_out)          CPU, CUDA                    aten_mini/native/BinaryOps.cpp:N
  at_mini::native::add_scalar       CompositeExplicitAutograd    aten_mini/native/BinaryOps.cpp:N
  at_mini::native::add_scalar_      CompositeExplicitAutograd    aten_mini/native/BinaryOps.cpp:N
  TORCH_META_FUNC2(add, Tensor)     meta                         aten_mini/native/BinaryOps.cpp:N

== DispatchStubs
  add_stub: void(at::TensorIteratorBase&, const c10::Scalar&)  (declared at native_functions.yaml:N)
      REGISTER_DISPATCH at aten_mini/native/cpu/BinaryOpsKernel.cpp:N
      live: kernels for <slots>; CPU calls use <cap>

== Dispatch table (live: torch._C._dispatch_dump; files in build/generated/)
  aten_mini::add.Tensor: FuncTorchBatched (python/aten_mini/_batching.py:N), CPU (RegisterCPU.cpp:N), Meta (RegisterMeta.cpp:N), Autograd[alias] (RegisterAutograd.cpp:N)
  aten_mini::add_.Tensor: ADInplaceOrView (RegisterAutograd.cpp:N), FuncTorchBatched (python/aten_mini/_batching.py:N), CPU (RegisterCPU.cpp:N), Meta (RegisterMeta.cpp:N), Autograd[alias] (RegisterAutograd.cpp:N)
  aten_mini::add.out: ADInplaceOrView (RegisterAutograd.cpp:N), CPU (RegisterCPU.cpp:N), Meta (RegisterMeta.cpp:N), Autograd[alias] (RegisterAutograd.cpp:N)
  aten_mini::add.Scalar: FuncTorchBatched (python/aten_mini/_batching.py:N), Autograd[alias] (RegisterAutograd.cpp:N), CompositeExplicitAutograd[alias] (RegisterCompositeExplicitAutograd.cpp:N)
  aten_mini::add_.Scalar: ADInplaceOrView (RegisterAutograd.cpp:N), FuncTorchBatched (python/aten_mini/_batching.py:N), Autograd[alias] (RegisterAutograd.cpp:N), CompositeExplicitAutograd[alias] (RegisterCompositeExplicitAutograd.cpp:N)

== Derivatives (tools/autograd/derivatives.yaml)
  tools/autograd/derivatives.yaml:N  add.Tensor
      self: grad
      other: maybe_multiply(grad, alpha)
  tools/autograd/derivatives.yaml:N  add.Scalar
      self: grad

== OpInfo and docs
  OpInfo: test/opinfo/op_db.py:N  BinaryOpInfo("add", ...)
  docs: python/aten_mini/_docs.py:N  add(input, other, *, alpha=1, out=None) -> Tensor
""",
        )
