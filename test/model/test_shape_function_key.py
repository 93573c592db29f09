# ruff: noqa: E501  (expected compiler output is data: its lines stay whole)
"""The kit key `shape_function`: how it parses, and every error it can give.

The names it may use are the public functions of a shape-function module;
these tests write a small one next to the YAML (`SHAPES` below), as the
repository has python/aten_mini/_shape_functions.py next to its YAML.
Update the expected text with `EXPECTTEST_ACCEPT=1 python -m pytest <this file>`.
"""

from __future__ import annotations

import ast
import pathlib
import tempfile
import textwrap

import expecttest
from model_testutil import REPO, TAGS

from torchgen_mini.model import ShapeFunctionDecl
from torchgen_mini.native_yaml import ParsedNativeYaml, parse_native_yaml
from torchgen_mini.pipeline import load_and_check

SHAPES = """\
def pointwise(*operands):
    pass


def pointwise_where(condition, self, other):
    pass


def reduction(self, dim=None, keepdim=False, dtype=None):
    pass


def _helper(x):
    pass
"""

RELU = """
- func: relu(Tensor self) -> Tensor
  dispatch:
    CPU, CUDA: relu
  shape_function: {}
"""


def load(yaml: str, shapes: str | None = SHAPES) -> tuple[ParsedNativeYaml, str]:
    with tempfile.TemporaryDirectory() as d:
        root = pathlib.Path(d)
        if shapes is not None:
            module = root / "python" / "aten_mini" / "_shape_functions.py"
            module.parent.mkdir(parents=True)
            module.write_text(shapes)
        path = root / "native_functions.yaml"
        path.write_text(textwrap.dedent(yaml).lstrip("\n"))
        (root / "tags.yaml").write_text(TAGS)
        return load_and_check(path, root / "tags.yaml"), d


def errors(yaml: str, shapes: str | None = SHAPES) -> str:
    parsed, d = load(yaml, shapes)
    return "\n".join(str(e) for e in parsed.errors).replace(d + "/", "")


class TestShapeFunctionKey(expecttest.TestCase):
    def test_loading_alone_reads_no_shape_functions(self) -> None:
        # The check against _shape_functions.py is a pipeline step, not part of loading.
        with tempfile.TemporaryDirectory() as d:
            path = pathlib.Path(d) / "native_functions.yaml"
            path.write_text(textwrap.dedent(RELU.format("no_such_function")).lstrip("\n"))
            (pathlib.Path(d) / "tags.yaml").write_text(TAGS)
            self.assertEqual(parse_native_yaml(path, pathlib.Path(d) / "tags.yaml").errors, [])
            [error] = load_and_check(path, pathlib.Path(d) / "tags.yaml").errors
            self.assertIn("needs python/aten_mini/_shape_functions.py", error.message)

    def test_bare_name_passes_every_non_out_argument(self) -> None:
        parsed, _ = load(RELU.format("pointwise"))
        self.assertEqual(parsed.errors, [])
        decl = parsed.native_functions[0].shape_function
        assert isinstance(decl, ShapeFunctionDecl)
        self.assertEqual((decl.name, decl.args, str(decl)), ("pointwise", None, "pointwise"))
        self.assertEqual(decl.arg_names(parsed.native_functions[0].func), ("self",))

    def test_call_form_names_the_arguments(self) -> None:
        yaml = """
        - func: add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor
          dispatch:
            CPU: add
          shape_function: pointwise(self,other)
        """
        parsed, _ = load(yaml)
        self.assertEqual(parsed.errors, [])
        decl = parsed.native_functions[0].shape_function
        assert decl is not None
        self.assertEqual(str(decl), "pointwise(self, other)")

    def test_unknown_name(self) -> None:
        self.assertExpectedInline(
            errors(RELU.format("pointwize")),
            """\
native_functions.yaml:4: error: unknown shape function 'pointwize'
  hint: did you mean 'pointwise'?""",
        )

    def test_private_functions_are_not_shape_functions(self) -> None:
        self.assertExpectedInline(
            errors(RELU.format("_helper")),
            """\
native_functions.yaml:4: error: unknown shape function '_helper'
  hint: the functions of python/aten_mini/_shape_functions.py: pointwise, pointwise_where, reduction""",
        )

    def test_argument_not_in_the_schema(self) -> None:
        self.assertExpectedInline(
            errors(RELU.format("pointwise(slf)")),
            """\
native_functions.yaml:4: error: shape_function pointwise(slf): 'slf' is not an argument of relu
  hint: did you mean 'self'?""",
        )

    def test_wrong_number_of_arguments(self) -> None:
        self.assertExpectedInline(
            errors(RELU.format("pointwise_where")),
            """\
native_functions.yaml:4: error: shape function 'pointwise_where' takes 3 argument(s), but relu passes 1: self
  hint: name the arguments to pass, for example pointwise_where(self); see python/aten_mini/_shape_functions.py:5""",
        )

    def test_not_a_name_or_call(self) -> None:
        self.assertExpectedInline(
            errors(RELU.format("'pointwise(self'")),
            """\
native_functions.yaml:4: error: 'shape_function' must be a name or a call, got 'pointwise(self'
  hint: for example: 'pointwise' or 'pointwise(self, other)'""",
        )

    def test_composite_implicit_entry(self) -> None:
        yaml = """
        - func: silu(Tensor self) -> Tensor
          shape_function: pointwise
        """
        self.assertExpectedInline(
            errors(yaml),
            """\
native_functions.yaml:2: error: silu is CompositeImplicitAutograd: it needs no shape_function
  hint: it decomposes into ops that have fake kernels (torch refuses one for it)""",
        )

    def test_next_to_a_meta_kernel(self) -> None:
        yaml = """
        - func: relu(Tensor self) -> Tensor
          dispatch:
            CPU: relu
            Meta: relu_meta
          shape_function: pointwise
        """
        self.assertExpectedInline(
            errors(yaml),
            """\
native_functions.yaml:5: error: relu has both a Meta kernel and a shape_function
  hint: keep one: torch allows one fake kernel per operator""",
        )

    def test_a_variant_without_it(self) -> None:
        yaml = """
        - func: relu(Tensor self) -> Tensor
          dispatch:
            CPU: relu
          shape_function: pointwise

        - func: relu.out(Tensor self, *, Tensor(a!) out) -> Tensor(a!)
          dispatch:
            CPU: relu_out
        """
        self.assertExpectedInline(
            errors(yaml),
            """\
native_functions.yaml:6: error: relu.out has no shape_function, but relu (line 1) of the same op has one
  hint: add 'shape_function: pointwise': every variant needs a fake kernel""",
        )

    def test_no_module(self) -> None:
        self.assertExpectedInline(
            errors(RELU.format("pointwise"), shapes=None),
            """\
native_functions.yaml:4: error: shape_function 'pointwise' needs python/aten_mini/_shape_functions.py, which was not found next to this file or above it
  hint: shape functions live in python/aten_mini/_shape_functions.py of the kit""",
        )

    def test_module_with_a_syntax_error(self) -> None:
        self.assertExpectedInline(
            errors(RELU.format("pointwise"), shapes="def pointwise(:\n"),
            """python/aten_mini/_shape_functions.py:1: error: syntax error: invalid syntax""",
        )

    def test_the_repository_names_only_existing_functions(self) -> None:
        parsed = load_and_check(REPO / "native_functions.yaml", REPO / "tags.yaml")
        self.assertEqual(parsed.errors, [])
        named = {f.shape_function.name for f in parsed.native_functions if f.shape_function}
        # Compared with the module itself, not with a list of today's names: an
        # op added to main (or by a task) may use a new shape function.
        module = ast.parse((REPO / "python" / "aten_mini" / "_shape_functions.py").read_text())
        public = {
            n.name for n in module.body if isinstance(n, ast.FunctionDef) and n.name[0] != "_"
        }
        self.assertIn("pointwise", named)
        self.assertLessEqual(named, public)
