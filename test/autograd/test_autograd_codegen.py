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
from torchgen_mini.model import NativeFunction, ParseError, SchemaKind
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


# Note [No golden lists every op]
# A test that spells out the ops of the repository's native_functions.yaml
# breaks each time an op is added, and with it every practice task whose
# solution adds one. So goldens of the whole plan run on the fixture in
# test/fixtures/autograd/, and the checks over the repository's YAML compute
# what they expect from its parsed entries (expected_kind below).
FIXTURE = REPO / "test" / "fixtures" / "autograd"


@functools.cache
def fixture() -> tuple[list[NativeFunction], list[DifferentiabilityInfo]]:
    fns = parse_native_yaml(FIXTURE / "native_functions.yaml", REPO / "tags.yaml").native_functions
    parsed = parse_derivatives_yaml(FIXTURE / "derivatives.yaml", fns)
    assert not parsed.errors, parsed.errors
    return fns, parsed.infos


def kernels_by_op(plan: autograd.AutogradPlan) -> dict[str, str]:
    return {str(f.func.name): k for f, k in plan.kernels}


def entry_for(
    f: NativeFunction, infos: list[DifferentiabilityInfo]
) -> DifferentiabilityInfo | None:
    """`f`'s derivatives.yaml entry: its own, or (in-place) its functional variant's."""
    own = [i for i in infos if i.func == f.func]
    if own:
        return own[0]
    sig = f.func.signature()
    functional = [
        i for i in infos if i.func.kind() is SchemaKind.functional and i.func.signature() == sig
    ]
    return functional[0] if functional else None


def expected_kind(f: NativeFunction, infos: list[DifferentiabilityInfo]) -> str | None:
    """What the Autograd kernel of `f` must do, from its YAML entries alone (None: no kernel)."""
    if f.has_composite_implicit_autograd_kernel:
        return None  # it differentiates through the ops it calls
    if f.func.kind() is SchemaKind.out:
        return "refuses out="
    info = entry_for(f, infos)
    if info is None:
        return "refuses, no formula"
    formulas = info.default
    if formulas is None or not formulas.derivatives:
        # output_differentiability: [False], or every input non_differentiable
        return "no gradient"
    return "records a node"


def kind_of(kernel: str) -> str:
    """What a generated Autograd kernel does, read from its text."""
    if "functions with out=... arguments" in kernel:
        return "refuses out="
    if autograd.MISSING_FORMULA_HINT in kernel:
        return "refuses, no formula"
    if "set_next_edges" in kernel:
        return "records a node"
    if "requires_grad" not in kernel and "FwGrad" not in kernel:
        return "no gradient"
    return "unknown:\n" + kernel


def op_parts(op: str) -> tuple[str, str, str]:
    """The node declaration, its apply() and the Autograd kernel generated for `op`."""
    plan = autograd.plan(natives(), infos())
    info_name = op.replace("_.", ".") if "_." in op else op
    node = next(n for n in plan.nodes if str(n.info.func.name) == info_name)
    return autograd.node_struct(node), autograd.node_apply(node), kernels_by_op(plan)[op]


class TestPlan(expecttest.TestCase):
    def test_node_names(self) -> None:
        plan = autograd.plan(*fixture())
        self.assertExpectedInline(
            " ".join(n.name for n in plan.nodes),
            """MulBackward0 SigmoidBackward0 WhereBackward0""",
        )

    def test_one_node_per_entry_with_formulas(self) -> None:
        # In the repository: a node for each entry with a backward formula, in
        # file order, and no two nodes share a name.
        all_infos = infos()
        plan = autograd.plan(natives(), all_infos)
        with_formulas = [
            i
            for i in all_infos
            if i.default
            and i.default.derivatives
            and (i.output_differentiability is None or any(i.output_differentiability))
        ]
        self.assertEqual([n.info for n in plan.nodes], with_formulas)
        names = [n.name for n in plan.nodes]
        self.assertEqual(len(names), len(set(names)), names)
        for n in plan.nodes:
            self.assertRegex(n.name, r"^[A-Z]\w*Backward\d+$")

    def test_kernel_kinds(self) -> None:
        fns, fixture_infos = fixture()
        kernels = kernels_by_op(autograd.plan(fns, fixture_infos))
        self.assertExpectedInline(
            "\n".join(f"{op}: {kind_of(k)}" for op, k in kernels.items()),
            """\
mul.Tensor: records a node
mul_.Tensor: records a node
mul.out: refuses out=
sigmoid: records a node
where.self: records a node
relu: refuses, no formula
relu_: refuses, no formula
signbit: no gradient
signbit.out: refuses out=
floor: no gradient
floor_: no gradient""",
        )
        self.assertNotIn("silu", kernels)  # CompositeImplicitAutograd: no Autograd kernel
        for f in fns:
            self.assertEqual(
                kind_of(kernels[str(f.func.name)]) if str(f.func.name) in kernels else None,
                expected_kind(f, fixture_infos),
                f.func.name,
            )

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


def overloads() -> list[str]:
    return [str(f.func.name) for f in natives()]


# One test per overload of the repository's YAML, so that `./kit test -k <op>`
# runs them for a new op. See Note [No golden lists every op].
@pytest.mark.parametrize("op", overloads())
def test_kernel_follows_the_yaml(op: str) -> None:
    f = next(f for f in natives() if str(f.func.name) == op)
    kernels = kernels_by_op(autograd.plan(natives(), infos()))
    want = expected_kind(f, infos())
    if want is None:
        assert op not in kernels, f"{op} is CompositeImplicitAutograd: it gets no Autograd kernel"
    else:
        assert kind_of(kernels[op]) == want, (op, kernels[op])


@pytest.mark.parametrize("op", overloads())
def test_kernel_handles_tangents(op: str) -> None:
    # No kernel returns a result whose inputs had tangents without either
    # setting one or refusing: the silent wrong derivative. A result without a
    # gradient (output_differentiability: [False], or only non_differentiable
    # inputs) has no tangent either, as in PyTorch.
    f = next(f for f in natives() if str(f.func.name) == op)
    kernel = kernels_by_op(autograd.plan(natives(), infos())).get(op)
    kind = expected_kind(f, infos())
    if kernel is None:
        assert kind is None, op
    elif kind == "no gradient":
        assert "_set_fw_grad" not in kernel, kernel
    else:
        assert "_set_fw_grad" in kernel or "Trying to use forward AD with" in kernel, kernel


def test_formulas_of_a_non_differentiable_output_record_no_node() -> None:
    # output_differentiability: [False] wins over formulas: as upstream, the
    # result never requires grad, so no node is recorded for it.
    fns, _ = fixture()
    text = (FIXTURE / "derivatives.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "- name: signbit(Tensor self) -> Tensor\n  output_differentiability: [False]\n",
        "- name: signbit(Tensor self) -> Tensor\n  self: zeros_like(grad)\n"
        "  output_differentiability: [False]\n",
    )
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "derivatives.yaml"
        path.write_text(text, encoding="utf-8")
        parsed = parse_derivatives_yaml(path, fns)
    assert not parsed.errors, parsed.errors
    signbit = next(i for i in parsed.infos if str(i.func.name) == "signbit")
    assert signbit.default is not None and signbit.default.derivatives
    plan = autograd.plan(fns, parsed.infos)
    assert all(str(n.info.func.name) != "signbit" for n in plan.nodes)
    assert kind_of(kernels_by_op(plan)["signbit"]) == "no gradient"


def test_fixture_tangents() -> None:
    fns, entries = fixture()
    kernels = kernels_by_op(autograd.plan(fns, entries))
    assert "_set_fw_grad" in kernels["mul.Tensor"]
    assert "Trying to use forward AD with relu " in kernels["relu"]
    assert "Trying to use forward AD with mul_out " in kernels["mul.out"]
    for op in ("signbit", "floor", "floor_"):
        assert "FwGrad" not in kernels[op] and "_set_fw_grad" not in kernels[op], op


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
  TORCH_CHECK_NOT_IMPLEMENTED(!(torch::autograd::isFwGradDefined(self)),
      "Trying to use forward AD with relu that does not support it because it has not been implemented yet.\\nAdd a `result:` formula for it to tools/autograd/derivatives.yaml (the op is declared at native_functions.yaml:N)");
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


def fw_formula(op: str) -> str:
    """The tangent formula the Autograd kernel of `op` evaluates."""
    kernel = kernels_by_op(autograd.plan(natives(), infos()))[op]
    found = re.search(r"_new_fw_grad_opt = (?!std::nullopt)(.*);\n", kernel)
    assert found is not None, kernel
    return found.group(1)


def plan_error(entry: str) -> str:
    """The error autograd.plan raises for a derivatives.yaml made of `entry`,
    its location relative to the file (`derivatives.yaml:<line>: ...`)."""
    with pytest.raises(ParseError) as info:
        autograd.plan(natives(), infos(entry))
    return re.sub(r"^.*derivatives.yaml", "derivatives.yaml", str(info.value))


def mul_entry(result: str) -> str:
    """mul.Tensor's derivatives.yaml entry with the forward formula `result` (line 4)."""
    return (
        "- name: mul.Tensor(Tensor self, Tensor other) -> Tensor\n"
        "  self: at_mini::mul(grad, other)\n"
        "  other: at_mini::mul(grad, self)\n"
        f"  result: {result}\n"
    )


def relu_entry(result: str) -> str:
    """relu's derivatives.yaml entry with the forward formula `result` (line 3)."""
    return f"- name: relu(Tensor self) -> Tensor\n  self: relu_backward(grad, result)\n  result: {result}\n"


class TestForwardAD(expecttest.TestCase):
    """Tangents from `result:` formulas. See Note [Forward-mode AD kernels]."""

    def test_functional_kernel_sets_the_tangent(self) -> None:
        kernel = kernels_by_op(autograd.plan(natives(), infos()))["relu"]
        self.assertExpectedInline(
            kernel,
            """\
at::Tensor autograd_relu(c10::DispatchKeySet ks, const at::Tensor& self) {
  const bool requires_grad = torch::autograd::compute_requires_grad(self);
  [[maybe_unused]] auto _any_has_forward_grad_result = (torch::autograd::isFwGradDefined(self));
  at_mini::autograd::NodePtr<ReluBackward0> grad_fn;
  if (requires_grad) {
    grad_fn = at_mini::autograd::make_node<ReluBackward0>();
    grad_fn->set_next_edges(torch::autograd::collect_next_edges(self));
  }
  decltype(auto) result = [&]() -> at::Tensor {
    at::AutoDispatchBelowADInplaceOrView guard;
    return at_mini::_ops::relu::redispatch(ks & c10::after_ADInplaceOrView_keyset, self);
  }();
  if (grad_fn) {
    torch::autograd::set_history(result, grad_fn);
  }
  std::optional<at::Tensor> result_new_fw_grad_opt = std::nullopt;
  if (_any_has_forward_grad_result && (result.defined())) {
    auto self_t_raw = toNonOptFwGrad(self);
    auto self_tensor = toNonOptTensor(self);
    auto self_t = (self_t_raw.defined() || !self_tensor.defined())
        ? self_t_raw
        : at::_efficientzerotensor_symint(self_tensor.sym_sizes(), self_tensor.options());
    update_wrapped_number(self_tensor, self_t);
    result_new_fw_grad_opt = (relu_backward(self_t.conj(), result)).conj();
  }
  if (result_new_fw_grad_opt.has_value() && result_new_fw_grad_opt.value().defined() && result.defined()) {
    result._set_fw_grad(result_new_fw_grad_opt.value(), /* level */ 0, /* is_inplace_op */ false);
  }
  if (grad_fn) {
    if (grad_fn->should_compute_output(0)) grad_fn->result_ = torch::autograd::SavedVariable(result, true);
  }
  return result;
}""",
        )

    def test_auto_element_wise_reuses_the_backward_formula(self) -> None:
        self.assertExpectedInline(
            fw_formula("sigmoid"),
            """(sigmoid_backward_from_result(self_t.conj(), result)).conj()""",
        )
        self.assertExpectedInline(
            fw_formula("softplus"),
            """(softplus_input_backward(self_t.conj(), self_p, beta, threshold)).conj()""",
        )

    def test_auto_linear_calls_the_op_on_the_tangent(self) -> None:
        self.assertExpectedInline(
            fw_formula("sum.dim_IntList"), """at_mini::sum(self_t, dim, keepdim, dtype)"""
        )
        self.assertExpectedInline(fw_formula("sum"), """at_mini::sum(self_t, dtype)""")
        self.assertExpectedInline(fw_formula("cumsum"), """at_mini::cumsum(self_t, dim, dtype)""")

    def test_written_formulas_are_used_as_given(self) -> None:
        self.assertExpectedInline(
            fw_formula("add.Tensor"), """self_t + maybe_multiply(other_t, alpha)"""
        )
        self.assertExpectedInline(
            fw_formula("where.self"), """at_mini::where(condition, self_t, other_t)"""
        )

    def test_inplace_updates_the_tangent_of_self(self) -> None:
        # mul_ reads self's value from before the op: a clone, taken only with a tangent.
        kernel = kernels_by_op(autograd.plan(natives(), infos()))["mul_.Tensor"]
        self.assertIn(
            "if (_any_has_forward_grad_self) {\n    original_self = self.clone();", kernel
        )
        self.assertIn("/* is_inplace_op */ true", kernel)
        self.assertExpectedInline(
            fw_formula("mul_.Tensor"),
            """self_t_raw.defined() ? self_t_raw.copy_(other_t * original_self_p + original_self_t * other_p) : other_t * original_self_p + original_self_t * other_p""",
        )
        self.assertExpectedInline(
            fw_formula("sigmoid_"),
            """self_t_raw.defined() ? self_t_raw.copy_((sigmoid_backward_from_result(self_t.conj(), self_p)).conj()) : (sigmoid_backward_from_result(self_t.conj(), self_p)).conj()""",
        )

    def test_tangents_of_self_in_place_are_real_zeros(self) -> None:
        # self's tangent may be written to in place: no _efficientzerotensor for it
        kernel = kernels_by_op(autograd.plan(natives(), infos()))["add_.Tensor"]
        self.assertIn("at::zeros_symint(self_tensor.sym_sizes()", kernel)
        self.assertIn("at::_efficientzerotensor_symint(other_tensor.sym_sizes()", kernel)

    def test_out_refuses_tangents(self) -> None:
        kernel = kernels_by_op(autograd.plan(natives(), infos()))["add.out"]
        self.assertIn(
            """  TORCH_CHECK_NOT_IMPLEMENTED(!(torch::autograd::isFwGradDefined(self) || torch::autograd::isFwGradDefined(other) || torch::autograd::isFwGradDefined(out)),
      "Trying to use forward AD with add_out that does not support it because it is an out= function");""",
            kernel,
        )

    def test_no_forward_formula_refuses_tangents(self) -> None:
        kernel = kernels_by_op(autograd.plan(natives(), infos()))["log1p"]
        self.assertIn(
            '"Trying to use forward AD with log1p that does not support it because it has not '
            "been implemented yet.\\nAdd a `result:` formula for it to tools/autograd/"
            "derivatives.yaml (the op is declared at native_functions.yaml:",
            kernel,
        )
        self.assertNotIn("_set_fw_grad", kernel)

    def test_bare_input_name_is_an_error(self) -> None:
        self.assertExpectedInline(
            plan_error(mul_entry("other_t * self + self_t * other_p")),
            """derivatives.yaml:4: the forward formula of 'mul.Tensor' uses the bare name 'self', which is ambiguous there (hint: use self_p for its primal value and self_t for its tangent)""",
        )

    def test_grad_in_a_forward_formula_is_an_error(self) -> None:
        self.assertExpectedInline(
            plan_error(relu_entry("grad * self_t")),
            """derivatives.yaml:3: the forward formula of 'relu' uses 'grad', which only backward formulas have (hint: a forward formula combines the input tangents (self_t, ...) instead)""",
        )

    def test_auto_element_wise_needs_one_input(self) -> None:
        self.assertExpectedInline(
            plan_error(mul_entry("auto_element_wise")),
            """derivatives.yaml:4: 'auto_element_wise' needs exactly one differentiable input with a backward formula, but 'mul.Tensor' has 2 (hint: write the forward formula out (e.g. 'self_t * other_p + other_t * self_p'))""",
        )

    def test_a_formula_without_tangents_is_an_error(self) -> None:
        self.assertExpectedInline(
            plan_error(relu_entry("result * 0")),
            """derivatives.yaml:3: the forward formula of 'relu' uses no input tangent (hint: use the tangents of its differentiable inputs: self_t)""",
        )


class TestRender(expecttest.TestCase):
    def test_template_renders(self) -> None:
        with tempfile.TemporaryDirectory() as d:
            text = FileManager(Path(d)).render(
                "RegisterAutograd.cpp", autograd.compute(natives(), infos())
            )
        self.assertIn("TORCH_LIBRARY_IMPL(aten_mini, Autograd, m) {", text)
        self.assertIn('  m.impl("mul.Tensor", TORCH_FN(autograd_mul_Tensor));', text)
        self.assertIn('  m.impl("mul_.Tensor", TORCH_FN(inplace_or_view_mul__Tensor));', text)
        for f in natives():
            if f.has_composite_implicit_autograd_kernel:
                self.assertNotIn(f'm.impl("{f.func.name}"', text)


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
