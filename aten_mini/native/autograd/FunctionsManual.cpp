// See FunctionsManual.h.
#include <aten_mini/native/autograd/FunctionsManual.h>

#include "Functions.h"

#include <ATen/ATen.h>
#include <c10/core/WrapDimMinimal.h>

#include <vector>

namespace at_mini::autograd {

at::Tensor maybe_multiply(const at::Tensor& t, const at::Scalar& s) {
  const bool is_one = s.isBoolean() ? s.toBool() : s.equal(1);
  return is_one ? t : t * s;
}

at::Tensor relu_backward(const at::Tensor& grad, const at::Tensor& result) {
  return at_mini::mul(grad, (result > 0).to(grad.scalar_type()));
}

at::Tensor sigmoid_backward_from_result(const at::Tensor& grad, const at::Tensor& result) {
  return at_mini::mul(grad, at_mini::mul(result, 1 - result));
}

at::Tensor softplus_input_backward(
    const at::Tensor& grad,
    const at::Tensor& self,
    const at::Scalar& beta,
    const at::Scalar& threshold) {
  const at::Tensor scaled = self * beta;
  const at::Tensor slope = at_mini::where(
      scaled > threshold, at::ones_like(scaled), at_mini::sigmoid(scaled));
  return at_mini::mul(grad, slope);
}

at::Tensor sum_backward(
    const at::Tensor& grad,
    at::IntArrayRef sizes,
    at::OptionalIntArrayRef dim,
    bool keepdim) {
  const auto ndim = static_cast<int64_t>(sizes.size());
  if (keepdim || ndim == 0) {
    return grad.expand(sizes);
  }
  const bool all = !dim.has_value() || dim->empty();
  std::vector<bool> reduced(ndim, all);
  for (int64_t d : all ? at::IntArrayRef() : *dim) {
    reduced[c10::maybe_wrap_dim(d, ndim)] = true;
  }
  at::Tensor g = grad;
  for (int64_t d = 0; d < ndim; ++d) {
    if (reduced[d]) {
      g = g.unsqueeze(d);
    }
  }
  return g.expand(sizes);
}

at::Tensor cumsum_backward(const at::Tensor& grad, int64_t dim) {
  if (grad.dim() == 0 || grad.numel() == 0) {
    return grad;
  }
  return at_mini::cumsum(grad.flip(dim), dim).flip(dim);
}

at::Tensor not_implemented(const char* name) {
  TORCH_CHECK_NOT_IMPLEMENTED(
      false, "the derivative for '", name, "' is not implemented in aten-mini");
  return at::Tensor();
}

} // namespace at_mini::autograd
