// sum and cumsum: structured (meta and impl), and the composite sum over
// every dim. Loops: cpu/SumKernel.cpp, cpu/CumsumKernel.cpp,
// cuda/ReduceOpsKernel.cu.

#include "ops/cumsum_native.h"
#include "ops/cumsum_stubs.h"
#include "ops/sum.h"
#include "ops/sum_native.h"
#include "ops/sum_stubs.h"

#include <ATen/TensorIterator.h>
#include <ATen/WrapDimUtils.h>
#include <ATen/native/ReduceOpsUtils.h>

// sum.dim_IntList and cumsum are structured (`structured: True` on
// sum.IntList_out and cumsum.out), without `structured_inherits`: their meta
// classes derive from at::impl::MetaBase, and meta() reports the output's
// sizes and dtype with set_output_raw_strided itself. The generated wrappers
// allocate, check (in-place) or resize (out=) the output from that; see Note
// [How structured wrappers allocate outputs] in
// torchgen_mini/dest/structured.py.

namespace at_mini::meta {

namespace {

// The dtype the result has (torch's rule for sum and cumsum): dtype= when
// given; else an out= or in-place output keeps its own; else integer and
// bool inputs accumulate in int64 and the others keep self's dtype. A
// dtype= that differs from the given output's is then the wrapper's "Expected
// out tensor to have dtype ..." (out=) or "Bad in-place call" (in-place).
at::ScalarType result_dtype(
    const at::Tensor& self,
    std::optional<at::ScalarType> dtype,
    const at::Tensor& given) {
  if (given.defined()) {
    return dtype.value_or(given.scalar_type());
  }
  return at::native::get_dtype_from_self(
      self, dtype, /*promote_integers=*/true);
}

} // namespace

// The reduced shape: each dim in `dim` removed (or kept as size 1 with
// keepdim); dim=None or [] reduces every dim. at::meta::resize_reduction
// wraps negative dims (IndexError out of range), rejects a dim given twice,
// and sets the output, contiguous.
TORCH_META_FUNC2(sum, dim_IntList)
(const at::Tensor& self,
 at::OptionalIntArrayRef dim,
 bool keepdim,
 std::optional<at::ScalarType> dtype) {
  auto out_dtype = result_dtype(self, dtype, maybe_get_output());
  at::meta::resize_reduction(*this, self, dim, keepdim, out_dtype);
}

// A scan keeps self's shape; the output is contiguous when allocated.
TORCH_META_FUNC(cumsum)
(const at::Tensor& self, int64_t dim, std::optional<at::ScalarType> dtype) {
  at::maybe_wrap_dim(dim, self.dim()); // IndexError for a dim out of range
  auto out_dtype = result_dtype(self, dtype, maybe_get_output());
  set_output_raw_strided(0, self.sizes(), {}, self.options().dtype(out_dtype));
}

} // namespace at_mini::meta

namespace at_mini::native {

// ---- sum ---------------------------------------------------------------

// `out` has the reduced shape and dtype (meta() saw to it).
// make_reduction_from_out_ty views it with the reduced dims kept as size 1,
// converts self to out's dtype where needed (a CUDA Half or BFloat16 input
// summed into float is read as is), and returns an iterator whose output has
// stride 0 along the reduced dims: the kernel adds every input element into
// its output slot. An empty input gives zeros.
TORCH_IMPL_FUNC(sum_out)
(const at::Tensor& self,
 at::OptionalIntArrayRef dim,
 bool keepdim,
 std::optional<at::ScalarType> /*dtype*/,
 const at::Tensor& out) {
  auto iter = at::meta::make_reduction_from_out_ty(
      self, out, dim, keepdim, out.scalar_type());
  sum_stub(iter.device_type(), iter);
}

// Composite (CompositeExplicitAutograd): the sum over every dim.
at::Tensor sum(const at::Tensor& self, std::optional<at::ScalarType> dtype) {
  return at_mini::sum(
      self, at::OptionalIntArrayRef{}, /*keepdim=*/false, dtype);
}

// ---- cumsum ------------------------------------------------------------

// The stub gets out (self's shape, maybe strided: an out= that was not
// resized keeps its strides) and self in out's dtype, both at least 1-d.
// Reads each input element before it writes the output's, so `out` may be
// self (cumsum_).
TORCH_IMPL_FUNC(cumsum_out)
(const at::Tensor& self,
 int64_t dim,
 std::optional<at::ScalarType> /*dtype*/,
 const at::Tensor& out) {
  dim = at::maybe_wrap_dim(dim, self.dim());
  auto input = self.to(out.scalar_type());
  if (self.dim() == 0) {
    cumsum_stub(self.device().type(), out.unsqueeze(0), input.unsqueeze(0), 0);
  } else {
    cumsum_stub(self.device().type(), out, input, dim);
  }
}

} // namespace at_mini::native
