#pragma once

// The DispatchStubs declared by the `dispatch_stub:` entries of
// native_functions.yaml, all of them: one include per operator that declares
// stubs (ops/<op>_stubs.h).  See Note [Per-operator headers] in
// torchgen_mini/dest/per_op.py.

#include "aten_mini/native/DispatchStub.h"

#include <ATen/core/Tensor.h>

{% for line in includes %}
{{ line }}
{% endfor %}
