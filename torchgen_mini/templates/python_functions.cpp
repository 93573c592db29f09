// The Python bindings of the aten_mini operators: the extension module
// aten_mini._C.  Python-style signatures (keyword-only arguments, defaults,
// out=); see torchgen_mini/api/python.py.

#include "Operators.h"

#include "aten_mini/csrc/python_arg_casters.h"
#include "aten_mini/native/IntrospectionBindings.h"

#include <torch/csrc/utils/pybind.h>

namespace at_mini::python {

static void init_functions(py::module_& m) {
  // See Note [Docstrings of the bindings] in aten_mini/csrc/python_arg_casters.h
  py::options options;
  options.disable_function_signatures();
  const DocTable docs = DocTable::load("aten_mini._docs", "DOCS");

{% for b in bindings %}
  m.def(
      "{{ b.name }}",
      []({{ b.params }}) -> {{ b.returns }} {
{% for line in b.body %}
        {{ line }}
{% endfor %}
      },
      {{ b.arg_specs }},
      py::call_guard<py::gil_scoped_release>(),
      {{ b.doc }});
{% endfor %}
}

} // namespace at_mini::python

PYBIND11_MODULE(_C, m) {
  py::module_::import("torch");
  m.doc() = "aten_mini operators (generated bindings)";
  at_mini::python::translate_exceptions();
  at_mini::python::init_functions(m);
  at_mini::native::bind_introspection(m);  // _cpu_capability, _dispatch_stubs, ...
  m.attr("__all__") = std::vector<std::string>{
{% for n in names %}
      "{{ n }}",
{% endfor %}
  };
}
