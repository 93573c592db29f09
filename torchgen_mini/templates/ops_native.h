#pragma once

// The kernels named in the `dispatch:` entries of the {{ root }} operators of
// native_functions.yaml.  Define each of them in namespace at_mini::native
// with exactly this signature (aten_mini/native/*.cpp).

#include <ATen/core/Tensor.h>
#include <c10/util/OptionalArrayRef.h>

#include <optional>
#include <tuple>
#include <vector>
{% for line in includes %}
{{ line }}
{% endfor %}

namespace at_mini::native {

{% for d in declarations %}
{{ d }}

{% endfor %}
} // namespace at_mini::native
