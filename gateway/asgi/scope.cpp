// Header names are lower-cased into fresh bytes (the spec's rule), values passed as received; path is the decoded
// path as UTF-8 (undecodable bytes replaced, as uvicorn's unquote does), raw_path the target's path as sent.
#include "python/py_ref.hpp"  // Python.h first

#include "gateway/asgi/scope.hpp"

#include <charconv>

#include "python/errors.hpp"

namespace deployctl::gateway::asgi {

using python::PyRef;

namespace {

PyRef interned(const char* text) { return PyRef(PyUnicode_InternFromString(text)); }

bool put(PyObject* dict, const PyRef& key, PyObject* value) {
  if (value == nullptr) return false;
  const int status = PyDict_SetItem(dict, key.get(), value);
  Py_DECREF(value);
  return status == 0;
}

PyObject* bytes_of(std::string_view text) {
  return PyBytes_FromStringAndSize(text.data(), static_cast<Py_ssize_t>(text.size()));
}

PyObject* lower_bytes(std::string_view text) {
  PyObject* bytes = PyBytes_FromStringAndSize(nullptr, static_cast<Py_ssize_t>(text.size()));
  if (bytes == nullptr) return nullptr;
  char* out = PyBytes_AS_STRING(bytes);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    out[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return bytes;
}

// (host, port) as the spec gives client and server: None for a unix socket's client, (path, None) for its server.
// A unix peer is a local proxy, trusted: the client its X-Forwarded-For names is (host, 0), as uvicorn gives it.
PyObject* address(std::string_view host, std::string_view port, bool unix_socket) {
  if (host.empty()) Py_RETURN_NONE;
  if (unix_socket) return Py_BuildValue("(s#i)", host.data(), static_cast<Py_ssize_t>(host.size()), 0);
  if (port.empty()) return Py_BuildValue("(s#O)", host.data(), static_cast<Py_ssize_t>(host.size()), Py_None);
  int number = 0;
  std::from_chars(port.data(), port.data() + port.size(), number);
  return Py_BuildValue("(s#i)", host.data(), static_cast<Py_ssize_t>(host.size()), number);
}

}  // namespace

Result<std::unique_ptr<ScopeBuilder>> ScopeBuilder::create(const std::string& root_path) {
  std::unique_ptr<ScopeBuilder> builder(new ScopeBuilder());
  ScopeBuilder& b = *builder;
  // Every key a scope has, the per-request ones None: a copy of a dict this full is one block copied (no insertion,
  // no resize as keys are added), and build() replaces values.
  b.template_.reset(Py_BuildValue("{s:s,s:{s:s,s:s},s:{s:{}},s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O}", "type", "http",
                                  "asgi", "version", "3.0", "spec_version", "2.4", "extensions",
                                  "http.response.pathsend", "http_version", Py_None, "method", Py_None, "scheme",
                                  Py_None, "path", Py_None, "raw_path", Py_None, "query_string", Py_None, "root_path",
                                  Py_None, "client", Py_None, "server", Py_None, "headers", Py_None));
  b.root_path_text_ = root_path;
  b.root_path_.reset(PyUnicode_FromStringAndSize(root_path.data(), static_cast<Py_ssize_t>(root_path.size())));
  b.http_10_ = interned("1.0");
  b.http_11_ = interned("1.1");
  b.http_ = interned("http");
  b.https_ = interned("https");
  b.get_ = interned("GET");
  b.post_ = interned("POST");
  b.head_ = interned("HEAD");
  b.key_http_version_ = interned("http_version");
  b.key_method_ = interned("method");
  b.key_scheme_ = interned("scheme");
  b.key_path_ = interned("path");
  b.key_raw_path_ = interned("raw_path");
  b.key_query_string_ = interned("query_string");
  b.key_root_path_ = interned("root_path");
  b.key_headers_ = interned("headers");
  b.key_client_ = interned("client");
  b.key_server_ = interned("server");
  b.key_asgi_ = interned("asgi");
  b.key_state_ = interned("state");
  b.key_extensions_ = interned("extensions");
  if (!b.template_ || !b.root_path_ || !b.http_10_ || !b.http_11_ || !b.http_ || !b.https_ || !b.get_ || !b.post_ ||
      !b.head_ || !b.key_http_version_ || !b.key_method_ || !b.key_scheme_ || !b.key_path_ || !b.key_raw_path_ ||
      !b.key_query_string_ || !b.key_root_path_ || !b.key_headers_ || !b.key_client_ || !b.key_server_ ||
      !b.key_asgi_ || !b.key_state_ || !b.key_extensions_)
    return fail("cannot prepare the ASGI scope: " + python::take_error());
  return builder;
}

PyObject* ScopeBuilder::address_of(std::string_view host, std::string_view port, bool unix_socket) {
  if (host.empty()) Py_RETURN_NONE;
  address_key_.assign(host);
  address_key_ += unix_socket ? '\1' : '\0';
  address_key_ += port;
  if (const auto found = addresses_.find(address_key_); found != addresses_.end())
    return Py_NewRef(found->second.get());
  PyObject* made = address(host, port, unix_socket);
  if (made == nullptr) return nullptr;
  if (addresses_.size() >= max_cached_addresses) addresses_.clear();
  addresses_.emplace(address_key_, PyRef(Py_NewRef(made)));
  return made;
}

PyObject* ScopeBuilder::build(const app::Exchange& exchange) {
  const http::Request& request = exchange.request;
  PyRef scope(PyDict_Copy(template_.get()));
  if (!scope) return nullptr;
  PyObject* dict = scope.get();
  // The asgi dict is the app's to mutate: each request gets its own.
  PyObject* shared_asgi = PyDict_GetItemWithError(template_.get(), key_asgi_.get());
  if (shared_asgi == nullptr || !put(dict, key_asgi_, PyDict_Copy(shared_asgi))) return nullptr;
  // The extensions the server offers (http.response.pathsend), likewise the app's own copy.
  PyObject* shared_extensions = PyDict_GetItemWithError(template_.get(), key_extensions_.get());
  if (shared_extensions == nullptr || !put(dict, key_extensions_, PyDict_Copy(shared_extensions))) return nullptr;

  PyObject* method =
      request.method == "GET"    ? Py_NewRef(get_.get())
      : request.method == "POST" ? Py_NewRef(post_.get())
      : request.method == "HEAD"
          ? Py_NewRef(head_.get())
          : PyUnicode_DecodeLatin1(request.method.data(), static_cast<Py_ssize_t>(request.method.size()), nullptr);
  std::string path = root_path_text_;
  path += request.path;
  // raw_path: the target's path as sent (an absolute-form target's path is its decoded path, re-sent as is).
  std::string_view raw = request.target;
  if (raw.starts_with("/")) {
    raw = raw.substr(0, raw.find('?'));
  } else {
    raw = request.path;
  }
  std::string raw_path = root_path_text_;
  raw_path += raw;
  if (!put(dict, key_http_version_, Py_NewRef((request.http_minor == 0 ? http_10_ : http_11_).get())) ||
      !put(dict, key_method_, method) || !put(dict, key_scheme_, Py_NewRef((exchange.https ? https_ : http_).get())) ||
      !put(dict, key_path_, PyUnicode_DecodeUTF8(path.data(), static_cast<Py_ssize_t>(path.size()), "replace")) ||
      !put(dict, key_raw_path_, bytes_of(raw_path)) || !put(dict, key_query_string_, bytes_of(request.query)) ||
      !put(dict, key_root_path_, Py_NewRef(root_path_.get())) ||
      !put(dict, key_client_, address_of(exchange.client_address, exchange.peer.port, exchange.peer.unix_socket)) ||
      !put(dict, key_server_, address_of(exchange.peer.server_name, exchange.peer.server_port, false)))
    return nullptr;
  PyRef headers(PyList_New(static_cast<Py_ssize_t>(request.headers.size())));
  if (!headers) return nullptr;
  for (std::size_t i = 0; i < request.headers.size(); ++i) {
    const http::Header& header = request.headers[i];
    PyObject* name = lower_bytes(header.name);
    PyObject* value = name != nullptr ? bytes_of(header.value) : nullptr;
    PyObject* pair = value != nullptr ? PyTuple_Pack(2, name, value) : nullptr;
    Py_XDECREF(name);
    Py_XDECREF(value);
    if (pair == nullptr) return nullptr;
    PyList_SET_ITEM(headers.get(), static_cast<Py_ssize_t>(i), pair);
  }
  if (PyDict_SetItem(dict, key_headers_.get(), headers.get()) < 0) return nullptr;
  if (state_ && !put(dict, key_state_, PyDict_Copy(state_.get()))) return nullptr;
  return scope.release();
}

}  // namespace deployctl::gateway::asgi
