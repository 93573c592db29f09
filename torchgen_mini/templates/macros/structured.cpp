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

{#- ops/<root>_meta.h: the meta class a contributor's meta() belongs to.  `precomputes`
    is its precompute_out struct (zero or one; Note [precomputed] in
    torchgen_mini/dest/structured.py), `returns` meta()'s return type. #}
{% macro meta_declaration(func, meta_macro, namespace, name, parent, precomputes, returns, params) %}
// {{ func }} (structured); define meta() with {{ meta_macro }}(...) in namespace {{ namespace }}.
struct {{ name }} : public {{ parent }} {
{% for p in precomputes %}
{{ p }}
{% endfor %}
  {{ returns }} meta({{ params }});
};
{% endmacro %}

{#- The values meta() hands to impl(): set_<name> returns the struct with that
    name's flag set; meta_return_ty has every flag set. #}
{% macro precompute_struct(params, setters, fields, complete) %}
  template <{{ params }}>
  struct precompute_out {
{% for s in setters %}
    precompute_out<{{ s.ret }}> set_{{ s.name }}({{ s.type }} value) {
      static_assert({{ s.flag }} == false, "{{ s.name }} already set");
      precompute_out<{{ s.ret }}> ret;
{% for a in s.assigns %}
      ret.{{ a }};
{% endfor %}
      return ret;
    }
{% endfor %}
{% for f in fields %}
    {{ f }};
{% endfor %}
  };
  using meta_return_ty = precompute_out<{{ complete }}>;
{%- endmacro %}

{#- ops/<root>_native.h: the impl class of one kernel, used by the keys `keys`. #}
{% macro impl_declaration(func, keys, kernel, parent, params) %}
// {{ func }} ({{ keys }}, structured); define impl() with TORCH_IMPL_FUNC({{ kernel }})(...).
struct structured_{{ kernel }} : public {{ parent }} {
  void impl({{ params }});
};
{% endmacro %}

{#- The wrapper classes of Register<Key>.cpp; see Note [How structured wrappers allocate
    outputs] in torchgen_mini/dest/structured.py.  `guards` is the device guard member
    of a CUDA class (zero or one name); `inplace_checks` / `resizes` (zero or one
    tensor each) choose what a borrowed output is checked with; `proxies` (zero or one
    tensor) is what set_output_strided makes a proxy for. #}
{% macro set_device(guard) %}
    auto current_device = {{ guard }}.current_device();
    if (C10_UNLIKELY(current_device.has_value())) {
      TORCH_INTERNAL_ASSERT(
          *current_device == options.device(),
          "structured kernels don't support multi-device outputs");
    } else {
      {{ guard }}.reset_device(options.device());
    }
{%- endmacro %}

{#- `names`: the DimnameList parameter (zero or one name) that torch's set_output_*
    take in releases that still have named tensors; see Note [torch with named
    tensors] in torchgen_mini/dest/structured.py. #}
{% macro set_output_head(which, names) %}
  void set_output_{{ which }}(
      int64_t output_idx,
      at::IntArrayRef sizes,
      at::IntArrayRef strides,
      at::TensorOptions options{% for n in names %},
      at::DimnameList {{ n }}{% endfor %}) override {
{%- endmacro %}

{#- `supers`: the parent whose set_output_raw_strided is called last (zero or one:
    none for at::impl::MetaBase, whose set_output_* only assert). #}
{% macro set_output_tail(supers, names) %}
{% for parent in supers %}
    // The parent last: it reads the output back through maybe_get_output().
    {{ parent }}::set_output_raw_strided(output_idx, sizes, strides, options{% for n in names %}, {{ n }}{% endfor %});
{% endfor %}
  }
{%- endmacro %}

{% macro created_output(which, supers, guards, names) %}
{{ set_output_head(which, names) }}
{% for g in guards %}
{{ set_device(g) }}
{% endfor %}
    outputs_[output_idx] = create_out(sizes, strides, options);
{{ set_output_tail(supers, names) }}
{%- endmacro %}

{% macro borrowed_output(which, supers, guards, inplace_checks, resizes, proxies, names) %}
{{ set_output_head(which, names) }}
{% for g in guards %}
{{ set_device(g) }}
{% endfor %}
    const auto& out = outputs_[output_idx].get();
{% for t in inplace_checks %}
    check_inplace({{ t }}, sizes, options);
{% endfor %}
{% for t in resizes %}
    resize_out({{ t }}, sizes, strides, options);
{% endfor %}
{% for t in proxies %}
    auto proxy = maybe_create_proxy({{ t }}, sizes, strides, options);
    if (C10_UNLIKELY(proxy.has_value())) {
      proxy_outputs_[output_idx] = std::move(proxy).value();
    }
{% endfor %}
{{ set_output_tail(supers, names) }}
{%- endmacro %}

{#- The functional variant's class: allocates its output. #}
{% macro functional_class(name, parent, guards, supers, names) %}
struct {{ name }} final : public {{ parent }} {
{{ created_output("strided", supers, guards, names) }}
{{ created_output("raw_strided", supers, guards, names) }}
  const at::Tensor& maybe_get_output(int64_t output_idx) override {
    return outputs_[output_idx];
  }
  std::array<at::Tensor, 1> outputs_;
{% for g in guards %}
  c10::OptionalDeviceGuard {{ g }};
{% endfor %}
};
{% endmacro %}

{#- The in-place and out= variants' class: borrows self / out. #}
{% macro borrowing_class(name, parent, guards, supers, inplace_checks, resizes, proxies, names) %}
struct {{ name }} final : public {{ parent }} {
  explicit {{ name }}(at::Tensor& out0) : outputs_{std::ref(out0)} {}
{{ borrowed_output("strided", supers, guards, inplace_checks, resizes, proxies, names) }}
{{ borrowed_output("raw_strided", supers, guards, inplace_checks, resizes, [], names) }}
  const at::Tensor& maybe_get_output(int64_t output_idx) override {
    return proxy_outputs_[output_idx].has_value() ? *proxy_outputs_[output_idx]
                                                  : outputs_[output_idx].get();
  }
  std::array<std::reference_wrapper<at::Tensor>, 1> outputs_;
  std::array<std::optional<at::Tensor>, 1> proxy_outputs_;
{% for g in guards %}
  c10::OptionalDeviceGuard {{ g }};
{% endfor %}
};
{% endmacro %}

{#- The meta() call of a wrapper: a plain call, or one whose precompute struct it keeps. #}
{% macro meta_calls(metas, precomputes) %}
{% for args in metas %}
  op.meta({{ args }});
{% endfor %}
{% for args in precomputes %}
  auto precompute = op.meta({{ args }});
  (void)precompute;
{% endfor %}
{% endmacro %}

{#- The statements of a wrapper function.  meta()'s arguments are in `metas` (a plain
    call) or in `precomputes` (meta() returns the precompute struct; Note [precomputed]
    in torchgen_mini/dest/structured.py): one of the two has one item.  `impls` is the
    impl() call's inputs (one list, or none for Meta, whose wrapper stops after meta()). #}
{% macro functional_body(name, metas, precomputes, impls) %}
  {{ name }} op;
{{ meta_calls(metas, precomputes) }}{% for ins in impls %}
  op.impl({% for a in ins %}{{ a }}, {% endfor %}op.outputs_[0]);
{% endfor %}
  return std::move(op.outputs_[0]);
{% endmacro %}

{% macro borrowing_body(name, out, metas, precomputes, impls) %}
  {{ name }} op({{ out }});
{{ meta_calls(metas, precomputes) }}{% for ins in impls %}
  op.impl({% for a in ins %}{{ a }}, {% endfor %}op.maybe_get_output(0));
{% endfor %}
  if (op.proxy_outputs_[0].has_value()) op.outputs_[0].get().copy_(*op.proxy_outputs_[0]);
  return {{ out }};
{% endmacro %}
