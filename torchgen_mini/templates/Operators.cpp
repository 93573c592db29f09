// `call` and `redispatch` of the operator structs in Operators.h.  Each
// looks up its typed operator handle once and caches it in a static.

#include "Operators.h"

#include <ATen/core/dispatch/Dispatcher.h>

namespace at_mini::_ops {

{% for d in definitions %}
{{ d }}

{% endfor %}
} // namespace at_mini::_ops
