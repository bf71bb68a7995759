// One request through an ASGI app (spec 2.4, HTTP): the coroutine runs under a C asyncio Task in a copy of the
// current contextvars.Context, whose first step is taken at once (first_step.hpp); receive() and send() answer with
// Ready awaitables whenever the answer is known (a buffered body, a response part written), so a hello-world
// request makes no Future and no loop turn.
#include "python/py_ref.hpp"  // Python.h first

#include "gateway/asgi/asgi_app.hpp"

#include <unistd.h>

#include <charconv>
#include <string>

#include "gateway/asgi/asgi_call.hpp"
#include "gateway/asgi/awaitables.hpp"
#include "gateway/asgi/first_step.hpp"
#include "gateway/asgi/scope.hpp"
#include "gateway/server/error_log.hpp"
#include "python/errors.hpp"

namespace deployctl::gateway::asgi {

namespace {

constexpr std::size_t body_chunk = 64 * 1024;  // what one http.request message carries of a file or stream

PyObject* receive_call(PyObject* self, PyObject*);

PyMethodDef receive_def = {"receive", receive_call, METH_NOARGS, "receive() -> awaitable ASGI event"};
PyMethodDef send_def = {"send", send_call, METH_O, "send(message) -> awaitable"};

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
    PyRef loop(impl.running_loop());
    call->waiter = loop ? PyObject_CallMethod(loop.get(), "create_future", nullptr) : nullptr;
    if (call->waiter == nullptr) return nullptr;
  }
  return Py_NewRef(call->waiter);
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

// "asgi-request-<n>", the n-th request of this worker: the C Task of Python 3.11 would name it "Task-<n>" through
// PyUnicode_FromFormat, a tenth of what the Task costs; a name of our own is as unique and says what the Task is.
PyObject* task_name(std::uint64_t number) {
  char text[40] = "asgi-request-";
  constexpr std::size_t prefix = sizeof("asgi-request-") - 1;
  const auto written = std::to_chars(text + prefix, text + sizeof(text), number);
  return PyUnicode_FromStringAndSize(text, written.ptr - text);
}

}  // namespace

// Shared with asgi_send.cpp (asgi_call.hpp).
void log_call_error(const CallObject* call, const std::string& what) {
  log_error("Error handling request " + *call->request_line + "\n" + what);
}

PyObject* ready(const CallObject* call, PyObject* value) { return new_ready(call->impl->awaitables, value); }

void end_response(CallObject* call) {
  if (call->ended) return;
  call->ended = true;
  app::Exchange* exchange = call->exchange;
  call->exchange = nullptr;
  Py_CLEAR(call->start);
  if (exchange != nullptr) exchange->later->completed();
  release_waiter(call);
}

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
  // asyncio before _asyncio: imported first, CPython 3.11's _asyncio initialises twice (its init imports asyncio,
  // which imports _asyncio again) and leaks a tuple, which the sanitizer build reports when the master exits.
  PyRef asyncio(PyImport_ImportModule("asyncio"));
  PyRef asyncio_c(asyncio ? PyImport_ImportModule("_asyncio") : nullptr);
  impl->task_type.reset(asyncio_c ? PyObject_GetAttrString(asyncio_c.get(), "Task") : nullptr);
  impl->get_running_loop.reset(asyncio_c ? PyObject_GetAttrString(asyncio_c.get(), "get_running_loop") : nullptr);
  impl->call_type.reset(PyType_FromSpec(&call_spec));
  impl->task_keywords.reset(Py_BuildValue("(sss)", "loop", "context", "name"));
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
  PyRef loop(stepped ? impl.running_loop() : nullptr);
  PyRef name(loop ? task_name(++impl.tasks_started) : nullptr);
  PyRef task(name ? start_task_now(impl.task_type.get(), stepped.get(), loop.get(), context.get(), name.get(),
                                   impl.task_keywords.get())
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
