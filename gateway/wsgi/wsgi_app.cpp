// One request through the app, PEP 3333 to the letter: start_response (exc_info, write()), the result iterated
// lazily with the head held back until the first non-empty chunk, a file_wrapper sent with sendfile, and close()
// always called. The objects handed to the app are reused across requests when the app kept no reference.
#include "python/py_ref.hpp"  // Python.h first

#include "gateway/wsgi/wsgi_app.hpp"

#include <vector>

#include "gateway/loading/app_import.hpp"
#include "gateway/server/error_log.hpp"
#include "gateway/wsgi/environ.hpp"
#include "gateway/wsgi/error_stream.hpp"
#include "gateway/wsgi/file_wrapper.hpp"
#include "gateway/wsgi/input_stream.hpp"
#include "python/errors.hpp"
#include "python/gil.hpp"

namespace deployctl::gateway::wsgi {

using python::as_method;
using python::PyRef;

namespace {

// What start_response and write() act on: the request in hand.
struct Exchange {
  app::ResponseSink* sink = nullptr;
  WsgiApp::Impl* impl = nullptr;
  const RequestView* request = nullptr;
  PyRef status;
  PyRef headers;
  bool started = false;    // start_response was called
  bool head_sent = false;  // the sink has the head: exc_info now re-raises
  bool refused = false;    // the sink refused the head (500 sent instead)
  bool gone = false;       // the client went away
};

struct StartResponseObject {
  PyObject_HEAD Exchange* exchange;  // null between requests: a late call raises
};

Exchange* exchange_of(PyObject* self, const char* what) {
  Exchange* exchange = reinterpret_cast<StartResponseObject*>(self)->exchange;
  if (exchange == nullptr) PyErr_Format(PyExc_RuntimeError, "%s() called after its request ended", what);
  return exchange;
}

void state_dealloc(PyObject* self) {
  PyTypeObject* type = Py_TYPE(self);
  type->tp_free(self);
  Py_DECREF(type);
}

PyType_Slot state_slots[] = {
    {Py_tp_dealloc, reinterpret_cast<void*>(state_dealloc)},
    {0, nullptr},
};
PyType_Spec state_spec = {"deployctl.StartResponse", sizeof(StartResponseObject), 0, Py_TPFLAGS_DEFAULT, state_slots};

// A str as latin-1 bytes: ASCII strings are viewed in place, others encoded into `keep`.
bool latin1_view(PyObject* text, std::vector<PyRef>& keep, std::string_view& view, const char* what) {
  if (!PyUnicode_Check(text)) {
    PyErr_Format(PyExc_TypeError, "%s must be a str, not %.100s", what, Py_TYPE(text)->tp_name);
    return false;
  }
  if (PyUnicode_IS_COMPACT_ASCII(text)) {
    view = {static_cast<const char*>(PyUnicode_DATA(text)), static_cast<std::size_t>(PyUnicode_GET_LENGTH(text))};
    return true;
  }
  PyRef bytes(PyUnicode_AsLatin1String(text));
  if (!bytes) return false;
  view = {PyBytes_AS_STRING(bytes.get()), static_cast<std::size_t>(PyBytes_GET_SIZE(bytes.get()))};
  keep.push_back(std::move(bytes));
  return true;
}

}  // namespace

struct WsgiApp::Impl {
  PyRef app;
  PyRef close_name;
  PyRef input_type;
  PyRef wrapper_type;
  PyRef errors;
  PyRef state_type;
  std::unique_ptr<EnvironBuilder> environ;
  // Reused while only we hold them.
  PyRef input;
  PyRef state;
  PyRef start_response;
  PyRef write;
  std::vector<HeaderView> header_views;
  std::vector<PyRef> header_bytes;

  bool make_callables();
  bool send_head(Exchange& exchange, std::optional<std::uint64_t> body_length);
  bool write_body(Exchange& exchange, std::string_view data);
  bool respond(Exchange& exchange, PyObject* result);
};

namespace {

PyObject* start_response_call(PyObject* self, PyObject* const* args, Py_ssize_t count, PyObject* names) {
  Exchange* exchange = exchange_of(self, "start_response");
  if (exchange == nullptr) return nullptr;
  const Py_ssize_t positional = count;
  PyObject* status = positional > 0 ? args[0] : nullptr;
  PyObject* headers = positional > 1 ? args[1] : nullptr;
  PyObject* exc_info = positional > 2 ? args[2] : nullptr;
  if (positional > 3) {
    PyErr_SetString(PyExc_TypeError, "start_response() takes at most 3 arguments");
    return nullptr;
  }
  const Py_ssize_t keywords = names == nullptr ? 0 : PyTuple_GET_SIZE(names);
  for (Py_ssize_t i = 0; i < keywords; ++i) {
    PyObject* name = PyTuple_GET_ITEM(names, i);
    PyObject* value = args[positional + i];
    if (PyUnicode_CompareWithASCIIString(name, "exc_info") == 0) {
      exc_info = value;
    } else if (PyUnicode_CompareWithASCIIString(name, "status") == 0) {
      status = value;
    } else if (PyUnicode_CompareWithASCIIString(name, "headers") == 0 ||
               PyUnicode_CompareWithASCIIString(name, "response_headers") == 0) {
      headers = value;
    } else {
      PyErr_Format(PyExc_TypeError, "start_response() got an unexpected keyword argument '%U'", name);
      return nullptr;
    }
  }
  if (status == nullptr || headers == nullptr) {
    PyErr_SetString(PyExc_TypeError, "start_response() needs status and response_headers");
    return nullptr;
  }
  if (exc_info != nullptr && exc_info != Py_None) {
    if (exchange->head_sent) {
      // PEP 3333: too late to change the response; re-raise the app's exception.
      PyObject *type = nullptr, *value = nullptr, *traceback = nullptr;
      if (!PyArg_ParseTuple(exc_info, "OOO:exc_info", &type, &value, &traceback)) return nullptr;
      Py_INCREF(type);
      Py_INCREF(value);
      Py_INCREF(traceback);
      PyErr_Restore(type, value, traceback);
      return nullptr;
    }
  } else if (exchange->started) {
    PyErr_SetString(PyExc_AssertionError, "start_response() called a second time without exc_info");
    return nullptr;
  }
  if (!PyUnicode_Check(status)) {
    PyErr_Format(PyExc_TypeError, "status must be a str, not %.100s", Py_TYPE(status)->tp_name);
    return nullptr;
  }
  if (!PyList_Check(headers)) {
    PyErr_Format(PyExc_TypeError, "response_headers must be a list, not %.100s", Py_TYPE(headers)->tp_name);
    return nullptr;
  }
  exchange->status = PyRef::borrowed(status);
  exchange->headers = PyRef::borrowed(headers);
  exchange->started = true;
  return Py_NewRef(exchange->impl->write.get());
}

PyObject* write_call(PyObject* self, PyObject* data) {
  Exchange* exchange = exchange_of(self, "write");
  if (exchange == nullptr) return nullptr;
  if (!PyBytes_Check(data)) {
    PyErr_Format(PyExc_TypeError, "write() needs bytes, not %.100s", Py_TYPE(data)->tp_name);
    return nullptr;
  }
  if (!exchange->head_sent && !exchange->impl->send_head(*exchange, std::nullopt)) return nullptr;
  if (exchange->refused || exchange->gone) Py_RETURN_NONE;
  const std::string_view bytes(PyBytes_AS_STRING(data), static_cast<std::size_t>(PyBytes_GET_SIZE(data)));
  if (!exchange->impl->write_body(*exchange, bytes)) {
    PyErr_SetString(PyExc_OSError, "the client closed the connection");
    return nullptr;
  }
  Py_RETURN_NONE;
}

PyMethodDef start_response_def = {"start_response", as_method(start_response_call), METH_FASTCALL | METH_KEYWORDS,
                                  "start_response(status, response_headers, exc_info=None)"};
PyMethodDef write_def = {"write", write_call, METH_O, "write(data): body bytes sent at once"};

void log_request_error(const Exchange& exchange, const std::string& traceback) {
  std::string target(exchange.request != nullptr ? exchange.request->target : std::string_view("?"));
  log_error("Error handling request " + target + "\n" + traceback);
}

}  // namespace

bool WsgiApp::Impl::make_callables() {
  state.reset(reinterpret_cast<PyObject*>(
      PyObject_New(StartResponseObject, reinterpret_cast<PyTypeObject*>(state_type.get()))));
  if (!state) return false;
  reinterpret_cast<StartResponseObject*>(state.get())->exchange = nullptr;
  start_response.reset(PyCFunction_New(&start_response_def, state.get()));
  write.reset(PyCFunction_New(&write_def, state.get()));
  return start_response && write;
}

bool WsgiApp::Impl::send_head(Exchange& exchange, std::optional<std::uint64_t> body_length) {
  if (!exchange.started) {
    PyErr_SetString(PyExc_RuntimeError, "the app returned or wrote body data before calling start_response()");
    return false;
  }
  header_views.clear();
  header_bytes.clear();
  app::ResponseStart start;
  std::string_view status;
  if (!latin1_view(exchange.status.get(), header_bytes, status, "status")) return false;
  if (status.size() < 3 || status[0] < '1' || status[0] > '9' || status[1] < '0' || status[1] > '9' ||
      status[2] < '0' || status[2] > '9' || (status.size() > 3 && status[3] != ' ')) {
    PyErr_Format(PyExc_ValueError, "status must look like '200 OK', got %R", exchange.status.get());
    return false;
  }
  start.status = (status[0] - '0') * 100 + (status[1] - '0') * 10 + (status[2] - '0');
  start.status_line = status;
  PyObject* headers = exchange.headers.get();
  const Py_ssize_t count = PyList_GET_SIZE(headers);
  for (Py_ssize_t i = 0; i < count; ++i) {
    PyObject* pair = PyList_GET_ITEM(headers, i);
    if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
      PyErr_Format(PyExc_TypeError, "each response header must be a (name, value) tuple, got %R", pair);
      return false;
    }
    HeaderView view;
    if (!latin1_view(PyTuple_GET_ITEM(pair, 0), header_bytes, view.name, "a header name") ||
        !latin1_view(PyTuple_GET_ITEM(pair, 1), header_bytes, view.value, "a header value"))
      return false;
    header_views.push_back(view);
  }
  start.headers = header_views;
  start.body_length = body_length;
  exchange.head_sent = true;
  if (!exchange.sink->begin(start)) {
    exchange.refused = true;
    exchange.sink->begin_error();
  }
  return true;
}

bool WsgiApp::Impl::write_body(Exchange& exchange, std::string_view data) {
  if (data.empty() || exchange.refused || exchange.gone) return !exchange.gone;
  if (!exchange.sink->write(data)) exchange.gone = true;
  return !exchange.gone;
}

// Sends the result; false with a Python error set when the app failed.
bool WsgiApp::Impl::respond(Exchange& exchange, PyObject* result) {
  WrappedFile file;
  if (wrapped_file(wrapper_type.get(), result, file)) {
    if (!exchange.head_sent && !send_head(exchange, file.size)) return false;
    if (!exchange.refused && !exchange.gone && file.size > 0 &&
        !exchange.sink->send_file(file.fd, file.offset, file.size))
      exchange.gone = true;
    return true;
  }
  if (PyList_CheckExact(result) || PyTuple_CheckExact(result)) {
    const Py_ssize_t count = PySequence_Fast_GET_SIZE(result);
    PyObject** items = PySequence_Fast_ITEMS(result);
    std::uint64_t total = 0;
    for (Py_ssize_t i = 0; i < count; ++i) {
      if (!PyBytes_Check(items[i])) {
        PyErr_Format(PyExc_TypeError, "the app's iterable must yield bytes, got %.100s", Py_TYPE(items[i])->tp_name);
        return false;
      }
      total += static_cast<std::uint64_t>(PyBytes_GET_SIZE(items[i]));
    }
    if (!exchange.head_sent && !send_head(exchange, total)) return false;
    for (Py_ssize_t i = 0; i < count && !exchange.gone; ++i)
      write_body(exchange, {PyBytes_AS_STRING(items[i]), static_cast<std::size_t>(PyBytes_GET_SIZE(items[i]))});
    return true;
  }
  PyRef iterator(PyObject_GetIter(result));
  if (!iterator) return false;
  // The head waits for the first non-empty chunk (PEP 3333); one chunk more is read before sending it, so that a
  // single-chunk body gets a Content-Length rather than chunked framing.
  PyRef held;
  while (!exchange.gone) {
    PyRef chunk(PyIter_Next(iterator.get()));
    if (!chunk) {
      if (PyErr_Occurred()) return false;
      break;
    }
    if (!PyBytes_Check(chunk.get())) {
      PyErr_Format(PyExc_TypeError, "the app's iterable must yield bytes, got %.100s", Py_TYPE(chunk.get())->tp_name);
      return false;
    }
    if (PyBytes_GET_SIZE(chunk.get()) == 0) continue;
    if (!exchange.head_sent && !held) {
      held = std::move(chunk);
      continue;
    }
    if (!exchange.head_sent && !send_head(exchange, std::nullopt)) return false;
    if (held) {
      write_body(exchange, {PyBytes_AS_STRING(held.get()), static_cast<std::size_t>(PyBytes_GET_SIZE(held.get()))});
      held.reset();
    }
    write_body(exchange, {PyBytes_AS_STRING(chunk.get()), static_cast<std::size_t>(PyBytes_GET_SIZE(chunk.get()))});
  }
  if (!exchange.head_sent) {
    const std::uint64_t size = held ? static_cast<std::uint64_t>(PyBytes_GET_SIZE(held.get())) : 0;
    if (!send_head(exchange, size)) return false;
  }
  if (held)
    write_body(exchange, {PyBytes_AS_STRING(held.get()), static_cast<std::size_t>(PyBytes_GET_SIZE(held.get()))});
  return true;
}

WsgiApp::WsgiApp(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WsgiApp::~WsgiApp() = default;

void WsgiApp::handle(const RequestView& request, app::ResponseSink& sink) {
  Impl& s = *impl_;
  Exchange exchange;
  exchange.sink = &sink;
  exchange.impl = &s;
  exchange.request = &request;

  if (!s.state || Py_REFCNT(s.start_response.get()) > 1 || Py_REFCNT(s.write.get()) > 1 ||
      Py_REFCNT(s.state.get()) > 3) {
    if (s.state) reinterpret_cast<StartResponseObject*>(s.state.get())->exchange = nullptr;
    if (!s.make_callables()) {
      log_error("cannot prepare start_response: " + python::take_error());
      sink.begin_error();
      sink.end(false);
      return;
    }
  }
  if (s.input && Py_REFCNT(s.input.get()) == 1) {
    input_reset(s.input.get(), request);
  } else {
    if (s.input) input_detach(s.input.get());
    s.input.reset(input_new(s.input_type.get(), request));
  }
  auto* state = reinterpret_cast<StartResponseObject*>(s.state.get());
  state->exchange = &exchange;

  bool failed = false;
  PyRef result;
  if (PyRef environ{s.input ? s.environ->build(request, s.input.get()) : nullptr}) {
    PyObject* args[2] = {environ.get(), s.start_response.get()};
    result.reset(PyObject_Vectorcall(s.app.get(), args, 2, nullptr));
    failed = !result || !s.respond(exchange, result.get());
  } else {
    failed = true;
  }
  if (failed) log_request_error(exchange, python::take_error());
  if (result) {
    // close() always, whatever happened: Django's request_finished signal hangs off it. A list or tuple has none;
    // for other results the lookup must not raise and format an AttributeError per request just to clear it.
    PyObject* close = nullptr;
    const bool may_close = !PyList_CheckExact(result.get()) && !PyTuple_CheckExact(result.get());
    if (may_close && _PyObject_LookupAttr(result.get(), s.close_name.get(), &close) < 0) {
      log_request_error(exchange, python::take_error());
      failed = true;
    }
    if (close != nullptr) {
      PyRef closed(PyObject_CallNoArgs(close));
      Py_DECREF(close);
      if (!closed) {
        log_request_error(exchange, python::take_error());
        failed = true;
      }
    }
    result.reset();
  }
  state->exchange = nullptr;
  if (s.input) input_detach(s.input.get());
  if (failed && !exchange.head_sent) {
    sink.begin_error();
    sink.end(false);
    return;
  }
  sink.end(failed && !exchange.refused);
}

Result<std::unique_ptr<WsgiApp>> WsgiApp::load(const AppSpec& spec, const LoadOptions& options) {
  auto app = loading::import_app(spec, options);
  if (!app) return std::unexpected(app.error());
  return wrap(*app, options);
}

Result<std::unique_ptr<WsgiApp>> WsgiApp::wrap(const PyRef& app, const LoadOptions& options) {
  const auto python_failure = [&](std::string what) { return fail(what + ": " + python::take_error()); };
  auto impl = std::make_unique<Impl>();
  impl->app = app;
  impl->close_name.reset(PyUnicode_InternFromString("close"));
  impl->input_type.reset(make_input_type());
  impl->wrapper_type.reset(make_file_wrapper_type());
  impl->errors.reset(make_error_stream());
  impl->state_type.reset(PyType_FromSpec(&state_spec));
  if (!impl->close_name || !impl->input_type || !impl->wrapper_type || !impl->errors || !impl->state_type ||
      !impl->make_callables())
    return python_failure("cannot create the WSGI objects");
  auto environ = EnvironBuilder::create(
      EnvironConstants{options.multiprocess, options.multithread, impl->errors.get(), impl->wrapper_type.get()});
  if (!environ) return std::unexpected(environ.error());
  impl->environ = std::move(*environ);
  return std::unique_ptr<WsgiApp>(new WsgiApp(std::move(impl)));
}

std::unique_ptr<WsgiApp> WsgiApp::sibling() const {
  auto impl = std::make_unique<Impl>();
  impl->app = impl_->app;
  impl->close_name = impl_->close_name;
  impl->input_type = impl_->input_type;
  impl->wrapper_type = impl_->wrapper_type;
  impl->errors = impl_->errors;
  impl->state_type = impl_->state_type;
  impl->environ = std::make_unique<EnvironBuilder>(*impl_->environ);  // shares the template dict, read only
  if (!impl->make_callables()) {
    log_error("cannot create the WSGI objects of a thread: " + python::take_error());
    return nullptr;
  }
  return std::unique_ptr<WsgiApp>(new WsgiApp(std::move(impl)));
}

void WsgiApp::register_stack_dump(int signal_number, int fd) {
  PyRef faulthandler(PyImport_ImportModule("faulthandler"));
  PyRef done(faulthandler
                 ? PyObject_CallMethod(faulthandler.get(), "register", "iiOO", signal_number, fd, Py_True, Py_False)
                 : nullptr);
  if (!done) log_warning("cannot register the stack dump of stuck requests: " + python::take_error());
}

}  // namespace deployctl::gateway::wsgi
