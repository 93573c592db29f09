#pragma once

// The C++ API of aten_mini: at_mini::add(...), at_mini::add_out(out, ...),
// at_mini::add_outf(..., out).  Every call goes through the dispatcher.

#include "Operators.h"

namespace at_mini {

{% for f in functions %}
{{ f }}

{% endfor %}
} // namespace at_mini
