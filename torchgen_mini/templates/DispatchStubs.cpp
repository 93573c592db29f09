// Definitions of the DispatchStubs declared in DispatchStubs.h.

#include "DispatchStubs.h"

namespace at_mini::native {

{% for d in definitions %}
{{ d }}
{% endfor %}

} // namespace at_mini::native
