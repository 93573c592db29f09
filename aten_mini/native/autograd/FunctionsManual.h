// Hand-written helpers for the derivative formulas in
// tools/autograd/derivatives.yaml (the kit's FunctionsManual, after PyTorch's
// torch/csrc/autograd/FunctionsManual.h).
//
// A formula too long for one line becomes a function here, called from the
// YAML by its bare name: the generated backward nodes live in
// at_mini::autograd::generated, so these are found by ordinary lookup.  Give
// a helper a name that no at:: op has (argument-dependent lookup would also
// find the at:: op, and the call would be ambiguous).  Helpers compute with
// differentiable ops only (at_mini:: or at::), so that a backward can itself
// be differentiated (double backward, gradgradcheck).
#pragma once

#include <ATen/core/Tensor.h>
#include <c10/core/Scalar.h>
#include <c10/util/OptionalArrayRef.h>
#include <torch/csrc/autograd/function.h>

#include <memory>
#include <type_traits>

namespace at_mini::autograd {

// Note [Node ownership across torch versions]
// Newer libtorch owns autograd nodes through c10::intrusive_ptr, older ones
// (torch 2.11 on the GPU machine) through std::shared_ptr.  The generated
// code creates and refers to nodes only through these three names.
constexpr bool kIntrusiveNodes =
    std::is_base_of_v<c10::intrusive_ptr_target, torch::autograd::Node>;

template <class N>
using NodePtr = std::conditional_t<kIntrusiveNodes, c10::intrusive_ptr<N>, std::shared_ptr<N>>;

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

// `t * s`, skipping the multiplication when s is 1.
at::Tensor maybe_multiply(const at::Tensor& t, const at::Scalar& s);

// relu: the gradient flows where the output is positive.
at::Tensor relu_backward(const at::Tensor& grad, const at::Tensor& result);

// sigmoid, from its output y: grad * y * (1 - y).
at::Tensor sigmoid_backward_from_result(const at::Tensor& grad, const at::Tensor& result);

// softplus: grad * sigmoid(beta * x), or grad where beta * x > threshold
// (there the forward is linear).
at::Tensor softplus_input_backward(
    const at::Tensor& grad,
    const at::Tensor& self,
    const at::Scalar& beta,
    const at::Scalar& threshold);

// sum over `dim` (all dims when empty or absent): put the reduced dims back
// when keepdim was false, then broadcast to the input's sizes.
at::Tensor sum_backward(
    const at::Tensor& grad,
    at::IntArrayRef sizes,
    at::OptionalIntArrayRef dim,
    bool keepdim);

// cumsum along dim: a reversed cumulative sum of the gradient.
at::Tensor cumsum_backward(const at::Tensor& grad, int64_t dim);

// For `not_implemented("op")` formulas: fails the backward pass, saying so.
at::Tensor not_implemented(const char* name);

} // namespace at_mini::autograd
