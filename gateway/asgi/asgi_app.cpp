// One request through an ASGI app (spec 2.4, HTTP): the coroutine runs under a C asyncio Task in a copy of the
// current contextvars.Context, whose first step is taken at once (first_step.hpp); receive() and send() answer with
// Ready awaitables whenever the answer is known (a buffered body, a response part written), so a hello-world
// request makes no Future and no loop turn.
#include "python/py_ref.hpp"  // Python.h first

#include "gateway/asgi/asgi_app.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/unique_fd.hpp"
#include "gateway/asgi/awaitables.hpp"
#include "gateway/asgi/first_step.hpp"
#include "gateway/asgi/scope.hpp"
#include "gateway/http/response_head.hpp"
#include "gateway/server/error_log.hpp"
#include "python/errors.hpp"

namespace deployctl::gateway::asgi {

using python::PyRef;

namespace {

constexpr std::size_t body_chunk = 64 * 1024;  // what one http.request message carries of a file or stream

struct CallObject;
PyObject* receive_call(PyObject* self, PyObject*);
PyObject* send_call(PyObject* self, PyObject* message);

PyMethodDef receive_def = {"receive", receive_call, METH_NOARGS, "receive() -> awaitable ASGI event"};
PyMethodDef send_def = {"send", send_call, METH_O, "send(message) -> awaitable"};

}  // namespace

struct AsgiApp::Impl {
  PyRef app;
  loading::Interface interface = loading::Interface::asgi3;
  std::unique_ptr<ScopeBuilder> scope;
  AwaitableTypes awaitables;
  PyRef call_type;
  PyRef task_type;         // _asyncio.Task
  PyRef get_running_loop;  // _asyncio.get_running_loop
  PyRef task_keywords;     // ("loop", "context")
  PyRef key_type, key_body, key_more_body, key_status, key_headers;
  PyRef key_path;
  PyRef http_request, http_disconnect, response_start, response_body, response_pathsend;
  PyRef empty_bytes;
  StepObserver observer = nullptr;
  void* observer_context = nullptr;

  PyObject* event(PyObject* type) const { return Py_BuildValue("{O:O}", key_type.get(), type); }
  PyObject* body_event(PyObject* body, bool more) const {
    return Py_BuildValue("{O:O,O:N,O:O}", key_type.get(), http_request.get(), key_body.get(), body, key_more_body.get(),
                         more ? Py_True : Py_False);
  }
};

namespace {

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

CallObject* as_call(PyObject* self) { return reinterpret_cast<CallObject*>(self); }

int call_clear(PyObject* self) {
  CallObject* call = as_call(self);
  Py_CLEAR(call->start);
  Py_CLEAR(call->waiter);
  Py_CLEAR(call->drain_waiter);
  Py_CLEAR(call->task);
  return 0;
}

void call_dealloc(PyObject* self) {
  PyTypeObject* type = Py_TYPE(self);
  PyObject_GC_UnTrack(self);
  call_clear(self);
  delete as_call(self)->request_line;
  type->tp_free(self);
  Py_DECREF(type);
}

int call_traverse(PyObject* self, visitproc visit, void* arg) {
  CallObject* call = as_call(self);
  Py_VISIT(call->start);
  Py_VISIT(call->waiter);
  Py_VISIT(call->drain_waiter);
  Py_VISIT(call->task);
  Py_VISIT(Py_TYPE(self));
  return 0;
}

PyType_Slot call_slots[] = {
    {Py_tp_dealloc, reinterpret_cast<void*>(call_dealloc)},
    {Py_tp_traverse, reinterpret_cast<void*>(call_traverse)},
    {Py_tp_clear, reinterpret_cast<void*>(call_clear)},
    {0, nullptr},
};
PyType_Spec call_spec = {"deployctl.AsgiCall", sizeof(CallObject), 0, Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
                         call_slots};

void log_call_error(const CallObject* call, const std::string& what) {
  log_error("Error handling request " + *call->request_line + "\n" + what);
}

// The Future in `slot` (a waiting receive() or send()) gets `event` (stolen; null: a Python error is pending, logged).
void settle(CallObject* call, PyObject*& slot, PyObject* event_given) {
  PyRef event(event_given);
  if (slot == nullptr) return;
  PyRef waiter(slot);
  slot = nullptr;
  PyRef done(event ? PyObject_CallMethod(waiter.get(), "done", nullptr) : nullptr);
  if (done && !PyObject_IsTrue(done.get())) {
    PyRef set(PyObject_CallMethod(waiter.get(), "set_result", "O", event.get()));
  }
  if (PyErr_Occurred()) log_call_error(call, python::take_error());
}

void answer_waiter(CallObject* call, PyObject* event) { settle(call, call->waiter, event); }

// A receive() waiting (for the end, or for body bytes) gets http.disconnect now; a send() waiting for the client
// completes (what it sends next is dropped).
void release_waiter(CallObject* call) {
  if (call->waiter != nullptr) answer_waiter(call, call->impl->event(call->impl->http_disconnect.get()));
  if (call->drain_waiter != nullptr) settle(call, call->drain_waiter, Py_NewRef(Py_None));
}

// The response ended (its last body, a 500, or an abort): the connection layer goes on without us.
void end_response(CallObject* call) {
  if (call->ended) return;
  call->ended = true;
  app::Exchange* exchange = call->exchange;
  call->exchange = nullptr;
  Py_CLEAR(call->start);
  if (exchange != nullptr) exchange->later->completed();
  release_waiter(call);
}

// The coroutine ended: with its exception set when it raised. A response not ended yet gets a 500 when its head
// was not sent, else the connection is aborted (the client sees an incomplete body).
void coroutine_ended(PyObject* self, bool raised) {
  CallObject* call = as_call(self);
  call->returned = true;
  Py_CLEAR(call->task);
  if (raised) {
    log_call_error(call, python::take_error());
  } else if (!call->ended) {
    log_call_error(call, call->head_sent ? "the ASGI app returned before its response was complete"
                                         : "the ASGI app returned without sending a response");
  }
  if (call->ended) return;
  if (call->exchange != nullptr) {
    app::ResponseSink& sink = call->exchange->response;
    if (!call->head_sent) {
      sink.begin_error();
      sink.end(false);
    } else {
      sink.end(true);
    }
  }
  end_response(call);
}

void coroutine_stepping(PyObject* self) {
  const CallObject* call = as_call(self);
  if (call->impl->observer != nullptr) call->impl->observer(call->impl->observer_context, *call->request_line);
}

// The server refuses the streamed body (a chunked body over the limit, broken chunk framing) while the app reads it:
// the refusal's status answers the request unless the app's head went out (then the connection is cut), the app's
// receive() hears http.disconnect, and what it sends next is dropped, as after the client left.
void refuse_body(CallObject* call, int status) {
  log_debug("refused the request body of " + *call->request_line + " with " + std::to_string(status));
  app::ResponseSink& sink = call->exchange->response;
  if (!call->head_sent) {
    call->head_sent = true;
    sink.begin_error(status);
    sink.end(false);
  } else {
    sink.end(true);
  }
  call->detached = true;
  end_response(call);
}

PyObject* ready(const CallObject* call, PyObject* value) { return new_ready(call->impl->awaitables, value); }

// The next http.request of the body: whole from memory, in chunks from a spilled file or from the socket. Null
// without an error set when the socket has no byte yet (`*later` set: the caller waits for it to be readable).
PyObject* next_body_event(CallObject* call, bool* later) {
  AsgiApp::Impl& impl = *call->impl;
  const http::Request& request = call->exchange->request;
  if (call->exchange->body != nullptr) {
    app::RequestBody& body = *call->exchange->body;
    if (body.left() == 0) {
      call->body_done = true;
      return impl.body_event(Py_NewRef(impl.empty_bytes.get()), false);
    }
    // A body streamed (chunked, past 1 MiB or after 100 Continue) arrives at the client's pace: the loop never waits
    // for it (the worker's sweep holds it to --min-body-rate meanwhile).
    const Result<std::optional<std::string_view>> available = body.try_peek();
    if (!available) {
      call->body_done = true;
      if (body.refused_with() != 0) refuse_body(call, body.refused_with());
      return impl.event(impl.http_disconnect.get());
    }
    if (!*available) {
      *later = true;
      return nullptr;
    }
    const std::string_view bytes = (*available)->substr(0, body_chunk);
    PyObject* chunk = PyBytes_FromStringAndSize(bytes.data(), static_cast<Py_ssize_t>(bytes.size()));
    if (chunk == nullptr) return nullptr;
    body.consume(bytes.size());
    call->body_done = body.left() == 0;
    return impl.body_event(chunk, !call->body_done);
  }
  if (request.body.fd >= 0) {
    const std::uint64_t left = request.body.size - call->body_offset;
    const auto want = static_cast<std::size_t>(left < body_chunk ? left : body_chunk);
    PyRef chunk(PyBytes_FromStringAndSize(nullptr, static_cast<Py_ssize_t>(want)));
    if (!chunk) return nullptr;
    const ssize_t got =
        ::pread(request.body.fd, PyBytes_AS_STRING(chunk.get()), want, static_cast<off_t>(call->body_offset));
    if (got != static_cast<ssize_t>(want)) {
      PyErr_SetFromErrno(PyExc_OSError);
      return nullptr;
    }
    call->body_offset += want;
    call->body_done = call->body_offset >= request.body.size;
    return impl.body_event(chunk.release(), !call->body_done);
  }
  call->body_done = true;
  if (request.body.memory.empty()) return impl.body_event(Py_NewRef(impl.empty_bytes.get()), false);
  return impl.body_event(
      PyBytes_FromStringAndSize(request.body.memory.data(), static_cast<Py_ssize_t>(request.body.memory.size())),
      false);
}

PyObject* receive_call(PyObject* self, PyObject*) {
  CallObject* call = as_call(self);
  AsgiApp::Impl& impl = *call->impl;
  if (call->exchange == nullptr || (call->stopping && call->body_done))
    return ready(call, impl.event(impl.http_disconnect.get()));
  if (call->waiter == nullptr && !call->body_done) {
    bool later = false;
    PyObject* event = next_body_event(call, &later);
    if (!later) return event != nullptr ? ready(call, event) : nullptr;
    call->exchange->later->wait_for_body();  // RunningCall::body_readable() comes when it is readable
  }
  // Later body bytes, or the end (when the response ends or the client leaves).
  if (call->waiter == nullptr) {
    PyRef loop(PyObject_CallNoArgs(impl.get_running_loop.get()));
    call->waiter = loop ? PyObject_CallMethod(loop.get(), "create_future", nullptr) : nullptr;
    if (call->waiter == nullptr) return nullptr;
  }
  return Py_NewRef(call->waiter);
}

// Bytes of a message field: bytes, bytearray or memoryview as the spec's "byte string".
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
  PyRef loop(PyObject_CallNoArgs(call->impl->get_running_loop.get()));
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

PyObject* new_call(AsgiApp::Impl& impl, app::Exchange& exchange) {
  auto* call = PyObject_GC_New(CallObject, reinterpret_cast<PyTypeObject*>(impl.call_type.get()));
  if (call == nullptr) return nullptr;
  call->impl = &impl;
  call->exchange = &exchange;
  call->start = nullptr;
  call->waiter = nullptr;
  call->drain_waiter = nullptr;
  call->task = nullptr;
  const http::Request& request = exchange.request;
  call->request_line = new std::string(std::string(request.method) + " " + std::string(request.target) + " HTTP/1." +
                                       (request.http_minor == 0 ? "0" : "1"));
  call->body_offset = 0;
  call->body_done = false;
  call->head_sent = false;
  call->refused = false;
  call->ended = false;
  call->detached = false;
  call->stopping = false;
  call->returned = false;
  PyObject_GC_Track(reinterpret_cast<PyObject*>(call));
  return reinterpret_cast<PyObject*>(call);
}

// The app's coroutine for this request (ASGI 2: the instance the scope makes, then awaited with receive and send),
// as something PyIter_Send steps.
PyObject* app_coroutine(AsgiApp::Impl& impl, PyObject* scope, PyObject* receive, PyObject* send) {
  PyRef awaitable;
  if (impl.interface == loading::Interface::asgi2) {
    PyRef instance(PyObject_CallOneArg(impl.app.get(), scope));
    if (!instance) return nullptr;
    PyObject* args[] = {receive, send};
    awaitable.reset(PyObject_Vectorcall(instance.get(), args, 2, nullptr));
  } else {
    PyObject* args[] = {scope, receive, send};
    awaitable.reset(PyObject_Vectorcall(impl.app.get(), args, 3, nullptr));
  }
  if (!awaitable) return nullptr;
  if (PyCoro_CheckExact(awaitable.get())) return awaitable.release();
  PyAsyncMethods* async = Py_TYPE(awaitable.get())->tp_as_async;
  if (async == nullptr || async->am_await == nullptr) {
    PyErr_Format(PyExc_TypeError, "the ASGI app returned %.100s, not an awaitable", Py_TYPE(awaitable.get())->tp_name);
    return nullptr;
  }
  return async->am_await(awaitable.get());
}

}  // namespace

AsgiApp::AsgiApp(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AsgiApp::~AsgiApp() = default;

Result<std::unique_ptr<AsgiApp>> AsgiApp::wrap(const PyRef& app, loading::Interface interface,
                                               const std::string& root_path) {
  auto impl = std::make_unique<Impl>();
  impl->app = app;
  impl->interface = interface;
  auto scope = ScopeBuilder::create(root_path);
  if (!scope) return std::unexpected(scope.error());
  impl->scope = std::move(*scope);
  auto awaitables = make_awaitable_types();
  if (!awaitables) return std::unexpected(awaitables.error());
  impl->awaitables = std::move(*awaitables);
  PyRef asyncio_c(PyImport_ImportModule("_asyncio"));
  impl->task_type.reset(asyncio_c ? PyObject_GetAttrString(asyncio_c.get(), "Task") : nullptr);
  impl->get_running_loop.reset(asyncio_c ? PyObject_GetAttrString(asyncio_c.get(), "get_running_loop") : nullptr);
  impl->call_type.reset(PyType_FromSpec(&call_spec));
  impl->task_keywords.reset(Py_BuildValue("(ss)", "loop", "context"));
  const auto name = [](const char* text) { return PyRef(PyUnicode_InternFromString(text)); };
  impl->key_type = name("type");
  impl->key_body = name("body");
  impl->key_more_body = name("more_body");
  impl->key_status = name("status");
  impl->key_headers = name("headers");
  impl->http_request = name("http.request");
  impl->http_disconnect = name("http.disconnect");
  impl->response_start = name("http.response.start");
  impl->response_body = name("http.response.body");
  impl->response_pathsend = name("http.response.pathsend");
  impl->key_path = name("path");
  impl->empty_bytes.reset(PyBytes_FromStringAndSize(nullptr, 0));
  if (!impl->task_type || !impl->get_running_loop || !impl->call_type || !impl->task_keywords || !impl->key_type ||
      !impl->key_body || !impl->key_more_body || !impl->key_status || !impl->key_headers || !impl->http_request ||
      !impl->http_disconnect || !impl->response_start || !impl->response_body || !impl->response_pathsend ||
      !impl->key_path || !impl->empty_bytes)
    return fail("cannot prepare the ASGI adapter (asyncio's C extension _asyncio is needed): " + python::take_error());
  return std::unique_ptr<AsgiApp>(new AsgiApp(std::move(impl)));
}

std::unique_ptr<RunningCall> AsgiApp::start(app::Exchange& exchange) {
  Impl& impl = *impl_;
  PyRef call(new_call(impl, exchange));
  if (!call) {
    log_error("cannot start the ASGI app: " + python::take_error());
    exchange.response.begin_error();
    exchange.response.end(false);
    exchange.later->completed();
    return nullptr;
  }
  PyRef scope(impl.scope->build(exchange));
  PyRef receive(scope ? PyCFunction_New(&receive_def, call.get()) : nullptr);
  PyRef send(receive ? PyCFunction_New(&send_def, call.get()) : nullptr);
  PyRef context(send ? PyContext_CopyCurrent() : nullptr);
  // The coroutine is made in the request's Context too: an ASGI 2 app's constructor runs the app's code.
  if (!context || PyContext_Enter(context.get()) < 0) {
    coroutine_ended(call.get(), true);
    return nullptr;
  }
  coroutine_stepping(call.get());
  PyRef coroutine(app_coroutine(impl, scope.get(), receive.get(), send.get()));
  PyObject *type = nullptr, *value = nullptr, *traceback = nullptr;
  PyErr_Fetch(&type, &value, &traceback);  // Context exit must not see the app's error
  PyContext_Exit(context.get());
  PyErr_Restore(type, value, traceback);
  if (!coroutine) {
    coroutine_ended(call.get(), true);
    return nullptr;
  }
  PyRef stepped(new_app_coroutine(impl.awaitables, coroutine.get(), call.get(), coroutine_ended, coroutine_stepping));
  PyRef loop(stepped ? PyObject_CallNoArgs(impl.get_running_loop.get()) : nullptr);
  PyRef task(
      loop ? start_task_now(impl.task_type.get(), stepped.get(), loop.get(), context.get(), impl.task_keywords.get())
           : nullptr);
  if (!task) {
    log_call_error(as_call(call.get()), "cannot run the ASGI app's coroutine: " + python::take_error());
    PyRef closed(PyObject_CallMethod(coroutine.get(), "close", nullptr));
    PyErr_Clear();
    coroutine_ended(call.get(), false);
    return nullptr;
  }
  CallObject* started = as_call(call.get());
  if (!started->returned) started->task = task.release();
  if (started->ended) return nullptr;
  return std::make_unique<RunningCall>(call.release());
}

const PyRef& AsgiApp::callable() const { return impl_->app; }
loading::Interface AsgiApp::interface() const { return impl_->interface; }
void AsgiApp::share_state(const PyRef& state) { impl_->scope->share_state(state); }
void AsgiApp::observe_steps(StepObserver observer, void* context) {
  impl_->observer = observer;
  impl_->observer_context = context;
}

RunningCall::~RunningCall() { Py_XDECREF(static_cast<PyObject*>(call_)); }

bool RunningCall::body_readable() {
  CallObject* call = as_call(static_cast<PyObject*>(call_));
  if (call->exchange == nullptr || call->waiter == nullptr || call->body_done) return false;
  bool later = false;
  PyObject* event = next_body_event(call, &later);
  if (later) return true;
  answer_waiter(call, event);
  return false;
}

void RunningCall::body_refused(int status) {
  CallObject* call = as_call(static_cast<PyObject*>(call_));
  if (call->exchange == nullptr || call->ended) return;
  call->body_done = true;
  refuse_body(call, status);
}

void RunningCall::drained() {
  CallObject* call = as_call(static_cast<PyObject*>(call_));
  settle(call, call->drain_waiter, Py_NewRef(Py_None));
}

void RunningCall::server_stopping() {
  CallObject* call = as_call(static_cast<PyObject*>(call_));
  if (call->ended || !call->head_sent || call->stopping) return;
  call->stopping = true;
  if (call->body_done && call->waiter != nullptr)
    answer_waiter(call, call->impl->event(call->impl->http_disconnect.get()));
}

void RunningCall::detach() {
  CallObject* call = as_call(static_cast<PyObject*>(call_));
  if (call->ended) return;
  call->exchange = nullptr;
  call->ended = true;
  call->detached = true;
  Py_CLEAR(call->start);
  release_waiter(call);
}

}  // namespace deployctl::gateway::asgi
