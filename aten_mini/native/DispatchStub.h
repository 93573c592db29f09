#pragma once

// DispatchStub: one function pointer per device (and per CPU capability),
// filled in by the device kernels and called by the device-generic kernels.
//
// A device-generic kernel (aten_mini/native/BinaryOps.cpp) does the checks and
// the TensorIterator set-up, then calls
//
//   add_stub(iter.device_type(), iter, alpha);
//
// The stub picks the kernel registered for that device:
//   - CPU:  the best of the kernels compiled from
//   aten_mini/native/cpu/*Kernel.cpp
//           (one build per capability: DEFAULT, AVX2, AVX512) that this CPU
//           runs. See Note [CPU capabilities].
//   - CUDA: the kernel registered from aten_mini/native/cuda/*.cu.
//   - Meta: nothing. See Note [Meta tensors skip the stub].
//
// The three macros:
//   DECLARE_DISPATCH(fn_type, name)  in a header (generated DispatchStubs.h)
//   DEFINE_DISPATCH(name)            in exactly one .cpp (generated
//   DispatchStubs.cpp) REGISTER_DISPATCH(name, fn)      in a cpu/*Kernel.cpp or
//   cuda/*.cu file
//
// This is a scaled-down, readable cousin of ATen's DispatchStub
// (ATen/native/DispatchStub.h), which also knows about MPS, XPU, PrivateUse1
// and ARM capabilities.

#include <c10/core/DeviceType.h>
#include <c10/util/Exception.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace at_mini::native {

// Note [CPU capabilities]
// ~~~~~~~~~~~~~~~~~~~~~~~
// Every file in aten_mini/native/cpu/ is compiled several times, once per
// capability, with -DCPU_CAPABILITY=<NAME> and the matching compiler flags
// (DEFAULT: none; AVX2: -mavx2 -mfma -mf16c; AVX512: -mavx512f ...). ATen's
// at::vec::Vectorized<T> keys on CPU_CAPABILITY_AVX2 / CPU_CAPABILITY_AVX512,
// so each build really uses that instruction set. All builds land in the same
// library; each registers its kernel into its own slot of the stub.
//
// At the first stub call the library picks one capability for the process:
// the best this CPU supports (__builtin_cpu_supports), or the one named by
//   ATEN_MINI_CPU_CAPABILITY=default|avx2|avx512
// A stub then calls the kernel of the highest capability <= the chosen one
// that it has (a compiler without AVX512 support builds no AVX512 slot).
//
// Like ATen, REGISTER_DISPATCH fills no AVX512 slot: the AVX512 build of a
// kernel file registers nothing for it, so on an AVX512 CPU the stub runs the
// AVX2 kernel. A kernel that is faster with 512-bit vectors says so with
// ALSO_REGISTER_AVX512_DISPATCH, which registers in every build. The kit uses
// the same macro for the same stubs as torch (sigmoid and log1p; add, mul,
// sum, cumsum, where, relu's clamp_min and softplus are REGISTER_DISPATCH
// upstream). It matters for results, not only speed: the vectorized body of a
// loop covers multiples of 2 * Vectorized<T>::size() elements and the tail runs
// the scalar lambda, so the AVX2 and AVX512 kernels split a tensor at different
// elements, and where the two paths round differently (add of Half with
// alpha, see Note [add of Half and BFloat16 rounds like torch]) only the
// capability torch itself runs gives torch's bits.
//
// A bad override value is an error (a typo must not silently benchmark the
// wrong kernel): every stub call raises it. A valid value this CPU cannot run
// (avx512 on an AVX2 machine) warns once and falls back to the best the CPU
// supports, since running it would crash with SIGILL.
enum class CPUCapability : std::uint8_t {
  DEFAULT = 0,
  AVX2 = 1,
  AVX512 = 2,
  NUM_OPTIONS = 3,
};

// The capability the stubs use in this process (computed once).
CPUCapability get_cpu_capability();
// "default", "avx2", "avx512".
const char* cpu_capability_name(CPUCapability capability);

namespace detail {
// Every stub, so tools can list them. See Note [Stub introspection] in
// Introspection.h.
struct StubInfo {
  const char* name;
  // Names of the slots that have a kernel: "default", "avx2", ..., "cuda".
  std::function<std::vector<std::string>()> kernels;
  // The slot a call for a device runs now; raises if there is none.
  std::function<std::string(c10::DeviceType)> kernel_for;
};
void register_stub_info(StubInfo info);
const std::vector<StubInfo>& stub_infos();
// Appends (stub, kernel) to the trace when tracing is on.
void trace_stub_call(const char* stub, const char* kernel);
extern std::atomic<bool> trace_enabled;
[[noreturn]] void no_kernel_error(const char* stub, c10::DeviceType device);
// What REGISTER_DISPATCH puts in the AVX512 slot: nothing. See Note [CPU
// capabilities].
template <typename FnPtr>
constexpr FnPtr no_avx512_slot(FnPtr /*kernel*/) {
  return nullptr;
}
} // namespace detail

// Note [DispatchStub is constant-initialised]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// REGISTER_DISPATCH runs in the static initialiser of a kernel file, and C++
// does not order static initialisers across translation units: the kernel
// file may run before DispatchStubs.cpp, which defines the stub. If the stub
// had a constructor that runs at load time, it could reset a slot that a
// kernel file had already filled.
//
// So the stub has only a constexpr constructor and DEFINE_DISPATCH declares it
// `constinit`: the compiler must initialise it at compile time (its bytes are
// in the library image), and any registration order is safe. `constinit` turns
// a mistake here into a compile error instead of a rare load-order bug.
template <typename FnPtr>
struct DispatchStub {
  static_assert(
      std::is_pointer_v<FnPtr>, "DispatchStub needs a function pointer type");

  // Slots: CPU capabilities first (indexed by CPUCapability), then CUDA.
  static constexpr std::size_t kCUDA =
      static_cast<std::size_t>(CPUCapability::NUM_OPTIONS);

  const char* name;
  std::array<FnPtr, kCUDA + 1> slots{};

  constexpr explicit DispatchStub(const char* stub_name) : name(stub_name) {}
  DispatchStub(const DispatchStub&) = delete;
  DispatchStub& operator=(const DispatchStub&) = delete;

  // Called by REGISTER_DISPATCH; returns true so it can initialise a static.
  bool register_cpu(CPUCapability capability, FnPtr fn) {
    slots[static_cast<std::size_t>(capability)] = fn;
    return true;
  }
  bool register_cuda(FnPtr fn) {
    slots[kCUDA] = fn;
    return true;
  }

  // The call: add_stub(iter.device_type(), iter, alpha).
  template <typename... Args>
  void operator()(c10::DeviceType device, Args&&... args) const {
    // Note [Meta tensors skip the stub]
    // ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
    // The codegen registers the device-generic kernels for the Meta key too:
    // run on meta tensors (no data), the checks and the TensorIterator set-up
    // compute the output's shape, dtype and strides, and the stub, the only
    // place that touches data, does nothing. This is why stubs return void and
    // device-generic kernels must never read or write data themselves.
    if (device == c10::DeviceType::Meta) {
      return;
    }
    (*choose(device))(std::forward<Args>(args)...);
  }

  // The kernel a call for `device` runs (errors if there is none).
  FnPtr choose(c10::DeviceType device) const {
    std::size_t slot = pick_slot(device);
    if (slot == kNone) {
      detail::no_kernel_error(name, device);
    }
    if (detail::trace_enabled.load(std::memory_order_relaxed)) {
      detail::trace_stub_call(name, slot_name(slot));
    }
    return slots[slot];
  }

  static constexpr std::size_t kNone = kCUDA + 1;

  // Index of the slot a call for `device` uses, kNone if it has no kernel.
  std::size_t pick_slot(c10::DeviceType device) const {
    if (device == c10::DeviceType::CUDA) {
      return slots[kCUDA] ? kCUDA : kNone;
    }
    if (device != c10::DeviceType::CPU) {
      return kNone;
    }
    // The best slot at or below the chosen capability. See Note [CPU
    // capabilities].
    for (auto cap = static_cast<std::ptrdiff_t>(get_cpu_capability()); cap >= 0;
         --cap) {
      if (slots[static_cast<std::size_t>(cap)]) {
        return static_cast<std::size_t>(cap);
      }
    }
    return kNone;
  }

  static const char* slot_name(std::size_t slot) {
    return slot == kCUDA
               ? "cuda"
               : cpu_capability_name(static_cast<CPUCapability>(slot));
  }
};

// Adds a stub to the list tools read; runs once per stub at load time.
struct StubInfoRegisterer {
  template <typename FnPtr>
  explicit StubInfoRegisterer(const DispatchStub<FnPtr>& stub) {
    using Stub = DispatchStub<FnPtr>;
    auto kernels = [&stub] {
      std::vector<std::string> names;
      for (std::size_t slot = 0; slot < stub.slots.size(); ++slot) {
        if (stub.slots[slot]) {
          names.emplace_back(Stub::slot_name(slot));
        }
      }
      return names;
    };
    auto kernel_for = [&stub](c10::DeviceType device) {
      std::size_t slot = stub.pick_slot(device);
      if (slot == Stub::kNone) {
        detail::no_kernel_error(stub.name, device);
      }
      return std::string(Stub::slot_name(slot));
    };
    detail::register_stub_info({stub.name, kernels, kernel_for});
  }
};

} // namespace at_mini::native

// In a header: declares the stub `name` whose kernels have type `fn_type`.
#define DECLARE_DISPATCH(fn_type, name)                                 \
  using name##_DispatchStub = ::at_mini::native::DispatchStub<fn_type>; \
  extern name##_DispatchStub name

// In one .cpp file: defines the stub (constant-initialised, see
// Note [DispatchStub is constant-initialised]) and lists it for introspection.
#define DEFINE_DISPATCH(name)                                                 \
  constinit name##_DispatchStub name{#name};                                  \
  static const ::at_mini::native::StubInfoRegisterer name##_info_registerer { \
    name                                                                      \
  }

// In a device kernel file: fills the stub's slot for this build.
//   cuda/*.cu (nvcc defines __CUDACC__)          -> the CUDA slot
//   cpu/*Kernel.cpp (-DCPU_CAPABILITY=AVX2, ...)  -> that capability's CPU slot
#if defined(__CUDACC__)
#define REGISTER_DISPATCH(name, fn) \
  static const bool name##_cuda_registered = name.register_cuda(fn)
#elif defined(CPU_CAPABILITY)
// See Note [CPU capabilities]: in the AVX512 build REGISTER_DISPATCH leaves
// the slot empty (`fn` is still named, so the kernel is compiled and checked).
#if defined(CPU_CAPABILITY_AVX512)
#define REGISTER_DISPATCH(name, fn)                            \
  static const bool name##_cpu_registered = name.register_cpu( \
      ::at_mini::native::CPUCapability::CPU_CAPABILITY,        \
      ::at_mini::native::detail::no_avx512_slot(fn))
#else
#define REGISTER_DISPATCH(name, fn)         \
  static const bool name##_cpu_registered = \
      name.register_cpu(::at_mini::native::CPUCapability::CPU_CAPABILITY, fn)
#endif
#define ALSO_REGISTER_AVX512_DISPATCH(name, fn) \
  static const bool name##_cpu_registered =     \
      name.register_cpu(::at_mini::native::CPUCapability::CPU_CAPABILITY, fn)
#else
#define REGISTER_DISPATCH(name, fn)                              \
  static_assert(                                                 \
      false,                                                     \
      "REGISTER_DISPATCH(" #name                                 \
      ", ...) belongs in a file "                                \
      "under aten_mini/native/cpu/ (built with CPU_CAPABILITY) " \
      "or aten_mini/native/cuda/")
#endif
