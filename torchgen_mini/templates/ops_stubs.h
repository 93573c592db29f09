#pragma once

// The DispatchStubs declared by the `dispatch_stub:` entries of the {{ root }}
// operators.  Device-generic kernels call them; the device kernels in
// aten_mini/native/cpu and aten_mini/native/cuda register into them with
// REGISTER_DISPATCH.

#include "aten_mini/native/DispatchStub.h"

#include <ATen/core/Tensor.h>

namespace at {
struct TensorIteratorBase;
struct TensorIterator;
} // namespace at

namespace at_mini::native {

{% for d in declarations %}
{{ d }}

{% endfor %}
} // namespace at_mini::native
