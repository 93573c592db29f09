# ruff: noqa: E501  (golden text: generated C++ lines are long)
"""Structured kernels: the generated code of one structured group, and the checks around it.

The fixture YAML below is the tests' own (not the repository's), so a learner
converting an op in native_functions.yaml changes nothing expected here.
Update the golden with `EXPECTTEST_ACCEPT=1 pytest test/codegen/test_structured.py`
and review the diff like any other change.
"""

from __future__ import annotations

import difflib
import tempfile
from pathlib import Path

import expecttest
import torchgen
import yaml
from codegen_testutil import TAGS, load, make_tree

from torchgen_mini.dest import native_functions, register_dispatch_key, structured
from torchgen_mini.file_manager import FileManager
from torchgen_mini.kernel_check import missing_kernels
from torchgen_mini.model import DispatchKey, NativeFunction
from torchgen_mini.native_yaml import parse_native_yaml

YAML = """\
- func: hypot(Tensor self, Tensor other) -> Tensor
  structured_delegate: hypot.out
  dispatch_stub:
    hypot_stub: void(at::TensorIteratorBase&)

- func: hypot_(Tensor(a!) self, Tensor other) -> Tensor(a!)
  structured_delegate: hypot.out

- func: hypot.out(Tensor self, Tensor other, *, Tensor(a!) out) -> Tensor(a!)
  structured: True
  structured_inherits: TensorIteratorBase
  dispatch:
    CPU, CUDA: hypot_out
"""

KERNELS = """\
namespace at_mini::meta {
TORCH_META_FUNC(hypot)(const at::Tensor& self, const at::Tensor& other) {
  build_borrowing_binary_op(maybe_get_output(), self, other);
}
}  // namespace at_mini::meta
namespace at_mini::native {
TORCH_IMPL_FUNC(hypot_out)(const at::Tensor& self, const at::Tensor& other, const at::Tensor& out) {
  hypot_stub(device_type(), *this);
}
}  // namespace at_mini::native
"""


def _fns(yaml_text: str = YAML) -> list[NativeFunction]:
    with tempfile.TemporaryDirectory() as d:
        return load(make_tree(Path(d), yaml_text, KERNELS))


FNS = _fns()


def registrations() -> dict[str, str]:
    """Key -> its wrappers and m.impl lines, as Register<Key>.cpp has them."""
    out: dict[str, str] = {}
    for key, regs in register_dispatch_key.registrations(FNS).items():
        lines = [register_dispatch_key.wrapper(r) for r in regs]
        lines += [register_dispatch_key.impl_line(r) for r in regs]
        out[str(key)] = "\n".join(lines)
    return out


def cpu_wrappers() -> dict[str, str]:
    """Overload name -> its CPU wrapper."""
    regs = register_dispatch_key.registrations(FNS)[DispatchKey.CPU]
    return {str(r.f.func.name): register_dispatch_key.wrapper(r) for r in regs}


def changed_lines(before: str, after: str) -> str:
    """The changes from `before` to `after`: each distinct hunk of a context-free
    unified diff once, with how many times it occurs (`@@ 3x`)."""
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    hunks: dict[str, int] = {}
    body: list[str] = []
    for line in [*diff, "@@"]:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            if body:
                key = "\n".join(body)
                hunks[key] = hunks.get(key, 0) + 1
            body = []
        else:
            body.append(line)
    return "\n".join(f"@@ {n}x\n{hunk}" for hunk, n in hunks.items())


class TestStructuredGolden(expecttest.TestCase):
    def test_meta_header(self) -> None:
        values = structured.compute_meta_header("hypot", structured.groups(FNS))
        text = FileManager(Path(".")).render("ops_meta.h", values)
        self.assertExpectedInline(
            text,
            """\
#pragma once

// The meta classes of the structured hypot operators of
// native_functions.yaml.  Define each meta() with TORCH_META_FUNC /
// TORCH_META_FUNC2 in namespace at_mini::meta (aten_mini/native/*.cpp); the
// impl classes derive from these (ops/hypot_native.h).

#include <ATen/TensorMeta.h>
#include <ATen/TensorIterator.h>

namespace at_mini::meta {

// hypot.out (structured); define meta() with TORCH_META_FUNC(hypot)(...) in namespace at_mini::meta.
struct structured_hypot : public at::TensorIteratorBase {
  void meta(const at::Tensor& self, const at::Tensor& other);
};

} // namespace at_mini::meta
""",
        )

    def test_native_header(self) -> None:
        values = native_functions.compute_op("hypot", FNS)
        text = FileManager(Path(".")).render("ops_native.h", values)
        self.assertExpectedInline(
            text,
            """\
#pragma once

// The kernels named in the `dispatch:` entries of the hypot operators of
// native_functions.yaml.  Define each of them in namespace at_mini::native
// with exactly this signature (aten_mini/native/*.cpp).

#include <ATen/core/Tensor.h>
#include <c10/util/OptionalArrayRef.h>

#include <optional>
#include <tuple>
#include <vector>
#include "ops/hypot_meta.h"

namespace at_mini::native {

// hypot.out (CPU, CUDA, structured); define impl() with TORCH_IMPL_FUNC(hypot_out)(...).
struct structured_hypot_out : public at_mini::meta::structured_hypot {
  void impl(const at::Tensor& self, const at::Tensor& other, const at::Tensor& out);
};

} // namespace at_mini::native
""",
        )

    def test_wrappers(self) -> None:
        # The functional CPU wrapper in full; the in-place one, out= and the
        # other keys as what they change.
        self.assertEqual(set(registrations()), {"CPU", "CUDA", "Meta"})
        self.assertEqual(list(cpu_wrappers()), ["hypot", "hypot_", "hypot.out"])
        self.assertExpectedInline(
            cpu_wrappers()["hypot"],
            """\
struct structured_hypot_out_functional final : public at_mini::native::structured_hypot_out {
  void set_output_strided(
      int64_t output_idx,
      at::IntArrayRef sizes,
      at::IntArrayRef strides,
      at::TensorOptions options) override {
    outputs_[output_idx] = create_out(sizes, strides, options);
    // The parent last: it reads the output back through maybe_get_output().
    at_mini::native::structured_hypot_out::set_output_raw_strided(output_idx, sizes, strides, options);
  }
  void set_output_raw_strided(
      int64_t output_idx,
      at::IntArrayRef sizes,
      at::IntArrayRef strides,
      at::TensorOptions options) override {
    outputs_[output_idx] = create_out(sizes, strides, options);
    // The parent last: it reads the output back through maybe_get_output().
    at_mini::native::structured_hypot_out::set_output_raw_strided(output_idx, sizes, strides, options);
  }
  const at::Tensor& maybe_get_output(int64_t output_idx) override {
    return outputs_[output_idx];
  }
  std::array<at::Tensor, 1> outputs_;
};

at::Tensor wrapper_CPU_hypot(const at::Tensor& self, const at::Tensor& other) {
  structured_hypot_out_functional op;
  op.meta(self, other);
  op.impl(self, other, op.outputs_[0]);
  return std::move(op.outputs_[0]);
}""",
        )

    def test_inplace_wrapper_checks_self(self) -> None:
        w = cpu_wrappers()
        self.assertExpectedInline(
            changed_lines(w["hypot"], w["hypot_"]),
            """\
@@ 1x
-struct structured_hypot_out_functional final : public at_mini::native::structured_hypot_out {
+struct structured_hypot_out_inplace final : public at_mini::native::structured_hypot_out {
+  explicit structured_hypot_out_inplace(at::Tensor& out0) : outputs_{std::ref(out0)} {}
@@ 1x
-    outputs_[output_idx] = create_out(sizes, strides, options);
+    const auto& out = outputs_[output_idx].get();
+    check_inplace(out, sizes, options);
+    auto proxy = maybe_create_proxy(out, sizes, strides, options);
+    if (C10_UNLIKELY(proxy.has_value())) {
+      proxy_outputs_[output_idx] = std::move(proxy).value();
+    }
@@ 1x
-    outputs_[output_idx] = create_out(sizes, strides, options);
+    const auto& out = outputs_[output_idx].get();
+    check_inplace(out, sizes, options);
@@ 1x
-    return outputs_[output_idx];
+    return proxy_outputs_[output_idx].has_value() ? *proxy_outputs_[output_idx]
+                                                  : outputs_[output_idx].get();
@@ 1x
-  std::array<at::Tensor, 1> outputs_;
+  std::array<std::reference_wrapper<at::Tensor>, 1> outputs_;
+  std::array<std::optional<at::Tensor>, 1> proxy_outputs_;
@@ 1x
-at::Tensor wrapper_CPU_hypot(const at::Tensor& self, const at::Tensor& other) {
-  structured_hypot_out_functional op;
+at::Tensor& wrapper_CPU_hypot_(at::Tensor& self, const at::Tensor& other) {
+  structured_hypot_out_inplace op(self);
@@ 1x
-  op.impl(self, other, op.outputs_[0]);
-  return std::move(op.outputs_[0]);
+  op.impl(self, other, op.maybe_get_output(0));
+  if (op.proxy_outputs_[0].has_value()) op.outputs_[0].get().copy_(*op.proxy_outputs_[0]);
+  return self;""",
        )

    def test_out_wrapper_resizes_out(self) -> None:
        # out= is the in-place wrapper with resize_out for check_inplace.
        w = cpu_wrappers()
        self.assertExpectedInline(
            changed_lines(w["hypot_"], w["hypot.out"]),
            """\
@@ 1x
-struct structured_hypot_out_inplace final : public at_mini::native::structured_hypot_out {
-  explicit structured_hypot_out_inplace(at::Tensor& out0) : outputs_{std::ref(out0)} {}
+struct structured_hypot_out_out final : public at_mini::native::structured_hypot_out {
+  explicit structured_hypot_out_out(at::Tensor& out0) : outputs_{std::ref(out0)} {}
@@ 2x
-    check_inplace(out, sizes, options);
+    resize_out(out, sizes, strides, options);
@@ 1x
-at::Tensor& wrapper_CPU_hypot_(at::Tensor& self, const at::Tensor& other) {
-  structured_hypot_out_inplace op(self);
+at::Tensor& wrapper_CPU_hypot_out(const at::Tensor& self, const at::Tensor& other, at::Tensor& out) {
+  structured_hypot_out_out op(out);
@@ 1x
-  return self;
+  return out;""",
        )

    def test_dimnames_overrides_for_torch_with_named_tensors(self) -> None:
        # Note [torch with named tensors]: against torch 2.11's headers every
        # set_output_* override also takes the DimnameList and hands it on.
        regs = register_dispatch_key.registrations(FNS)[DispatchKey.CPU]
        out = next(r for r in regs if str(r.f.func.name) == "hypot.out")
        self.assertExpectedInline(
            changed_lines(
                register_dispatch_key.wrapper(out),
                register_dispatch_key.wrapper(out, dimnames=True),
            ),
            """\
@@ 2x
-      at::TensorOptions options) override {
+      at::TensorOptions options,
+      at::DimnameList names) override {
@@ 2x
-    at_mini::native::structured_hypot_out::set_output_raw_strided(output_idx, sizes, strides, options);
+    at_mini::native::structured_hypot_out::set_output_raw_strided(output_idx, sizes, strides, options, names);""",
        )

    def test_cuda_wrappers_add_device_guards(self) -> None:
        regs = registrations()
        self.assertExpectedInline(
            changed_lines(regs["CPU"], regs["CUDA"]),
            """\
@@ 6x
+    auto current_device = guard_.current_device();
+    if (C10_UNLIKELY(current_device.has_value())) {
+      TORCH_INTERNAL_ASSERT(
+          *current_device == options.device(),
+          "structured kernels don't support multi-device outputs");
+    } else {
+      guard_.reset_device(options.device());
+    }
@@ 3x
+  c10::OptionalDeviceGuard guard_;
@@ 1x
-at::Tensor wrapper_CPU_hypot(const at::Tensor& self, const at::Tensor& other) {
+at::Tensor wrapper_CUDA_hypot(const at::Tensor& self, const at::Tensor& other) {
+  std::optional<c10::Device> common_device = std::nullopt;
+  c10::impl::check_and_update_common_device(common_device, self, "wrapper_CUDA_hypot", "self");
+  c10::impl::check_and_update_common_device(common_device, other, "wrapper_CUDA_hypot", "other");
@@ 1x
-at::Tensor& wrapper_CPU_hypot_(at::Tensor& self, const at::Tensor& other) {
+at::Tensor& wrapper_CUDA_hypot_(at::Tensor& self, const at::Tensor& other) {
+  std::optional<c10::Device> common_device = std::nullopt;
+  c10::impl::check_and_update_common_device(common_device, self, "wrapper_CUDA_hypot_", "self");
+  c10::impl::check_and_update_common_device(common_device, other, "wrapper_CUDA_hypot_", "other");
@@ 1x
-at::Tensor& wrapper_CPU_hypot_out(const at::Tensor& self, const at::Tensor& other, at::Tensor& out) {
+at::Tensor& wrapper_CUDA_hypot_out(const at::Tensor& self, const at::Tensor& other, at::Tensor& out) {
+  std::optional<c10::Device> common_device = std::nullopt;
+  c10::impl::check_and_update_common_device(common_device, self, "wrapper_CUDA_hypot_out", "self");
+  c10::impl::check_and_update_common_device(common_device, other, "wrapper_CUDA_hypot_out", "other");
+  c10::impl::check_and_update_common_device(common_device, out, "wrapper_CUDA_hypot_out", "out");
@@ 1x
-m.impl("hypot", TORCH_FN(wrapper_CPU_hypot));
-m.impl("hypot_", TORCH_FN(wrapper_CPU_hypot_));
-m.impl("hypot.out", TORCH_FN(wrapper_CPU_hypot_out));
+m.impl("hypot", TORCH_FN(wrapper_CUDA_hypot));
+m.impl("hypot_", TORCH_FN(wrapper_CUDA_hypot_));
+m.impl("hypot.out", TORCH_FN(wrapper_CUDA_hypot_out));""",
        )

    def test_meta_wrappers_run_meta_only(self) -> None:
        regs = registrations()
        self.assertExpectedInline(
            changed_lines(regs["CPU"], regs["Meta"]),
            """\
@@ 1x
-struct structured_hypot_out_functional final : public at_mini::native::structured_hypot_out {
+struct structured_hypot_meta_functional final : public at_mini::meta::structured_hypot {
@@ 6x
-    at_mini::native::structured_hypot_out::set_output_raw_strided(output_idx, sizes, strides, options);
+    at_mini::meta::structured_hypot::set_output_raw_strided(output_idx, sizes, strides, options);
@@ 1x
-at::Tensor wrapper_CPU_hypot(const at::Tensor& self, const at::Tensor& other) {
-  structured_hypot_out_functional op;
+at::Tensor wrapper_Meta_hypot(const at::Tensor& self, const at::Tensor& other) {
+  structured_hypot_meta_functional op;
@@ 1x
-  op.impl(self, other, op.outputs_[0]);
@@ 1x
-struct structured_hypot_out_inplace final : public at_mini::native::structured_hypot_out {
-  explicit structured_hypot_out_inplace(at::Tensor& out0) : outputs_{std::ref(out0)} {}
+struct structured_hypot_meta_inplace final : public at_mini::meta::structured_hypot {
+  explicit structured_hypot_meta_inplace(at::Tensor& out0) : outputs_{std::ref(out0)} {}
@@ 1x
-at::Tensor& wrapper_CPU_hypot_(at::Tensor& self, const at::Tensor& other) {
-  structured_hypot_out_inplace op(self);
+at::Tensor& wrapper_Meta_hypot_(at::Tensor& self, const at::Tensor& other) {
+  structured_hypot_meta_inplace op(self);
@@ 2x
-  op.impl(self, other, op.maybe_get_output(0));
@@ 1x
-struct structured_hypot_out_out final : public at_mini::native::structured_hypot_out {
-  explicit structured_hypot_out_out(at::Tensor& out0) : outputs_{std::ref(out0)} {}
+struct structured_hypot_meta_out final : public at_mini::meta::structured_hypot {
+  explicit structured_hypot_meta_out(at::Tensor& out0) : outputs_{std::ref(out0)} {}
@@ 1x
-at::Tensor& wrapper_CPU_hypot_out(const at::Tensor& self, const at::Tensor& other, at::Tensor& out) {
-  structured_hypot_out_out op(out);
+at::Tensor& wrapper_Meta_hypot_out(const at::Tensor& self, const at::Tensor& other, at::Tensor& out) {
+  structured_hypot_meta_out op(out);
@@ 1x
-m.impl("hypot", TORCH_FN(wrapper_CPU_hypot));
-m.impl("hypot_", TORCH_FN(wrapper_CPU_hypot_));
-m.impl("hypot.out", TORCH_FN(wrapper_CPU_hypot_out));
+m.impl("hypot", TORCH_FN(wrapper_Meta_hypot));
+m.impl("hypot_", TORCH_FN(wrapper_Meta_hypot_));
+m.impl("hypot.out", TORCH_FN(wrapper_Meta_hypot_out));""",
        )

    def test_helpers_allocate_per_backend(self) -> None:
        # The helpers' text is templates/macros/structured.cpp; what depends on
        # the key is how they allocate.
        lines: list[str] = []
        for key in (DispatchKey.CPU, DispatchKey.CUDA, DispatchKey.Meta):
            text = structured.helpers(key)
            for name in ("create_out(", "resize_out(", "check_inplace(", "maybe_create_proxy("):
                self.assertIn(name, text, key)
            lines.append(f"[{key}]")
            lines += [line.strip() for line in text.splitlines() if "return at::" in line]
        self.assertExpectedInline(
            "\n".join(lines),
            """\
[CPU]
return at::detail::empty_cpu(sizes, options);
return at::detail::empty_strided_cpu(sizes, strides, options);
return at::detail::empty_strided_cpu(sizes, strides, options);
[CUDA]
return at::empty(sizes, options);
return at::empty_strided(sizes, strides, options);
return at::empty_strided(sizes, strides, options);
[Meta]
return at::detail::empty_meta(sizes, options.device(at::kMeta));
return at::detail::empty_strided_meta(sizes, strides, options.device(at::kMeta));
return at::detail::empty_strided_meta(sizes, strides, options.device(at::kMeta));""",
        )


class TestStructuredChecks(expecttest.TestCase):
    def _missing(self, kernels: str) -> str:
        with tempfile.TemporaryDirectory() as d:
            path = make_tree(Path(d), YAML, kernels)
            errors = missing_kernels(load(path), Path(d))
            return "\n".join(str(e) for e in errors).replace(str(path), "native_functions.yaml")

    def test_defined_by_the_macros(self) -> None:
        self.assertEqual(self._missing(KERNELS), "")

    def test_missing_impl(self) -> None:
        kernels = KERNELS.replace("TORCH_IMPL_FUNC(hypot_out)", "void hypot_impl")
        self.assertExpectedInline(
            self._missing(kernels),
            """native_functions.yaml:12: error: impl 'TORCH_IMPL_FUNC(hypot_out)' (CPU, CUDA) of structured 'hypot.out' is not defined; define it in aten_mini/native/Hypot.cpp""",
        )

    def test_missing_meta(self) -> None:
        kernels = KERNELS.replace("TORCH_META_FUNC(hypot)", "void hypot_meta")
        self.assertExpectedInline(
            self._missing(kernels),
            """native_functions.yaml:10: error: meta function 'TORCH_META_FUNC(hypot)' of structured 'hypot.out' is not defined; define it in namespace at_mini::meta in aten_mini/native/Ops.cpp""",
        )

    def test_meta_with_overload(self) -> None:
        yaml_text = YAML.replace("hypot(Tensor self", "hypot.Tensor(Tensor self").replace(
            "hypot_(Tensor(a!)", "hypot_.Tensor(Tensor(a!)"
        )
        kernels = KERNELS.replace("TORCH_META_FUNC(hypot)", "TORCH_META_FUNC2(hypot, Tensor)")
        with tempfile.TemporaryDirectory() as d:
            path = make_tree(Path(d), yaml_text, kernels)
            self.assertEqual(missing_kernels(load(path), Path(d)), [])
            (g,) = structured.groups(load(path))
            self.assertEqual(g.meta_class, "structured_hypot_Tensor")

    def test_missing_precompute_meta(self) -> None:
        # With `precomputed:`, the meta function to write is the TORCH_PRECOMPUTE_ form.
        yaml_text = YAML.replace(
            "  structured_inherits: TensorIteratorBase\n",
            "  precomputed:\n  - other -> Tensor other\n",
        )
        kernels = KERNELS.replace("TORCH_META_FUNC(hypot)", "void hypot_meta")
        with tempfile.TemporaryDirectory() as d:
            path = make_tree(Path(d), yaml_text, kernels)
            errors = missing_kernels(load(path), Path(d))
            text = "\n".join(str(e) for e in errors).replace(str(path), "native_functions.yaml")
        self.assertExpectedInline(
            text,
            """native_functions.yaml:10: error: meta function 'TORCH_PRECOMPUTE_META_FUNC(hypot)' of structured 'hypot.out' is not defined; define it in namespace at_mini::meta in aten_mini/native/Ops.cpp""",
        )


# --------------------------------------------------------------------------
# Upstream's structured entries: a reduction on MetaBase and `precomputed:`
# (Note [precomputed] in torchgen_mini/dest/structured.py)
# --------------------------------------------------------------------------

# The goldens below run on a small native_functions.yaml made at test time from
# upstream's own entries (torchgen's packaged native_functions.yaml, read from
# the installed torch, never copied into the repository), cut to the keys the
# kit knows and to the CPU and CUDA kernels, so converting an op in main
# changes no expected text. Each op shows one case the kit's starter ops do not
# all reach:
#   mean.dim      a structured reduction: no structured_inherits (the meta
#                 class is on at::impl::MetaBase, its set_output_* has no
#                 parent to call), an overload name (TORCH_META_FUNC2), an
#                 optional dtype
#   index_copy    precomputed, replacing one argument: `dim -> int dim`
#   avg_pool2d    precomputed, replacing three arguments by two elements
#                 each, and different CPU and CUDA impl kernels
UPSTREAM_YAML = (
    Path(torchgen.__file__).parent / "packaged" / "ATen" / "native" / "native_functions.yaml"
)
FIXTURE_OPS = (
    "avg_pool2d",
    "avg_pool2d.out",
    "index_copy",
    "index_copy_",
    "index_copy.out",
    "mean.dim",
    "mean.out",
)
FIXTURE_HEADER = """\
# Upstream's structured entries for test/codegen/test_structured.py, made at
# test time from torchgen's packaged native_functions.yaml (see FIXTURE_OPS).
"""


def _fixture_entry(entry: dict[str, object]) -> str:
    lines = [f"- func: {entry['func']}"]
    if "structured_delegate" in entry:
        lines.append(f"  structured_delegate: {entry['structured_delegate']}")
    if entry.get("structured"):
        lines.append("  structured: True")
    precomputed = entry.get("precomputed")
    if isinstance(precomputed, list):
        lines += ["  precomputed:", *(f"  - {p}" for p in precomputed)]
    kernels: dict[str, list[str]] = {}  # kernel -> the kit's keys (CPU, CUDA) that name it
    dispatch = entry.get("dispatch")
    for keys, kernel in dispatch.items() if isinstance(dispatch, dict) else ():
        for key in (k.strip() for k in str(keys).split(",")):
            if key in ("CPU", "CUDA"):
                kernels.setdefault(str(kernel), []).append(key)
    if kernels:
        lines.append("  dispatch:")
        lines += [f"    {', '.join(keys)}: {kernel}" for kernel, keys in kernels.items()]
    return "\n".join(lines) + "\n"


def upstream_fixture_text() -> str:
    """FIXTURE_OPS' entries of the installed torch, cut to what the kit models."""
    entries = yaml.safe_load(UPSTREAM_YAML.read_text(encoding="utf-8"))
    by_name = {str(e["func"]).split("(", 1)[0]: e for e in entries}
    missing = [op for op in FIXTURE_OPS if op not in by_name]
    assert not missing, f"upstream's native_functions.yaml ({UPSTREAM_YAML}) has no {missing}"
    return FIXTURE_HEADER + "".join("\n" + _fixture_entry(by_name[op]) for op in FIXTURE_OPS)


FIXTURE_TEXT = upstream_fixture_text()


def fixture_fns(yaml_text: str | None = None) -> list[NativeFunction]:
    if yaml_text is None:
        yaml_text = FIXTURE_TEXT
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "native_functions.yaml"
        path.write_text(yaml_text)
        return load(path)


def fixture_wrappers(fns: list[NativeFunction], key: DispatchKey) -> dict[str, str]:
    regs = register_dispatch_key.registrations(fns)[key]
    return {str(r.f.func.name): register_dispatch_key.wrapper(r) for r in regs}


def meta_header(fns: list[NativeFunction], root: str) -> str:
    structs = [s for s in structured.groups(fns) if s.g.root_name == root]
    values = structured.compute_meta_header(root, structs)
    return FileManager(Path(".")).render("ops_meta.h", values)


def native_header(fns: list[NativeFunction], root: str) -> str:
    values = native_functions.compute_op(root, [f for f in fns if f.root_name == root])
    return FileManager(Path(".")).render("ops_native.h", values)


def declarations(text: str) -> str:
    """A header's text between its namespace lines."""
    body = text.split("\nnamespace at_mini::", 1)[1].split("\n", 1)[1]
    return body.rsplit("} // namespace", 1)[0].strip("\n")


class TestStructuredReduction(expecttest.TestCase):
    """mean.dim: no structured_inherits, so the meta class is on at::impl::MetaBase."""

    def test_meta_class_on_meta_base(self) -> None:
        self.assertExpectedInline(
            declarations(meta_header(fixture_fns(), "mean")),
            """\
// mean.out (structured); define meta() with TORCH_META_FUNC2(mean, dim)(...) in namespace at_mini::meta.
struct structured_mean_dim : public at::impl::MetaBase {
  void meta(const at::Tensor& self, at::OptionalIntArrayRef dim, bool keepdim, std::optional<at::ScalarType> dtype);
};""",
        )

    def test_functional_wrapper_calls_no_parent(self) -> None:
        # MetaBase's set_output_* only assert: the override is the whole of it.
        self.assertExpectedInline(
            fixture_wrappers(fixture_fns(), DispatchKey.CPU)["mean.dim"],
            """\
struct structured_mean_out_functional final : public at_mini::native::structured_mean_out {
  void set_output_strided(
      int64_t output_idx,
      at::IntArrayRef sizes,
      at::IntArrayRef strides,
      at::TensorOptions options) override {
    outputs_[output_idx] = create_out(sizes, strides, options);
  }
  void set_output_raw_strided(
      int64_t output_idx,
      at::IntArrayRef sizes,
      at::IntArrayRef strides,
      at::TensorOptions options) override {
    outputs_[output_idx] = create_out(sizes, strides, options);
  }
  const at::Tensor& maybe_get_output(int64_t output_idx) override {
    return outputs_[output_idx];
  }
  std::array<at::Tensor, 1> outputs_;
};

at::Tensor wrapper_CPU_mean_dim(const at::Tensor& self, at::OptionalIntArrayRef dim, bool keepdim, std::optional<at::ScalarType> dtype) {
  structured_mean_out_functional op;
  op.meta(self, dim, keepdim, dtype);
  op.impl(self, dim, keepdim, dtype, op.outputs_[0]);
  return std::move(op.outputs_[0]);
}""",
        )

    def test_out_wrapper_calls_no_parent(self) -> None:
        w = fixture_wrappers(fixture_fns(), DispatchKey.CPU)
        self.assertExpectedInline(
            changed_lines(w["mean.dim"], w["mean.out"]),
            """\
@@ 1x
-struct structured_mean_out_functional final : public at_mini::native::structured_mean_out {
+struct structured_mean_out_out final : public at_mini::native::structured_mean_out {
+  explicit structured_mean_out_out(at::Tensor& out0) : outputs_{std::ref(out0)} {}
@@ 1x
-    outputs_[output_idx] = create_out(sizes, strides, options);
+    const auto& out = outputs_[output_idx].get();
+    resize_out(out, sizes, strides, options);
+    auto proxy = maybe_create_proxy(out, sizes, strides, options);
+    if (C10_UNLIKELY(proxy.has_value())) {
+      proxy_outputs_[output_idx] = std::move(proxy).value();
+    }
@@ 1x
-    outputs_[output_idx] = create_out(sizes, strides, options);
+    const auto& out = outputs_[output_idx].get();
+    resize_out(out, sizes, strides, options);
@@ 1x
-    return outputs_[output_idx];
+    return proxy_outputs_[output_idx].has_value() ? *proxy_outputs_[output_idx]
+                                                  : outputs_[output_idx].get();
@@ 1x
-  std::array<at::Tensor, 1> outputs_;
+  std::array<std::reference_wrapper<at::Tensor>, 1> outputs_;
+  std::array<std::optional<at::Tensor>, 1> proxy_outputs_;
@@ 1x
-at::Tensor wrapper_CPU_mean_dim(const at::Tensor& self, at::OptionalIntArrayRef dim, bool keepdim, std::optional<at::ScalarType> dtype) {
-  structured_mean_out_functional op;
+at::Tensor& wrapper_CPU_mean_out(const at::Tensor& self, at::OptionalIntArrayRef dim, bool keepdim, std::optional<at::ScalarType> dtype, at::Tensor& out) {
+  structured_mean_out_out op(out);
@@ 1x
-  op.impl(self, dim, keepdim, dtype, op.outputs_[0]);
-  return std::move(op.outputs_[0]);
+  op.impl(self, dim, keepdim, dtype, op.maybe_get_output(0));
+  if (op.proxy_outputs_[0].has_value()) op.outputs_[0].get().copy_(*op.proxy_outputs_[0]);
+  return out;""",
        )


class TestPrecomputed(expecttest.TestCase):
    def test_precompute_struct(self) -> None:
        # index_copy: upstream's `- dim -> int dim`.
        self.assertExpectedInline(
            declarations(meta_header(fixture_fns(), "index_copy")),
            """\
// index_copy.out (structured); define meta() with TORCH_PRECOMPUTE_META_FUNC(index_copy)(...) in namespace at_mini::meta.
struct structured_index_copy : public at::impl::MetaBase {
  template <bool DIM = false>
  struct precompute_out {
    precompute_out<true> set_dim(int64_t value) {
      static_assert(DIM == false, "dim already set");
      precompute_out<true> ret;
      ret.dim = value;
      return ret;
    }
    int64_t dim;
  };
  using meta_return_ty = precompute_out<true>;
  meta_return_ty meta(const at::Tensor& self, int64_t dim, const at::Tensor& index, const at::Tensor& source);
};""",
        )

    def test_impl_gets_the_elements_in_place_of_the_arguments(self) -> None:
        # avg_pool2d: three arguments, each replaced by two elements; one impl per backend.
        self.assertExpectedInline(
            declarations(native_header(fixture_fns(), "avg_pool2d")),
            """\
// avg_pool2d.out (CPU, structured); define impl() with TORCH_IMPL_FUNC(avg_pool2d_out_cpu)(...).
struct structured_avg_pool2d_out_cpu : public at_mini::meta::structured_avg_pool2d {
  void impl(const at::Tensor& self, int64_t kH, int64_t kW, int64_t dH, int64_t dW, int64_t padH, int64_t padW, bool ceil_mode, bool count_include_pad, std::optional<int64_t> divisor_override, const at::Tensor& out);
};

// avg_pool2d.out (CUDA, structured); define impl() with TORCH_IMPL_FUNC(avg_pool2d_out_cuda)(...).
struct structured_avg_pool2d_out_cuda : public at_mini::meta::structured_avg_pool2d {
  void impl(const at::Tensor& self, int64_t kH, int64_t kW, int64_t dH, int64_t dW, int64_t padH, int64_t padW, bool ceil_mode, bool count_include_pad, std::optional<int64_t> divisor_override, const at::Tensor& out);
};""",
        )

    def test_struct_of_several_elements(self) -> None:
        text = meta_header(fixture_fns(), "avg_pool2d")
        lines = [line.strip() for line in text.splitlines()]
        picked = [
            x
            for x in lines
            if x.startswith(("template", "precompute_out<", "using", "meta_return_ty"))
        ]
        self.assertExpectedInline(
            "\n".join(picked),
            """\
template <bool KH = false, bool KW = false, bool DH = false, bool DW = false, bool PADH = false, bool PADW = false>
precompute_out<true, KW, DH, DW, PADH, PADW> set_kH(int64_t value) {
precompute_out<true, KW, DH, DW, PADH, PADW> ret;
precompute_out<KH, true, DH, DW, PADH, PADW> set_kW(int64_t value) {
precompute_out<KH, true, DH, DW, PADH, PADW> ret;
precompute_out<KH, KW, true, DW, PADH, PADW> set_dH(int64_t value) {
precompute_out<KH, KW, true, DW, PADH, PADW> ret;
precompute_out<KH, KW, DH, true, PADH, PADW> set_dW(int64_t value) {
precompute_out<KH, KW, DH, true, PADH, PADW> ret;
precompute_out<KH, KW, DH, DW, true, PADW> set_padH(int64_t value) {
precompute_out<KH, KW, DH, DW, true, PADW> ret;
precompute_out<KH, KW, DH, DW, PADH, true> set_padW(int64_t value) {
precompute_out<KH, KW, DH, DW, PADH, true> ret;
using meta_return_ty = precompute_out<true, true, true, true, true, true>;
meta_return_ty meta(const at::Tensor& self, at::IntArrayRef kernel_size, at::IntArrayRef stride, at::IntArrayRef padding, bool ceil_mode, bool count_include_pad, std::optional<int64_t> divisor_override);""",
        )

    def test_wrappers_pass_the_struct_on(self) -> None:
        w = fixture_wrappers(fixture_fns(), DispatchKey.CPU)
        self.assertExpectedInline(
            w["index_copy"].split("};\n\n", 1)[1],
            """\
at::Tensor wrapper_CPU_index_copy(const at::Tensor& self, int64_t dim, const at::Tensor& index, const at::Tensor& source) {
  structured_index_copy_out_functional op;
  auto precompute = op.meta(self, dim, index, source);
  (void)precompute;
  op.impl(self, precompute.dim, index, source, op.outputs_[0]);
  return std::move(op.outputs_[0]);
}""",
        )
        self.assertExpectedInline(
            w["index_copy_"].split("};\n\n", 1)[1],
            """\
at::Tensor& wrapper_CPU_index_copy_(at::Tensor& self, int64_t dim, const at::Tensor& index, const at::Tensor& source) {
  structured_index_copy_out_inplace op(self);
  auto precompute = op.meta(self, dim, index, source);
  (void)precompute;
  op.impl(self, precompute.dim, index, source, op.maybe_get_output(0));
  if (op.proxy_outputs_[0].has_value()) op.outputs_[0].get().copy_(*op.proxy_outputs_[0]);
  return self;
}""",
        )

    def test_meta_wrapper_keeps_the_struct_and_runs_no_impl(self) -> None:
        fns = fixture_fns()
        cpu = fixture_wrappers(fns, DispatchKey.CPU)["index_copy.out"]
        meta = fixture_wrappers(fns, DispatchKey.Meta)["index_copy.out"]
        self.assertExpectedInline(
            changed_lines(cpu, meta),
            """\
@@ 1x
-struct structured_index_copy_out_out final : public at_mini::native::structured_index_copy_out {
-  explicit structured_index_copy_out_out(at::Tensor& out0) : outputs_{std::ref(out0)} {}
+struct structured_index_copy_meta_out final : public at_mini::meta::structured_index_copy {
+  explicit structured_index_copy_meta_out(at::Tensor& out0) : outputs_{std::ref(out0)} {}
@@ 1x
-at::Tensor& wrapper_CPU_index_copy_out(const at::Tensor& self, int64_t dim, const at::Tensor& index, const at::Tensor& source, at::Tensor& out) {
-  structured_index_copy_out_out op(out);
+at::Tensor& wrapper_Meta_index_copy_out(const at::Tensor& self, int64_t dim, const at::Tensor& index, const at::Tensor& source, at::Tensor& out) {
+  structured_index_copy_meta_out op(out);
@@ 1x
-  op.impl(self, precompute.dim, index, source, op.maybe_get_output(0));""",
        )

    def test_added_element(self) -> None:
        # A last line without `->` adds elements after the inputs, before out.
        text = FIXTURE_TEXT.replace(
            "  - dim -> int dim\n",
            "  - dim -> int dim\n  - bool sorted_index, ScalarType acc_type\n",
        )
        fns = fixture_fns(text)
        impl = declarations(native_header(fns, "index_copy"))
        body = fixture_wrappers(fns, DispatchKey.CPU)["index_copy"].split("};\n\n", 1)[1]
        struct = declarations(meta_header(fns, "index_copy"))
        fields = [
            x.strip()
            for x in struct.splitlines()
            if x.strip().startswith(
                (
                    "template",
                    "int64_t dim;",
                    "bool sorted_index;",
                    "at::ScalarType acc_type;",
                    "using",
                )
            )
        ]
        self.assertExpectedInline(
            "\n".join([impl, body, *fields]),
            """\
// index_copy.out (CPU, CUDA, structured); define impl() with TORCH_IMPL_FUNC(index_copy_out)(...).
struct structured_index_copy_out : public at_mini::meta::structured_index_copy {
  void impl(const at::Tensor& self, int64_t dim, const at::Tensor& index, const at::Tensor& source, bool sorted_index, at::ScalarType acc_type, const at::Tensor& out);
};
at::Tensor wrapper_CPU_index_copy(const at::Tensor& self, int64_t dim, const at::Tensor& index, const at::Tensor& source) {
  structured_index_copy_out_functional op;
  auto precompute = op.meta(self, dim, index, source);
  (void)precompute;
  op.impl(self, precompute.dim, index, source, precompute.sorted_index, precompute.acc_type, op.outputs_[0]);
  return std::move(op.outputs_[0]);
}
template <bool DIM = false, bool SORTED_INDEX = false, bool ACC_TYPE = false>
int64_t dim;
bool sorted_index;
at::ScalarType acc_type;
using meta_return_ty = precompute_out<true, true, true>;""",
        )


class TestPrecomputedErrors(expecttest.TestCase):
    """`python -m torchgen_mini check` rejects a `precomputed:` that cannot work, at its line."""

    def _errors(self, old: str, new: str) -> str:
        text = FIXTURE_TEXT
        assert old in text, old
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "native_functions.yaml"
            path.write_text(text.replace(old, new))
            parsed = parse_native_yaml(path, TAGS)
            return "\n".join(str(e) for e in parsed.errors).replace(
                str(path), "native_functions.yaml"
            )

    def test_not_an_argument(self) -> None:
        self.assertExpectedInline(
            self._errors("  - dim -> int dim\n", "  - dimm -> int dim\n"),
            """\
native_functions.yaml:25: error: precomputed replaces 'dimm', which is not an argument of index_copy.out
  hint: did you mean 'dim'?""",
        )

    def test_the_out_argument(self) -> None:
        self.assertExpectedInline(
            self._errors("  - dim -> int dim\n", "  - out -> int dim\n"),
            """native_functions.yaml:25: error: precomputed cannot replace the out argument 'out'""",
        )

    def test_a_type_the_struct_cannot_hold(self) -> None:
        self.assertExpectedInline(
            self._errors("  - dim -> int dim\n", "  - dim -> int[] dims\n"),
            """\
native_functions.yaml:25: error: precomputed element 'dims' has type int[], which precompute_out cannot hold
  hint: use int, float, bool, ScalarType, MemoryFormat, Tensor or DimVector""",
        )

    def test_a_name_taken(self) -> None:
        self.assertExpectedInline(
            self._errors("  - dim -> int dim\n", "  - dim -> int index\n"),
            """\
native_functions.yaml:25: error: precomputed element 'index' has the name of another parameter of impl()
  hint: give it a name of its own""",
        )

    def test_an_upper_case_name(self) -> None:
        self.assertExpectedInline(
            self._errors("  - dim -> int dim\n", "  - dim -> int D\n"),
            """\
native_functions.yaml:25: error: precomputed element 'D' needs a lower-case letter in its name
  hint: precompute_out's template flag for an element is its name in upper case""",
        )

    def test_a_default(self) -> None:
        self.assertExpectedInline(
            self._errors("  - dim -> int dim\n", "  - dim -> int dim=0\n"),
            """\
native_functions.yaml:25: error: precomputed element 'dim' cannot have a default
  hint: meta() sets every element""",
        )

    def test_added_elements_come_last(self) -> None:
        self.assertExpectedInline(
            self._errors("  - dim -> int dim\n", "  - bool sorted_index\n  - dim -> int dim\n"),
            """\
native_functions.yaml:25: error: 'precomputed' item 'bool sorted_index' has no ' -> ': only the last item may add elements without replacing an argument
  hint: move it to the end of the list""",
        )
