#pragma once

// One struct per aten_mini operator overload, all of them: one include per
// operator (ops/<op>_ops.h).  See Note [Per-operator headers] in
// torchgen_mini/dest/per_op.py.

#include <ATen/core/Tensor.h>

{% for line in includes %}
{{ line }}
{% endfor %}
