// wsgi.file_wrapper(filelike, blksize=8192): iterable over filelike.read(blksize), close() forwards to the file.
// The server recognises the type and sends a regular file's bytes with sendfile instead of iterating.
#include "gateway/wsgi/file_wrapper.hpp"

#include <sys/stat.h>
#include <unistd.h>

namespace deployctl::gateway::wsgi {

using python::PyRef;

namespace {

struct FileWrapperObject {
  PyObject_HEAD PyObject* filelike;
  Py_ssize_t block_size;
};

FileWrapperObject* as_wrapper(PyObject* self) { return reinterpret_cast<FileWrapperObject*>(self); }

PyObject* wrapper_new(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  static const char* keywords[] = {"filelike", "blksize", nullptr};
  PyObject* filelike = nullptr;
  Py_ssize_t block_size = 8192;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|n:file_wrapper", const_cast<char**>(keywords), &filelike,
                                   &block_size))
    return nullptr;
  auto* wrapper = reinterpret_cast<FileWrapperObject*>(type->tp_alloc(type, 0));
  if (wrapper == nullptr) return nullptr;
  Py_INCREF(filelike);
  wrapper->filelike = filelike;
  wrapper->block_size = block_size > 0 ? block_size : 8192;
  return reinterpret_cast<PyObject*>(wrapper);
}

PyObject* wrapper_next(PyObject* self) {
  FileWrapperObject* wrapper = as_wrapper(self);
  PyRef data(PyObject_CallMethod(wrapper->filelike, "read", "n", wrapper->block_size));
  if (!data) return nullptr;
  if (PyObject_IsTrue(data.get()) == 0) return nullptr;  // EOF: StopIteration
  return data.release();
}

PyObject* wrapper_close(PyObject* self, PyObject*) {
  FileWrapperObject* wrapper = as_wrapper(self);
  if (PyObject_HasAttrString(wrapper->filelike, "close")) {
    PyRef done(PyObject_CallMethod(wrapper->filelike, "close", nullptr));
    if (!done) return nullptr;
  }
  Py_RETURN_NONE;
}

PyObject* wrapper_filelike(PyObject* self, void*) { return Py_NewRef(as_wrapper(self)->filelike); }

void wrapper_dealloc(PyObject* self) {
  PyTypeObject* type = Py_TYPE(self);
  Py_XDECREF(as_wrapper(self)->filelike);
  type->tp_free(self);
  Py_DECREF(type);
}

PyMethodDef wrapper_methods[] = {
    {"close", wrapper_close, METH_NOARGS, "close(): closes the wrapped file"},
    {nullptr, nullptr, 0, nullptr},
};

PyGetSetDef wrapper_getset[] = {
    {"filelike", wrapper_filelike, nullptr, "the wrapped file-like object", nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

PyType_Slot wrapper_slots[] = {
    {Py_tp_new, reinterpret_cast<void*>(wrapper_new)},
    {Py_tp_methods, wrapper_methods},
    {Py_tp_getset, wrapper_getset},
    {Py_tp_iter, reinterpret_cast<void*>(PyObject_SelfIter)},
    {Py_tp_iternext, reinterpret_cast<void*>(wrapper_next)},
    {Py_tp_dealloc, reinterpret_cast<void*>(wrapper_dealloc)},
    {0, nullptr},
};

PyType_Spec wrapper_spec = {"deployctl.FileWrapper", sizeof(FileWrapperObject), 0, Py_TPFLAGS_DEFAULT, wrapper_slots};

}  // namespace

PyObject* make_file_wrapper_type() { return PyType_FromSpec(&wrapper_spec); }

bool wrapped_file(PyObject* wrapper_type, PyObject* result, WrappedFile& file) {
  if (Py_TYPE(result) != reinterpret_cast<PyTypeObject*>(wrapper_type)) return false;
  PyObject* filelike = as_wrapper(result)->filelike;
  PyRef fileno(PyObject_CallMethod(filelike, "fileno", nullptr));
  if (!fileno) {
    PyErr_Clear();
    return false;
  }
  const long fd = PyLong_AsLong(fileno.get());
  if (fd < 0 || fd > 0x7fffffff) {
    PyErr_Clear();
    return false;
  }
  struct stat status {};
  if (::fstat(static_cast<int>(fd), &status) != 0 || !S_ISREG(status.st_mode)) return false;
  // The Python file's idea of its position (buffered reads may have run ahead of the fd's).
  std::uint64_t offset = 0;
  if (PyObject_HasAttrString(filelike, "tell")) {
    PyRef position(PyObject_CallMethod(filelike, "tell", nullptr));
    if (!position) {
      PyErr_Clear();
      return false;
    }
    const long long value = PyLong_AsLongLong(position.get());
    if (value < 0) {
      PyErr_Clear();
      return false;
    }
    offset = static_cast<std::uint64_t>(value);
  }
  const auto end = static_cast<std::uint64_t>(status.st_size);
  file.fd = static_cast<int>(fd);
  file.offset = offset;
  file.size = offset < end ? end - offset : 0;
  return true;
}

}  // namespace deployctl::gateway::wsgi
