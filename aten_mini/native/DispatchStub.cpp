#include <aten_mini/native/DispatchStub.h>
#include <aten_mini/native/Introspection.h>

#include <c10/core/Device.h>
#include <c10/util/Exception.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <string_view>

namespace at_mini::native {

namespace {

// What this CPU (and OS) can run. __builtin_cpu_supports also checks that
// the OS saves the wide registers.
CPUCapability best_supported_capability() {
#if defined(__x86_64__) || defined(__i386__)
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("fma")) {
    return CPUCapability::AVX512;
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
      __builtin_cpu_supports("f16c")) {
    return CPUCapability::AVX2;
  }
#endif
  return CPUCapability::DEFAULT;
}

// The capability named by ATEN_MINI_CPU_CAPABILITY; errors on an unknown name.
CPUCapability parse_capability(std::string_view value) {
  for (auto cap :
       {CPUCapability::DEFAULT, CPUCapability::AVX2, CPUCapability::AVX512}) {
    if (value == cpu_capability_name(cap)) {
      return cap;
    }
  }
  TORCH_CHECK(
      false,
      "ATEN_MINI_CPU_CAPABILITY=",
      value,
      " is not a CPU capability; use one of: default, avx2, avx512 (or unset "
      "it)");
}

// See Note [CPU capabilities].
CPUCapability compute_cpu_capability() {
  CPUCapability best = best_supported_capability();
  const char* env = std::getenv("ATEN_MINI_CPU_CAPABILITY");
  if (env == nullptr || *env == '\0') {
    return best;
  }
  CPUCapability wanted = parse_capability(env);
  if (wanted > best) {
    TORCH_WARN(
        "ATEN_MINI_CPU_CAPABILITY=",
        env,
        " asks for instructions this CPU lacks; using ",
        cpu_capability_name(best),
        " instead");
    return best;
  }
  return wanted;
}

std::mutex& trace_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::vector<std::pair<std::string, std::string>>& trace_log() {
  static std::vector<std::pair<std::string, std::string>> log;
  return log;
}

// Function-local static: built on first use, whatever the load order.
std::vector<detail::StubInfo>& mutable_stub_infos() {
  static std::vector<detail::StubInfo> infos;
  return infos;
}

} // namespace

CPUCapability get_cpu_capability() {
  // Computed once; if the override is invalid the initialiser throws, and the
  // next call tries again (and throws again), so every stub call reports it.
  static const CPUCapability capability = compute_cpu_capability();
  return capability;
}

const char* cpu_capability_name(CPUCapability capability) {
  switch (capability) {
    case CPUCapability::DEFAULT:
      return "default";
    case CPUCapability::AVX2:
      return "avx2";
    case CPUCapability::AVX512:
      return "avx512";
    case CPUCapability::NUM_OPTIONS:
      break;
  }
  return "unknown";
}

namespace detail {

constinit std::atomic<bool> trace_enabled{false};

void register_stub_info(StubInfo info) {
  mutable_stub_infos().push_back(std::move(info));
}

const std::vector<StubInfo>& stub_infos() {
  return mutable_stub_infos();
}

void trace_stub_call(const char* stub, const char* kernel) {
  std::lock_guard<std::mutex> guard(trace_mutex());
  trace_log().emplace_back(stub, kernel);
}

void no_kernel_error(const char* stub, c10::DeviceType device) {
  TORCH_CHECK(
      false,
      "DispatchStub '",
      stub,
      "' has no kernel for device ",
      c10::DeviceTypeName(device),
      ": register one with REGISTER_DISPATCH(",
      stub,
      ", ...) in aten_mini/native/",
      device == c10::DeviceType::CUDA ? "cuda/*.cu" : "cpu/*Kernel.cpp",
      device == c10::DeviceType::CUDA ? " (or rebuild with CUDA enabled)" : "");
}

} // namespace detail

// ---- Introspection.h ------------------------------------------------------

std::string cpu_capability_name() {
  return cpu_capability_name(get_cpu_capability());
}

std::vector<std::string> compiled_cpu_capabilities() {
  std::vector<std::string> result;
  for (auto cap :
       {CPUCapability::DEFAULT, CPUCapability::AVX2, CPUCapability::AVX512}) {
    std::string name = cpu_capability_name(cap);
    for (const auto& info : detail::stub_infos()) {
      auto kernels = info.kernels();
      if (std::find(kernels.begin(), kernels.end(), name) != kernels.end()) {
        result.push_back(name);
        break;
      }
    }
  }
  return result;
}

std::map<std::string, std::vector<std::string>> dispatch_stub_kernels() {
  std::map<std::string, std::vector<std::string>> result;
  for (const auto& info : detail::stub_infos()) {
    result[info.name] = info.kernels();
  }
  return result;
}

std::string dispatch_stub_kernel(
    const std::string& stub, const std::string& device) {
  auto device_type = c10::Device(device).type();
  for (const auto& info : detail::stub_infos()) {
    if (stub == info.name) {
      return info.kernel_for(device_type);
    }
  }
  TORCH_CHECK(false, "no DispatchStub named '", stub, "'");
}

void set_stub_trace(bool enabled) {
  std::lock_guard<std::mutex> guard(trace_mutex());
  if (enabled) {
    trace_log().clear();
  }
  detail::trace_enabled.store(enabled, std::memory_order_relaxed);
}

std::vector<std::pair<std::string, std::string>> stub_trace_events() {
  std::lock_guard<std::mutex> guard(trace_mutex());
  return trace_log();
}

} // namespace at_mini::native
