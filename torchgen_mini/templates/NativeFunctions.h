#pragma once

// The kernels named in the `dispatch:` entries of native_functions.yaml, all
// of them: one include per operator (ops/<op>_native.h declares its kernels
// in namespace at_mini::native; define each with exactly that signature in
// aten_mini/native/*.cpp).  Including ops/<op>_native.h alone recompiles
// less when other ops change; see Note [Per-operator headers] in
// torchgen_mini/dest/per_op.py.

#include <ATen/core/Tensor.h>

{% for line in includes %}
{{ line }}
{% endfor %}
