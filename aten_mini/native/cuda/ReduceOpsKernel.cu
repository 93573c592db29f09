// CUDA sum (ATen's gpu_reduce_kernel: tree reduction in registers, warps and
// blocks) and a simple cumsum (one thread per scan).

#include "ops/cumsum_stubs.h"
#include "ops/sum_stubs.h"

#include <ATen/AccumulateType.h>
#include <ATen/Dispatch.h>
#include <ATen/core/Tensor.h>
#include <ATen/native/TensorIterator.h>
#include <ATen/ops/empty.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAStream.h>
#include <ATen/native/cuda/Reduce.cuh>

namespace at_mini::native {
namespace {

// ---- sum -------------------------------------------------------------------

template <typename acc_t>
struct SumCombine {
  __device__ acc_t operator()(acc_t a, acc_t b) const {
    return a + b;
  }
};

template <typename in_t, typename out_t>
void sum_reduce(at::TensorIterator& iter) {
  using acc_t = at::acc_type<in_t, /*is_cuda=*/true>;
  at::native::gpu_reduce_kernel<in_t, out_t>(
      iter, at::native::func_wrapper<out_t>(SumCombine<acc_t>{}));
}

void sum_kernel_cuda(at::TensorIterator& iter) {
  if (iter.numel() == 0) { // an empty input sums to zero
    at::Tensor(iter.output_base()).zero_();
    return;
  }
  auto in = iter.input_dtype();
  if ((in == at::kHalf || in == at::kBFloat16) && iter.dtype() == at::kFloat) {
    // Half input, float output: read Half directly, no converted copy.
    AT_DISPATCH_REDUCED_FLOATING_TYPES(
        in, "sum_cuda", [&] { sum_reduce<scalar_t, float>(iter); });
    return;
  }
  AT_DISPATCH_ALL_TYPES_AND2(
      at::kHalf, at::kBFloat16, iter.dtype(), "sum_cuda", [&] {
        sum_reduce<scalar_t, scalar_t>(iter);
      });
}

// ---- cumsum ----------------------------------------------------------------

// in and out contiguous, viewed as [outer, n, inner]: thread t scans column
// (t / inner, t % inner). Neighbouring threads read neighbouring addresses
// when inner > 1.
template <typename scalar_t>
__global__ void cumsum_columns(
    scalar_t* out,
    const scalar_t* in,
    int64_t outer,
    int64_t n,
    int64_t inner) {
  int64_t t = blockIdx.x * int64_t(blockDim.x) + threadIdx.x;
  if (t >= outer * inner) {
    return;
  }
  int64_t base = (t / inner) * n * inner + t % inner;
  at::acc_type<scalar_t, true> acc = 0;
  for (int64_t k = 0; k < n; ++k) {
    acc += in[base + k * inner];
    out[base + k * inner] = static_cast<scalar_t>(acc);
  }
}

void cumsum_kernel_cuda(
    const at::Tensor& out, const at::Tensor& self, int64_t dim) {
  auto in = self.contiguous();
  auto result =
      out.is_contiguous() ? out : at::empty(out.sizes(), out.options());
  int64_t n = self.size(dim);
  int64_t inner = 1;
  for (int64_t d = dim + 1; d < self.dim(); ++d) {
    inner *= self.size(d);
  }
  int64_t outer = n * inner == 0 ? 0 : self.numel() / (n * inner);
  int64_t threads = outer * inner;
  if (threads > 0) {
    constexpr int kBlock = 256;
    auto blocks = static_cast<unsigned>((threads + kBlock - 1) / kBlock);
    auto stream = c10::cuda::getCurrentCUDAStream();
    AT_DISPATCH_ALL_TYPES_AND2(
        at::kHalf, at::kBFloat16, self.scalar_type(), "cumsum_cuda", [&] {
          cumsum_columns<scalar_t><<<blocks, kBlock, 0, stream>>>(
              result.mutable_data_ptr<scalar_t>(),
              in.const_data_ptr<scalar_t>(),
              outer,
              n,
              inner);
          C10_CUDA_KERNEL_LAUNCH_CHECK();
        });
  }
  if (!result.is_same(out)) {
    out.copy_(result);
  }
}

} // namespace

REGISTER_DISPATCH(sum_stub, &sum_kernel_cuda);
REGISTER_DISPATCH(cumsum_stub, &cumsum_kernel_cuda);

} // namespace at_mini::native
