// The Python bindings of the aten_mini operators of shard {{ shard }} of
// aten_mini._C (Note [Sharded generated sources] in
// torchgen_mini/dest/per_op.py; python_module.cpp defines the module).
// Python-style signatures (keyword-only arguments, defaults, out=); see
// torchgen_mini/api/python.py.

{% for line in includes %}
{{ line }}
{% endfor %}

#include "aten_mini/csrc/python_arg_casters.h"

#include <torch/csrc/utils/pybind.h>

namespace at_mini::python {

void init_functions_{{ shard }}(
    py::module_& m,
    const DocTable& docs,
    std::vector<std::string>& names) {
  // See Note [Docstrings of the bindings] in aten_mini/csrc/python_arg_casters.h
  py::options options;
  options.disable_function_signatures();

{% for b in bindings %}
  m.def(
      "{{ b.name }}",
      []({{ b.params }}) -> {{ b.returns }} {
{% for call in b.calls %}
        return {{ call }};
{% endfor %}
{% for o in b.optional_out %}
        if (!out.has_value()) {
          return {{ o.call }};
        }
        return {{ o.out_call }};
{% endfor %}
      },
      {{ b.arg_specs }},
      // See Note [C++ warnings as Python warnings] in python_arg_casters.h
      py::call_guard<WarningsToPython, py::gil_scoped_release>(),
      {{ b.doc }});
{% endfor %}
{% for n in names %}
  names.emplace_back("{{ n }}");
{% endfor %}
}

} // namespace at_mini::python
