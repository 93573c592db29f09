// Kernels of the aten_mini operators for dispatch key {{ key }}.
// Each wrapper has the dispatcher's signature and calls a kernel declared in
// NativeFunctions.h; see the `dispatch:` entries of native_functions.yaml.

{% for line in includes %}
{{ line }}
{% endfor %}

namespace {

{% for w in wrappers %}
{{ w }}

{% endfor %}
} // namespace

TORCH_LIBRARY_IMPL(aten_mini, {{ key }}, m) {
{% for line in impls %}
  {{ line }}
{% endfor %}
}
