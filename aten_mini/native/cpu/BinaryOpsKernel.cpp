// CPU loops of add and mul, compiled once per capability.
// See Note [CPU capabilities] in DispatchStub.h.

#include "ops/add_stubs.h"
#include "ops/mul_stubs.h"

#include <aten_mini/native/cpu/Loops.h>

#include <ATen/Dispatch.h>
#include <ATen/OpMathType.h>

namespace at_mini::native {
namespace {

using at::vec::Vectorized;

// Note [add of Half and BFloat16 rounds like torch]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// Other kernels compute reduced precision in float (see Note [Reduced-precision
// floats compute in float]); add(a, b, alpha=) in Half/BFloat16 does what
// torch's CPU kernel (ufunc_add_CPU, generated from `ufunc_inner_loop:`) does,
// so the kit agrees with torch bit for bit:
// - alpha is rounded to the tensor's dtype first (alpha=0.1 is 0.0999755859375
//   in float16);
// - the vectorized body computes fmadd(b, alpha, a) on Vectorized<scalar_t>:
//   with AVX2/AVX512 that widens to float and rounds once;
// - elements outside the vectorized body (the tail of a contiguous loop, every
//   element of a strided one) compute a + alpha * b on scalar_t: alpha * b is
//   rounded to Half/BFloat16 before the add, a second rounding.
// Both paths run through at::native::cpu_kernel_vec, whose split between them
// is the one torch uses at the same CPU capability. Computing in float
// everywhere (rounding once) is more accurate, and one ulp away from torch in
// 12 of add's float16 upstream samples (alpha=-3.125) and in 105 of 1,000
// float16 elements with alpha=0.1.
void add_kernel_reduced_float(
    at::TensorIteratorBase& iter, const c10::Scalar& alpha_scalar) {
  AT_DISPATCH_REDUCED_FLOATING_TYPES(
      iter.common_dtype(), "add_cpu_reduced_float", [&] {
        const auto alpha = alpha_scalar.to<scalar_t>();
        const Vectorized<scalar_t> alpha_vec(alpha);
        at::native::cpu_kernel_vec(
            iter,
            [alpha](scalar_t a, scalar_t b) -> scalar_t {
              return a + alpha * b;
            },
            [alpha_vec](Vectorized<scalar_t> a, Vectorized<scalar_t> b) {
              return at::vec::fmadd(b, alpha_vec, a);
            });
      });
}

void add_kernel(at::TensorIteratorBase& iter, const c10::Scalar& alpha_scalar) {
  if (iter.common_dtype() == at::kBool) { // True + True is True, like torch
    bool alpha = alpha_scalar.to<bool>();
    at::native::cpu_kernel(
        iter, [alpha](bool a, bool b) -> bool { return a || (alpha && b); });
    return;
  }
  if (at::isReducedFloatingType(iter.common_dtype())) {
    add_kernel_reduced_float(iter, alpha_scalar);
    return;
  }
  AT_DISPATCH_ALL_TYPES(iter.common_dtype(), "add_cpu", [&] {
    using opmath_t = at::opmath_type<scalar_t>;
    auto alpha = alpha_scalar.to<opmath_t>();
    Vectorized<opmath_t> alpha_vec(alpha);
    binary_kernel_vec<scalar_t>(
        iter,
        [alpha](opmath_t a, opmath_t b) -> opmath_t { return a + alpha * b; },
        [alpha_vec](Vectorized<opmath_t> a, Vectorized<opmath_t> b) {
          return at::vec::fmadd(b, alpha_vec, a);
        });
  });
}

// Note [A number times a Half tensor]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// mul(half_tensor, 1e5) is float16, but TensorIterator has already cast the
// wrapped 1e5 to float16, where it is inf: 0.3 * inf is inf, where torch
// gives 30000. Like torch's CPU and CUDA kernels, multiply by the operand's
// value from before the cast (original_scalar_value, in opmath_t) when
// `other` is a single value; only the product is rounded to Half/BFloat16.
void mul_kernel(at::TensorIteratorBase& iter) {
  const auto dtype = iter.common_dtype();
  if (dtype == at::kBool) {
    at::native::cpu_kernel(iter, [](bool a, bool b) -> bool { return a && b; });
    return;
  }
  if (at::isReducedFloatingType(dtype) && iter.numel() > 0 &&
      iter.is_cpu_scalar(2)) {
    AT_DISPATCH_REDUCED_FLOATING_TYPES(dtype, "mul_cpu_reduced_float", [&] {
      using opmath_t = at::opmath_type<scalar_t>;
      const auto b = iter.original_scalar_value<opmath_t>(2);
      iter.remove_operand(2);
      const Vectorized<opmath_t> b_vec(b);
      unary_kernel_vec<scalar_t>(
          iter,
          [b](opmath_t a) -> opmath_t { return a * b; },
          [b_vec](Vectorized<opmath_t> a) { return a * b_vec; });
    });
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
