// softplus (device-generic; loops in cpu/ActivationKernel.cpp and
// cuda/ActivationKernel.cu) and silu (composite: no kernel of its own).

#include "DispatchStubs.h"
#include "Functions.h"
#include "NativeFunctions.h"

#include <ATen/TensorIterator.h>

namespace at_mini::native {

namespace {
// softplus(x) = log(1 + exp(beta * x)) / beta, and x itself where
// beta * x > threshold (there the result equals x to float precision, and
// exp would overflow).
// The iterator is TensorIterator::unary_op: out keeps self's dtype.
at::TensorIterator softplus_impl(
    at::TensorBase& out,
    const at::Tensor& self,
    const at::Scalar& beta,
    const at::Scalar& threshold) {
  TORCH_CHECK(
      at::isFloatingType(self.scalar_type()),
      "softplus: expected a floating-point tensor, but got ",
      self.scalar_type());
  auto iter = at::TensorIterator::unary_op(out, self);
  softplus_stub(iter.device_type(), iter, beta, threshold);
  return iter;
}
} // namespace

at::Tensor& softplus_out(
    const at::Tensor& self,
    const at::Scalar& beta,
    const at::Scalar& threshold,
    at::Tensor& out) {
  softplus_impl(out, self, beta, threshold);
  return out;
}

at::Tensor softplus(
    const at::Tensor& self,
    const at::Scalar& beta,
    const at::Scalar& threshold) {
  at::Tensor out;
  return softplus_impl(out, self, beta, threshold).output();
}

// CompositeImplicitAutograd: built from other ops through the dispatcher
// (at_mini::, never at_mini::native::), so it works on every device and
// autograd could differentiate it through mul and sigmoid.
at::Tensor silu(const at::Tensor& self) {
  return at_mini::mul(self, at_mini::sigmoid(self));
}

} // namespace at_mini::native
