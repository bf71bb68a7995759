// wsgi.errors: write(str), writelines(seq), flush(). Text goes to the error log unchanged, as gunicorn's does.
#include "gateway/wsgi/error_stream.hpp"

#include "gateway/server/error_log.hpp"

namespace deployctl::gateway::wsgi {

using python::PyRef;

namespace {

struct ErrorStreamObject {
  PyObject_HEAD
};

bool write_text(PyObject* text) {
  if (!PyUnicode_Check(text)) {
    PyErr_Format(PyExc_TypeError, "wsgi.errors.write() needs a str, not %.100s", Py_TYPE(text)->tp_name);
    return false;
  }
  Py_ssize_t size = 0;
  const char* utf8 = PyUnicode_AsUTF8AndSize(text, &size);
  if (utf8 == nullptr) return false;
  ErrorLog::instance().write_raw({utf8, static_cast<std::size_t>(size)});
  return true;
}

PyObject* stream_write(PyObject*, PyObject* text) {
  if (!write_text(text)) return nullptr;
  return PyLong_FromSsize_t(PyUnicode_GET_LENGTH(text));
}

PyObject* stream_writelines(PyObject*, PyObject* lines) {
  PyRef iterator(PyObject_GetIter(lines));
  if (!iterator) return nullptr;
  while (PyRef line{PyIter_Next(iterator.get())}) {
    if (!write_text(line.get())) return nullptr;
  }
  if (PyErr_Occurred()) return nullptr;
  Py_RETURN_NONE;
}

PyObject* stream_flush(PyObject*, PyObject*) { Py_RETURN_NONE; }

void stream_dealloc(PyObject* self) {
  PyTypeObject* type = Py_TYPE(self);
  type->tp_free(self);
  Py_DECREF(type);
}

PyMethodDef stream_methods[] = {
    {"write", stream_write, METH_O, "write(str): to the error log"},
    {"writelines", stream_writelines, METH_O, "writelines(lines): each to the error log"},
    {"flush", stream_flush, METH_NOARGS, "flush(): nothing to do, writes are unbuffered"},
    {nullptr, nullptr, 0, nullptr},
};

PyType_Slot stream_slots[] = {
    {Py_tp_methods, stream_methods},
    {Py_tp_dealloc, reinterpret_cast<void*>(stream_dealloc)},
    {0, nullptr},
};

PyType_Spec stream_spec = {"deployctl.WSGIErrors", sizeof(ErrorStreamObject), 0, Py_TPFLAGS_DEFAULT, stream_slots};

}  // namespace

PyObject* make_error_stream() {
  PyRef type(PyType_FromSpec(&stream_spec));
  if (!type) return nullptr;
  return reinterpret_cast<PyObject*>(PyObject_New(ErrorStreamObject, reinterpret_cast<PyTypeObject*>(type.get())));
}

}  // namespace deployctl::gateway::wsgi
