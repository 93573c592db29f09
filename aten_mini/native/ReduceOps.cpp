// sum and cumsum: device-generic kernels. Loops: cpu/SumKernel.cpp,
// cpu/CumsumKernel.cpp, cuda/ReduceOpsKernel.cu.

#include "DispatchStubs.h"
#include "Functions.h"
#include "NativeFunctions.h"

#include <ATen/TensorIterator.h>
#include <ATen/WrapDimUtils.h>
#include <ATen/native/ReduceOpsUtils.h>
#include <ATen/native/Resize.h>
#include <ATen/ops/empty.h>

namespace at_mini::native {

// ---- sum ---------------------------------------------------------------

// at::native::make_reduction resizes out to the reduced shape (keepdim or
// not; dim=None or [] reduces every dim), converts self to out's dtype when
// they differ, and returns an iterator whose output has stride 0 along the
// reduced dims: the kernel adds every input element into its output slot.
at::Tensor& sum_out(
    const at::Tensor& self,
    at::OptionalIntArrayRef dim,
    bool keepdim,
    std::optional<at::ScalarType> dtype,
    at::Tensor& out) {
  auto out_dtype = at::native::get_dtype_from_result(out, dtype);
  auto iter =
      at::native::make_reduction("sum", out, self, dim, keepdim, out_dtype);
  sum_stub(iter.device_type(), iter); // an empty input gives zeros
  return out;
}

at::Tensor sum_dim(
    const at::Tensor& self,
    at::OptionalIntArrayRef dim,
    bool keepdim,
    std::optional<at::ScalarType> dtype) {
  // Like torch: integer and bool tensors sum into int64 unless dtype= says.
  auto out_dtype =
      at::native::get_dtype_from_self(self, dtype, /*promote_integers=*/true);
  auto out = at::empty({0}, self.options().dtype(out_dtype));
  return sum_out(self, dim, keepdim, out_dtype, out);
}

// Composite (CompositeExplicitAutograd): the sum over every dim.
at::Tensor sum(const at::Tensor& self, std::optional<at::ScalarType> dtype) {
  return at_mini::sum(
      self, at::OptionalIntArrayRef{}, /*keepdim=*/false, dtype);
}

// ---- cumsum ------------------------------------------------------------

namespace {

// The stub gets out (already the right shape) and self in out's dtype, both
// at least 1-d. Views and dtype conversion are ops of their own, so this works
// on meta tensors too: see Note [Meta tensors skip the stub].
void cumsum_impl(const at::Tensor& self, int64_t dim, at::Tensor& out) {
  TORCH_CHECK(
      out.device() == self.device(),
      "cumsum: out is on ",
      out.device(),
      " but self is on ",
      self.device());
  dim = at::maybe_wrap_dim(dim, self.dim());
  at::native::resize_output(out, self.sizes());
  auto input = self.to(out.scalar_type());
  if (self.dim() == 0) {
    cumsum_stub(self.device().type(), out.unsqueeze(0), input.unsqueeze(0), 0);
  } else {
    cumsum_stub(self.device().type(), out, input, dim);
  }
}

void check_cumsum_dtype(
    std::optional<at::ScalarType> dtype, const at::Tensor& out) {
  TORCH_CHECK(
      !dtype || *dtype == out.scalar_type(),
      "cumsum: dtype=",
      *dtype,
      " does not match the output's dtype ",
      out.scalar_type());
}

} // namespace

at::Tensor& cumsum_out(
    const at::Tensor& self,
    int64_t dim,
    std::optional<at::ScalarType> dtype,
    at::Tensor& out) {
  check_cumsum_dtype(dtype, out);
  cumsum_impl(self, dim, out);
  return out;
}

at::Tensor cumsum(
    const at::Tensor& self, int64_t dim, std::optional<at::ScalarType> dtype) {
  // Like torch: integer and bool tensors accumulate in int64 unless dtype=
  // says.
  auto out_dtype =
      at::native::get_dtype_from_self(self, dtype, /*promote_integers=*/true);
  auto out = at::empty(self.sizes(), self.options().dtype(out_dtype));
  cumsum_impl(self, dim, out);
  return out;
}

at::Tensor& cumsum_(
    at::Tensor& self, int64_t dim, std::optional<at::ScalarType> dtype) {
  check_cumsum_dtype(dtype, self);
  cumsum_impl(self, dim, self);
  return self;
}

} // namespace at_mini::native
