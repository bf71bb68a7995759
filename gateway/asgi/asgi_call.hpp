// What the ASGI adapter's files share about one request's call: the adapter's prepared state (AsgiApp::Impl) and
// the object receive() and send() are bound to. Internal to gateway/asgi; needs Python.h, so it comes first.
#pragma once

#include "python/py_ref.hpp"  // Python.h first

#include <cstdint>
#include <string>

#include "gateway/app/exchange.hpp"
#include "gateway/asgi/asgi_app.hpp"
#include "gateway/asgi/awaitables.hpp"
#include "gateway/asgi/scope.hpp"
#include "gateway/loading/interface.hpp"

namespace deployctl::gateway::asgi {

using python::PyRef;

struct AsgiApp::Impl {
  PyRef app;
  loading::Interface interface = loading::Interface::asgi3;
  std::unique_ptr<ScopeBuilder> scope;
  AwaitableTypes awaitables;
  PyRef call_type;
  PyRef task_type;         // _asyncio.Task
  PyRef get_running_loop;  // _asyncio.get_running_loop
  PyRef loop;              // the worker's loop, once a request has run on it
  PyRef task_keywords;     // ("loop", "context", "name")
  std::uint64_t tasks_started = 0;
  PyRef key_type, key_body, key_more_body, key_status, key_headers;
  PyRef key_path;
  PyRef http_request, http_disconnect, response_start, response_body, response_pathsend;
  PyRef empty_bytes;
  StepObserver observer = nullptr;
  void* observer_context = nullptr;

  // The worker's running loop (a new reference; null with an error set outside one). Kept after the first call: a
  // worker has one loop for its life, and asyncio's get_running_loop() makes a getpid() system call each time.
  PyObject* running_loop() {
    if (!loop) loop.reset(PyObject_CallNoArgs(get_running_loop.get()));
    return loop ? Py_NewRef(loop.get()) : nullptr;
  }
  // Events are built key by key: Py_BuildValue parses its format on every call, a cost on every request.
  PyObject* event(PyObject* type) const {
    PyRef message(PyDict_New());
    if (!message || PyDict_SetItem(message.get(), key_type.get(), type) < 0) return nullptr;
    return message.release();
  }
  PyObject* body_event(PyObject* body_given, bool more) const {
    PyRef body(body_given);
    PyRef message(body ? event(http_request.get()) : nullptr);
    if (!message || PyDict_SetItem(message.get(), key_body.get(), body.get()) < 0 ||
        PyDict_SetItem(message.get(), key_more_body.get(), more ? Py_True : Py_False) < 0)
      return nullptr;
    return message.release();
  }
};

struct CallObject {
  PyObject_HEAD AsgiApp::Impl* impl;
  app::Exchange* exchange;    // null once the response ended or the call was detached
  PyObject* start;            // the http.response.start message, until the head goes out with the first body
  PyObject* waiter;           // a Future a receive() waits on for http.disconnect
  PyObject* drain_waiter;     // a Future a send() waits on while the client has not taken the response
  PyObject* task;             // the Task that runs the coroutine, held while the coroutine has not ended
  std::string* request_line;  // "GET /path HTTP/1.1", for the error log after the exchange is gone
  std::uint64_t body_offset;  // of a body in a file
  bool body_done;             // the last http.request went out
  bool head_sent;
  bool refused;   // the sink refused the head: a 500 went instead
  bool ended;     // the response ended (or the call was detached)
  bool detached;  // the client left: what the app still sends is dropped quietly
  bool stopping;  // the server stops while the response streams: receive() answers http.disconnect
  bool returned;  // the coroutine ended (returned or raised)
};

inline CallObject* as_call(PyObject* self) { return reinterpret_cast<CallObject*>(self); }

// The error log's line for this request: "Error handling request GET / HTTP/1.1" and `what`.
void log_call_error(const CallObject* call, const std::string& what);

// An awaitable already done with `value` (stolen): what receive() and send() answer when nothing needs waiting.
PyObject* ready(const CallObject* call, PyObject* value);

// The response ended (its last body, a 500, or an abort): the connection layer goes on without the call.
void end_response(CallObject* call);

// The app's send(message) (asgi_send.cpp).
PyObject* send_call(PyObject* self, PyObject* message);

}  // namespace deployctl::gateway::asgi
