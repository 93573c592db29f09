"""tools/autograd/derivatives.yaml: parsing, validation errors, upstream conformance."""

# ruff: noqa: E501  (expected messages are single long lines, compared verbatim)

from __future__ import annotations

import functools
import re
import tempfile
from pathlib import Path

import expecttest
import pytest
import torchgen

from torchgen_mini.derivatives import (
    DerivativeFormulas,
    ParsedDerivatives,
    parse_derivatives_yaml,
)
from torchgen_mini.model import NativeFunction
from torchgen_mini.native_yaml import parse_native_yaml

REPO = Path(__file__).resolve().parents[2]
UPSTREAM = Path(torchgen.__file__).parent / "packaged"
KIT_DERIVATIVES = REPO / "tools" / "autograd" / "derivatives.yaml"


@functools.cache
def kit_natives() -> list[NativeFunction]:
    parsed = parse_native_yaml(REPO / "native_functions.yaml", REPO / "tags.yaml")
    assert not parsed.errors, parsed.errors
    return parsed.native_functions


def parse_text(text: str) -> ParsedDerivatives:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "derivatives.yaml"
        path.write_text(text)
        return parse_derivatives_yaml(path, kit_natives())


def errors_of(text: str) -> str:
    parsed = parse_text(text)
    return "\n".join(
        re.sub(r"^\S*derivatives\.yaml", "derivatives.yaml", str(e)) for e in parsed.errors
    )


# See Note [No golden lists every op] in test_autograd_codegen.py.
FIXTURE = REPO / "test" / "fixtures" / "autograd"
MUL = "- name: mul.Tensor(Tensor self, Tensor other) -> Tensor\n"


class TestKitFile(expecttest.TestCase):
    def test_parses_clean(self) -> None:
        # Every entry of the file is parsed, in file order: compared with the
        # file's own `- name:` lines, so adding an entry changes nothing here.
        parsed = parse_derivatives_yaml(KIT_DERIVATIVES, kit_natives())
        self.assertEqual(parsed.errors, [])
        heads = re.findall(r"^- name: ([\w.]+)\(", KIT_DERIVATIVES.read_text(), re.MULTILINE)
        self.assertGreater(len(heads), 0)
        self.assertEqual([str(i.func.name) for i in parsed.infos], heads)

    def test_fixture_entries(self) -> None:
        fns = parse_native_yaml(FIXTURE / "native_functions.yaml", REPO / "tags.yaml")
        parsed = parse_derivatives_yaml(FIXTURE / "derivatives.yaml", fns.native_functions)
        self.assertEqual(parsed.errors, [])
        self.assertExpectedInline(
            "\n".join(
                f"{i.func.name}: formulas for "
                f"{[v for d in i.default.derivatives for v in d.var_names] if i.default else []}, "
                f"non_differentiable {list(i.default.non_differentiable) if i.default else []}, "
                f"output_differentiability {i.output_differentiability}"
                for i in parsed.infos
            ),
            """\
mul.Tensor: formulas for ['self', 'other'], non_differentiable [], output_differentiability None
sigmoid: formulas for ['self'], non_differentiable [], output_differentiability None
where.self: formulas for ['self', 'other'], non_differentiable ['condition'], output_differentiability None
signbit: formulas for [], non_differentiable [], output_differentiability (False,)
floor: formulas for [], non_differentiable ['self'], output_differentiability None""",
        )

    def test_formulas_and_non_differentiable(self) -> None:
        parsed = parse_derivatives_yaml(KIT_DERIVATIVES, kit_natives())
        where = next(i for i in parsed.infos if str(i.func.name) == "where.self")
        assert where.default is not None
        self.assertEqual(where.default.non_differentiable, ("condition",))
        self.assertEqual([d.var_names for d in where.default.derivatives], [("self",), ("other",)])


class TestErrors(expecttest.TestCase):
    def test_unknown_op(self) -> None:
        text = "- name: mull.Tensor(Tensor self, Tensor other) -> Tensor\n  self: grad\n"
        self.assertExpectedInline(
            errors_of(text),
            """derivatives.yaml:1: error: unknown operator 'mull.Tensor': no such schema in native_functions.yaml; did you mean 'mul.Tensor'?""",
        )

    def test_schema_differs_from_native_functions(self) -> None:
        text = "- name: mul.Tensor(Tensor self, Tensor othr) -> Tensor\n  self: grad\n"
        self.assertExpectedInline(
            re.sub(r"/\S*native_functions\.yaml:\d+", "native_functions.yaml:N", errors_of(text)),
            """derivatives.yaml:1: error: unknown operator 'mul.Tensor': native_functions.yaml declares it as 'mul.Tensor(Tensor self, Tensor other) -> Tensor' (native_functions.yaml:N)""",
        )

    def test_formula_for_missing_argument(self) -> None:
        text = MUL + "  self: grad * other\n  othr: grad * self\n"
        self.assertExpectedInline(
            errors_of(text),
            """\
derivatives.yaml:1: error: input 'other' of 'mul.Tensor' has no derivative formula
  hint: add 'other: <formula>', or 'other: non_differentiable' if no gradient flows to it
derivatives.yaml:3: error: 'mul.Tensor' has no argument named 'othr'
  hint: did you mean 'other'?""",
        )

    def test_formula_for_non_differentiable_type(self) -> None:
        text = (
            "- name: cumsum(Tensor self, int dim, *, ScalarType? dtype=None) -> Tensor\n"
            "  self: cumsum_backward(grad, dim)\n"
            "  dim: grad\n"
        )
        self.assertExpectedInline(
            errors_of(text),
            """\
derivatives.yaml:3: error: argument 'dim' of 'cumsum' has type int, which is not differentiable
  hint: only Tensor, Tensor? and Tensor[] inputs get gradients; delete this line""",
        )

    def test_op_listed_twice(self) -> None:
        text = MUL + "  self: grad\n  other: grad\n\n" + MUL + "  self: grad\n  other: grad\n"
        self.assertExpectedInline(
            errors_of(text),
            """\
derivatives.yaml:5: error: 'mul.Tensor' is listed twice (first on line 1)
  hint: merge the two entries into one""",
        )

    def test_input_without_formula(self) -> None:
        text = "- name: where.self(Tensor condition, Tensor self, Tensor other) -> Tensor\n"
        text += "  self: grad\n  other: grad\n"
        self.assertExpectedInline(
            errors_of(text),
            """\
derivatives.yaml:1: error: input 'condition' of 'where.self' has no derivative formula
  hint: add 'condition: <formula>', or 'condition: non_differentiable' if no gradient flows to it""",
        )

    def test_input_given_twice(self) -> None:
        text = MUL + "  self, other: grad\n  other: grad\n"
        self.assertExpectedInline(
            errors_of(text),
            """\
derivatives.yaml:3: error: 'other' already has a formula (line 2)
  hint: give each input one formula""",
        )

    def test_output_differentiability_length(self) -> None:
        text = MUL + "  self: grad\n  other: grad\n  output_differentiability: [True, False]\n"
        self.assertExpectedInline(
            errors_of(text),
            """derivatives.yaml:4: error: 'output_differentiability' has 2 entries but the op has 1 output(s)""",
        )

    def test_out_variant(self) -> None:
        text = "- name: mul.out(Tensor self, Tensor other, *, Tensor(a!) out) -> Tensor(a!)\n"
        text += "  self: grad\n"
        self.assertExpectedInline(
            errors_of(text),
            """\
derivatives.yaml:1: error: 'mul.out' is an out= variant, which is never differentiable
  hint: give the formula for the functional variant instead""",
        )

    def test_empty_formula(self) -> None:
        self.assertExpectedInline(
            errors_of(MUL + "  self:\n  other: grad\n"),
            """\
derivatives.yaml:2: error: the formula for 'self' must be a non-empty C++ expression
  hint: quote it if it contains ': ' or starts with a special character""",
        )

    def test_bad_schema_text(self) -> None:
        self.assertExpectedInline(
            errors_of("- name: mul.Tensor(Tensor self, Tensor other) -> Tensr\n  self: grad\n"),
            """\
derivatives.yaml:1: error: unknown type 'Tensr' in 'mul.Tensor(Tensor self, Tensor other) -> Tensr'
  hint: did you mean 'Tensor'?""",
        )

    def test_forward_formula_and_not_implemented(self) -> None:
        text = (
            MUL
            + '  self: "not_implemented(\\"mul\\")"\n  other: grad\n  result: self_t * other_p\n'
        )
        parsed = parse_text(text)
        self.assertEqual(parsed.errors, [])
        formulas = parsed.infos[0].default
        assert formulas is not None
        self.assertEqual(formulas.derivatives[0].formula, 'not_implemented("mul")')
        self.assertEqual(formulas.forward_derivatives[0].var_names, ("result",))


class TestUpstream(expecttest.TestCase):
    """PyTorch's own derivatives.yaml, read from the installed torchgen package."""

    def test_every_entry_resolves(self) -> None:
        native = parse_native_yaml(
            UPSTREAM / "ATen/native/native_functions.yaml", UPSTREAM / "ATen/native/tags.yaml"
        )
        self.assertEqual(native.errors, [])
        path = UPSTREAM / "autograd/derivatives.yaml"
        parsed = parse_derivatives_yaml(path, native.native_functions, require_every_input=False)
        self.assertEqual([str(e) for e in parsed.errors], [])
        entries = len(re.findall(r"^- name:", path.read_text(), flags=re.MULTILINE))
        self.assertGreater(entries, 600)
        self.assertEqual(len(parsed.infos), entries)


@functools.cache
def upstream_formulas() -> dict[str, DerivativeFormulas | None]:
    native = parse_native_yaml(
        UPSTREAM / "ATen/native/native_functions.yaml", UPSTREAM / "ATen/native/tags.yaml"
    )
    path = UPSTREAM / "autograd/derivatives.yaml"
    upstream = parse_derivatives_yaml(path, native.native_functions, require_every_input=False)
    return {str(i.func.name): i.default for i in upstream.infos}


def kit_entries() -> list[str]:
    return [str(i.func.name) for i in parse_derivatives_yaml(KIT_DERIVATIVES, kit_natives()).infos]


# One test per entry, so that `./kit test -k <op>` runs it for a new op.
@pytest.mark.parametrize("name", kit_entries())
def test_forward_formula_equals_upstreams(name: str) -> None:
    # The kit's `result:` formulas are PyTorch's, except that a call of one
    # of the kit's own ops is qualified (`at_mini::where`: a bare `where`
    # would be ambiguous with at::where, found through the Tensor arguments).
    # An entry may leave `result:` out (log1p until practice task 13, an op a
    # task adds): its forward AD then refuses tangents, never drops them
    # (test_kernel_handles_tangents in test_autograd_codegen.py).
    kit = parse_derivatives_yaml(KIT_DERIVATIVES, kit_natives())
    ours = next(i.default for i in kit.infos if str(i.func.name) == name)
    theirs = upstream_formulas()
    if name not in theirs:  # an op of the kit's own, like new-op's scratch ops
        pytest.skip(f"{name}: PyTorch's derivatives.yaml has no entry to compare with")
    up = theirs[name]
    assert ours is not None and up is not None, name
    if not ours.forward_derivatives:
        return
    assert up.forward_derivatives, f"{name}: PyTorch has no forward formula; the kit has one"
    mine = ours.forward_derivatives[0].formula.replace("at_mini::", "")
    assert mine == up.forward_derivatives[0].formula, name
