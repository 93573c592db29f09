# ruff: noqa: E501  (golden text: generated C++ lines are long)
"""Golden tests: what the generator emits for a few representative ops.

Each test shows, for one op, every generated piece: the schema registration,
the per-key wrappers and `m.impl` lines, the C++ API, the kernel
declarations, the pybind11 binding and the `.pyi` stub.  Update the expected
text with `EXPECTTEST_ACCEPT=1 pytest test/codegen/test_golden.py` and review
the diff like any other change.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import expecttest
from codegen_testutil import load, make_tree

from torchgen_mini.dest import (
    dispatch_stubs,
    functions,
    native_functions,
    pyi,
    python_functions,
    register_dispatch_key,
    register_schema,
)
from torchgen_mini.file_manager import FileManager
from torchgen_mini.model import NativeFunction


def _fns() -> list[NativeFunction]:
    with tempfile.TemporaryDirectory() as d:
        return load(make_tree(Path(d)))


FNS = _fns()


def of(base: str) -> list[NativeFunction]:
    return [f for f in FNS if f.root_name == base]


def pybind_blocks(base: str) -> list[str]:
    text = FileManager(Path(".")).render("python_functions.cpp", python_functions.compute(FNS))
    end = r'\n      (?:docs\.get\("\w+"\)|"")\);\n'
    blocks = re.findall(r"  m\.def\(\n.*?" + end, text, flags=re.DOTALL)
    return [b for b in blocks if re.search(rf'"{base}_?",', b)]


def registrations(fns: list[NativeFunction]) -> list[str]:
    out: list[str] = []
    for key, regs in register_dispatch_key.registrations(fns).items():
        for r in regs:
            out += [
                f"[{key}]",
                register_dispatch_key.wrapper(r),
                register_dispatch_key.impl_line(r),
            ]
    return out


def golden(base: str) -> str:
    fns = of(base)
    parts = [
        *[register_schema.schema_def(f) for f in fns],
        *registrations(fns),
        *[text for f in fns for text in functions.inline_functions(f)],
        *native_functions.declarations(fns),
        *[b.rstrip("\n") for b in pybind_blocks(base)],
        *[s for s in pyi.stubs(FNS) if re.search(rf"def {base}_?\(", s)],
    ]
    return "\n".join(parts)


class TestGolden(expecttest.TestCase):
    def test_add(self) -> None:
        self.assertExpectedInline(
            golden("add"),
            """\
m.def("add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor", {at::Tag::core, at::Tag::pointwise});
m.def("add_.Tensor(Tensor(a!) self, Tensor other, *, Scalar alpha=1) -> Tensor(a!)", {});
m.def("add.out(Tensor self, Tensor other, *, Scalar alpha=1, Tensor(a!) out) -> Tensor(a!)", {});
m.def("add.Scalar(Tensor self, Scalar other, Scalar alpha=1) -> Tensor", {});
[CPU]
at::Tensor wrapper_CPU_add_Tensor(const at::Tensor& self, const at::Tensor& other, const at::Scalar& alpha) {
  return at_mini::native::add(self, other, alpha);
}
m.impl("add.Tensor", TORCH_FN(wrapper_CPU_add_Tensor));
[CPU]
at::Tensor& wrapper_CPU_add__Tensor(at::Tensor& self, const at::Tensor& other, const at::Scalar& alpha) {
  return at_mini::native::add_(self, other, alpha);
}
m.impl("add_.Tensor", TORCH_FN(wrapper_CPU_add__Tensor));
[CPU]
at::Tensor& wrapper_CPU_add_out(const at::Tensor& self, const at::Tensor& other, const at::Scalar& alpha, at::Tensor& out) {
  return at_mini::native::add_out(self, other, alpha, out);
}
m.impl("add.out", TORCH_FN(wrapper_CPU_add_out));
[CUDA]
at::Tensor wrapper_CUDA_add_Tensor(const at::Tensor& self, const at::Tensor& other, const at::Scalar& alpha) {
  std::optional<c10::Device> common_device = std::nullopt;
  c10::impl::check_and_update_common_device(common_device, self, "wrapper_CUDA_add_Tensor", "self");
  c10::impl::check_and_update_common_device(common_device, other, "wrapper_CUDA_add_Tensor", "other");
  const c10::OptionalDeviceGuard device_guard(device_of(self));
  return at_mini::native::add(self, other, alpha);
}
m.impl("add.Tensor", TORCH_FN(wrapper_CUDA_add_Tensor));
[CUDA]
at::Tensor& wrapper_CUDA_add__Tensor(at::Tensor& self, const at::Tensor& other, const at::Scalar& alpha) {
  std::optional<c10::Device> common_device = std::nullopt;
  c10::impl::check_and_update_common_device(common_device, self, "wrapper_CUDA_add__Tensor", "self");
  c10::impl::check_and_update_common_device(common_device, other, "wrapper_CUDA_add__Tensor", "other");
  const c10::OptionalDeviceGuard device_guard(device_of(self));
  return at_mini::native::add_(self, other, alpha);
}
m.impl("add_.Tensor", TORCH_FN(wrapper_CUDA_add__Tensor));
[CUDA]
at::Tensor& wrapper_CUDA_add_out(const at::Tensor& self, const at::Tensor& other, const at::Scalar& alpha, at::Tensor& out) {
  std::optional<c10::Device> common_device = std::nullopt;
  c10::impl::check_and_update_common_device(common_device, self, "wrapper_CUDA_add_out", "self");
  c10::impl::check_and_update_common_device(common_device, other, "wrapper_CUDA_add_out", "other");
  c10::impl::check_and_update_common_device(common_device, out, "wrapper_CUDA_add_out", "out");
  const c10::OptionalDeviceGuard device_guard(device_of(out));
  return at_mini::native::add_out(self, other, alpha, out);
}
m.impl("add.out", TORCH_FN(wrapper_CUDA_add_out));
[Meta]
at::Tensor wrapper_Meta_add_Tensor(const at::Tensor& self, const at::Tensor& other, const at::Scalar& alpha) {
  return at_mini::native::add(self, other, alpha);
}
m.impl("add.Tensor", TORCH_FN(wrapper_Meta_add_Tensor));
[Meta]
at::Tensor& wrapper_Meta_add__Tensor(at::Tensor& self, const at::Tensor& other, const at::Scalar& alpha) {
  return at_mini::native::add_(self, other, alpha);
}
m.impl("add_.Tensor", TORCH_FN(wrapper_Meta_add__Tensor));
[Meta]
at::Tensor& wrapper_Meta_add_out(const at::Tensor& self, const at::Tensor& other, const at::Scalar& alpha, at::Tensor& out) {
  return at_mini::native::add_out(self, other, alpha, out);
}
m.impl("add.out", TORCH_FN(wrapper_Meta_add_out));
[CompositeExplicitAutograd]
at::Tensor wrapper_CompositeExplicitAutograd_add_Scalar(const at::Tensor& self, const at::Scalar& other, const at::Scalar& alpha) {
  return at_mini::native::add_scalar(self, other, alpha);
}
m.impl("add.Scalar", TORCH_FN(wrapper_CompositeExplicitAutograd_add_Scalar));
// add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor
inline at::Tensor add(const at::Tensor& self, const at::Tensor& other, const at::Scalar& alpha=1) {
  return at_mini::_ops::add_Tensor::call(self, other, alpha);
}
// add_.Tensor(Tensor(a!) self, Tensor other, *, Scalar alpha=1) -> Tensor(a!)
inline at::Tensor& add_(at::Tensor& self, const at::Tensor& other, const at::Scalar& alpha=1) {
  return at_mini::_ops::add__Tensor::call(self, other, alpha);
}
// add.out(Tensor self, Tensor other, *, Scalar alpha=1, Tensor(a!) out) -> Tensor(a!)
inline at::Tensor& add_out(at::Tensor& out, const at::Tensor& self, const at::Tensor& other, const at::Scalar& alpha=1) {
  return at_mini::_ops::add_out::call(self, other, alpha, out);
}
// add.out(Tensor self, Tensor other, *, Scalar alpha=1, Tensor(a!) out) -> Tensor(a!)
inline at::Tensor& add_outf(const at::Tensor& self, const at::Tensor& other, const at::Scalar& alpha, at::Tensor& out) {
  return at_mini::_ops::add_out::call(self, other, alpha, out);
}
// add.Scalar(Tensor self, Scalar other, Scalar alpha=1) -> Tensor
inline at::Tensor add(const at::Tensor& self, const at::Scalar& other, const at::Scalar& alpha=1) {
  return at_mini::_ops::add_Scalar::call(self, other, alpha);
}
// add.Tensor (CPU, CUDA)
at::Tensor add(const at::Tensor& self, const at::Tensor& other, const at::Scalar& alpha);
// add_.Tensor (CPU, CUDA)
at::Tensor& add_(at::Tensor& self, const at::Tensor& other, const at::Scalar& alpha);
// add.out (CPU, CUDA)
at::Tensor& add_out(const at::Tensor& self, const at::Tensor& other, const at::Scalar& alpha, at::Tensor& out);
// add.Scalar (CompositeExplicitAutograd)
at::Tensor add_scalar(const at::Tensor& self, const at::Scalar& other, const at::Scalar& alpha);
  m.def(
      "add",
      [](const at::Tensor& input, const at::Tensor& other, ScalarArg alpha, std::optional<at::Tensor> out) -> at::Tensor {
        if (!out.has_value()) {
          return at_mini::_ops::add_Tensor::call(input, other, unpack(alpha));
        }
        return at_mini::_ops::add_out::call(input, other, unpack(alpha), *out);
      },
      py::arg("input"), py::arg("other"), py::kw_only(), py::arg("alpha") = 1, py::arg("out") = py::none(),
      // See Note [C++ warnings as Python warnings] in python_arg_casters.h
      py::call_guard<WarningsToPython, py::gil_scoped_release>(),
      docs.get("add"));
  m.def(
      "add",
      [](const at::Tensor& input, ScalarArg other, ScalarArg alpha) -> at::Tensor {
        return at_mini::_ops::add_Scalar::call(input, unpack(other), unpack(alpha));
      },
      py::arg("input"), py::arg("other"), py::arg("alpha") = 1,
      // See Note [C++ warnings as Python warnings] in python_arg_casters.h
      py::call_guard<WarningsToPython, py::gil_scoped_release>(),
      "");
  m.def(
      "add_",
      [](at::Tensor input, const at::Tensor& other, ScalarArg alpha) -> at::Tensor {
        return at_mini::_ops::add__Tensor::call(input, other, unpack(alpha));
      },
      py::arg("input"), py::arg("other"), py::kw_only(), py::arg("alpha") = 1,
      // See Note [C++ warnings as Python warnings] in python_arg_casters.h
      py::call_guard<WarningsToPython, py::gil_scoped_release>(),
      docs.get("add_"));
@overload
def add(input: Tensor, other: Tensor, *, alpha: _Scalar = 1, out: Tensor | None = None) -> Tensor: ...
@overload
def add(input: Tensor, other: _Scalar, alpha: _Scalar = 1) -> Tensor: ...
def add_(input: Tensor, other: Tensor, *, alpha: _Scalar = 1) -> Tensor: ...""",
        )

    def test_softplus(self) -> None:
        self.assertExpectedInline(
            golden("softplus"),
            """\
m.def("softplus(Tensor self, Scalar beta=1, Scalar threshold=20) -> Tensor", {});
[CPU]
at::Tensor wrapper_CPU_softplus(const at::Tensor& self, const at::Scalar& beta, const at::Scalar& threshold) {
  return at_mini::native::softplus(self, beta, threshold);
}
m.impl("softplus", TORCH_FN(wrapper_CPU_softplus));
[CUDA]
at::Tensor wrapper_CUDA_softplus(const at::Tensor& self, const at::Scalar& beta, const at::Scalar& threshold) {
  std::optional<c10::Device> common_device = std::nullopt;
  c10::impl::check_and_update_common_device(common_device, self, "wrapper_CUDA_softplus", "self");
  const c10::OptionalDeviceGuard device_guard(device_of(self));
  return at_mini::native::softplus(self, beta, threshold);
}
m.impl("softplus", TORCH_FN(wrapper_CUDA_softplus));
[Meta]
at::Tensor wrapper_Meta_softplus(const at::Tensor& self, const at::Scalar& beta, const at::Scalar& threshold) {
  return at_mini::native::softplus(self, beta, threshold);
}
m.impl("softplus", TORCH_FN(wrapper_Meta_softplus));
// softplus(Tensor self, Scalar beta=1, Scalar threshold=20) -> Tensor
inline at::Tensor softplus(const at::Tensor& self, const at::Scalar& beta=1, const at::Scalar& threshold=20) {
  return at_mini::_ops::softplus::call(self, beta, threshold);
}
// softplus (CPU, CUDA)
at::Tensor softplus(const at::Tensor& self, const at::Scalar& beta, const at::Scalar& threshold);
  m.def(
      "softplus",
      [](const at::Tensor& input, ScalarArg beta, ScalarArg threshold) -> at::Tensor {
        return at_mini::_ops::softplus::call(input, unpack(beta), unpack(threshold));
      },
      py::arg("input"), py::arg("beta") = 1, py::arg("threshold") = 20,
      // See Note [C++ warnings as Python warnings] in python_arg_casters.h
      py::call_guard<WarningsToPython, py::gil_scoped_release>(),
      docs.get("softplus"));
def softplus(input: Tensor, beta: _Scalar = 1, threshold: _Scalar = 20) -> Tensor: ...""",
        )

    def test_sum_dim_intlist(self) -> None:
        self.assertExpectedInline(
            golden("sum"),
            """\
m.def("sum.dim_IntList(Tensor self, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor", {at::Tag::core, at::Tag::reduction});
[CPU]
at::Tensor wrapper_CPU_sum_dim_IntList(const at::Tensor& self, at::OptionalIntArrayRef dim, bool keepdim, std::optional<at::ScalarType> dtype) {
  return at_mini::native::sum_dim(self, dim, keepdim, dtype);
}
m.impl("sum.dim_IntList", TORCH_FN(wrapper_CPU_sum_dim_IntList));
[CUDA]
at::Tensor wrapper_CUDA_sum_dim_IntList(const at::Tensor& self, at::OptionalIntArrayRef dim, bool keepdim, std::optional<at::ScalarType> dtype) {
  std::optional<c10::Device> common_device = std::nullopt;
  c10::impl::check_and_update_common_device(common_device, self, "wrapper_CUDA_sum_dim_IntList", "self");
  const c10::OptionalDeviceGuard device_guard(device_of(self));
  return at_mini::native::sum_dim(self, dim, keepdim, dtype);
}
m.impl("sum.dim_IntList", TORCH_FN(wrapper_CUDA_sum_dim_IntList));
[Meta]
at::Tensor wrapper_Meta_sum_dim_IntList(const at::Tensor& self, at::OptionalIntArrayRef dim, bool keepdim, std::optional<at::ScalarType> dtype) {
  return at_mini::native::sum_dim(self, dim, keepdim, dtype);
}
m.impl("sum.dim_IntList", TORCH_FN(wrapper_Meta_sum_dim_IntList));
// sum.dim_IntList(Tensor self, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor
inline at::Tensor sum(const at::Tensor& self, at::OptionalIntArrayRef dim, bool keepdim=false, std::optional<at::ScalarType> dtype=std::nullopt) {
  return at_mini::_ops::sum_dim_IntList::call(self, dim, keepdim, dtype);
}
// sum.dim_IntList (CPU, CUDA)
at::Tensor sum_dim(const at::Tensor& self, at::OptionalIntArrayRef dim, bool keepdim, std::optional<at::ScalarType> dtype);
  m.def(
      "sum",
      [](const at::Tensor& input, std::optional<IntListArg> dim, bool keepdim, std::optional<at::ScalarType> dtype) -> at::Tensor {
        return at_mini::_ops::sum_dim_IntList::call(input, unpack(dim), keepdim, dtype);
      },
      py::arg("input"), py::arg("dim"), py::arg("keepdim") = false, py::kw_only(), py::arg("dtype") = py::none(),
      // See Note [C++ warnings as Python warnings] in python_arg_casters.h
      py::call_guard<WarningsToPython, py::gil_scoped_release>(),
      docs.get("sum"));
def sum(input: Tensor, dim: int | Sequence[int] | None, keepdim: bool = False, *, dtype: torch.dtype | None = None) -> Tensor: ...""",
        )

    def test_silu(self) -> None:
        self.assertExpectedInline(
            golden("silu"),
            """\
m.def("silu(Tensor self) -> Tensor", {});
[CompositeImplicitAutograd]
at::Tensor wrapper_CompositeImplicitAutograd_silu(const at::Tensor& self) {
  return at_mini::native::silu(self);
}
m.impl("silu", TORCH_FN(wrapper_CompositeImplicitAutograd_silu));
// silu(Tensor self) -> Tensor
inline at::Tensor silu(const at::Tensor& self) {
  return at_mini::_ops::silu::call(self);
}
// silu (CompositeImplicitAutograd)
at::Tensor silu(const at::Tensor& self);
  m.def(
      "silu",
      [](const at::Tensor& input) -> at::Tensor {
        return at_mini::_ops::silu::call(input);
      },
      py::arg("input"),
      // See Note [C++ warnings as Python warnings] in python_arg_casters.h
      py::call_guard<WarningsToPython, py::gil_scoped_release>(),
      docs.get("silu"));
def silu(input: Tensor) -> Tensor: ...""",
        )

    def test_stub_declaration(self) -> None:
        stubs = dispatch_stubs.unique_stubs(FNS)
        text = [dispatch_stubs.declaration(s) for s in stubs]
        text += dispatch_stubs.compute_source(FNS)["definitions"]  # type: ignore[operator]
        self.assertExpectedInline(
            "\n".join(text),
            """\
using add_stub_fn = void (*)(at::TensorIteratorBase&, const c10::Scalar&);
DECLARE_DISPATCH(add_stub_fn, add_stub);
DEFINE_DISPATCH(add_stub);""",
        )
