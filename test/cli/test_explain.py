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
  wrapper of add.Tensor: build/generated/RegisterCPU.cpp:N
      | at::Tensor wrapper_CPU_add_Tensor(const at::Tensor& self, const at::Tensor& other, const at::Scalar& alpha) {
      |   structured_add_out_functional op;
      |   op.meta(self, other, alpha);
      |   op.impl(self, other, alpha, op.outputs_[0]);
      |   return std::move(op.outputs_[0]);
      | }

== Kernels (hand-written, in aten_mini/native/)
  TORCH_IMPL_FUNC(add_out)          CPU, CUDA                    aten_mini/native/BinaryOps.cpp:N
      | TORCH_IMPL_FUNC(add_out)
      | (const at::Tensor& /*self*/,
      |  const at::Tensor& /*other*/,
      |  const at::Scalar& alpha,
  at_mini::native::add_scalar       CompositeExplicitAutograd    aten_mini/native/BinaryOps.cpp:N
      | at::Tensor add_scalar(
      |     const at::Tensor& self, const at::Scalar& other, const at::Scalar& alpha) {
      |   return at_mini::add(self, at::native::wrapped_scalar_tensor(other), alpha);
      | }
  at_mini::native::add_scalar_      CompositeExplicitAutograd    aten_mini/native/BinaryOps.cpp:N
      | at::Tensor& add_scalar_(
      |     at::Tensor& self, const at::Scalar& other, const at::Scalar& alpha) {
      |   return at_mini::add_(self, at::native::wrapped_scalar_tensor(other), alpha);
      | }
  TORCH_META_FUNC2(add, Tensor)     meta                         aten_mini/native/BinaryOps.cpp:N
      | TORCH_META_FUNC2(add, Tensor)
      | (const at::Tensor& self, const at::Tensor& other, const at::Scalar& alpha) {
      |   build_borrowing_binary_op(maybe_get_output(), self, other);
      |   check_alpha(common_dtype(), alpha);

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
      |     BinaryOpInfo(
      |         "add",
      |         ref=torch.add,
      |         ref_inplace=torch.Tensor.add_,
      |         sample_inputs_func=sample_inputs_add,
      |         error_inputs_func=error_inputs_add,
  docs: python/aten_mini/_docs.py:N  add(input, other, *, alpha=1, out=None) -> Tensor

== Test status (test/opinfo vs upstream's op_db in the installed torch)
  kit OpInfo dtypes (test/opinfo/op_db.py:N): bfloat16, bool, float16, float32, float64, int16, int32, int64, int8, uint8
  upstream OpInfo 'add' (add): CPU dtypes bfloat16, bool, complex128, complex32, complex64, float16, float32, float64, int16, int32, int64, int8, uint8
      tested here too: bfloat16, bool, float16, float32, float64, int16, int32, int64, int8, uint8
      upstream only:   complex128, complex32, complex64
      upstream samples (float32): 11 sample_inputs, 118 reference_inputs (test/upstream runs them)
  known gaps (test/upstream/upstream_opinfo.py GAPS): 3
      add_complex: missing dtype (functional, inplace, out, out_noncontig; dtypes complex128, complex32, complex64)
      number_self: missing overload (functional)
      add_scalar_out: missing overload (out, out_noncontig)
""",
        )


# ---- test status and snippets (no build, no torch import: a fake upstream status) ----


FAKE_STATUS = {
    "torch": "2.14.1",
    "ops": {
        "relu": {
            "entries": [
                {
                    "id": "relu",
                    "name": "nn.functional.relu",
                    "dtypes": ["bool", "float32", "int64"],
                    "samples_dtype": "float32",
                    "sample_inputs": 4,
                    "reference_inputs": 41,
                }
            ],
            "gaps": [
                {"key": "relu_bool", "cause": "missing dtype", "variants": None, "dtypes": ["bool"]}
            ],
        },
        "where": {"entries": [], "gaps": []},
    },
}


class ExplainTestStatusTest(TestCase):
    def status(self, op: str, status: dict[str, object]) -> str:
        return normalise(captured(lambda: explain._show_test_status(ROOT, op, status)))

    def test_dtypes_against_upstream(self) -> None:
        out = self.status("relu", FAKE_STATUS)
        self.assertIn(
            "upstream OpInfo 'nn.functional.relu' (relu): CPU dtypes bool, float32, int64", out
        )
        self.assertIn("      tested here too: float32, int64\n", out)
        self.assertIn("      upstream only:   bool\n", out)
        self.assertIn(
            "      kit only:        bfloat16, float16, float64, int16, int32, int8, uint8\n", out
        )
        self.assertIn("4 sample_inputs, 41 reference_inputs", out)
        self.assertIn(
            "known gaps (test/upstream/upstream_opinfo.py GAPS): 1\n      relu_bool: missing dtype (every variant; dtypes bool)",
            out,
        )

    def test_op_that_upstream_lacks(self) -> None:
        out = self.status("where", FAKE_STATUS)
        self.assertIn("upstream: upstream has no op named where in op_db (torch 2.14.1)", out)
        self.assertNotIn("known gaps", out)

    def test_unavailable_upstream_says_why(self) -> None:
        out = self.status("relu", {"error": "--no-upstream"})
        self.assertIn("  upstream: (not available: --no-upstream)", out)
        self.assertRegex(out, r"kit OpInfo dtypes \(test/opinfo/op_db.py:N\): bfloat16, ")

    def test_cached_status_is_read_without_a_child(self) -> None:
        import json
        import shutil
        import subprocess
        import tempfile
        from pathlib import Path
        from unittest import mock

        from tools.ops import oplookup

        tmp = Path(tempfile.mkdtemp())
        try:
            for rel in ("native_functions.yaml", "test/upstream/upstream_opinfo.py"):
                (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(ROOT / rel, tmp / rel)
            key = oplookup._upstream_key(tmp)
            self.assertIsNotNone(key)
            cache = tmp / oplookup.UPSTREAM_CACHE
            cache.parent.mkdir(parents=True)
            cache.write_text(json.dumps({**FAKE_STATUS, "key": key}))
            with mock.patch.object(subprocess, "run", side_effect=AssertionError("a child ran")):
                self.assertEqual(oplookup.upstream_status(tmp)["ops"], FAKE_STATUS["ops"])
            (tmp / "native_functions.yaml").write_text("# changed\n")
            self.assertNotEqual(oplookup._upstream_key(tmp), key)  # a changed YAML misses
        finally:
            shutil.rmtree(tmp)

    def test_block_ends_where_its_braces_close(self) -> None:
        from tools.ops import oplookup

        lines = ["int f() {", "  return 1;", "}", "", "int g() {"]
        self.assertEqual(oplookup.block_at(lines, 0), lines[:3])
        self.assertEqual(oplookup.block_at(lines, 0, limit=2), lines[:2])


@pytest.mark.slow
def test_upstream_status_child_reads_the_installed_op_db() -> None:
    # The real child of Note [Upstream status cache] (imports torch's op_db: ~10 s).
    import json
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "tools.ops.oplookup", "--upstream-status"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    status = json.loads(proc.stdout.strip().splitlines()[-1])
    add = status["ops"]["add"]
    assert {"float32", "int64", "complex64"} <= set(add["entries"][0]["dtypes"])
    assert add["entries"][0]["sample_inputs"] > 0
    assert "add_complex" in {g["key"] for g in add["gaps"]}
    assert [e["name"] for e in status["ops"]["relu"]["entries"]] == ["nn.functional.relu"]
