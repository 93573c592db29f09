// log1p: structured (meta and impl). Loop: cpu/Log1pKernel.cpp (no CUDA
// kernel yet).

#include "ops/log1p_native.h"
#include "ops/log1p_stubs.h"

#include <ATen/TensorIterator.h>

// log1p(x) = log(1 + x), computed without forming 1 + x, so that it stays
// accurate for |x| much smaller than 1 (where 1 + x would round to 1).
// log1p is structured (`structured: True` on log1p.out): meta() builds the
// unary float iterator (integer and bool inputs compute in the default float
// dtype, as torch.log1p does; out= must hold that safely, so an integer
// log1p_ is an error), impl() runs the loop, and the generated wrappers
// handle the output of log1p, log1p_ and log1p.out.
namespace at_mini::meta {

TORCH_META_FUNC(log1p)(const at::Tensor& self) {
  build_borrowing_unary_float_op(maybe_get_output(), self);
}

} // namespace at_mini::meta

namespace at_mini::native {

TORCH_IMPL_FUNC(log1p_out)
(const at::Tensor& /*self*/, const at::Tensor& /*out*/) {
  log1p_stub(device_type(), *this);
}

} // namespace at_mini::native
