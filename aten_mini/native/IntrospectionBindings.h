#pragma once

// Python bindings of Introspection.h, added to aten_mini._C by the generated
// python_functions.cpp (one call: at_mini::native::bind_introspection(m)).
// Header-only so that libaten_mini itself does not depend on pybind11.

#include <aten_mini/native/Introspection.h>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

namespace at_mini::native {

inline void bind_introspection(pybind11::module_& m) {
  m.def(
      "_cpu_capability",
      [] { return cpu_capability_name(); },
      "The CPU capability DispatchStubs use: 'default', 'avx2' or 'avx512'.");
  m.def(
      "_compiled_cpu_capabilities",
      &compiled_cpu_capabilities,
      "CPU capabilities that kernels were compiled for.");
  m.def(
      "_dispatch_stubs",
      &dispatch_stub_kernels,
      "Each DispatchStub and the kernels it has ('default', 'avx2', 'cuda', "
      "...).");
  m.def(
      "_dispatch_stub_kernel",
      &dispatch_stub_kernel,
      pybind11::arg("stub"),
      pybind11::arg("device") = "cpu",
      "The kernel a call of the stub on the device runs now (raises if none).");
  m.def(
      "_stub_trace",
      &set_stub_trace,
      pybind11::arg("enable"),
      "Start (clearing old events) or stop recording stub calls.");
  m.def(
      "_stub_trace_events",
      &stub_trace_events,
      "(stub, kernel) for each stub call recorded since _stub_trace(True).");
}

} // namespace at_mini::native
