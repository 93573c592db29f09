# Imported targets for the torch installed in the Python environment.
#
# Why not find_package(Torch)? TorchConfig.cmake of a CUDA build of torch
# insists on finding a complete CUDA toolkit (nvcc, nvrtc, cuDNN hints...) even
# when we only want to build CPU kernels, which is the common case on a laptop
# with the default pip wheel. Everything we need is in the wheel itself:
# headers in torch/include and shared libraries in torch/lib.
#
# Defines:
#   TORCH_VERSION, TORCH_HAS_CUDA, TORCH_CUDA_VERSION, TORCH_LIB_DIR, PYTHON_SITE_PACKAGES
#   torch_mini::torch   headers + libc10 + libtorch_cpu (for every C++ file)
#   torch_mini::python  libtorch_python (for the extension _C)
#   torch_mini::cuda    libc10_cuda + libtorch_cuda (for CUDA kernels)

# Importing torch takes about 3 s, and a YAML edit re-runs this configure
# step (the list of generated files can change): so the facts are kept in the
# cache, keyed by the interpreter and the mtime of torch/version.py (which a
# reinstall of torch rewrites). With no torch/version.py under the
# interpreter's site-packages the key is incomplete and torch is imported.
set(_torch_key "${Python_EXECUTABLE}")
foreach(_dir IN ITEMS "${Python_SITEARCH}" "${Python_SITELIB}")
  if(_dir AND EXISTS "${_dir}/torch/version.py")
    file(TIMESTAMP "${_dir}/torch/version.py" _torch_stamp "%s" UTC)
    string(APPEND _torch_key "|${_dir}|${_torch_stamp}")
    break()
  endif()
endforeach()
if(_torch_key MATCHES "[|]" AND "$CACHE{_ATEN_MINI_TORCH_KEY}" STREQUAL "${_torch_key}")
  set(_torch_facts "$CACHE{_ATEN_MINI_TORCH_FACTS}")
else()
  execute_process(
    COMMAND "${Python_EXECUTABLE}" -c [=[
import os, sysconfig, torch
print(os.path.dirname(torch.__file__))
print(torch.__version__)
print(int(torch._C._GLIBCXX_USE_CXX11_ABI))
print(torch.version.cuda or "")
print(sysconfig.get_paths()["purelib"])
]=]
    OUTPUT_VARIABLE _torch_facts
    ERROR_VARIABLE _torch_error
    RESULT_VARIABLE _torch_rc
    OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT _torch_rc EQUAL 0)
    message(FATAL_ERROR "aten-mini: cannot import torch with ${Python_EXECUTABLE}:\n${_torch_error}\n"
                        "Install the pinned dependencies first (./kit does it).")
  endif()
  string(REPLACE "\n" ";" _torch_facts "${_torch_facts}")
  set(_ATEN_MINI_TORCH_FACTS "${_torch_facts}" CACHE INTERNAL "torch facts (see _ATEN_MINI_TORCH_KEY)")
  set(_ATEN_MINI_TORCH_KEY "${_torch_key}" CACHE INTERNAL "interpreter and torch/version.py mtime")
endif()
list(GET _torch_facts 0 TORCH_DIR)
list(GET _torch_facts 1 TORCH_VERSION)
list(GET _torch_facts 2 _torch_cxx11_abi)
list(GET _torch_facts 3 TORCH_CUDA_VERSION)
list(GET _torch_facts 4 PYTHON_SITE_PACKAGES)
set(TORCH_LIB_DIR "${TORCH_DIR}/lib")
if(TORCH_CUDA_VERSION)
  set(TORCH_HAS_CUDA ON)
else()
  set(TORCH_HAS_CUDA OFF)
endif()
message(STATUS "aten-mini: torch ${TORCH_VERSION} at ${TORCH_DIR} (CUDA: ${TORCH_CUDA_VERSION})")

function(_torch_mini_library target)
  add_library(${target} INTERFACE IMPORTED)
  foreach(lib IN LISTS ARGN)
    find_library(_lib_${lib} ${lib} PATHS "${TORCH_LIB_DIR}" NO_DEFAULT_PATH REQUIRED)
    target_link_libraries(${target} INTERFACE "${_lib_${lib}}")
  endforeach()
endfunction()

_torch_mini_library(torch_mini::torch c10 torch_cpu)
target_include_directories(torch_mini::torch SYSTEM INTERFACE
  "${TORCH_DIR}/include" "${TORCH_DIR}/include/torch/csrc/api/include")
target_compile_definitions(torch_mini::torch INTERFACE
  _GLIBCXX_USE_CXX11_ABI=${_torch_cxx11_abi}
  # Include only the ATen/ops/*.h headers a file asks for, never all of
  # ATen/Functions.h: much faster builds.
  AT_PER_OPERATOR_HEADERS)

_torch_mini_library(torch_mini::python torch torch_python)
target_link_libraries(torch_mini::python INTERFACE torch_mini::torch)
# torch's own pybind11 lives in torch/include (already on the include path).
target_compile_definitions(torch_mini::python INTERFACE TORCH_EXTENSION_NAME=_C)

if(TORCH_HAS_CUDA)
  _torch_mini_library(torch_mini::cuda c10_cuda torch_cuda)
  target_link_libraries(torch_mini::cuda INTERFACE torch_mini::torch)
endif()
