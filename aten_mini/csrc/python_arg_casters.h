#pragma once

// Hand-written support for the generated pybind11 bindings
// (build/generated/python_functions.cpp): argument casters torch's pybind11
// headers do not provide, C++ exceptions as Python exceptions, and the
// docstring table.

#include <torch/csrc/autograd/python_variable.h>
#include <torch/csrc/utils/pybind.h>

#include <c10/util/Exception.h>
#include <c10/util/OptionalArrayRef.h>

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

namespace at_mini::python {

namespace py = pybind11;

// Note [Scalar arguments from Python]
// torch/csrc/utils/pybind.h declares a caster for c10::Scalar, but loading
// one from Python is not implemented there, and a second specialisation of
// `type_caster<c10::Scalar>` would clash with it.  So the bindings take a
// `ScalarArg` (a c10::Scalar in a box of our own) and `unpack()` it.  It
// accepts what torch's own Scalar arguments accept: bool, int, float,
// complex, and a 0-dim tensor (whose value is read with `item()`).
struct ScalarArg {
  c10::Scalar value;
};

// An `int[]` argument: a Python int (meaning a list of one) or a sequence of
// ints, as `sum(x, dim=0)` and `sum(x, dim=(0, 1))` both work in torch.
struct IntListArg {
  std::vector<int64_t> value;
};

inline const c10::Scalar& unpack(const ScalarArg& s) {
  return s.value;
}

inline std::optional<c10::Scalar> unpack(const std::optional<ScalarArg>& s) {
  return s.has_value() ? std::optional<c10::Scalar>(s->value) : std::nullopt;
}

inline at::IntArrayRef unpack(const IntListArg& l) {
  return l.value;
}

// The returned reference points into `l`: valid while the binding runs.
inline at::OptionalIntArrayRef unpack(const std::optional<IntListArg>& l) {
  return l.has_value() ? at::OptionalIntArrayRef(l->value)
                       : at::OptionalIntArrayRef();
}

// `SymInt[]` arguments: the bindings take plain ints (no symbolic sizes).
inline c10::SymIntArrayRef unpack_symint(const IntListArg& l) {
  return c10::fromIntArrayRefSlow(l.value);
}

inline c10::OptionalArrayRef<c10::SymInt> unpack_symint(
    const std::optional<IntListArg>& l) {
  return l.has_value() ? c10::OptionalArrayRef<c10::SymInt>(
                             c10::fromIntArrayRefSlow(l->value))
                       : c10::OptionalArrayRef<c10::SymInt>();
}

// Python numbers are tested first: THPVariable_Check on a non-tensor falls
// back to PyObject_IsInstance (an __instancecheck__ lookup and call), which
// costs more than the rest of the conversion. Defaults (alpha=1) are ints,
// so this order matters on every call. See docs/performance.md.
inline bool scalar_from_python(PyObject* obj, c10::Scalar& out) {
  if (PyBool_Check(obj)) { // before PyLong_Check: bool is an int subclass
    out = c10::Scalar(obj == Py_True);
    return true;
  }
  if (PyLong_Check(obj)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(obj, &overflow);
    if (overflow != 0 || (v == -1 && PyErr_Occurred())) {
      PyErr_Clear();
      return false;
    }
    out = c10::Scalar(static_cast<int64_t>(v));
    return true;
  }
  if (PyFloat_Check(obj)) {
    out = c10::Scalar(PyFloat_AS_DOUBLE(obj));
    return true;
  }
  if (PyComplex_Check(obj)) {
    out = c10::Scalar(
        c10::complex<double>(
            PyComplex_RealAsDouble(obj), PyComplex_ImagAsDouble(obj)));
    return true;
  }
  if (THPVariable_Check(obj)) {
    const at::Tensor& t = THPVariable_Unpack(obj);
    if (t.dim() != 0) {
      return false;
    }
    out = t.item();
    return true;
  }
  return false;
}

inline bool int_from_python(PyObject* obj, int64_t& out) {
  if (PyBool_Check(obj) || !PyLong_Check(obj)) {
    return false;
  }
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(obj, &overflow);
  if (overflow != 0 || (v == -1 && PyErr_Occurred())) {
    PyErr_Clear();
    return false;
  }
  out = static_cast<int64_t>(v);
  return true;
}

inline bool int_list_from_python(PyObject* obj, std::vector<int64_t>& out) {
  int64_t one = 0;
  if (int_from_python(obj, one)) {
    out.assign(1, one);
    return true;
  }
  if (!PyList_Check(obj) && !PyTuple_Check(obj)) {
    return false;
  }
  py::sequence seq = py::reinterpret_borrow<py::sequence>(obj);
  out.clear();
  out.reserve(seq.size());
  for (const py::handle item : seq) {
    if (!int_from_python(item.ptr(), one)) {
      return false;
    }
    out.push_back(one);
  }
  return true;
}

// Note [C++ errors as Python exceptions]
// c10::Error::what() carries a C++ backtrace.  torch shows only the message;
// so do we, with the Python exception class torch uses for each c10 error.
inline void translate_exceptions() {
  py::register_local_exception_translator([](std::exception_ptr p) {
    try {
      if (p) {
        std::rethrow_exception(p);
      }
    } catch (const c10::IndexError& e) {
      PyErr_SetString(PyExc_IndexError, e.what_without_backtrace());
    } catch (const c10::ValueError& e) {
      PyErr_SetString(PyExc_ValueError, e.what_without_backtrace());
    } catch (const c10::TypeError& e) {
      PyErr_SetString(PyExc_TypeError, e.what_without_backtrace());
    } catch (const c10::NotImplementedError& e) {
      PyErr_SetString(PyExc_NotImplementedError, e.what_without_backtrace());
    } catch (const c10::Error& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what_without_backtrace());
    }
  });
}

// Note [C++ warnings as Python warnings]
// A kernel's TORCH_WARN (e.g. resizing a non-empty out=) goes to c10's
// warning handler, which by default prints to stderr.  torch's own bindings
// turn each one into a Python warning, so `warnings.catch_warnings`,
// `pytest.warns` and `-W error` see it; so do ours.  Every binding holds a
// WarningsToPython (outside its GIL release, see the call_guard in
// python_functions.cpp): while the op runs it collects the warnings of this
// thread, and once the GIL is back it issues them with PyErr_WarnEx.  If a
// warning filter turns one into an error, the call raises that error; if
// the op is already failing, its own exception wins and the warnings are
// still issued (an error from a filter is dropped, never thrown twice).
class WarningsToPython {
 public:
  WarningsToPython() : previous_(c10::WarningUtils::get_warning_handler()) {
    c10::WarningUtils::set_warning_handler(&buffer_);
  }
  WarningsToPython(const WarningsToPython&) = delete;
  WarningsToPython& operator=(const WarningsToPython&) = delete;

  ~WarningsToPython() noexcept(false) {
    c10::WarningUtils::set_warning_handler(previous_);
    const bool failing = std::uncaught_exceptions() > 0;
    for (const c10::Warning& w : buffer_.warnings) {
      PyObject* category =
          std::holds_alternative<c10::DeprecationWarning>(w.type())
              ? PyExc_DeprecationWarning
              : PyExc_UserWarning;
      if (PyErr_WarnEx(category, w.msg().c_str(), 1) < 0) {
        if (!failing) {
          throw py::error_already_set();
        }
        PyErr_Clear();
      }
    }
  }

 private:
  struct Buffer : c10::WarningHandler {
    void process(const c10::Warning& warning) override {
      warnings.push_back(warning);
    }
    std::vector<c10::Warning> warnings;
  };
  Buffer buffer_;
  c10::WarningHandler* previous_;
};

// Note [Docstrings of the bindings]
// The prose lives in python/aten_mini/_docs.py (a dict `DOCS`, op name ->
// text, signature line first).  The module reads it once while it is
// initialised; an op without an entry, or a build without the Python
// package, gets an empty docstring.  pybind11's own signature lines are
// turned off so that the text is exactly what _docs.py says.
class DocTable {
 public:
  static DocTable load(const char* module, const char* attr) {
    DocTable table;
    try {
      py::dict docs = py::module_::import(module).attr(attr).cast<py::dict>();
      for (const auto& item : docs) {
        table.docs_[item.first.cast<std::string>()] =
            item.second.cast<std::string>();
      }
    } catch (const py::error_already_set&) {
      // No docs module: every docstring stays empty.
    }
    return table;
  }

  const char* get(const std::string& name) const {
    auto it = docs_.find(name);
    return it == docs_.end() ? "" : it->second.c_str();
  }

 private:
  std::unordered_map<std::string, std::string> docs_;
};

} // namespace at_mini::python

namespace pybind11::detail {

template <>
struct type_caster<at_mini::python::ScalarArg> {
 public:
  PYBIND11_TYPE_CASTER(
      at_mini::python::ScalarArg, const_name("Number | Tensor"));

  bool load(handle src, bool /*convert*/) {
    return at_mini::python::scalar_from_python(src.ptr(), value.value);
  }

  static handle cast(
      const at_mini::python::ScalarArg& src,
      return_value_policy policy,
      handle parent) {
    return make_caster<c10::Scalar>::cast(src.value, policy, parent);
  }
};

template <>
struct type_caster<at_mini::python::IntListArg> {
 public:
  PYBIND11_TYPE_CASTER(
      at_mini::python::IntListArg, const_name("int | Sequence[int]"));

  bool load(handle src, bool /*convert*/) {
    return at_mini::python::int_list_from_python(src.ptr(), value.value);
  }

  static handle cast(
      const at_mini::python::IntListArg& src,
      return_value_policy policy,
      handle parent) {
    return make_caster<std::vector<int64_t>>::cast(src.value, policy, parent);
  }
};

} // namespace pybind11::detail
