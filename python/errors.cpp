// Formats an exception with Python's own traceback module, falling back to "Type: message" when even that fails
// (out of memory, a broken __str__).
#include "python/py_ref.hpp"  // Python.h first

#include "python/errors.hpp"

#include "core/error.hpp"

namespace deployctl::python {

std::string take_error() {
  if (!PyErr_Occurred()) return "";
  PyObject* type = nullptr;
  PyObject* value = nullptr;
  PyObject* traceback = nullptr;
  PyErr_Fetch(&type, &value, &traceback);
  PyErr_NormalizeException(&type, &value, &traceback);
  if (traceback != nullptr && value != nullptr) PyException_SetTraceback(value, traceback);
  const PyRef type_ref(type), value_ref(value), traceback_ref(traceback);
  std::string text;
  const PyRef module(PyImport_ImportModule("traceback"));
  const PyRef lines(module ? PyObject_CallMethod(module.get(), "format_exception", "OOO", type ? type : Py_None,
                                                 value ? value : Py_None, traceback ? traceback : Py_None)
                           : nullptr);
  if (lines) {
    const PyRef empty(PyUnicode_FromString(""));
    const PyRef joined(empty ? PyUnicode_Join(empty.get(), lines.get()) : nullptr);
    Py_ssize_t size = 0;
    if (const char* utf8 = joined ? PyUnicode_AsUTF8AndSize(joined.get(), &size) : nullptr)
      text.assign(utf8, static_cast<std::size_t>(size));
  }
  if (text.empty()) {
    PyErr_Clear();
    const PyRef shown(value ? PyObject_Str(value) : nullptr);
    const char* utf8 = shown ? PyUnicode_AsUTF8(shown.get()) : nullptr;
    text = std::string(type ? reinterpret_cast<PyTypeObject*>(type)->tp_name : "error") + ": " + (utf8 ? utf8 : "?");
  }
  PyErr_Clear();
  return text;
}

void throw_error(const std::string& what) {
  PyErr_Clear();
  throw Failure("embedded Python: " + what);
}

}  // namespace deployctl::python
