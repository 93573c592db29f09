// add and mul: device-generic kernels (checks, TensorIterator, stub call).
// The loops live in cpu/BinaryOpsKernel.cpp and cuda/BinaryOpsKernel.cu.

#include "DispatchStubs.h"
#include "Functions.h"
#include "NativeFunctions.h"

#include <ATen/ScalarOps.h>
#include <ATen/TensorIterator.h>

namespace at_mini::native {

namespace {

// out = f(self, other) with torch's rules for binary ops: broadcasting, type
// promotion to a common dtype (a Python number counts less than a tensor),
// out= resized to the broadcast shape, and an error when the result dtype
// cannot be cast safely to out's (int out for float inputs). An undefined
// `out` is allocated by the iterator.
at::TensorIterator binary_iter(
    at::TensorBase& out, const at::Tensor& a, const at::Tensor& b) {
  return at::TensorIteratorConfig()
      .add_output(out)
      .add_const_input(a)
      .add_const_input(b)
      .allow_cpu_scalars(true) // a 0-dim CPU tensor may join CUDA tensors
      .promote_inputs_to_common_dtype(true)
      .cast_common_dtype_to_outputs(true)
      .enforce_safe_casting_to_output(true)
      .build();
}

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

at::Tensor& add_out(
    const at::Tensor& self,
    const at::Tensor& other,
    const at::Scalar& alpha,
    at::Tensor& out) {
  auto iter = binary_iter(out, self, other);
  check_alpha(iter.common_dtype(), alpha);
  add_stub(iter.device_type(), iter, alpha);
  return out;
}

at::Tensor add(
    const at::Tensor& self, const at::Tensor& other, const at::Scalar& alpha) {
  at::Tensor out;
  auto iter = binary_iter(out, self, other);
  check_alpha(iter.common_dtype(), alpha);
  add_stub(iter.device_type(), iter, alpha);
  return iter.output();
}

at::Tensor& add_(
    at::Tensor& self, const at::Tensor& other, const at::Scalar& alpha) {
  return add_out(self, other, alpha, self);
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

at::Tensor& mul_out(
    const at::Tensor& self, const at::Tensor& other, at::Tensor& out) {
  auto iter = binary_iter(out, self, other);
  mul_stub(iter.device_type(), iter);
  return out;
}

at::Tensor mul(const at::Tensor& self, const at::Tensor& other) {
  at::Tensor out;
  auto iter = binary_iter(out, self, other);
  mul_stub(iter.device_type(), iter);
  return iter.output();
}

at::Tensor& mul_(at::Tensor& self, const at::Tensor& other) {
  return mul_out(self, other, self);
}

} // namespace at_mini::native
