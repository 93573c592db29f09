// relu (device-generic kernels) and sigmoid (structured: meta and impl).
// Loops: cpu/UnaryOpsKernel.cpp, cuda/UnaryOpsKernel.cu.

#include "ops/relu_native.h"
#include "ops/relu_stubs.h"
#include "ops/sigmoid_native.h"
#include "ops/sigmoid_stubs.h"

#include <ATen/TensorIterator.h>

namespace at_mini::native {

namespace {

// TensorIterator::unary_op: out has self's dtype (an out= of another dtype is
// an error), out= is resized to self's shape, an undefined out is allocated.
at::TensorIterator relu_impl(at::TensorBase& out, const at::Tensor& self) {
  TORCH_CHECK(
      self.scalar_type() != at::kBool,
      "relu: boolean tensors are not supported; convert with .int() or "
      ".float() first");
  auto iter = at::TensorIterator::unary_op(out, self);
  relu_stub(iter.device_type(), iter);
  return iter;
}

} // namespace

at::Tensor& relu_out(const at::Tensor& self, at::Tensor& out) {
  relu_impl(out, self);
  return out;
}

at::Tensor relu(const at::Tensor& self) {
  at::Tensor out;
  return relu_impl(out, self).output();
}

at::Tensor& relu_(at::Tensor& self) {
  return relu_out(self, self);
}

} // namespace at_mini::native

// sigmoid is structured (`structured: True` on sigmoid.out): meta() builds the
// iterator, impl() runs the loop, the generated wrappers handle the output.
// The unary float iterator: integer inputs compute in the default float dtype
// (torch.sigmoid(int tensor) is float); out= must hold that safely.
namespace at_mini::meta {

TORCH_META_FUNC(sigmoid)(const at::Tensor& self) {
  build_borrowing_unary_float_op(maybe_get_output(), self);
}

} // namespace at_mini::meta

namespace at_mini::native {

TORCH_IMPL_FUNC(sigmoid_out)
(const at::Tensor& /*self*/, const at::Tensor& /*out*/) {
  sigmoid_stub(device_type(), *this);
}

} // namespace at_mini::native
