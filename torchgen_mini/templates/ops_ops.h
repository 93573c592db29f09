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
// {{ s.schema }}
struct {{ s.name }} {
  using schema = {{ s.function_type }};
  using ptr_schema = schema*;
  static constexpr const char* name = "{{ s.op_name }}";
  static constexpr const char* overload_name = "{{ s.overload_name }}";
  static constexpr const char* schema_str = {{ s.schema_str }};
  static {{ s.call }};
  static {{ s.redispatch }};
};

{% endfor %}
} // namespace at_mini::_ops
