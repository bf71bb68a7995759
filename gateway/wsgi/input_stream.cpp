// wsgi.input: PEP 3333's read(size), readline(size), readlines(hint) and __iter__ without Python-level code.
// A spilled body is read with pread and the GIL released.
#include "gateway/wsgi/input_stream.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstring>

#include <string>

#include "gateway/app/request_body.hpp"
#include "python/errors.hpp"
#include "python/gil.hpp"

namespace deployctl::gateway::wsgi {

using python::as_method;
using python::GilReleased;
using python::PyRef;

namespace {

struct InputObject {
  PyObject_HEAD const char* data;  // memory body, or null
  int fd;                          // file body, or -1
  app::RequestBody* source;        // streamed body (read from the connection as the app reads), or null
  Py_ssize_t size;
  Py_ssize_t position;
};

InputObject* as_input(PyObject* self) { return reinterpret_cast<InputObject*>(self); }

Py_ssize_t remaining(const InputObject* input) { return input->size - input->position; }

// size argument: absent, None or negative mean "everything".
bool size_argument(PyObject* const* args, Py_ssize_t count, const char* name, Py_ssize_t& size) {
  size = -1;
  if (count > 1) {
    PyErr_Format(PyExc_TypeError, "%s() takes at most 1 argument (%zd given)", name, count);
    return false;
  }
  if (count == 0 || args[0] == Py_None) return true;
  size = PyLong_AsSsize_t(args[0]);
  return !(size == -1 && PyErr_Occurred());
}

// Raises OSError with why a streamed body cannot be read on (the client went away or stalled).
PyObject* stream_error(const Error& error) {
  PyErr_SetString(PyExc_OSError, error.message.c_str());
  return nullptr;
}

// Up to `limit` bytes of a streamed body, through the first '\n' when `line`; the GIL is released while waiting.
PyObject* take_streamed(InputObject* input, Py_ssize_t limit, bool line) {
  std::string taken;
  while (static_cast<Py_ssize_t>(taken.size()) < limit) {
    Result<std::string_view> available;
    {
      GilReleased released;
      available = input->source->peek();
    }
    if (!available) return stream_error(available.error());
    if (available->empty()) break;
    std::string_view chunk = available->substr(0, static_cast<std::size_t>(limit) - taken.size());
    bool ended = false;
    if (line) {
      if (const auto newline = chunk.find('\n'); newline != std::string_view::npos) {
        chunk = chunk.substr(0, newline + 1);
        ended = true;
      }
    }
    taken.append(chunk);
    input->source->consume(chunk.size());
    if (ended) break;
  }
  input->position += static_cast<Py_ssize_t>(taken.size());
  if (!line && static_cast<Py_ssize_t>(taken.size()) < limit)
    return stream_error(Error{"the request body ended before its Content-Length"});
  return PyBytes_FromStringAndSize(taken.data(), static_cast<Py_ssize_t>(taken.size()));
}

// `count` bytes from the current position into a new bytes object.
PyObject* take(InputObject* input, Py_ssize_t count) {
  if (input->source != nullptr && count > 0) return take_streamed(input, count, false);
  if (input->data != nullptr || count == 0) {
    PyObject* bytes = PyBytes_FromStringAndSize(count == 0 ? "" : input->data + input->position, count);
    if (bytes != nullptr) input->position += count;
    return bytes;
  }
  PyObject* bytes = PyBytes_FromStringAndSize(nullptr, count);
  if (bytes == nullptr) return nullptr;
  char* out = PyBytes_AS_STRING(bytes);
  Py_ssize_t done = 0;
  ssize_t got = 0;
  {
    GilReleased released;
    while (done < count) {
      got = ::pread(input->fd, out + done, static_cast<std::size_t>(count - done), input->position + done);
      if (got <= 0) break;
      done += got;
    }
  }
  if (done < count) {
    Py_DECREF(bytes);
    PyErr_SetString(PyExc_OSError, "the request body's temporary file could not be read");
    return nullptr;
  }
  input->position += count;
  return bytes;
}

// Length of the next line (up to and including '\n'), at most `limit` bytes.
Py_ssize_t line_length(InputObject* input, Py_ssize_t limit) {
  if (input->data != nullptr) {
    const char* start = input->data + input->position;
    const void* newline = std::memchr(start, '\n', static_cast<std::size_t>(limit));
    return newline == nullptr ? limit : static_cast<const char*>(newline) - start + 1;
  }
  char block[8192];
  Py_ssize_t scanned = 0;
  GilReleased released;
  while (scanned < limit) {
    const Py_ssize_t want = std::min<Py_ssize_t>(limit - scanned, static_cast<Py_ssize_t>(sizeof block));
    const ssize_t got = ::pread(input->fd, block, static_cast<std::size_t>(want), input->position + scanned);
    if (got <= 0) return scanned;
    if (const void* newline = std::memchr(block, '\n', static_cast<std::size_t>(got)))
      return scanned + (static_cast<const char*>(newline) - block) + 1;
    scanned += got;
  }
  return limit;
}

PyObject* read_line(InputObject* input, Py_ssize_t size) {
  Py_ssize_t limit = remaining(input);
  if (size >= 0) limit = std::min(limit, size);
  if (input->source != nullptr && limit > 0) return take_streamed(input, limit, true);
  return take(input, limit == 0 ? 0 : line_length(input, limit));
}

PyObject* input_read(PyObject* self, PyObject* const* args, Py_ssize_t count) {
  Py_ssize_t size = 0;
  if (!size_argument(args, count, "read", size)) return nullptr;
  InputObject* input = as_input(self);
  const Py_ssize_t left = remaining(input);
  return take(input, size < 0 || size > left ? left : size);
}

PyObject* input_readline(PyObject* self, PyObject* const* args, Py_ssize_t count) {
  Py_ssize_t size = 0;
  if (!size_argument(args, count, "readline", size)) return nullptr;
  return read_line(as_input(self), size);
}

PyObject* input_readlines(PyObject* self, PyObject* const* args, Py_ssize_t count) {
  Py_ssize_t hint = 0;
  if (!size_argument(args, count, "readlines", hint)) return nullptr;
  InputObject* input = as_input(self);
  PyRef lines(PyList_New(0));
  if (!lines) return nullptr;
  Py_ssize_t total = 0;
  while (remaining(input) > 0) {
    PyRef line(read_line(input, -1));
    if (!line) return nullptr;
    if (PyList_Append(lines.get(), line.get()) < 0) return nullptr;
    total += PyBytes_GET_SIZE(line.get());
    if (hint > 0 && total >= hint) break;
  }
  return lines.release();
}

PyObject* input_next(PyObject* self) {
  InputObject* input = as_input(self);
  if (remaining(input) == 0) return nullptr;  // StopIteration
  return read_line(input, -1);
}

void input_dealloc(PyObject* self) {
  PyTypeObject* type = Py_TYPE(self);
  type->tp_free(self);
  Py_DECREF(type);
}

PyMethodDef input_methods[] = {
    {"read", as_method(input_read), METH_FASTCALL, "read(size=-1): up to size bytes of the body"},
    {"readline", as_method(input_readline), METH_FASTCALL, "readline(size=-1): the next line"},
    {"readlines", as_method(input_readlines), METH_FASTCALL, "readlines(hint=-1): the remaining lines"},
    {nullptr, nullptr, 0, nullptr},
};

PyType_Slot input_slots[] = {
    {Py_tp_methods, input_methods},
    {Py_tp_iter, reinterpret_cast<void*>(PyObject_SelfIter)},
    {Py_tp_iternext, reinterpret_cast<void*>(input_next)},
    {Py_tp_dealloc, reinterpret_cast<void*>(input_dealloc)},
    {0, nullptr},
};

PyType_Spec input_spec = {"deployctl.WSGIInput", sizeof(InputObject), 0, Py_TPFLAGS_DEFAULT, input_slots};

}  // namespace

PyObject* make_input_type() { return PyType_FromSpec(&input_spec); }

void input_reset(PyObject* object, const RequestView& request) {
  const BodyView& body = request.body;
  InputObject* input = as_input(object);
  input->source = body.streamed ? request.body_stream : nullptr;
  input->data = body.fd >= 0 || body.streamed ? nullptr : body.memory.data();
  input->fd = body.fd;
  input->size = static_cast<Py_ssize_t>(body.fd >= 0 || body.streamed ? body.size : body.memory.size());
  input->position = 0;
  if (input->data == nullptr && input->fd < 0 && input->source == nullptr) input->size = 0;
}

PyObject* input_new(PyObject* type, const RequestView& request) {
  InputObject* input = PyObject_New(InputObject, reinterpret_cast<PyTypeObject*>(type));
  if (input == nullptr) return nullptr;
  PyObject* object = reinterpret_cast<PyObject*>(input);
  input_reset(object, request);
  return object;
}

void input_detach(PyObject* object) {
  InputObject* input = as_input(object);
  input->source = nullptr;
  input->data = nullptr;
  input->fd = -1;
  input->size = 0;
  input->position = 0;
}

}  // namespace deployctl::gateway::wsgi
