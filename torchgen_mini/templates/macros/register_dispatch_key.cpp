{#- The pieces of Register<Key>.cpp that torchgen_mini/dest/register_dispatch_key.py renders.
    `classes` (a structured wrapper class), `checks` (the tensors whose devices
    must agree) and `guards` (the tensor whose device the guard takes) are
    lists of zero or one item. #}
{% macro wrapper(classes, decl, name, checks, guards, body) %}
{% for c in classes %}
{{ c }}

{% endfor %}
{{ decl }} {
{% for tensors in checks %}
  std::optional<c10::Device> common_device = std::nullopt;
{% for t in tensors %}
  c10::impl::check_and_update_common_device(common_device, {{ t }}, "{{ name }}", "{{ t }}");
{% endfor %}
{% endfor %}
{% for g in guards %}
  const c10::OptionalDeviceGuard device_guard(device_of({{ g }}));
{% endfor %}
{{ body }}
}
{% endmacro %}

{#- The body of a wrapper that calls a hand-written kernel. #}
{% macro call_kernel(kernel, args) %}
  return at_mini::native::{{ kernel }}({{ args }});
{% endmacro %}

{% macro impl_line(op, wrapper) %}
m.impl("{{ op }}", TORCH_FN({{ wrapper }}));
{% endmacro %}
