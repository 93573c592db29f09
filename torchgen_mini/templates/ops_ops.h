#pragma once

// One struct per overload of the {{ root }} operators: its schema, `call` (a
// full dispatch) and `redispatch` (dispatch below a given key set).

#include <ATen/core/Tensor.h>
#include <c10/core/DispatchKeySet.h>
#include <c10/util/OptionalArrayRef.h>

#include <optional>
#include <tuple>
#include <vector>

namespace at_mini::_ops {

{% for s in structs %}
{{ s }}

{% endfor %}
} // namespace at_mini::_ops
