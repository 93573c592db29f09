"""Pieces of generated C++ whose cases the repository's YAML and the other fixtures
do not reach: kit-only tags in RegisterSchema.cpp, a structured op without
`structured_inherits` (meta class on at::impl::MetaBase, TORCH_META_FUNC2), and
a CUDA wrapper without device checks or guard.  The pieces are rendered from
templates/macros/ (Note [Logic-free templates] in torchgen_mini/templating.py).
"""

from __future__ import annotations

from pathlib import Path

from codegen_testutil import TAGS, by_name

from torchgen_mini.dest import register_dispatch_key, register_schema, structured
from torchgen_mini.model import DispatchKey, NativeFunction
from torchgen_mini.native_yaml import parse_native_yaml

YAML = """\
- func: foo.Scalar(Tensor self, Scalar alpha) -> Tensor
  structured_delegate: foo.Scalar_out
  tags: [pointwise, kit_special, core]

- func: foo.Scalar_out(Tensor self, Scalar alpha, *, Tensor(a!) out) -> Tensor(a!)
  structured: True
  dispatch:
    CUDA: foo_out_cuda

- func: bar(Tensor self, Tensor[] others) -> Tensor
  device_check: NoCheck
  device_guard: False
  dispatch:
    CUDA: bar_cuda
  tags: kit_special
"""


def _fns(tmp_path: Path) -> list[NativeFunction]:
    tags = tmp_path / "tags.yaml"
    tags.write_text(TAGS.read_text() + "- tag: kit_special\n  desc: |\n    For a test.\n")
    path = tmp_path / "native_functions.yaml"
    path.write_text(YAML)
    parsed = parse_native_yaml(path, tags)
    assert not parsed.errors, "\n".join(map(str, parsed.errors))
    return parsed.native_functions


def test_schema_def_kit_only_tags(tmp_path: Path) -> None:
    fns = _fns(tmp_path)
    assert register_schema.schema_def(by_name(fns, "foo.Scalar")) == (
        'm.def("foo.Scalar(Tensor self, Scalar alpha) -> Tensor",'
        " {at::Tag::core, at::Tag::pointwise});  // kit-only tags: kit_special"
    )
    assert register_schema.schema_def(by_name(fns, "bar")) == (
        'm.def("bar(Tensor self, Tensor[] others) -> Tensor", {});  // kit-only tags: kit_special'
    )


def test_meta_declaration_without_inherits(tmp_path: Path) -> None:
    (group,) = structured.groups(_fns(tmp_path))
    assert structured.meta_declaration(group) == (
        "// foo.Scalar_out (structured); define meta() with TORCH_META_FUNC2(foo, Scalar)(...)"
        " in namespace at_mini::meta.\n"
        "struct structured_foo_Scalar : public at::impl::MetaBase {\n"
        "  void meta(const at::Tensor& self, const at::Scalar& alpha);\n"
        "};"
    )
    assert structured.impl_declarations(group) == [
        "// foo.Scalar_out (CUDA, structured); define impl() with"
        " TORCH_IMPL_FUNC(foo_out_cuda)(...).\n"
        "struct structured_foo_out_cuda : public at_mini::meta::structured_foo_Scalar {\n"
        "  void impl(const at::Tensor& self, const at::Scalar& alpha, const at::Tensor& out);\n"
        "};"
    ]


def test_cuda_wrapper_without_checks_or_guard(tmp_path: Path) -> None:
    regs = register_dispatch_key.registrations(_fns(tmp_path))[DispatchKey.CUDA]
    (bar,) = [r for r in regs if str(r.f.func.name) == "bar"]
    assert register_dispatch_key.wrapper(bar) == (
        "at::Tensor wrapper_CUDA_bar(const at::Tensor& self, at::TensorList others) {\n"
        "  return at_mini::native::bar_cuda(self, others);\n"
        "}"
    )
