// Hand-written helpers for the derivative formulas in
// tools/autograd/derivatives.yaml (the kit's FunctionsManual, after PyTorch's
// torch/csrc/autograd/FunctionsManual.h).  Header-only: the generated
// RegisterAutograd.cpp is the one file that includes it.
//
// A formula too long for one line becomes a function here, called from the
// YAML by its bare name: the generated backward nodes live in
// at_mini::autograd::generated, so these are found by ordinary lookup.  Give
// a helper a name that no at:: op has (argument-dependent lookup would also
// find the at:: op, and the call would be ambiguous).  Helpers compute with
// differentiable ops only (at_mini:: or at::), so that a backward can itself
// be differentiated (double backward, gradgradcheck).
#pragma once

#include "ops/cumsum.h"
#include "ops/mul.h"
#include "ops/sigmoid.h"
#include "ops/where.h"

#include <ATen/ATen.h>
#include <ATen/core/Tensor.h>
#include <c10/core/Scalar.h>
#include <c10/core/WrapDimMinimal.h>
#include <c10/util/OptionalArrayRef.h>
#include <torch/csrc/autograd/function.h>

#include <memory>
#include <optional>
#include <type_traits>
#include <vector>

namespace at_mini::autograd {

// Note [Node ownership across torch versions]
// Newer libtorch owns autograd nodes through c10::intrusive_ptr, older ones
// (torch 2.11 on the GPU machine) through std::shared_ptr.  The generated
// code creates and refers to nodes only through these three names.
constexpr bool kIntrusiveNodes =
    std::is_base_of_v<c10::intrusive_ptr_target, torch::autograd::Node>;

template <class N>
using NodePtr = std::
    conditional_t<kIntrusiveNodes, c10::intrusive_ptr<N>, std::shared_ptr<N>>;

template <class N>
NodePtr<N> make_node() {
  if constexpr (kIntrusiveNodes) {
    return c10::make_intrusive<N>();
  } else {
    return std::shared_ptr<N>(new N());
  }
}

// The owning pointer to `node` itself, as SavedVariable::unpack wants it.
template <class N>
auto node_ptr(N* node) {
  if constexpr (kIntrusiveNodes) {
    return node->getptr();
  } else {
    return node->shared_from_this();
  }
}

// Forward-mode AD: what the generated Autograd kernels read from an input
// (See Note [Forward-mode AD kernels] in torchgen_mini/dest/forward_ad.py).
// PyTorch's generated VariableType uses helpers of the same names; these take
// an optional so that a `Tensor?` input could use them too.

// The tangent of `t` at level 0 (undefined when it has none).
inline at::Tensor toNonOptFwGrad(const std::optional<at::Tensor>& t) {
  return t.has_value() && t->defined() ? t->_fw_grad(/*level=*/0)
                                       : at::Tensor();
}

// The primal value of `t` at level 0: `t` without its tangent.
inline at::Tensor toNonOptPrimal(const std::optional<at::Tensor>& t) {
  return t.has_value() && t->defined() ? t->_fw_primal(/*level=*/0)
                                       : at::Tensor();
}

inline at::Tensor toNonOptTensor(const std::optional<at::Tensor>& t) {
  return t.has_value() ? *t : at::Tensor();
}

// A tangent of zeros made up for a Python number keeps its "wrapped number"
// mark, so that type promotion treats it as the number was treated.
inline void update_wrapped_number(at::Tensor& input, at::Tensor& tangent) {
  if (input.unsafeGetTensorImpl()->is_wrapped_number()) {
    tangent.unsafeGetTensorImpl()->set_wrapped_number(true);
  }
}

// `t * s`, skipping the multiplication when s is 1.
inline at::Tensor maybe_multiply(const at::Tensor& t, const at::Scalar& s) {
  const bool is_one = s.isBoolean() ? s.toBool() : s.equal(1);
  return is_one ? t : t * s;
}

// relu: `grad` where the output is not <= 0, and exactly 0 where it is, as
// upstream's threshold_backward(grad, result, 0) computes it.  A select, never
// `grad * (result > 0)`: multiplying by a 0/1 mask turns an infinite or NaN
// incoming gradient into NaN where the gradient should be 0 (inf * 0 is NaN),
// and `result > 0` is false at a NaN output, where torch passes the gradient
// on (NaN <= 0 is false).  The select is the kit's own where, not
// at::threshold_backward (which would give the same values): like every helper
// here it keeps the backward in the kit's ops, so its own derivative (double
// backward), its tangent (auto_element_wise puts self_t in grad's place) and
// its vmap batching rule are the kit's too, and `./kit trace` shows them.
inline at::Tensor relu_backward(
    const at::Tensor& grad, const at::Tensor& result) {
  return at_mini::where(result <= 0, at::zeros_like(grad), grad);
}

// sigmoid, from its output y: grad * y * (1 - y).
inline at::Tensor sigmoid_backward_from_result(
    const at::Tensor& grad, const at::Tensor& result) {
  return at_mini::mul(grad, at_mini::mul(result, 1 - result));
}

// softplus: grad * sigmoid(beta * x), or grad where beta * x > threshold
// (there the forward is linear).
inline at::Tensor softplus_input_backward(
    const at::Tensor& grad,
    const at::Tensor& self,
    const at::Scalar& beta,
    const at::Scalar& threshold) {
  const at::Tensor scaled = self * beta;
  const at::Tensor slope = at_mini::where(
      scaled > threshold, at::ones_like(scaled), at_mini::sigmoid(scaled));
  return at_mini::mul(grad, slope);
}

// sum over `dim` (all dims when empty or absent): put the reduced dims back
// when keepdim was false, then broadcast to the input's sizes.
inline at::Tensor sum_backward(
    const at::Tensor& grad,
    at::IntArrayRef sizes,
    at::OptionalIntArrayRef dim,
    bool keepdim) {
  const auto ndim = static_cast<int64_t>(sizes.size());
  if (keepdim || ndim == 0) {
    return grad.expand(sizes);
  }
  const bool all = !dim.has_value() || dim->empty();
  std::vector<bool> reduced(ndim, all);
  for (int64_t d : all ? at::IntArrayRef() : *dim) {
    reduced[c10::maybe_wrap_dim(d, ndim)] = true;
  }
  at::Tensor g = grad;
  for (int64_t d = 0; d < ndim; ++d) {
    if (reduced[d]) {
      g = g.unsqueeze(d);
    }
  }
  return g.expand(sizes);
}

// cumsum along dim: a reversed cumulative sum of the gradient.
inline at::Tensor cumsum_backward(const at::Tensor& grad, int64_t dim) {
  if (grad.dim() == 0 || grad.numel() == 0) {
    return grad;
  }
  return at_mini::cumsum(grad.flip(dim), dim).flip(dim);
}

// For `not_implemented("op")` formulas: fails the backward pass, saying so.
inline at::Tensor not_implemented(const char* name) {
  TORCH_CHECK_NOT_IMPLEMENTED(
      false, "the derivative for '", name, "' is not implemented in aten-mini");
  return at::Tensor();
}

} // namespace at_mini::autograd
