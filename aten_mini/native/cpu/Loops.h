#pragma once

// The kit's helpers on top of ATen's CPU loops (ATen/native/cpu/Loops.h):
// a kernel writes its math once, on opmath_t values and on
// Vectorized<opmath_t>, and these run it over a TensorIterator, vectorized,
// in parallel (TensorIterator splits the work over threads).

#include <ATen/cpu/vec/functional.h>
#include <ATen/cpu/vec/vec.h>
#include <ATen/native/cpu/Loops.h>

#include <type_traits>
#include <utility>

namespace at_mini::native {
// Every cpu/ file is compiled once per capability: keep their symbols apart.
// See Note [CPU capabilities].
inline namespace CPU_CAPABILITY {

template <typename T>
constexpr bool is_reduced_float_v =
    std::is_same_v<T, c10::Half> || std::is_same_v<T, c10::BFloat16>;

// Note [Reduced-precision floats compute in float]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// Half and BFloat16 keep 11 and 8 bits of mantissa. Chaining ops in them
// (exp, then add, then reciprocal) rounds after each step and drifts past
// torch's results, so kernels compute in opmath_t (float for Half/BFloat16, the
// type itself otherwise): these helpers widen each Vectorized<Half> into two
// Vectorized<float> on load and narrow once on store, as ATen's kernels do.

template <typename scalar_t, typename Op, typename VecOp>
void unary_kernel_vec(at::TensorIteratorBase& iter, Op op, VecOp vop) {
  if constexpr (is_reduced_float_v<scalar_t>) {
    using Vec = at::vec::Vectorized<scalar_t>;
    at::native::cpu_kernel_vec(
        iter,
        [op](scalar_t a) -> scalar_t {
          return static_cast<scalar_t>(op(static_cast<float>(a)));
        },
        [vop](Vec a) -> Vec {
          auto [a0, a1] = at::vec::convert_to_float<scalar_t>(a);
          return at::vec::convert_from_float<scalar_t>(vop(a0), vop(a1));
        });
  } else {
    at::native::cpu_kernel_vec(iter, std::move(op), std::move(vop));
  }
}

template <typename scalar_t, typename Op, typename VecOp>
void binary_kernel_vec(at::TensorIteratorBase& iter, Op op, VecOp vop) {
  if constexpr (is_reduced_float_v<scalar_t>) {
    using Vec = at::vec::Vectorized<scalar_t>;
    at::native::cpu_kernel_vec(
        iter,
        [op](scalar_t a, scalar_t b) -> scalar_t {
          return static_cast<scalar_t>(
              op(static_cast<float>(a), static_cast<float>(b)));
        },
        [vop](Vec a, Vec b) -> Vec {
          auto [a0, a1] = at::vec::convert_to_float<scalar_t>(a);
          auto [b0, b1] = at::vec::convert_to_float<scalar_t>(b);
          return at::vec::convert_from_float<scalar_t>(
              vop(a0, b0), vop(a1, b1));
        });
  } else {
    at::native::cpu_kernel_vec(iter, std::move(op), std::move(vop));
  }
}

} // namespace CPU_CAPABILITY
} // namespace at_mini::native
