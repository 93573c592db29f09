// CPU loop of log1p, compiled once per capability.

#include "ops/log1p_stubs.h"

#include <aten_mini/native/cpu/Loops.h>

#include <ATen/Dispatch.h>
#include <ATen/OpMathType.h>

#include <cmath>

namespace at_mini::native {
namespace {

void log1p_kernel(at::TensorIteratorBase& iter) {
  AT_DISPATCH_FLOATING_TYPES_AND2(
      at::kHalf, at::kBFloat16, iter.common_dtype(), "log1p_cpu", [&] {
        using opmath_t = at::opmath_type<scalar_t>;
        // Scalar on purpose: one std::log1p per element, even in the AVX2
        // and AVX512 builds of this file, so it is several times slower than
        // torch.log1p. Vectorizing this loop is practice task 14
        // (tools/tasks/14-vectorize-log1p).
        at::native::cpu_kernel(iter, [](scalar_t x) -> scalar_t {
          return static_cast<scalar_t>(std::log1p(static_cast<opmath_t>(x)));
        });
      });
}

} // namespace

// torch runs its log1p kernel with AVX512 too. See Note [CPU capabilities].
ALSO_REGISTER_AVX512_DISPATCH(log1p_stub, &log1p_kernel);

} // namespace at_mini::native
