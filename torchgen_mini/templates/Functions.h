#pragma once

// The C++ API of aten_mini, all of it: one include per operator (ops/<op>.h
// declares at_mini::add(...), at_mini::add_out(out, ...),
// at_mini::add_outf(..., out)).  See Note [Per-operator headers] in
// torchgen_mini/dest/per_op.py.

#include <ATen/core/Tensor.h>

{% for line in includes %}
{{ line }}
{% endfor %}
