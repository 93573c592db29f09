// CUDA loops of add and mul (ATen's gpu_kernel machinery: vectorized loads,
// 32-bit indexing, and a 0-dim CPU tensor operand passed as a kernel argument).

#include "ops/add_stubs.h"
#include "ops/mul_stubs.h"

#include <ATen/Dispatch.h>
#include <ATen/OpMathType.h>
#include <ATen/native/TensorIterator.h>
#include <ATen/native/cuda/Loops.cuh>

namespace at_mini::native {
namespace {

template <typename opmath_t>
struct AddFunctor {
  opmath_t alpha;
  __device__ opmath_t operator()(opmath_t a, opmath_t b) const {
    return a + alpha * b;
  }
};

template <typename opmath_t>
struct MulFunctor {
  __device__ opmath_t operator()(opmath_t a, opmath_t b) const {
    return a * b;
  }
};

void add_kernel_cuda(at::TensorIteratorBase& iter, const c10::Scalar& alpha) {
  AT_DISPATCH_ALL_TYPES_AND3(
      at::kBool,
      at::kHalf,
      at::kBFloat16,
      iter.common_dtype(),
      "add_cuda",
      [&] {
        using opmath_t = at::opmath_type<scalar_t>;
        at::native::opmath_gpu_kernel_with_scalars<scalar_t>(
            iter, AddFunctor<opmath_t>{alpha.to<opmath_t>()});
      });
}

void mul_kernel_cuda(at::TensorIteratorBase& iter) {
  AT_DISPATCH_ALL_TYPES_AND3(
      at::kBool,
      at::kHalf,
      at::kBFloat16,
      iter.common_dtype(),
      "mul_cuda",
      [&] {
        using opmath_t = at::opmath_type<scalar_t>;
        at::native::opmath_gpu_kernel_with_scalars<scalar_t>(
            iter, MulFunctor<opmath_t>{});
      });
}

} // namespace

REGISTER_DISPATCH(add_stub, &add_kernel_cuda);
REGISTER_DISPATCH(mul_stub, &mul_kernel_cuda);

} // namespace at_mini::native
