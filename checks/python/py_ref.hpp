// An owning reference to a CPython object, so that no early return leaks one.
#pragma once

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <string>

#include "core/error.hpp"

namespace deployctl::checks::python {

class PyRef {
 public:
  explicit PyRef(PyObject* object = nullptr) : object_(object) {}
  ~PyRef() { Py_XDECREF(object_); }
  PyRef(const PyRef&) = delete;
  PyRef& operator=(const PyRef&) = delete;
  PyRef(PyRef&& other) noexcept : object_(other.object_) { other.object_ = nullptr; }
  PyRef& operator=(PyRef&& other) noexcept {
    std::swap(object_, other.object_);
    return *this;
  }
  PyObject* get() const { return object_; }
  explicit operator bool() const { return object_ != nullptr; }

 private:
  PyObject* object_;
};

// For failures of the interpreter itself (never of user input): clears the Python error and throws.
[[noreturn]] inline void throw_python_error(const std::string& what) {
  PyErr_Clear();
  throw Failure("embedded Python: " + what);
}

}  // namespace deployctl::checks::python
