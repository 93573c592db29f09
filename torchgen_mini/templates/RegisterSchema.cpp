// The schema of every aten_mini operator, with its tags, in the dispatcher.
// Backends add kernels in Register<Key>.cpp; see native_functions.yaml.

#include <ATen/core/enum_tag.h>
#include <torch/library.h>

TORCH_LIBRARY(aten_mini, m) {
{% for d in defs %}
  {{ d }}
{% endfor %}
}
