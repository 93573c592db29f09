// CPU loop of where, compiled once per capability.

#include "ops/where_stubs.h"

#include <aten_mini/native/cpu/Loops.h>

#include <ATen/Dispatch.h>

namespace at_mini::native {
namespace {

// Operands: out, condition (bool), self, other (both already out's dtype).
// A plain loop: the compiler vectorizes the select for contiguous inputs.
void where_kernel(at::TensorIterator& iter) {
  AT_DISPATCH_ALL_TYPES_AND_COMPLEX_AND3(
      at::kBool, at::kHalf, at::kBFloat16, iter.dtype(), "where_cpu", [&] {
        at::native::cpu_kernel(
            iter, [](bool cond, scalar_t a, scalar_t b) -> scalar_t {
              return cond ? a : b;
            });
      });
}

} // namespace

REGISTER_DISPATCH(where_stub, &where_kernel);

} // namespace at_mini::native
