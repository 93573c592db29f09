// CPU loop of softplus, compiled once per capability.

#include "ops/softplus_stubs.h"

#include <aten_mini/native/cpu/Loops.h>

#include <ATen/Dispatch.h>
#include <ATen/OpMathType.h>

#include <cmath>

namespace at_mini::native {
namespace {

using at::vec::Vectorized;

// torch's formula: x where beta * x > threshold, else log1p(exp(beta * x)) /
// beta.
void softplus_kernel(
    at::TensorIteratorBase& iter,
    const c10::Scalar& beta_scalar,
    const c10::Scalar& threshold_scalar) {
  AT_DISPATCH_FLOATING_TYPES_AND2(
      at::kHalf, at::kBFloat16, iter.common_dtype(), "softplus_cpu", [&] {
        using opmath_t = at::opmath_type<scalar_t>;
        using Vec = Vectorized<opmath_t>;
        auto beta = beta_scalar.to<opmath_t>();
        auto threshold = threshold_scalar.to<opmath_t>();
        Vec beta_vec(beta);
        Vec threshold_vec(threshold);
        unary_kernel_vec<scalar_t>(
            iter,
            [beta, threshold](opmath_t x) -> opmath_t {
              return x * beta > threshold
                         ? x
                         : std::log1p(std::exp(x * beta)) / beta;
            },
            [beta_vec, threshold_vec](Vec x) {
              Vec bx = x * beta_vec;
              return Vec::blendv(
                  bx.exp().log1p() / beta_vec, x, bx > threshold_vec);
            });
      });
}

} // namespace

REGISTER_DISPATCH(softplus_stub, &softplus_kernel);

} // namespace at_mini::native
