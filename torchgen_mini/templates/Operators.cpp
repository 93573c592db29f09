// `call` and `redispatch` of the operator structs of ops/<op>_ops.h, for the
// operators of shard {{ shard }} (Note [Sharded generated sources] in
// torchgen_mini/dest/per_op.py).  Each looks up its typed operator handle
// once and caches it in a static.

{% for line in includes %}
{{ line }}
{% endfor %}

#include <ATen/core/dispatch/Dispatcher.h>

namespace at_mini::_ops {

{% for d in definitions %}
{{ d }}

{% endfor %}
} // namespace at_mini::_ops
