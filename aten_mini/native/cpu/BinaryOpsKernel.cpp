// CPU loops of add and mul, compiled once per capability.
// See Note [CPU capabilities] in DispatchStub.h.

#include "DispatchStubs.h"

#include <aten_mini/native/cpu/Loops.h>

#include <ATen/Dispatch.h>
#include <ATen/OpMathType.h>

namespace at_mini::native {
namespace {

using at::vec::Vectorized;

void add_kernel(at::TensorIteratorBase& iter, const c10::Scalar& alpha_scalar) {
  if (iter.common_dtype() == at::kBool) { // True + True is True, like torch
    bool alpha = alpha_scalar.to<bool>();
    at::native::cpu_kernel(
        iter, [alpha](bool a, bool b) -> bool { return a || (alpha && b); });
    return;
  }
  AT_DISPATCH_ALL_TYPES_AND2(
      at::kHalf, at::kBFloat16, iter.common_dtype(), "add_cpu", [&] {
        using opmath_t = at::opmath_type<scalar_t>;
        auto alpha = alpha_scalar.to<opmath_t>();
        Vectorized<opmath_t> alpha_vec(alpha);
        binary_kernel_vec<scalar_t>(
            iter,
            [alpha](opmath_t a, opmath_t b) -> opmath_t {
              return a + alpha * b;
            },
            [alpha_vec](Vectorized<opmath_t> a, Vectorized<opmath_t> b) {
              return at::vec::fmadd(b, alpha_vec, a);
            });
      });
}

void mul_kernel(at::TensorIteratorBase& iter) {
  if (iter.common_dtype() == at::kBool) {
    at::native::cpu_kernel(iter, [](bool a, bool b) -> bool { return a && b; });
    return;
  }
  AT_DISPATCH_ALL_TYPES_AND2(
      at::kHalf, at::kBFloat16, iter.common_dtype(), "mul_cpu", [&] {
        using opmath_t = at::opmath_type<scalar_t>;
        binary_kernel_vec<scalar_t>(
            iter,
            [](opmath_t a, opmath_t b) -> opmath_t { return a * b; },
            [](Vectorized<opmath_t> a, Vectorized<opmath_t> b) {
              return a * b;
            });
      });
}

} // namespace

REGISTER_DISPATCH(add_stub, &add_kernel);
REGISTER_DISPATCH(mul_stub, &mul_kernel);

} // namespace at_mini::native
