# Finds nvcc for the CUDA kernels and prepares CMake's CUDA language.
#
# Looks in: CMAKE_CUDA_COMPILER (if given), PATH, $CUDA_HOME, $CUDA_PATH,
# /usr/local/cuda*, and the pip layout (site-packages/nvidia/cu13/bin,
# .../nvidia/cuda_nvcc/bin). A pip-installed toolkit splits its files: the
# library headers (cublas_v2.h, which ATen's CUDA headers include) live in
# site-packages/nvidia/cu13/include, so that directory is added as well.
#
# Sets ATEN_MINI_NVCC (empty when none is found) and, once enabled,
# ATEN_MINI_CUDA_INCLUDE_DIRS.

set(ATEN_MINI_NVCC "")
if(CMAKE_CUDA_COMPILER)
  set(ATEN_MINI_NVCC "${CMAKE_CUDA_COMPILER}")
else()
  file(GLOB _cuda_dirs LIST_DIRECTORIES true /usr/local/cuda /usr/local/cuda-*)
  set(_hints)
  foreach(var CUDA_HOME CUDA_PATH CUDAToolkit_ROOT)
    if(DEFINED ENV{${var}})
      list(APPEND _hints "$ENV{${var}}/bin")
    endif()
  endforeach()
  foreach(dir IN LISTS _cuda_dirs)
    list(APPEND _hints "${dir}/bin")
  endforeach()
  list(APPEND _hints "${PYTHON_SITE_PACKAGES}/nvidia/cu13/bin"
                     "${PYTHON_SITE_PACKAGES}/nvidia/cuda_nvcc/bin")
  find_program(_nvcc nvcc HINTS ${_hints})
  if(_nvcc)
    set(ATEN_MINI_NVCC "${_nvcc}")
  endif()
endif()

macro(aten_mini_enable_cuda)
  set(CMAKE_CUDA_COMPILER "${ATEN_MINI_NVCC}")
  get_filename_component(_cuda_root "${ATEN_MINI_NVCC}" DIRECTORY)
  get_filename_component(_cuda_root "${_cuda_root}" DIRECTORY)
  set(CUDAToolkit_ROOT "${_cuda_root}")

  # TORCH_CUDA_ARCH_LIST ("8.0;9.0+PTX", torch's spelling) -> CMake's
  # CMAKE_CUDA_ARCHITECTURES ("80-real;90"). Default: just 9.0 (H100), since
  # every extra architecture costs a full device compile of every .cu file.
  if(DEFINED ENV{TORCH_CUDA_ARCH_LIST} AND NOT "$ENV{TORCH_CUDA_ARCH_LIST}" STREQUAL "")
    set(_arch_list "$ENV{TORCH_CUDA_ARCH_LIST}")
  else()
    set(_arch_list "9.0")
  endif()
  string(REPLACE " " ";" _arch_list "${_arch_list}")
  set(_archs)
  foreach(arch IN LISTS _arch_list)
    if(arch STREQUAL "")
      continue()
    endif()
    string(REGEX REPLACE "\\+PTX$" "" _num "${arch}")
    string(REPLACE "." "" _num "${_num}")
    if(arch MATCHES "\\+PTX$")
      list(APPEND _archs "${_num}")
    else()
      list(APPEND _archs "${_num}-real")
    endif()
  endforeach()
  set(CMAKE_CUDA_ARCHITECTURES "${_archs}")
  message(STATUS "aten-mini: nvcc ${ATEN_MINI_NVCC}, CUDA architectures ${CMAKE_CUDA_ARCHITECTURES}")

  enable_language(CUDA)
  set(ATEN_MINI_CUDA_INCLUDE_DIRS)
  foreach(dir "${PYTHON_SITE_PACKAGES}/nvidia/cu13/include" "${PYTHON_SITE_PACKAGES}/nvidia/cu12/include")
    if(EXISTS "${dir}")
      list(APPEND ATEN_MINI_CUDA_INCLUDE_DIRS "${dir}")
    endif()
  endforeach()
endmacro()
