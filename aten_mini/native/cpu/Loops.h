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

// Note [AVX512 maximum of Half and BFloat16]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// torch 2.14's at::vec::maximum for Vectorized<BFloat16> and Vectorized<Half>
// in the AVX512 build (ATen/cpu/vec/vec512/vec512_bfloat16.h) marks its NaN
// lanes with _mm512_set1_epi32(mask): it ORs the 16-bit compare mask, as an
// integer, into every lane, where all-ones was meant in the NaN lanes only (its
// minimum uses _mm512_mask_set1_epi32 and is right). So maximum(a, b) with a
// NaN in lane k of `a` gives b's number there, every lane of that half gets the
// mask's bits ORed in, and only on CPUs with AVX512: DEFAULT and AVX2 are
// right, and so is the AVX512 maximum of Vectorized<float> and
// Vectorized<double>. vec_maximum takes the maximum of Half and BFloat16
// vectors in Vectorized<float> instead; the round trip is exact (every Half and
// BFloat16 value, NaN included, is a float). The kit's lint (VEC001,
// tools/lint/vecmax.py) flags at::vec::maximum on vectors that may hold Half or
// BFloat16.

// IEEE maximum that propagates NaN, right at every capability.
// See Note [AVX512 maximum of Half and BFloat16].
template <typename T>
at::vec::Vectorized<T> vec_maximum(
    const at::vec::Vectorized<T>& a, const at::vec::Vectorized<T>& b) {
  if constexpr (is_reduced_float_v<T>) {
    auto [a0, a1] = at::vec::convert_to_float<T>(a);
    auto [b0, b1] = at::vec::convert_to_float<T>(b);
    return at::vec::convert_from_float<T>(
        vec_maximum(a0, b0), vec_maximum(a1, b1));
  } else {
    // VEC001-ok: T is neither Half nor BFloat16 in this branch.
    return at::vec::maximum(a, b);
  }
}

} // namespace CPU_CAPABILITY
} // namespace at_mini::native
