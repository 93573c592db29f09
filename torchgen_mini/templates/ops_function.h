#pragma once

// The C++ API of the {{ root }} operators: at_mini::{{ root }}(...) and its
// variants.  Every call goes through the dispatcher.

{% for line in includes %}
{{ line }}
{% endfor %}

namespace at_mini {

{% for f in functions %}
{{ f }}

{% endfor %}
} // namespace at_mini
