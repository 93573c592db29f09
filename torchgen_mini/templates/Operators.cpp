// `call` and `redispatch` of the operator structs of ops/<op>_ops.h, for the
// operators of shard {{ shard }} (Note [Sharded generated sources] in
// torchgen_mini/dest/per_op.py).  Each looks up its typed operator handle
// once and caches it in a static.

{% for line in includes %}
{{ line }}
{% endfor %}

#include <ATen/core/dispatch/Dispatcher.h>

namespace at_mini::_ops {

{% for s in structs %}
static C10_NOINLINE c10::TypedOperatorHandle<{{ s.name }}::schema> create_{{ s.name }}_typed_handle() {
  return c10::Dispatcher::singleton()
      .findSchemaOrThrow({{ s.name }}::name, {{ s.name }}::overload_name)
      .typed<{{ s.name }}::schema>();
}

{{ s.call_definition }} {
  static auto op = create_{{ s.name }}_typed_handle();
  return op.call({{ s.args }});
}

{{ s.redispatch_definition }} {
  static auto op = create_{{ s.name }}_typed_handle();
  return op.redispatch({{ s.redispatch_args }});
}

{% endfor %}
} // namespace at_mini::_ops
