// CPU loops of relu and sigmoid, compiled once per capability.

#include "ops/relu_stubs.h"
#include "ops/sigmoid_stubs.h"

#include <aten_mini/native/cpu/Loops.h>

#include <ATen/Dispatch.h>
#include <ATen/OpMathType.h>

#include <cmath>

namespace at_mini::native {
namespace {

using at::vec::Vectorized;

void relu_kernel(at::TensorIteratorBase& iter) {
  AT_DISPATCH_ALL_TYPES_AND2(
      at::kHalf, at::kBFloat16, iter.common_dtype(), "relu_cpu", [&] {
        using opmath_t = at::opmath_type<scalar_t>;
        unary_kernel_vec<scalar_t>(
            iter,
            // Only x < 0 becomes 0, like torch: NaN (x < 0 is false for NaN)
            // stays NaN, and -0.0 stays -0.0, as clamp_min below keeps it.
            [](opmath_t x) -> opmath_t { return x < 0 ? opmath_t(0) : x; },
            [](Vectorized<opmath_t> x) {
              return at::vec::clamp_min(x, Vectorized<opmath_t>(opmath_t(0)));
            });
      });
}

void sigmoid_kernel(at::TensorIteratorBase& iter) {
  AT_DISPATCH_FLOATING_TYPES_AND2(
      at::kHalf, at::kBFloat16, iter.common_dtype(), "sigmoid_cpu", [&] {
        using opmath_t = at::opmath_type<scalar_t>;
        unary_kernel_vec<scalar_t>(
            iter,
            [](opmath_t x) -> opmath_t {
              return opmath_t(1) / (opmath_t(1) + std::exp(-x));
            },
            [](Vectorized<opmath_t> x) {
              return (Vectorized<opmath_t>(opmath_t(1)) + x.neg().exp())
                  .reciprocal();
            });
      });
}

} // namespace

// torch runs its sigmoid kernel with AVX512 too, relu (clamp_min) with AVX2.
// See Note [CPU capabilities].
REGISTER_DISPATCH(relu_stub, &relu_kernel);
ALSO_REGISTER_AVX512_DISPATCH(sigmoid_stub, &sigmoid_kernel);

} // namespace at_mini::native
