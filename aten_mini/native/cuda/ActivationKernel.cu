// CUDA loops of relu, sigmoid and softplus. Each functor computes in opmath_t
// (float for Half/BFloat16): see Note [Reduced-precision floats compute in
// float] in cpu/Loops.h.

#include "ops/relu_stubs.h"
#include "ops/sigmoid_stubs.h"
#include "ops/softplus_stubs.h"

#include <ATen/Dispatch.h>
#include <ATen/NumericUtils.h>
#include <ATen/OpMathType.h>
#include <ATen/native/TensorIterator.h>
#include <ATen/native/cuda/Loops.cuh>

#include <cmath>

namespace at_mini::native {
namespace {

template <typename scalar_t>
struct ReluFunctor {
  __device__ scalar_t operator()(scalar_t x) const {
    // only x < 0 becomes 0: NaN and -0.0 come back as they are, as on CPU
    return x < scalar_t(0) ? scalar_t(0) : x;
  }
};

template <typename scalar_t>
struct SigmoidFunctor {
  __device__ scalar_t operator()(scalar_t x) const {
    using T = at::opmath_type<scalar_t>;
    return T(1) / (T(1) + std::exp(-static_cast<T>(x)));
  }
};

template <typename scalar_t>
struct SoftplusFunctor {
  at::opmath_type<scalar_t> beta, threshold;
  __device__ scalar_t operator()(scalar_t x_) const {
    auto x = static_cast<at::opmath_type<scalar_t>>(x_);
    return x * beta > threshold ? x : std::log1p(std::exp(x * beta)) / beta;
  }
};

void relu_kernel_cuda(at::TensorIteratorBase& iter) {
  AT_DISPATCH_ALL_TYPES_AND2(
      at::kHalf, at::kBFloat16, iter.common_dtype(), "relu_cuda", [&] {
        at::native::gpu_kernel(iter, ReluFunctor<scalar_t>{});
      });
}

void sigmoid_kernel_cuda(at::TensorIteratorBase& iter) {
  AT_DISPATCH_FLOATING_TYPES_AND2(
      at::kHalf, at::kBFloat16, iter.common_dtype(), "sigmoid_cuda", [&] {
        at::native::gpu_kernel(iter, SigmoidFunctor<scalar_t>{});
      });
}

void softplus_kernel_cuda(
    at::TensorIteratorBase& iter,
    const c10::Scalar& beta,
    const c10::Scalar& threshold) {
  AT_DISPATCH_FLOATING_TYPES_AND2(
      at::kHalf, at::kBFloat16, iter.common_dtype(), "softplus_cuda", [&] {
        using opmath_t = at::opmath_type<scalar_t>;
        at::native::gpu_kernel(
            iter,
            SoftplusFunctor<scalar_t>{
                beta.to<opmath_t>(), threshold.to<opmath_t>()});
      });
}

} // namespace

REGISTER_DISPATCH(relu_stub, &relu_kernel_cuda);
REGISTER_DISPATCH(sigmoid_stub, &sigmoid_kernel_cuda);
REGISTER_DISPATCH(softplus_stub, &softplus_kernel_cuda);

} // namespace at_mini::native
