// CPU cumsum, compiled once per capability.

#include "ops/cumsum_stubs.h"

#include <aten_mini/native/cpu/Loops.h>

#include <ATen/AccumulateType.h>
#include <ATen/Dispatch.h>
#include <ATen/TensorIterator.h>

#include <algorithm>
#include <array>

namespace at_mini::native {
namespace {

// Accumulate like torch: float in double, Half in float, integers in int64.
template <typename scalar_t>
using cumsum_acc_t = at::acc_type<scalar_t, /*is_cuda=*/false>;

// One scan: out[k] = in[0] + ... + in[k], n elements, strides in bytes.
// Reads in[k] before writing out[k], so out may alias in (cumsum_).
template <typename scalar_t>
void scan(
    char* out,
    const char* in,
    int64_t n,
    int64_t out_stride,
    int64_t in_stride) {
  cumsum_acc_t<scalar_t> acc = 0;
  for (int64_t k = 0; k < n; ++k) {
    acc += *reinterpret_cast<const scalar_t*>(in + k * in_stride);
    *reinterpret_cast<scalar_t*>(out + k * out_stride) =
        static_cast<scalar_t>(acc);
  }
}

// `count` scans side by side whose starts are contiguous (a cumsum along a
// dim that is not the innermost): walks the scan dim in the outer loop so
// every load and store is contiguous; the inner loop vectorizes.
template <typename scalar_t>
void scans_side_by_side(
    char* out,
    const char* in,
    int64_t count,
    int64_t n,
    int64_t out_stride,
    int64_t in_stride) {
  constexpr int64_t kChunk = 256;
  std::array<cumsum_acc_t<scalar_t>, kChunk> acc;
  for (int64_t start = 0; start < count; start += kChunk) {
    int64_t width = std::min(kChunk, count - start);
    std::fill_n(acc.begin(), width, 0);
    for (int64_t k = 0; k < n; ++k) {
      const auto* src =
          reinterpret_cast<const scalar_t*>(in + k * in_stride) + start;
      auto* dst = reinterpret_cast<scalar_t*>(out + k * out_stride) + start;
      for (int64_t j = 0; j < width; ++j) {
        acc[j] += src[j];
        dst[j] = static_cast<scalar_t>(acc[j]);
      }
    }
  }
}

// The iterator runs over every dim but `dim` (squashed to size 1); each of its
// elements starts one scan along `dim`.
void cumsum_kernel(const at::Tensor& out, const at::Tensor& self, int64_t dim) {
  auto iter = at::TensorIteratorConfig()
                  .resize_outputs(false)
                  .declare_static_shape(self.sizes(), /*squash_dims=*/dim)
                  .add_output(out)
                  .add_const_input(self)
                  .build();
  int64_t n = self.size(dim);
  int64_t out_stride = out.stride(dim) * out.element_size();
  int64_t in_stride = self.stride(dim) * self.element_size();
  int64_t grain =
      std::max<int64_t>(1, at::internal::GRAIN_SIZE / std::max<int64_t>(n, 1));
  AT_DISPATCH_ALL_TYPES_AND2(
      at::kHalf, at::kBFloat16, self.scalar_type(), "cumsum_cpu", [&] {
        const auto elem = int64_t(sizeof(scalar_t));
        iter.for_each (
            [&](char** data, const int64_t* strides, int64_t count) {
              if (strides[0] == elem && strides[1] == elem && count > 1) {
                scans_side_by_side<scalar_t>(
                    data[0], data[1], count, n, out_stride, in_stride);
                return;
              }
              for (int64_t i = 0; i < count; ++i) {
                scan<scalar_t>(
                    data[0] + i * strides[0],
                    data[1] + i * strides[1],
                    n,
                    out_stride,
                    in_stride);
              }
            },
            grain);
      });
}

} // namespace

REGISTER_DISPATCH(cumsum_stub, &cumsum_kernel);

} // namespace at_mini::native
