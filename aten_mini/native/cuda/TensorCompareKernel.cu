// CUDA loop of where.

#include "ops/where_stubs.h"

#include <ATen/Dispatch.h>
#include <ATen/native/TensorIterator.h>
#include <ATen/native/cuda/Loops.cuh>

namespace at_mini::native {
namespace {

template <typename scalar_t>
struct WhereFunctor {
  __device__ scalar_t operator()(bool cond, scalar_t a, scalar_t b) const {
    return cond ? a : b;
  }
};

void where_kernel_cuda(at::TensorIterator& iter) {
  AT_DISPATCH_ALL_TYPES_AND_COMPLEX_AND3(
      at::kBool, at::kHalf, at::kBFloat16, iter.dtype(), "where_cuda", [&] {
        at::native::gpu_kernel(iter, WhereFunctor<scalar_t>{});
      });
}

} // namespace

REGISTER_DISPATCH(where_stub, &where_kernel_cuda);

} // namespace at_mini::native
