// where: device-generic kernel. Loops: cpu/TensorCompareKernel.cpp,
// cuda/TensorCompareKernel.cu.

#include "ops/where_native.h"
#include "ops/where_stubs.h"

#include <ATen/TensorIterator.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/result_type.h>

namespace at_mini::native {

namespace {

// The device of the result: the first argument that is not a 0-dim CPU
// tensor (those may join tensors on any device, like Python numbers).
at::Device where_device(
    const at::Tensor& cond, const at::Tensor& self, const at::Tensor& other) {
  for (const auto* t : {&cond, &self, &other}) {
    if (!(t->dim() == 0 && t->is_cpu())) {
      return t->device();
    }
  }
  return at::kCPU;
}

// `t` as `dtype` on `device`; only 0-dim CPU tensors move between devices.
at::Tensor prepare(
    const at::Tensor& t, at::Device device, at::ScalarType dtype) {
  bool move = t.dim() == 0 && t.is_cpu() && device != t.device();
  return t.to(move ? device : t.device(), dtype);
}

} // namespace

at::Tensor& where_out(
    const at::Tensor& condition,
    const at::Tensor& self,
    const at::Tensor& other,
    at::Tensor& out) {
  TORCH_CHECK(
      condition.scalar_type() == at::kBool ||
          condition.scalar_type() == at::kByte,
      "where: expected a bool condition, but got a tensor of dtype ",
      condition.scalar_type());
  auto result_type = at::result_type(self, other);
  TORCH_CHECK(
      out.scalar_type() == result_type,
      "where: expected out of dtype ",
      result_type,
      " (the promoted dtype of self and other), but got ",
      out.scalar_type());
  auto cond_ = prepare(condition, out.device(), at::kBool);
  auto self_ = prepare(self, out.device(), result_type);
  auto other_ = prepare(other, out.device(), result_type);
  // The condition, self and other broadcast together; out is resized to match.
  auto iter = at::TensorIteratorConfig()
                  .check_all_same_dtype(false)
                  .add_output(out)
                  .add_const_input(cond_)
                  .add_const_input(self_)
                  .add_const_input(other_)
                  .build();
  where_stub(iter.device_type(), iter);
  return out;
}

at::Tensor where(
    const at::Tensor& condition,
    const at::Tensor& self,
    const at::Tensor& other) {
  auto options = self.options()
                     .dtype(at::result_type(self, other))
                     .device(where_device(condition, self, other));
  auto out = at::empty({0}, options);
  return where_out(condition, self, other, out);
}

} // namespace at_mini::native
