// CPU loop of where, compiled once per capability.

#include "ops/where_stubs.h"

#include <aten_mini/native/cpu/Loops.h>

#include <ATen/Dispatch.h>

#include <cstdint>

namespace at_mini::native {
namespace {

// Note [where's contiguous loop]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// ATen's where runs `cond ? a : b` through cpu_kernel, whose loop takes the
// strides at run time, so the compiler emits one scalar select per element.
// Vectorized<T> has no bool lanes, so cpu_kernel_vec cannot take the bool
// condition either. Instead the kernel hands TensorIterator a loop of its
// own (iter.for_each): when a row of every operand is contiguous it runs an
// indexed loop the compiler vectorizes (widen the condition bytes to a mask,
// blend); any other row takes the strided scalar loop cpu_kernel would.
template <typename scalar_t>
void where_loop(char** data, const int64_t* strides, int64_t n) {
  constexpr int64_t s = sizeof(scalar_t);
  if (strides[0] == s && strides[1] == sizeof(bool) && strides[2] == s &&
      strides[3] == s) {
    auto* out = reinterpret_cast<scalar_t*>(data[0]);
    // The condition is read as bytes (a bool is one byte, 0 or 1) and both
    // values are loaded unconditionally: GCC vectorizes neither a bool load
    // nor a select whose loads are conditional.
    const auto* cond = reinterpret_cast<const uint8_t*>(data[1]);
    const auto* a = reinterpret_cast<const scalar_t*>(data[2]);
    const auto* b = reinterpret_cast<const scalar_t*>(data[3]);
    for (int64_t i = 0; i < n; ++i) {
      scalar_t x = a[i];
      scalar_t y = b[i];
      out[i] = cond[i] ? x : y;
    }
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    bool c = *reinterpret_cast<const bool*>(data[1] + i * strides[1]);
    const char* src = c ? data[2] + i * strides[2] : data[3] + i * strides[3];
    *reinterpret_cast<scalar_t*>(data[0] + i * strides[0]) =
        *reinterpret_cast<const scalar_t*>(src);
  }
}

// Operands: out, condition (bool), self, other (both already out's dtype).
void where_kernel(at::TensorIterator& iter) {
  AT_DISPATCH_ALL_TYPES_AND_COMPLEX_AND3(
      at::kBool, at::kHalf, at::kBFloat16, iter.dtype(), "where_cpu", [&] {
        iter.for_each (where_loop<scalar_t>);
      });
}

} // namespace

REGISTER_DISPATCH(where_stub, &where_kernel);

} // namespace at_mini::native
