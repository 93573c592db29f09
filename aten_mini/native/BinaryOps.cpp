// add and mul: device-generic kernels (meta: checks and TensorIterator; impl:
// the stub call). The loops live in cpu/BinaryOpsKernel.cpp and
// cuda/BinaryOpsKernel.cu.

#include "ops/add.h"
#include "ops/add_native.h"
#include "ops/add_stubs.h"
#include "ops/mul_native.h"
#include "ops/mul_stubs.h"

#include <ATen/ScalarOps.h>
#include <ATen/TensorIterator.h>

// add and mul are structured (native_functions.yaml: `structured: True` on
// add.out and mul.out): meta() builds the TensorIterator, which computes the
// result's shape and dtype; impl() runs the loop. The generated wrappers
// (Register{CPU,CUDA,Meta}.cpp) allocate, check or resize the output around
// them; see Note [How structured wrappers allocate outputs] in
// torchgen_mini/dest/structured.py.

namespace at_mini::meta {

namespace {

void check_alpha(at::ScalarType dtype, const at::Scalar& alpha) {
  TORCH_CHECK(
      !alpha.isBoolean() || dtype == at::kBool,
      "add: a boolean alpha needs boolean tensors, but the result is ",
      dtype);
  TORCH_CHECK(
      at::isFloatingType(dtype) || at::isComplexType(dtype) ||
          alpha.isIntegral(true),
      "add: alpha=",
      alpha,
      " is a float, but the result dtype ",
      dtype,
      " is integral; pass an integer alpha");
}

} // namespace

// torch's rules for binary ops: broadcasting, type promotion to a common
// dtype (a Python number counts less than a tensor), out= resized to the
// broadcast shape, and an error when the result dtype cannot be cast safely
// to out's (int out for float inputs). A 0-dim CPU tensor may join CUDA
// tensors.
TORCH_META_FUNC2(add, Tensor)
(const at::Tensor& self, const at::Tensor& other, const at::Scalar& alpha) {
  build_borrowing_binary_op(maybe_get_output(), self, other);
  check_alpha(common_dtype(), alpha);
}

TORCH_META_FUNC2(mul, Tensor)(const at::Tensor& self, const at::Tensor& other) {
  build_borrowing_binary_op(maybe_get_output(), self, other);
}

} // namespace at_mini::meta

namespace at_mini::native {

TORCH_IMPL_FUNC(add_out)
(const at::Tensor& /*self*/,
 const at::Tensor& /*other*/,
 const at::Scalar& alpha,
 const at::Tensor& /*out*/) {
  add_stub(device_type(), *this, alpha);
}

TORCH_IMPL_FUNC(mul_out)
(const at::Tensor& /*self*/,
 const at::Tensor& /*other*/,
 const at::Tensor& /*out*/) {
  mul_stub(device_type(), *this);
}

// Composite (CompositeExplicitAutograd): a Python number becomes a "wrapped
// number" tensor, which type promotion treats like a Python scalar.
at::Tensor add_scalar(
    const at::Tensor& self, const at::Scalar& other, const at::Scalar& alpha) {
  return at_mini::add(self, at::native::wrapped_scalar_tensor(other), alpha);
}

at::Tensor& add_scalar_(
    at::Tensor& self, const at::Scalar& other, const at::Scalar& alpha) {
  return at_mini::add_(self, at::native::wrapped_scalar_tensor(other), alpha);
}

} // namespace at_mini::native
