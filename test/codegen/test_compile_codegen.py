# ruff: noqa: E501  (golden text: generated lines are long)
"""Golden tests for what torch.compile needs: `_C_fakes.py`, `_C_polyfills.py`, Meta.

For the repository's own YAML: the fake kernels of a functional + in-place +
out= group and of a reduction, the polyfills of a one-overload name and of a
name with Tensor/Scalar overloads, and which entries still get a C++ Meta
kernel. Update with `EXPECTTEST_ACCEPT=1 pytest test/codegen/test_compile_codegen.py`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import expecttest

from torchgen_mini.dest import fakes, polyfills, register_dispatch_key
from torchgen_mini.file_manager import FileManager
from torchgen_mini.model import DispatchKey, NativeFunction
from torchgen_mini.native_yaml import parse_native_yaml

REPO = Path(__file__).resolve().parents[2]


def _fns() -> list[NativeFunction]:
    parsed = parse_native_yaml(REPO / "native_functions.yaml", REPO / "tags.yaml")
    assert not parsed.errors, "\n".join(map(str, parsed.errors))
    return parsed.native_functions


FNS = _fns()


def fakes_of(*names: str) -> str:
    fns = [f for f in FNS if str(f.func.name) in names]
    return "\n\n".join(fakes.fake(f) for f in fns)


def polyfill_of(name: str) -> str:
    values = polyfills.compute(FNS)
    rendered: list[str] = values["polyfills"]  # type: ignore[assignment]
    return next(p for p in rendered if f"def {name}(" in p)


class TestFakes(expecttest.TestCase):
    def test_functional_inplace_out_group(self) -> None:
        self.assertExpectedInline(
            fakes_of("add.Tensor", "add_.Tensor", "add.out"),
            """\
def fake_add_Tensor(self: Tensor, other: Tensor, *, alpha: _Scalar = 1) -> Tensor:
    return shape.pointwise(self, other)

def fake_add__Tensor(self: Tensor, other: Tensor, *, alpha: _Scalar = 1) -> Tensor:
    return _fake_inplace(self, shape.pointwise(self, other))

def fake_add_out(self: Tensor, other: Tensor, *, alpha: _Scalar = 1, out: Tensor) -> Tensor:
    return _fake_out(out, shape.pointwise(self, other))""",
        )

    def test_reduction(self) -> None:
        self.assertExpectedInline(
            fakes_of("sum.dim_IntList", "sum.IntList_out"),
            """\
def fake_sum_dim_IntList(self: Tensor, dim: int | Sequence[int] | None, keepdim: bool = False, *, dtype: torch.dtype | None = None) -> Tensor:
    return shape.reduction(self, dim, keepdim, dtype)

def fake_sum_IntList_out(self: Tensor, dim: int | Sequence[int] | None, keepdim: bool = False, *, dtype: torch.dtype | None = None, out: Tensor) -> Tensor:
    return _fake_out(out, shape.reduction(self, dim, keepdim, dtype))""",
        )

    def test_table_names_every_entry_with_a_shape_function(self) -> None:
        table: list[str] = fakes.compute(FNS)["table"]  # type: ignore[assignment]
        expected = [str(f.func.name) for f in FNS if f.shape_function is not None]
        self.assertEqual([line.split('"')[1].split("::")[1] for line in table], expected)
        self.assertIn('"aten_mini::relu.out": fake_relu_out,', table)


class TestPolyfills(expecttest.TestCase):
    def test_one_overload_with_out(self) -> None:
        self.assertExpectedInline(
            polyfill_of("relu"),
            """\
def relu(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    result = torch.ops.aten_mini.relu.default(input)
    if out is None:
        return result
    if can_copy_out(out, result):
        return out.copy_(result)
    return torch.ops.aten_mini.relu.out(input, out=out)""",
        )

    def test_inplace_goes_through_the_functional_overload(self) -> None:
        self.assertExpectedInline(
            polyfill_of("sigmoid_"),
            """\
def sigmoid_(input: Tensor) -> Tensor:
    return copy_inplace(input, torch.ops.aten_mini.sigmoid.default(input))""",
        )

    def test_tensor_and_scalar_overloads(self) -> None:
        self.assertExpectedInline(
            polyfill_of("add"),
            """\
def _add_0(input: Tensor, other: Tensor, *, alpha: _Scalar = 1, out: Tensor | None = None) -> Tensor:
    result = torch.ops.aten_mini.add.Tensor(input, other, alpha=alpha)
    if out is None:
        return result
    if can_copy_out(out, result):
        return out.copy_(result)
    return torch.ops.aten_mini.add.out(input, other, alpha=alpha, out=out)


def _add_1(input: Tensor, other: _Scalar, alpha: _Scalar = 1) -> Tensor:
    return torch.ops.aten_mini.add.Scalar(input, other, alpha)


_ADD_OVERLOADS: Overloads = (
    (
        (
            Param("input", "Tensor", kw_only=False, has_default=False, optional=False),
            Param("other", "Tensor", kw_only=False, has_default=False, optional=False),
            Param("alpha", "Scalar", kw_only=True, has_default=True, optional=False),
            Param("out", "any", kw_only=True, has_default=True, optional=True),
        ),
        _add_0,
    ),
    (
        (
            Param("input", "Tensor", kw_only=False, has_default=False, optional=False),
            Param("other", "Scalar", kw_only=False, has_default=False, optional=False),
            Param("alpha", "Scalar", kw_only=False, has_default=True, optional=False),
        ),
        _add_1,
    ),
)


def add(*args: Any, **kwargs: Any) -> Any:
    return pick("add", _ADD_OVERLOADS, args, kwargs)""",
        )


class TestGeneratedModules(expecttest.TestCase):
    def test_both_modules_are_valid_python(self) -> None:
        fm = FileManager(Path("unused"))
        fm.add("_C_fakes.py", "_C_fakes.py.in", fakes.compute(FNS))
        fm.add("_C_polyfills.py", "_C_polyfills.py.in", polyfills.compute(FNS))
        for name, text in fm.pending.items():
            self.assertTrue(text.startswith("# @generated from torchgen_mini/templates/"))
            ast.parse(text, filename=name)

    def test_entries_with_a_shape_function_get_no_cpp_meta_kernel(self) -> None:
        # Structured ops are the exception: their Meta kernel is the generated
        # structured wrapper (Note [Structured ops keep a Python fake]).
        regs = register_dispatch_key.registrations(FNS).get(DispatchKey.Meta, [])
        with_meta = {str(r.f.func.name) for r in regs if r.group is None}
        self.assertFalse({str(f.func.name) for f in FNS if f.shape_function} & with_meta)
        unstructured = [f for f in FNS if f.shape_function and not f.part_of_structured_group]
        self.assertEqual(register_dispatch_key.meta_kernel(unstructured[0]), None)
        structured = {str(r.f.func.name) for r in regs if r.group is not None}
        self.assertIn("add.Tensor", structured)
