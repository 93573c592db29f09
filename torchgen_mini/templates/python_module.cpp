// The extension module aten_mini._C: the bindings of every aten_mini
// operator, defined in the shards python_functions_<n>.cpp (Note [Sharded
// generated sources] in torchgen_mini/dest/per_op.py).  It names no op, so
// a new op leaves it unchanged.

#include "aten_mini/csrc/python_arg_casters.h"
#include "aten_mini/native/IntrospectionBindings.h"

#include <torch/csrc/utils/pybind.h>

namespace at_mini::python {

{% for s in shards %}
void init_functions_{{ s }}(
    py::module_& m,
    const DocTable& docs,
    std::vector<std::string>& names);
{% endfor %}

} // namespace at_mini::python

PYBIND11_MODULE(_C, m) {
  py::module_::import("torch");
  m.doc() = "aten_mini operators (generated bindings)";
  at_mini::python::translate_exceptions();
  const auto docs = at_mini::python::DocTable::load("aten_mini._docs", "DOCS");
  std::vector<std::string> names;  // __all__, shard by shard
{% for s in shards %}
  at_mini::python::init_functions_{{ s }}(m, docs, names);
{% endfor %}
  at_mini::native::bind_introspection(m);  // _cpu_capability, _dispatch_stubs, ...
  m.attr("__all__") = names;
}
