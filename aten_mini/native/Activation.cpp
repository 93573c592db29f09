// softplus (structured; loops in cpu/ActivationKernel.cpp and
// cuda/ActivationKernel.cu) and silu (composite: no kernel of its own).

#include "ops/mul.h"
#include "ops/sigmoid.h"
#include "ops/silu_native.h"
#include "ops/softplus_native.h"
#include "ops/softplus_stubs.h"

#include <ATen/TensorIterator.h>

// softplus(x) = log(1 + exp(beta * x)) / beta, and x itself where
// beta * x > threshold (there the result equals x to float precision, and
// exp would overflow). softplus is structured (`structured: True` on
// softplus.out): meta() checks and builds the unary iterator (out keeps
// self's dtype), impl() runs the loop.
namespace at_mini::meta {

TORCH_META_FUNC(softplus)
(const at::Tensor& self,
 const at::Scalar& /*beta*/,
 const at::Scalar& /*threshold*/) {
  TORCH_CHECK(
      at::isFloatingType(self.scalar_type()),
      "softplus: expected a floating-point tensor, but got ",
      self.scalar_type());
  build_borrowing_unary_op(maybe_get_output(), self);
}

} // namespace at_mini::meta

namespace at_mini::native {

TORCH_IMPL_FUNC(softplus_out)
(const at::Tensor& /*self*/,
 const at::Scalar& beta,
 const at::Scalar& threshold,
 const at::Tensor& /*out*/) {
  softplus_stub(device_type(), *this, beta, threshold);
}

// CompositeImplicitAutograd: built from other ops through the dispatcher
// (at_mini::, never at_mini::native::), so it works on every device and
// autograd could differentiate it through mul and sigmoid. sigmoid computes
// integers in float, so without the check silu(int tensor) would quietly
// return float32 where torch raises: refuse them as torch's kernel does.
at::Tensor silu(const at::Tensor& self) {
  TORCH_CHECK_NOT_IMPLEMENTED(
      at::isFloatingType(self.scalar_type()) ||
          at::isComplexType(self.scalar_type()),
      "\"silu\" not implemented for '",
      c10::toString(self.scalar_type()),
      "'");
  return at_mini::mul(self, at_mini::sigmoid(self));
}

} // namespace at_mini::native
