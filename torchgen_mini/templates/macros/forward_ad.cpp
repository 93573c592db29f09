{#- Forward-mode AD in the Autograd kernels: the pieces torchgen_mini/dest/forward_ad.py
    renders.  See Note [Forward-mode AD kernels] there and Note [Logic-free templates]. #}
{% macro unpack_tangent(t) %}
    auto {{ t.name }}_t_raw = toNonOptFwGrad({{ t.name }});
    auto {{ t.name }}_tensor = toNonOptTensor({{ t.name }});
    auto {{ t.name }}_t = ({{ t.name }}_t_raw.defined() || !{{ t.name }}_tensor.defined())
        ? {{ t.name }}_t_raw
        : at::{{ t.zeros }}({{ t.name }}_tensor.sym_sizes(), {{ t.name }}_tensor.options());
{%- endmacro %}

{#- Before the op: whether any input has a tangent, and the clones of the inputs whose
    value before the op an in-place formula reads. #}
{% macro before_call(flag, defined, originals) %}
  [[maybe_unused]] auto {{ flag }} = {{ defined }};
{% for name in originals %}
  std::optional<at::Tensor> original_{{ name }};
  if ({{ flag }}) {
    original_{{ name }} = {{ name }}.clone();
  }
{% endfor %}
{% endmacro %}

{#- After the op: unpack the tangents and primals the formula reads, evaluate it, set
    the tangent of the output. #}
{% macro after_call(out, flag, formula, inplace_op, tangents, primals, originals, cloned) %}
  std::optional<at::Tensor> {{ out }}_new_fw_grad_opt = std::nullopt;
  if ({{ flag }} && ({{ out }}.defined())) {
{% for t in tangents %}
{{ unpack_tangent(t) }}
{% for name in t.wrapped_numbers %}
    update_wrapped_number({{ name }}_tensor, {{ name }}_t);
{% endfor %}
{% endfor %}
{% for name in primals %}
    auto {{ name }}_p = toNonOptPrimal({{ name }});
{% endfor %}
{% for t in originals %}
{{ unpack_tangent(t) }}
    auto {{ t.name }}_p = toNonOptPrimal({{ t.name }});
{% endfor %}
{% for name in cloned %}
    {{ name }}_t = at::GradMode::is_enabled() ? {{ name }}_t.clone() : {{ name }}_t;
{% endfor %}
    {{ out }}_new_fw_grad_opt = {{ formula }};
  }
  if ({{ out }}_new_fw_grad_opt.has_value() && {{ out }}_new_fw_grad_opt.value().defined() && {{ out }}.defined()) {
    {{ out }}._set_fw_grad({{ out }}_new_fw_grad_opt.value(), /* level */ 0, /* is_inplace_op */ {{ inplace_op }});
  }
{% endmacro %}

{#- PyTorch's refusal when an input has a tangent that the op cannot propagate. #}
{% macro forbid(defined, op, reason) %}
  TORCH_CHECK_NOT_IMPLEMENTED(!{{ defined }},
      "Trying to use forward AD with {{ op }} that does not support it {{ reason }}");
{% endmacro %}
