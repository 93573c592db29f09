"""The reviewer benchmark's corpus: practice PRs against main, each planting one defect.

Note [The benchmark corpus]
Each case is a new upstream operator written the kit's way (native_functions.yaml
entries, a kernel, an OpInfo entry with its samples, a docstring, derivative
formulas), either correct (a control) or with exactly one defect of a class
PyTorch maintainers asked about on a real operator PR (docs/review-benchmark.md
lists the threads). A case is a list of edits anchored on text of main (insert
before an anchor, or a new file) rather than a raw diff: main moves under the
corpus every day, and an anchor that still exists keeps the case applicable
where a diff's context lines would not. An anchor that is gone is an error
naming the case, the file and the anchor (the corpus must then be updated),
never a silently skipped case. `python -m tools.review.benchmark --patches DIR`
writes each case out as a real patch against the current main.

The ops are heaviside, xlogy, nan_to_num, abs and signbit (all upstream, none in
the kit), so the rules that ask upstream (Note [Asking upstream]) have an answer.
"""

from __future__ import annotations

from dataclasses import dataclass

YAML = "native_functions.yaml"
OP_DB = "test/opinfo/op_db.py"
DOCS = "python/aten_mini/_docs.py"
DERIVS = "tools/autograd/derivatives.yaml"
SAMPLES_ANCHOR = (
    "# --------------------------------------------------------------------------- error inputs"
)


@dataclass(frozen=True)
class Edit:
    path: str
    text: str
    before: str | None = None  # insert before this text of main
    append: bool = False  # add at the end of main's file; neither: a new file
    last: bool = False  # `before` its last occurrence, not its first


@dataclass(frozen=True)
class Case:
    name: str
    op: str
    defect: str | None  # the defect class (DEFECTS), None for a control
    edits: tuple[Edit, ...]
    # the rule that must name the defect, when the static reviewer is expected to
    expect_rule: str | None = None


DEFECTS = {
    "promotion": "result dtype always float instead of type promotion (heaviside PR)",
    "variants": "missing in-place and out= variants (xlogy PR)",
    "docstring": "docstring argument names do not match the schema (xlogy PR)",
    "dispatch-name": "AT_DISPATCH name string names another op (nan_to_num PR)",
    "integers": "integer inputs refused instead of returned unchanged (nan_to_num PR)",
    "out-overlap": "out= kernel without a memory-overlap check",
    "kink": "gradient at the kink (0) neither decided nor tested",
    "negative-zero": "tests of a sign-sensitive op build +0.0 (`-0`) instead of -0.0",
}

SPECIAL = "[0.0, -0.0, 1.5, -2.0, math.nan, math.inf, -math.inf]"


def _sample_fn(op: str, special: str = SPECIAL) -> str:
    """A sample function of a unary op written out, for a case that plants a bad literal."""
    return (
        f"def sample_inputs_{op}(op: OpInfo, device: str, dtype: torch.dtype) -> "
        "Iterator[SampleInput]:\n"
        '    """Every layout, then for floating dtypes the special values."""\n'
        "    yield from sample_inputs_unary(op, device, dtype)\n"
        "    if not dtype.is_floating_point:\n"
        "        return\n"
        f"    values = torch.tensor(\n        {special}, device=device, dtype=dtype\n    )\n"
        '    yield SampleInput(values, name="special values (0, -0.0, nan, inf)")\n\n\n'
    )


def _opinfo(op: str, kind: str, dtypes: str, extra: str = "", samples: str = "") -> str:
    return (
        f"    {kind}(\n"
        f'        "{op}",\n'
        f"        ref=torch.{op},\n"
        f"        sample_inputs_func={samples or 'sample_inputs_pointwise'},\n"
        f"        dtypes={dtypes},\n"
        f"{extra}"
        "    ),\n"
    )


def _doc(op: str, sig: str, body: str, example: str) -> str:
    return (
        f'add_docstr(\n    "{op}",\n    r"""\n{sig}\n\n{body}\n\nExample::\n\n{example}""",\n)\n\n'
    )


def _common(op: str, before_yaml: str, before_db: str, before_doc: str, before_deriv: str,
            yaml: str, db_entry: str, sample: str, doc: str, deriv: str) -> list[Edit]:  # fmt: skip
    edits = [
        Edit(YAML, yaml, before_yaml),
        *([Edit(OP_DB, sample, SAMPLES_ANCHOR)] if sample else []),
        Edit(OP_DB, db_entry, before_db),
        Edit(DOCS, doc, before_doc),
    ]
    if deriv:
        edits.append(Edit(DERIVS, deriv, before_deriv))
    return edits


def pointwise_yaml(name: str, args: str = "") -> str:
    """A CPU pointwise op's functional, in-place and out= entries: self, then `args`."""
    more = f", {args}" if args else ""
    return f"""\
- func: {name}(Tensor self{more}) -> Tensor
  variants: function
  dispatch:
    CPU: {name}
  tags: pointwise

- func: {name}_(Tensor(a!) self{more}) -> Tensor(a!)
  dispatch:
    CPU: {name}_
  tags: pointwise

- func: {name}.out(Tensor self{more}, *, Tensor(a!) out) -> Tensor(a!)
  dispatch:
    CPU: {name}_out
  tags: pointwise

"""


# --------------------------------------------------------------------------- heaviside

HEAVISIDE_YAML = pointwise_yaml("heaviside", "Tensor values")

HEAVISIDE_CPP = """\
// heaviside: the unit step of self, `values` where self is 0 (torch.heaviside).

#include "NativeFunctions.h"

#include <ATen/Dispatch.h>
#include <ATen/TensorIterator.h>
#include <ATen/native/cpu/Loops.h>
#include <ATen/ops/empty.h>

namespace at_mini::native {

namespace {

void heaviside_check(const at::Tensor& self, const at::Tensor& values) {
  TORCH_CHECK(
      !self.is_complex() && !values.is_complex(),
      "heaviside is not yet implemented for complex tensors.");
  TORCH_CHECK(
      self.scalar_type() == values.scalar_type(),
      "heaviside is not yet implemented for tensors with different dtypes.");
}

// The step is 0 below 0, 1 above, `values` at 0; NaN stays NaN.
void heaviside_loop(at::TensorIteratorBase& iter) {
  AT_DISPATCH_ALL_TYPES_AND3(
      at::kHalf,
      at::kBool,
      at::kBFloat16,
      iter.common_dtype(),
      "heaviside_cpu",
      [&] {
        at::native::cpu_kernel(iter, [](scalar_t a, scalar_t v) -> scalar_t {
          return a == 0 ? v : static_cast<scalar_t>(a > 0);
        });
      });
}

} // namespace

at::Tensor& heaviside_out(
    const at::Tensor& self, const at::Tensor& values, at::Tensor& out) {
  heaviside_check(self, values);
  auto iter = at::TensorIterator::binary_op(out, self, values);
  heaviside_loop(iter);
  return out;
}

at::Tensor heaviside(const at::Tensor& self, const at::Tensor& values) {
  heaviside_check(self, values);
@@RESULT@@
}

at::Tensor& heaviside_(at::Tensor& self, const at::Tensor& values) {
  return heaviside_out(self, values, self);
}

} // namespace at_mini::native
"""

PROMOTED = """\
  at::Tensor out;
  auto iter = at::TensorIterator::binary_op(out, self, values);
  heaviside_loop(iter);
  return iter.output();"""

ALWAYS_FLOAT = """\
  at::Tensor out = at::empty({0}, self.options().dtype(at::kFloat));
  return heaviside_out(self, values, out);"""


def heaviside(defect: str | None) -> list[Edit]:
    cpp = HEAVISIDE_CPP.replace("@@RESULT@@", ALWAYS_FLOAT if defect == "promotion" else PROMOTED)
    return [
        *_common(
            "heaviside",
            "- func: log1p(Tensor self) -> Tensor",
            '    UnaryOpInfo(\n        "log1p",',
            'add_docstr(\n    "log1p",',
            "# No formula yet: `.backward()` through log1p",
            HEAVISIDE_YAML,
            _opinfo("heaviside", "BinaryOpInfo", "ALL_REAL_AND_BOOL"),
            "",  # the kit's sample_inputs_pointwise has the special values
            _doc(
                "heaviside",
                "heaviside(input, values, *, out=None) -> Tensor",
                "The Heaviside step function of ``input``: 0 where it is negative, 1 where\n"
                "it is positive and ``values`` where it is zero. Integer inputs give an\n"
                "integer result, as :func:`torch.heaviside` does.",
                "    >>> import torch, aten_mini\n"
                "    >>> aten_mini.heaviside(torch.tensor([-1.5, 0.0, 2.0]), torch.tensor([0.5]))\n"
                "    tensor([0.0000, 0.5000, 1.0000])\n",
            ),
            "- name: heaviside(Tensor self, Tensor values) -> Tensor\n"
            "  self: non_differentiable\n"
            "  values: grad.masked_fill(self != 0, 0)\n\n",
        ),
        Edit("aten_mini/native/Heaviside.cpp", cpp),
    ]


# --------------------------------------------------------------------------- xlogy

XLOGY_FUNCTIONAL = """\
- func: xlogy.Tensor(Tensor self, Tensor other) -> Tensor
  variants: function
  dispatch:
    CPU: xlogy
  tags: pointwise
"""

XLOGY_VARIANTS = """
- func: xlogy_.Tensor(Tensor(a!) self, Tensor other) -> Tensor(a!)
  dispatch:
    CPU: xlogy_
  tags: pointwise

- func: xlogy.OutTensor(Tensor self, Tensor other, *, Tensor(a!) out) -> Tensor(a!)
  dispatch:
    CPU: xlogy_out
  tags: pointwise
"""

XLOGY_CPP = """\
// xlogy: self * log(other), 0 where self is 0 (unless other is NaN).

#include "NativeFunctions.h"

#include <ATen/Dispatch.h>
#include <ATen/TensorIterator.h>
#include <ATen/native/cpu/Loops.h>

#include <cmath>

namespace at_mini::native {

namespace {

void xlogy_loop(at::TensorIteratorBase& iter) {
  AT_DISPATCH_FLOATING_TYPES_AND2(
      at::kHalf, at::kBFloat16, iter.common_dtype(), "xlogy_cpu", [&] {
        at::native::cpu_kernel(iter, [](scalar_t x, scalar_t y) -> scalar_t {
          if (at::_isnan(y)) {
            return NAN;
          }
          if (x == 0) {
            return 0;
          }
          return x * std::log(y);
        });
      });
}

} // namespace

at::Tensor xlogy(const at::Tensor& self, const at::Tensor& other) {
  at::Tensor out;
  auto iter = at::TensorIterator::binary_float_op(out, self, other);
  xlogy_loop(iter);
  return iter.output();
}
@@VARIANTS@@
} // namespace at_mini::native
"""

XLOGY_VARIANT_KERNELS = """
at::Tensor& xlogy_out(
    const at::Tensor& self, const at::Tensor& other, at::Tensor& out) {
  auto iter = at::TensorIterator::binary_float_op(out, self, other);
  xlogy_loop(iter);
  return out;
}

at::Tensor& xlogy_(at::Tensor& self, const at::Tensor& other) {
  return xlogy_out(self, other, self);
}
"""


def xlogy(defect: str | None) -> list[Edit]:
    variants = defect != "variants"
    yaml = "\n" + XLOGY_FUNCTIONAL + (XLOGY_VARIANTS if variants else "")
    cpp = XLOGY_CPP.replace("@@VARIANTS@@", XLOGY_VARIANT_KERNELS if variants else "")
    args = "x, y" if defect == "docstring" else "input, other"
    sig = f"xlogy({args}, *, out=None) -> Tensor" if variants else f"xlogy({args}) -> Tensor"
    extra = "" if variants else "        supports_out=False,\n        supports_inplace=False,\n"
    doc = _doc(
        "xlogy",
        sig,
        "``input * log(other)``, elementwise, with 0 where ``input`` is 0 (even\n"
        "where ``other`` is 0 too), and NaN where ``other`` is NaN.",
        "    >>> import torch, aten_mini\n"
        "    >>> aten_mini.xlogy(torch.tensor([0.0, 2.0]), torch.tensor([0.0, 1.0]))\n"
        "    tensor([0., 0.])\n",
    )
    return [
        Edit(YAML, yaml, append=True),
        Edit(OP_DB, _opinfo("xlogy", "BinaryOpInfo", "ALL_REAL_AND_BOOL", extra), "]\n", last=True),
        Edit(DOCS, "\n" + doc.rstrip("\n") + "\n", append=True),
        Edit(
            DERIVS,
            "\n- name: xlogy.Tensor(Tensor self, Tensor other) -> Tensor\n"
            "  self: at_mini::xlogy(grad, other)\n"
            "  other: grad * self / other\n",
            append=True,
        ),
        Edit("aten_mini/native/Xlogy.cpp", cpp),
    ]


# --------------------------------------------------------------------------- nan_to_num

_NAN_ARGS = "float? nan=None, float? posinf=None, float? neginf=None"
NAN_TO_NUM_YAML = pointwise_yaml("nan_to_num", _NAN_ARGS)

NAN_TO_NUM_CPP = """\
// nan_to_num: NaN, +inf and -inf replaced by finite numbers (torch.nan_to_num).

#include "NativeFunctions.h"

#include <ATen/Dispatch.h>
#include <ATen/MemoryOverlap.h>
#include <ATen/TensorIterator.h>
#include <ATen/native/Resize.h>
#include <ATen/native/cpu/Loops.h>
#include <ATen/ops/empty_like.h>

#include <limits>

namespace at_mini::native {

namespace {

// Replacement values: the defaults are 0 and the dtype's largest and lowest.
template <typename scalar_t>
struct Replacements {
  scalar_t nan, posinf, neginf;
  Replacements(
      std::optional<double> n, std::optional<double> p, std::optional<double> m)
      : nan(static_cast<scalar_t>(n.value_or(0.))),
        posinf(
            static_cast<scalar_t>(
                p.value_or(std::numeric_limits<scalar_t>::max()))),
        neginf(
            static_cast<scalar_t>(
                m.value_or(std::numeric_limits<scalar_t>::lowest()))) {}
  scalar_t operator()(scalar_t x) const {
    if (at::_isnan(x)) {
      return nan;
    }
    if (x == std::numeric_limits<scalar_t>::infinity()) {
      return posinf;
    }
    if (x == -std::numeric_limits<scalar_t>::infinity()) {
      return neginf;
    }
    return x;
  }
};

} // namespace

@@OUT@@

at::Tensor nan_to_num(
    const at::Tensor& self,
    std::optional<double> nan,
    std::optional<double> posinf,
    std::optional<double> neginf) {
  auto out = at::empty_like(self);
  return nan_to_num_out(self, nan, posinf, neginf, out);
}

at::Tensor& nan_to_num_(
    at::Tensor& self,
    std::optional<double> nan,
    std::optional<double> posinf,
    std::optional<double> neginf) {
  return nan_to_num_out(self, nan, posinf, neginf, self);
}

} // namespace at_mini::native
"""

# The signature and dtype check that both out= kernels of nan_to_num start with.
NAN_TO_NUM_OUT_HEAD = """\
at::Tensor& nan_to_num_out(
    const at::Tensor& self,
    std::optional<double> nan,
    std::optional<double> posinf,
    std::optional<double> neginf,
    at::Tensor& out) {
  TORCH_CHECK(
      self.scalar_type() == out.scalar_type(),
      "nan_to_num: dtype of out: ",
      out.scalar_type(),
      " should be same as input: ",
      self.scalar_type());
"""

NAN_TO_NUM_OUT_ITER = (
    NAN_TO_NUM_OUT_HEAD
    + """\
@@INTEGERS@@
  auto iter = at::TensorIterator::unary_op(out, self);
  AT_DISPATCH_FLOATING_TYPES_AND2(
      at::kHalf, at::kBFloat16, iter.dtype(), @@NAME@@, [&] {
        at::native::cpu_kernel(
            iter, Replacements<scalar_t>(nan, posinf, neginf));
      });
  return out;
}"""
)

INTEGERS_UNCHANGED = """\
  if (c10::isIntegralType(self.scalar_type(), /*includeBool=*/true)) {
    at::native::resize_output(out, self.sizes());
    out.copy_(self);
    return out;
  }"""

INTEGERS_REFUSED = """\
  TORCH_CHECK(
      at::isFloatingType(self.scalar_type()),
      "nan_to_num: expected a floating-point tensor, but got ",
      self.scalar_type());"""

# The hand-written loop of the out-overlap case: correct for every dtype and every
# input that does not overlap `out`; the control adds the two overlap checks.
NAN_TO_NUM_OUT_LOOP = (
    NAN_TO_NUM_OUT_HEAD
    + """\
@@CHECKS@@  at::native::resize_output(out, self.sizes());
  TORCH_CHECK(out.is_contiguous(), "nan_to_num: out= must be contiguous");
  auto src = self.contiguous();
  AT_DISPATCH_ALL_TYPES_AND3(
      at::kBool,
      at::kHalf,
      at::kBFloat16,
      src.scalar_type(),
      "nan_to_num_cpu",
      [&] {
        const scalar_t* in = src.const_data_ptr<scalar_t>();
        scalar_t* dst = out.mutable_data_ptr<scalar_t>();
        for (int64_t i = 0; i < src.numel(); i++) {
          if constexpr (std::is_integral_v<scalar_t>) {
            dst[i] = in[i];
          } else {
            dst[i] = Replacements<scalar_t>(nan, posinf, neginf)(in[i]);
          }
        }
      });
  return out;
}"""
)

OVERLAP_CHECKS = """\
  at::assert_no_internal_overlap(out);
  at::assert_no_overlap(out, self);
"""


def nan_to_num(defect: str | None) -> list[Edit]:
    if defect == "out-overlap" or defect == "out-overlap-control":
        out = NAN_TO_NUM_OUT_LOOP.replace(
            "@@CHECKS@@", "" if defect == "out-overlap" else OVERLAP_CHECKS
        )
    else:
        # PR #44592: the CPU kernel's name string said "nan_to_num_cuda"
        name = '"nan_to_num_cuda"' if defect == "dispatch-name" else '"nan_to_num_cpu"'
        ints = INTEGERS_REFUSED if defect == "integers" else INTEGERS_UNCHANGED
        out = NAN_TO_NUM_OUT_ITER.replace("@@NAME@@", name).replace("@@INTEGERS@@", ints)
    dtypes = "FLOATING" if defect == "integers" else "ALL_REAL_AND_BOOL"
    return [
        Edit(YAML, NAN_TO_NUM_YAML, "- func: relu(Tensor self) -> Tensor"),
        Edit(
            OP_DB,
            _opinfo("nan_to_num", "UnaryOpInfo", dtypes, "        supports_autograd=False,\n"),
            '    UnaryOpInfo(\n        "relu",',
        ),
        Edit(
            DOCS,
            _doc(
                "nan_to_num",
                "nan_to_num(input, nan=None, posinf=None, neginf=None, *, out=None) -> Tensor",
                "Replaces NaN, positive infinity and negative infinity in ``input`` by\n"
                "``nan`` (default 0), ``posinf`` and ``neginf`` (default: the largest and\n"
                "lowest finite value of the dtype). Integer and bool tensors are returned\n"
                "unchanged, as :func:`torch.nan_to_num` does.",
                "    >>> import torch, aten_mini\n"
                "    >>> aten_mini.nan_to_num(torch.tensor([float('nan'), 1.0]), nan=2.0)\n"
                "    tensor([2., 1.])\n",
            ),
            'add_docstr(\n    "relu",',
        ),
        Edit(
            DERIVS,
            "- name: nan_to_num(Tensor self, float? nan=None, float? posinf=None, "
            "float? neginf=None) -> Tensor\n"
            "  self: grad * at::isfinite(self)\n\n",
            "- name: relu(Tensor self) -> Tensor",
        ),
        Edit("aten_mini/native/NanToNum.cpp", NAN_TO_NUM_CPP.replace("@@OUT@@", out)),
    ]


# --------------------------------------------------------------------------- abs

ABS_YAML = pointwise_yaml("abs")

ABS_CPP = """\
// abs: |self|, elementwise; abs(-0.0) is +0.0, NaN stays NaN.

#include "NativeFunctions.h"

#include <ATen/Dispatch.h>
#include <ATen/TensorIterator.h>
#include <ATen/native/cpu/Loops.h>
#include <ATen/ops/empty.h>

#include <cmath>

namespace at_mini::native {

at::Tensor& abs_out(const at::Tensor& self, at::Tensor& out) {
  TORCH_CHECK(
      self.scalar_type() != at::kBool,
      "abs: boolean tensors are not supported");
  auto iter = at::TensorIterator::unary_op(out, self);
  AT_DISPATCH_ALL_TYPES_AND2(
      at::kHalf, at::kBFloat16, iter.dtype(), "abs_cpu", [&] {
        at::native::cpu_kernel(iter, [](scalar_t x) -> scalar_t {
          if constexpr (std::is_floating_point_v<scalar_t>) {
            return std::fabs(x);
          } else {
            return x < 0 ? static_cast<scalar_t>(-x) : x;
          }
        });
      });
  return out;
}

at::Tensor abs(const at::Tensor& self) {
  at::Tensor out = at::empty({0}, self.options());
  return abs_out(self, out);
}

at::Tensor& abs_(at::Tensor& self) {
  return abs_out(self, self);
}

} // namespace at_mini::native
"""

ABS_GRAD_TEST = """\
\"\"\"abs's gradient at 0: a choice (the kink), so it is tested here, not by gradcheck.\"\"\"

from __future__ import annotations

import torch

import aten_mini


def test_abs_gradient_at_zero_is_zero_as_upstream() -> None:
    x = torch.tensor([0.0, -0.0, 2.0, -3.0], dtype=torch.float64, requires_grad=True)
    aten_mini.abs(x).sum().backward()
    y = x.detach().clone().requires_grad_()
    torch.abs(y).sum().backward()
    assert x.grad is not None and y.grad is not None
    assert x.grad.tolist() == y.grad.tolist() == [0.0, 0.0, 1.0, -1.0]
"""


def abs_op(defect: str | None) -> list[Edit]:
    edits = [
        Edit(YAML, ABS_YAML, "- func: add.Tensor("),
        Edit(
            OP_DB,
            _opinfo(
                "abs",
                "UnaryOpInfo",
                "(*FLOATING, *INTEGRAL)",
                "        supports_autograd=True,\n        supports_forward_ad=True,\n",
            ),
            '    BinaryOpInfo(\n        "add",',
        ),
        Edit(
            DOCS,
            _doc(
                "abs",
                "abs(input, *, out=None) -> Tensor",
                "The absolute value of each element of ``input``. ``abs(-0.0)`` is ``0.0``;\n"
                "the gradient at 0 is 0, as for :func:`torch.abs`.",
                "    >>> import torch, aten_mini\n"
                "    >>> aten_mini.abs(torch.tensor([-1.5, 0.0, 2.0]))\n"
                "    tensor([1.5000, 0.0000, 2.0000])\n",
            ),
            'add_docstr(\n    "add",',
        ),
        Edit(
            DERIVS,
            "- name: abs(Tensor self) -> Tensor\n"
            "  self: grad * self.sgn()\n"
            "  result: self_t * self_p.sgn()\n\n",
            "- name: add.Tensor(",
        ),
        Edit("aten_mini/native/Abs.cpp", ABS_CPP),
    ]
    if defect is None:
        edits.append(Edit("test/ops/test_abs_grad.py", ABS_GRAD_TEST))
    return edits


# --------------------------------------------------------------------------- signbit

SIGNBIT_YAML = """\
- func: signbit(Tensor self) -> Tensor
  variants: function
  dispatch:
    CPU: signbit
  tags: pointwise

- func: signbit.out(Tensor self, *, Tensor(a!) out) -> Tensor(a!)
  dispatch:
    CPU: signbit_out
  tags: pointwise

"""

SIGNBIT_CPP = """\
// signbit: whether the sign bit of each element is set (true for -0.0 and
// -NaN).

#include "NativeFunctions.h"

#include <ATen/Dispatch.h>
#include <ATen/TensorIterator.h>
#include <ATen/native/cpu/Loops.h>
#include <ATen/ops/empty.h>

#include <cmath>

namespace at_mini::native {

at::Tensor& signbit_out(const at::Tensor& self, at::Tensor& out) {
  TORCH_CHECK(
      out.scalar_type() == at::kBool,
      "signbit: out= must be a bool tensor, got ",
      out.scalar_type());
  auto iter = at::TensorIteratorConfig()
                  .add_output(out)
                  .add_const_input(self)
                  .check_all_same_dtype(false)
                  .build();
  AT_DISPATCH_ALL_TYPES_AND3(
      at::kBool,
      at::kHalf,
      at::kBFloat16,
      self.scalar_type(),
      "signbit_cpu",
      [&] {
        at::native::cpu_kernel(iter, [](scalar_t x) -> bool {
          if constexpr (std::is_floating_point_v<scalar_t>) {
            return std::signbit(x);
          } else {
            return x < 0;
          }
        });
      });
  return out;
}

at::Tensor signbit(const at::Tensor& self) {
  at::Tensor out = at::empty({0}, self.options().dtype(at::kBool));
  return signbit_out(self, out);
}

} // namespace at_mini::native
"""


def signbit(defect: str | None) -> list[Edit]:
    special = SPECIAL.replace("-0.0", "-0") if defect == "negative-zero" else SPECIAL
    return [
        Edit(YAML, SIGNBIT_YAML, "- func: silu(Tensor self) -> Tensor"),
        Edit(OP_DB, _sample_fn("signbit", special), SAMPLES_ANCHOR),
        Edit(
            OP_DB,
            _opinfo(
                "signbit",
                "UnaryOpInfo",
                "(*FLOATING, *INTEGRAL)",
                "        supports_autograd=False,\n        supports_inplace=False,\n",
                "sample_inputs_signbit",
            ),
            '    UnaryOpInfo(\n        "silu",',
        ),
        Edit(
            DOCS,
            _doc(
                "signbit",
                "signbit(input, *, out=None) -> Tensor",
                "Whether the sign bit of each element of ``input`` is set: true for\n"
                "negative numbers and for ``-0.0``, false for ``0.0``.",
                "    >>> import torch, aten_mini\n"
                "    >>> aten_mini.signbit(torch.tensor([-1.0, -0.0, 0.0, 2.0]))\n"
                "    tensor([ True,  True, False, False])\n",
            ),
            'add_docstr(\n    "silu",',
        ),
        Edit(
            DERIVS,
            "- name: signbit(Tensor self) -> Tensor\n  output_differentiability: [False]\n"
            "  self: non_differentiable\n\n",
            "- name: softplus(",
        ),
        Edit("aten_mini/native/Signbit.cpp", SIGNBIT_CPP),
    ]


# --------------------------------------------------------------------------- the cases

_BUILDERS = {
    "heaviside": heaviside,
    "xlogy": xlogy,
    "nan_to_num": nan_to_num,
    "abs": abs_op,
    "signbit": signbit,
}

# (defect class, op, the rule expected to name it, the control's builder argument)
PLAN: tuple[tuple[str, str, str | None, str | None], ...] = (
    ("promotion", "heaviside", "result-dtype", None),
    ("variants", "xlogy", "new-op-variants", None),
    ("docstring", "xlogy", "doc-signature", None),
    ("dispatch-name", "nan_to_num", "dispatch-name", None),
    ("integers", "nan_to_num", "upstream-dtypes", None),
    ("out-overlap", "nan_to_num", "out-overlap", "out-overlap-control"),
    ("kink", "abs", "kink-gradient", None),
    ("negative-zero", "signbit", "negative-zero", None),
)


def cases() -> list[Case]:
    """Each defect case, then each distinct control (one per op and kernel shape)."""
    found: list[Case] = []
    controls: dict[tuple[str, str | None], Case] = {}
    for defect, op, rule, control in PLAN:
        build = _BUILDERS[op]
        found.append(Case(f"{defect}-{op}", op, defect, tuple(build(defect)), rule))
        key = (op, control)
        if key not in controls:
            name = f"control-{op}" + ("" if control is None else "-loop")
            controls[key] = Case(name, op, None, tuple(build(control)))
    return found + list(controls.values())
