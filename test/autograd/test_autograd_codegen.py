"""The generated RegisterAutograd.cpp: nodes, what they save, which kernel each op gets."""

from __future__ import annotations

# ruff: noqa: E501  (expected C++ is compared verbatim)
import functools
import re
import tempfile
from pathlib import Path

import expecttest
import pytest

from torchgen_mini.derivatives import DifferentiabilityInfo, parse_derivatives_yaml
from torchgen_mini.dest import autograd
from torchgen_mini.file_manager import FileManager
from torchgen_mini.model import NativeFunction, ParseError
from torchgen_mini.native_yaml import parse_native_yaml

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "autograd.md"


@functools.cache
def natives() -> list[NativeFunction]:
    return parse_native_yaml(REPO / "native_functions.yaml", REPO / "tags.yaml").native_functions


def infos(text: str | None = None) -> list[DifferentiabilityInfo]:
    if text is None:
        parsed = parse_derivatives_yaml(REPO / "tools/autograd/derivatives.yaml", natives())
    else:
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "derivatives.yaml"
            path.write_text(text)
            parsed = parse_derivatives_yaml(path, natives())
    assert not parsed.errors, parsed.errors
    return parsed.infos


def kernels_by_op(plan: autograd.AutogradPlan) -> dict[str, str]:
    return {str(f.func.name): k for f, k in plan.kernels}


def op_parts(op: str) -> tuple[str, str, str]:
    """The node declaration, its apply() and the Autograd kernel generated for `op`."""
    plan = autograd.plan(natives(), infos())
    info_name = op.replace("_.", ".") if "_." in op else op
    node = next(n for n in plan.nodes if str(n.info.func.name) == info_name)
    return autograd.node_struct(node), autograd.node_apply(node), kernels_by_op(plan)[op]


class TestPlan(expecttest.TestCase):
    def test_node_names(self) -> None:
        plan = autograd.plan(natives(), infos())
        self.assertExpectedInline(
            " ".join(n.name for n in plan.nodes),
            """AddBackward0 AddBackward1 CumsumBackward0 Log1pBackward0 MulBackward0 ReluBackward0 SigmoidBackward0 SoftplusBackward0 SumBackward0 SumBackward1 WhereBackward0""",
        )

    def test_kernel_kinds(self) -> None:
        kernels = kernels_by_op(autograd.plan(natives(), infos()))
        # silu is CompositeImplicitAutograd: no Autograd kernel, it differentiates
        # through the ops it calls.
        self.assertNotIn("silu", kernels)
        every_other = {str(f.func.name) for f in natives()} - {"silu"}
        self.assertEqual(set(kernels), every_other)
        for op, k in kernels.items():
            if op.endswith("out"):
                self.assertIn("functions with out=... arguments", k, op)
            else:
                self.assertIn("set_next_edges", k, op)

    def test_mutating_ops_bump_versions(self) -> None:
        plan = autograd.plan(natives(), infos())
        mutating = [str(f.func.name) for f in plan.inplace_or_view]
        self.assertIn("add_.Tensor", mutating)
        self.assertIn("sum.IntList_out", mutating)
        self.assertNotIn("add.Tensor", mutating)
        f = next(f for f in plan.inplace_or_view if str(f.func.name) == "relu_")
        self.assertExpectedInline(
            autograd.inplace_or_view_kernel(f),
            """\
at::Tensor& inplace_or_view_relu_(c10::DispatchKeySet ks, at::Tensor& self) {
  decltype(auto) result = [&]() -> at::Tensor& {
    at::AutoDispatchBelowADInplaceOrView guard;
    return at_mini::_ops::relu_::redispatch(ks & c10::after_ADInplaceOrView_keyset, self);
  }();
  torch::autograd::increment_version(self);
  return result;
}""",
        )


class TestSaved(expecttest.TestCase):
    def test_inplace_saves_a_clone_of_self(self) -> None:
        _, _, kernel = op_parts("mul_.Tensor")
        self.assertIn("SavedVariable(self.clone(), false)", kernel)
        self.assertIn("check_inplace(self, requires_grad)", kernel)
        self.assertIn("rebase_history(result, grad_fn)", kernel)

    def test_sizes_instead_of_the_tensor(self) -> None:
        struct, apply, kernel = op_parts("sum")
        self.assertIn("std::vector<int64_t> self_sizes;", struct)
        self.assertNotIn("self_;", struct)
        self.assertIn("grad_fn->self_sizes = self.sizes().vec();", kernel)
        self.assertIn("grad.expand(self_sizes)", apply)

    def test_result_saved_after_the_call(self) -> None:
        _, apply, kernel = op_parts("sigmoid")
        after = kernel.split("set_history")[1]
        self.assertIn("SavedVariable(result, true)", after)
        self.assertIn("result_.unpack(at_mini::autograd::node_ptr(this))", apply)

    def test_an_int_list_is_copied(self) -> None:
        # An int[] argument is an IntArrayRef (a view of the caller's list): the
        # node must own a copy, and std::vector has no constructor from it.
        with tempfile.TemporaryDirectory() as d:
            yaml = Path(d) / "native_functions.yaml"
            yaml.write_text(
                "- func: flip(Tensor self, int[] dims) -> Tensor\n  dispatch:\n    CPU: flip\n"
            )
            fns = parse_native_yaml(yaml, REPO / "tags.yaml").native_functions
            formulas = Path(d) / "derivatives.yaml"
            formulas.write_text(
                "- name: flip(Tensor self, int[] dims) -> Tensor\n  self: grad.flip(dims)\n"
            )
            parsed = parse_derivatives_yaml(formulas, fns)
        assert not parsed.errors, parsed.errors
        plan = autograd.plan(fns, parsed.infos)
        struct = autograd.node_struct(plan.nodes[0])
        self.assertIn("std::vector<int64_t> dims;", struct)
        self.assertIn("grad_fn->dims = dims.vec();", kernels_by_op(plan)["flip"])

    def test_scalars_by_value_and_only_when_needed(self) -> None:
        struct, _, kernel = op_parts("add.Tensor")
        self.assertIn("  at::Scalar alpha;", struct)
        self.assertIn("if (grad_fn->should_compute_output(1)) grad_fn->alpha = alpha;", kernel)
        self.assertNotIn("SavedVariable", struct)


class TestMissingFormula(expecttest.TestCase):
    def test_op_without_formula_refuses_grad(self) -> None:
        text = (REPO / "tools/autograd/derivatives.yaml").read_text()
        text = re.sub(r"- name: relu\(.*?\n\n", "", text, flags=re.DOTALL)
        kernels = kernels_by_op(autograd.plan(natives(), infos(text)))
        self.assertExpectedInline(
            re.sub(r"yaml:\d+", "yaml:N", kernels["relu"]),
            """\
at::Tensor autograd_relu(c10::DispatchKeySet ks, const at::Tensor& self) {
  TORCH_CHECK(!torch::autograd::compute_requires_grad(self),
      "aten_mini::relu: an input requires grad, but the op has no derivative formula: add a formula for it to tools/autograd/derivatives.yaml (the op is declared at native_functions.yaml:N)");
  decltype(auto) result = [&]() -> at::Tensor {
    at::AutoDispatchBelowADInplaceOrView guard;
    return at_mini::_ops::relu::redispatch(ks & c10::after_ADInplaceOrView_keyset, self);
  }();
  return result;
}""",
        )
        self.assertIn(autograd.MISSING_FORMULA_HINT, kernels["relu_"])

    def test_shared_formula_is_not_supported_yet(self) -> None:
        text = "- name: mul.Tensor(Tensor self, Tensor other) -> Tensor\n  self, other: grad\n"
        with pytest.raises(ParseError, match="shares one formula among several inputs"):
            autograd.plan(natives(), infos(text))


class TestRender(expecttest.TestCase):
    def test_template_renders(self) -> None:
        with tempfile.TemporaryDirectory() as d:
            text = FileManager(Path(d)).render(
                "RegisterAutograd.cpp", autograd.compute(natives(), infos())
            )
        self.assertIn("TORCH_LIBRARY_IMPL(aten_mini, Autograd, m) {", text)
        self.assertIn('  m.impl("mul.Tensor", TORCH_FN(autograd_mul_Tensor));', text)
        self.assertIn('  m.impl("mul_.Tensor", TORCH_FN(inplace_or_view_mul__Tensor));', text)
        self.assertNotIn('"silu"', text)


class TestDoc(expecttest.TestCase):
    """docs/autograd.md shows the code generated for mul.Tensor; it must stay true."""

    def test_doc_shows_current_generated_code(self) -> None:
        doc = DOC.read_text()
        blocks = re.findall(r"```(?:cpp|yaml)\n(.*?)```", doc, flags=re.DOTALL)
        entry = re.search(
            r"^- name: mul\.Tensor.*?\n\n",
            (REPO / "tools/autograd/derivatives.yaml").read_text(),
            flags=re.DOTALL | re.MULTILINE,
        )
        assert entry is not None
        wanted = [entry.group(0).strip(), *op_parts("mul.Tensor")]
        for text in wanted:
            self.assertIn(
                text.strip(),
                [b.strip() for b in blocks],
                "docs/autograd.md is out of date: paste this block into it\n" + text,
            )
