// Autograd for the aten_mini operators, from tools/autograd/derivatives.yaml.
// One backward node per entry, and per overload the kernel registered at the
// Autograd key; see docs/autograd.md and torchgen_mini/dest/autograd.py.

{% for line in includes %}
{{ line }}
{% endfor %}

#include <aten_mini/native/autograd/FunctionsManual.h>

#include <ATen/ATen.h>
#include <ATen/core/LegacyTypeDispatch.h>
#include <torch/csrc/autograd/VariableTypeUtils.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/functions/utils.h>
#include <torch/csrc/autograd/saved_variable.h>
#include <torch/library.h>

namespace at_mini::autograd::generated {

// ---- Backward nodes ---------------------------------------------------------

{% for s in node_structs %}
{{ s }}

{% endfor %}
{% for a in node_applies %}
{{ a }}

{% endfor %}
// ---- Autograd kernels -------------------------------------------------------

{% for k in kernels %}
{{ k }}

{% endfor %}
// ---- ADInplaceOrView kernels: version counters of mutated tensors -----------

{% for k in inplace_or_view_kernels %}
{{ k }}

{% endfor %}
TORCH_LIBRARY_IMPL(aten_mini, Autograd, m) {
{% for i in autograd_impls %}
  m.impl("{{ i.op }}", TORCH_FN({{ i.kernel }}));
{% endfor %}
}

TORCH_LIBRARY_IMPL(aten_mini, ADInplaceOrView, m) {
{% for i in inplace_or_view_impls %}
  m.impl("{{ i.op }}", TORCH_FN({{ i.kernel }}));
{% endfor %}
}

} // namespace at_mini::autograd::generated
