#pragma once

// What the DispatchStub runtime chose, for tests and tools (./kit trace).
// Bound to Python as private functions of aten_mini._C by
// IntrospectionBindings.h.

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace at_mini::native {

// Note [Stub introspection]
// ~~~~~~~~~~~~~~~~~~~~~~~~~
// DEFINE_DISPATCH lists every stub; these functions read that list. Tracing
// records, for each stub call while it is on, the stub and the slot that ran
// ("add_stub", "avx2"): the proof that ATEN_MINI_CPU_CAPABILITY picked the
// kernel it names. Tracing costs one relaxed atomic load per stub call when
// off.

// The CPU capability stub calls use: "default", "avx2" or "avx512".
std::string cpu_capability_name();
// Capabilities that some stub has a CPU kernel for, lowest first.
std::vector<std::string> compiled_cpu_capabilities();
// Every stub and the slots it has kernels in ("default", "avx2", "cuda", ...).
std::map<std::string, std::vector<std::string>> dispatch_stub_kernels();
// The kernel a call of `stub` on `device` ("cpu", "cuda", ...) runs now:
// "default", "avx2", "avx512" or "cuda"; raises the stub's "no kernel" error
// if it has none.
std::string dispatch_stub_kernel(
    const std::string& stub, const std::string& device);
// Turns tracing on (clearing old events) or off.
void set_stub_trace(bool enabled);
// (stub, slot) for each stub call since tracing was turned on.
std::vector<std::pair<std::string, std::string>> stub_trace_events();

} // namespace at_mini::native
