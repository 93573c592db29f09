{#- The output helpers of a Register<Key>.cpp with structured wrappers
    (torchgen_mini/dest/structured.py, Note [How structured wrappers allocate outputs]). #}
{% macro helpers(empty, empty_strided, options) %}
C10_DIAGNOSTIC_PUSH_AND_IGNORED_IF_DEFINED("-Wunused-function")
// The output of a functional call: contiguous when meta() gives no strides.
at::Tensor create_out(
    at::IntArrayRef sizes, at::IntArrayRef strides, const at::TensorOptions& options) {
  if (strides.empty()) {
    return {{ empty }}(sizes, {{ options }});
  }
  return {{ empty_strided }}(sizes, strides, {{ options }});
}

// out=: dtype and device must match; resize_output resizes (and warns when a
// non-empty out changes shape); only a resized out takes meta()'s strides.
void resize_out(
    const at::Tensor& out,
    at::IntArrayRef sizes,
    at::IntArrayRef strides,
    const at::TensorOptions& options) {
  TORCH_CHECK(
      options.dtype() == out.dtype(),
      "Expected out tensor to have dtype ", options.dtype(), ", but got ", out.dtype(),
      " instead");
  TORCH_CHECK(
      options.device() == out.device(),
      "Expected out tensor to have device ", options.device(), ", but got ", out.device(),
      " instead");
  if (!at::native::resize_output(out, sizes)) {
    return; // not resized: out keeps its own strides
  }
  if (!strides.empty()) {
    TORCH_INTERNAL_ASSERT(!options.memory_format_opt().has_value());
    out.as_strided_(sizes, strides);
  } else if (options.memory_format_opt().has_value()) {
    out.unsafeGetTensorImpl()->empty_tensor_restride(*options.memory_format_opt());
  }
}

// In-place: self must already be what meta() computed.
void check_inplace(
    const at::Tensor& self, at::IntArrayRef sizes, const at::TensorOptions& options) {
  TORCH_CHECK(
      options.dtype() == self.dtype(),
      "Bad in-place call: input tensor dtype ", self.dtype(), " and output tensor dtype ",
      options.dtype(), " should match");
  TORCH_CHECK(
      options.device() == self.device(),
      "Bad in-place call: input tensor device ", self.device(), " and output tensor device ",
      options.device(), " should match");
  TORCH_CHECK(
      sizes == self.sizes(),
      "Bad in-place call: input tensor size ", self.sizes(), " and output tensor size ",
      sizes, " should match");
}

// A stand-in output when the given one has other strides than meta() asks for.
std::optional<at::Tensor> maybe_create_proxy(
    const at::Tensor& out,
    at::IntArrayRef sizes,
    at::IntArrayRef strides,
    const at::TensorOptions& options) {
  if (out.strides() == strides) {
    return std::nullopt;
  }
  return {{ empty_strided }}(sizes, strides, {{ options }});
}
C10_DIAGNOSTIC_POP()
{% endmacro %}
