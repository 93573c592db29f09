// log1p: the device-generic kernel. Loop: cpu/Log1pKernel.cpp (no CUDA
// kernel yet).

#include "DispatchStubs.h"
#include "NativeFunctions.h"

#include <ATen/TensorIterator.h>

namespace at_mini::native {

// log1p(x) = log(1 + x), computed without forming 1 + x, so that it stays
// accurate for |x| much smaller than 1 (where 1 + x would round to 1).
// TensorIterator::unary_float_op: integer and bool inputs compute in the
// default float dtype, as torch.log1p does.
at::Tensor log1p(const at::Tensor& self) {
  at::Tensor out;
  auto iter = at::TensorIterator::unary_float_op(out, self);
  log1p_stub(iter.device_type(), iter);
  return iter.output();
}

} // namespace at_mini::native
