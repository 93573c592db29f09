#pragma once

// The meta classes of the structured {{ root }} operators of
// native_functions.yaml.  Define each meta() with TORCH_META_FUNC /
// TORCH_META_FUNC2 in namespace at_mini::meta (aten_mini/native/*.cpp); the
// impl classes derive from these (ops/{{ root }}_native.h).

{% for line in includes %}
{{ line }}
{% endfor %}

namespace at_mini::meta {

{% for d in declarations %}
{{ d }}

{% endfor %}
} // namespace at_mini::meta
