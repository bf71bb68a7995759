// An owning reference to a CPython object, so that no early return leaks one; the one reference type of the
// project. Including it includes Python.h first, as CPython requires.
#pragma once

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <utility>

namespace deployctl::python {

class PyRef {
 public:
  PyRef() = default;
  explicit PyRef(PyObject* object) : object_(object) {}  // steals the reference (a new one, or null)
  ~PyRef() { Py_XDECREF(object_); }
  PyRef(const PyRef& other) : object_(other.object_) { Py_XINCREF(object_); }
  PyRef& operator=(const PyRef& other) {
    PyRef copy(other);
    swap(copy);
    return *this;
  }
  PyRef(PyRef&& other) noexcept : object_(std::exchange(other.object_, nullptr)) {}
  PyRef& operator=(PyRef&& other) noexcept {
    swap(other);
    return *this;
  }
  // A borrowed reference (PyList_GET_ITEM, PySys_GetObject...) made owning.
  static PyRef borrowed(PyObject* object) {
    Py_XINCREF(object);
    return PyRef(object);
  }
  PyObject* get() const { return object_; }
  PyObject* release() { return std::exchange(object_, nullptr); }
  void reset(PyObject* object = nullptr) { PyRef(object).swap(*this); }
  void swap(PyRef& other) noexcept { std::swap(object_, other.object_); }
  explicit operator bool() const { return object_ != nullptr; }

 private:
  PyObject* object_ = nullptr;
};

// Casts a METH_FASTCALL or METH_VARARGS|METH_KEYWORDS function to the PyCFunction a method table stores.
template <typename Function>
PyCFunction as_method(Function function) {
  return reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(function));
}

}  // namespace deployctl::python
