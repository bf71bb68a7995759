// The send side of an ASGI HTTP call: http.response.start is held until the first body (so a response that fits
// in one message gets a Content-Length), bodies go to the connection's sink, and http.response.pathsend is a file.
#include "python/py_ref.hpp"  // Python.h first

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "core/unique_fd.hpp"
#include "gateway/asgi/asgi_call.hpp"
#include "gateway/http/response_head.hpp"
#include "gateway/server/error_log.hpp"

namespace deployctl::gateway::asgi {

namespace {

// Bytes of a message field: bytes or bytearray, as the spec's "byte string".
bool byte_view(PyObject* value, std::string_view& view, const char* what) {
  if (PyBytes_Check(value)) {
    view = {PyBytes_AS_STRING(value), static_cast<std::size_t>(PyBytes_GET_SIZE(value))};
    return true;
  }
  if (PyByteArray_Check(value)) {
    view = {PyByteArray_AS_STRING(value), static_cast<std::size_t>(PyByteArray_GET_SIZE(value))};
    return true;
  }
  PyErr_Format(PyExc_TypeError, "%s must be bytes, not %.100s", what, Py_TYPE(value)->tp_name);
  return false;
}

PyObject* field(PyObject* message, const PyRef& key) {  // borrowed; null without error when missing
  return PyDict_GetItemWithError(message, key.get());
}

// The head from the held http.response.start, framed with the body's length when the first body is the last.
// `file_length`: the body is a file of that size, whose length a HEAD response gives too (as for a static file).
bool send_head(CallObject* call, std::optional<std::uint64_t> body_length, bool file_length = false) {
  AsgiApp::Impl& impl = *call->impl;
  PyObject* start = call->start;
  PyObject* status_object = field(start, impl.key_status);
  if (status_object == nullptr) {
    if (!PyErr_Occurred()) PyErr_SetString(PyExc_KeyError, "http.response.start has no 'status'");
    return false;
  }
  const long status = PyLong_AsLong(status_object);
  if (status == -1 && PyErr_Occurred()) return false;
  if (status < 100 || status > 599) {
    PyErr_Format(PyExc_ValueError, "http.response.start: status %ld is not an HTTP status", status);
    return false;
  }
  std::vector<http::Header> headers;
  if (PyObject* listed = field(start, impl.key_headers); listed != nullptr) {
    PyRef sequence(PySequence_Fast(listed, "http.response.start: headers must be an iterable of [name, value]"));
    if (!sequence) return false;
    const Py_ssize_t count = PySequence_Fast_GET_SIZE(sequence.get());
    headers.reserve(static_cast<std::size_t>(count));
    for (Py_ssize_t i = 0; i < count; ++i) {
      PyObject* pair = PySequence_Fast_GET_ITEM(sequence.get(), i);
      PyRef items(PySequence_Fast(pair, "each header must be a [name, value] pair"));
      if (!items) return false;
      if (PySequence_Fast_GET_SIZE(items.get()) != 2) {
        PyErr_Format(PyExc_ValueError, "each header must be a [name, value] pair, got %R", pair);
        return false;
      }
      http::Header header;
      // The pair's items outlive this call: the message holds them until begin() has copied them.
      if (!byte_view(PySequence_Fast_GET_ITEM(items.get(), 0), header.name, "a header name") ||
          !byte_view(PySequence_Fast_GET_ITEM(items.get(), 1), header.value, "a header value"))
        return false;
      headers.push_back(header);
    }
  } else if (PyErr_Occurred()) {
    return false;
  }
  const std::string length_text = file_length ? std::to_string(*body_length) : std::string();
  if (file_length && call->exchange->request.is_head() && std::ranges::none_of(headers, [](const http::Header& h) {
        return http::equals_ignore_case(h.name, "content-length");
      }))
    headers.push_back({"content-length", length_text});
  const int code = static_cast<int>(status);
  const std::string_view reason = http::reason_phrase(code);
  std::string status_line = std::to_string(code);
  if (!reason.empty()) status_line += " " + std::string(reason);
  app::ResponseStart response;
  response.status = code;
  response.status_line = status_line;
  response.headers = headers;
  response.body_length = body_length;
  call->head_sent = true;
  app::ResponseSink& sink = call->exchange->response;
  if (!sink.begin(response)) {
    call->refused = true;
    sink.begin_error();
  }
  Py_CLEAR(call->start);
  return true;
}

// What a send() of a response part that is not the last answers: at once while the client keeps up, else a Future
// done when it has taken most of what is queued (RunningCall::drained), so the loop serves others meanwhile.
PyObject* sent(CallObject* call) {
  app::Completion* later = call->exchange->later;
  if (later == nullptr || !later->congested()) return ready(call, Py_NewRef(Py_None));
  PyRef loop(call->impl->running_loop());
  PyObject* future = loop ? PyObject_CallMethod(loop.get(), "create_future", nullptr) : nullptr;
  if (future == nullptr) return nullptr;
  Py_XSETREF(call->drain_waiter, future);
  later->wait_for_drain();
  return Py_NewRef(future);
}

PyObject* send_body(CallObject* call, PyObject* message) {
  AsgiApp::Impl& impl = *call->impl;
  std::string_view body;
  if (PyObject* given = field(message, impl.key_body); given != nullptr) {
    if (!byte_view(given, body, "http.response.body's body")) return nullptr;
  } else if (PyErr_Occurred()) {
    return nullptr;
  }
  bool more = false;
  if (PyObject* given = field(message, impl.key_more_body); given != nullptr) {
    const int truth = PyObject_IsTrue(given);
    if (truth < 0) return nullptr;
    more = truth == 1;
  } else if (PyErr_Occurred()) {
    return nullptr;
  }
  if (!call->head_sent && !send_head(call, more ? std::nullopt : std::optional<std::uint64_t>(body.size())))
    return nullptr;
  app::ResponseSink& sink = call->exchange->response;
  if (!call->refused && !body.empty() && (!sink.write(body) || (more && !sink.push()))) {
    // The client is gone: the rest is dropped quietly (spec 2.4 allows raising; uvicorn reverted that for HTTP).
    sink.end(true);
    call->detached = true;
    end_response(call);
    return ready(call, Py_NewRef(Py_None));
  }
  if (!more) {
    sink.end(false);
    end_response(call);
    return ready(call, Py_NewRef(Py_None));
  }
  return sent(call);
}

// http.response.pathsend (the ASGI extension): the whole body is the file at an absolute path, sent with sendfile
// under the same backpressure as bytes. A file that cannot be opened raises in the app (a 500 before the head).
PyObject* send_path(CallObject* call, PyObject* message) {
  PyObject* given = field(message, call->impl->key_path);
  if (given == nullptr) {
    if (!PyErr_Occurred()) PyErr_SetString(PyExc_KeyError, "http.response.pathsend has no 'path'");
    return nullptr;
  }
  PyObject* converted = nullptr;
  if (!PyUnicode_FSConverter(given, &converted)) return nullptr;
  PyRef encoded(converted);
  const char* path = PyBytes_AS_STRING(encoded.get());
  if (path[0] != '/') {
    PyErr_Format(PyExc_ValueError, "http.response.pathsend: the path must be absolute, not %R", given);
    return nullptr;
  }
  UniqueFd file(::open(path, O_RDONLY | O_CLOEXEC));
  struct stat status {};
  if (!file || ::fstat(file.get(), &status) != 0) return PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, given);
  if (!S_ISREG(status.st_mode)) {
    PyErr_Format(PyExc_ValueError, "http.response.pathsend: %R is not a regular file", given);
    return nullptr;
  }
  const auto size = static_cast<std::uint64_t>(status.st_size);
  if (!call->head_sent && !send_head(call, size, true)) return nullptr;
  app::ResponseSink& sink = call->exchange->response;
  if (!call->refused && !sink.send_file(file.get(), 0, size)) {
    sink.end(true);
    call->detached = true;
  } else {
    sink.end(false);
  }
  end_response(call);
  return ready(call, Py_NewRef(Py_None));
}

}  // namespace

PyObject* send_call(PyObject* self, PyObject* message) {
  CallObject* call = as_call(self);
  AsgiApp::Impl& impl = *call->impl;
  if (!PyDict_Check(message)) {
    PyErr_Format(PyExc_TypeError, "send() takes an ASGI message dict, not %.100s", Py_TYPE(message)->tp_name);
    return nullptr;
  }
  PyObject* type = field(message, impl.key_type);
  if (type == nullptr) {
    if (!PyErr_Occurred()) PyErr_SetString(PyExc_KeyError, "an ASGI message needs a 'type'");
    return nullptr;
  }
  const bool is_start = PyUnicode_Check(type) && PyUnicode_Compare(type, impl.response_start.get()) == 0;
  const bool is_body = !is_start && PyUnicode_Check(type) && PyUnicode_Compare(type, impl.response_body.get()) == 0;
  const bool is_path =
      !is_start && !is_body && PyUnicode_Check(type) && PyUnicode_Compare(type, impl.response_pathsend.get()) == 0;
  if (!is_start && !is_body && !is_path) {
    if (PyErr_Occurred()) return nullptr;
    PyErr_Format(PyExc_ValueError, "unknown ASGI message type %R for an HTTP request", type);
    return nullptr;
  }
  if (call->exchange == nullptr) {
    if (call->detached) return ready(call, Py_NewRef(Py_None));
    log_error("the ASGI app sent " + std::string(PyUnicode_AsUTF8(type)) +
              " after its response was complete: " + *call->request_line);
    PyErr_SetString(PyExc_RuntimeError, "send() after the response was complete");
    return nullptr;
  }
  if (is_start) {
    if (call->start != nullptr || call->head_sent) {
      log_error("the ASGI app sent a second http.response.start: " + *call->request_line);
      PyErr_SetString(PyExc_RuntimeError, "http.response.start sent twice");
      return nullptr;
    }
    call->start = Py_NewRef(message);
    return ready(call, Py_NewRef(Py_None));
  }
  if (call->start == nullptr && !call->head_sent) {
    PyErr_Format(PyExc_RuntimeError, "%U sent before http.response.start", type);
    return nullptr;
  }
  return is_path ? send_path(call, message) : send_body(call, message);
}

}  // namespace deployctl::gateway::asgi
