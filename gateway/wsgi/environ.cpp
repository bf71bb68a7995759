// Builds environ dicts from RequestView: latin-1 strings as PEP 3333 requires, duplicated headers joined with ','
// (as gunicorn does), CONTENT_TYPE and CONTENT_LENGTH without the HTTP_ prefix, and the raw request-target under
// both names apps look for it by (RAW_URI from gunicorn, REQUEST_URI from uWSGI).
#include "gateway/wsgi/environ.hpp"

#include <strings.h>
#include <array>
#include <cstdio>
#include <cstring>

#include "core/error.hpp"
#include "python/errors.hpp"
#include "python/gil.hpp"

namespace deployctl::gateway::wsgi {

using python::PyRef;

namespace {

// Set when an interning failed (out of memory): EnvironBuilder::create checks it after building the tables.
bool interning_failed = false;

PyObject* intern(const char* text) {
  PyObject* object = PyUnicode_InternFromString(text);
  if (object == nullptr) interning_failed = true;
  return object;  // kept for the life of the process
}

struct Keys {
  PyObject* request_method = intern("REQUEST_METHOD");
  PyObject* script_name = intern("SCRIPT_NAME");
  PyObject* path_info = intern("PATH_INFO");
  PyObject* query_string = intern("QUERY_STRING");
  PyObject* raw_uri = intern("RAW_URI");          // gunicorn's name for the request-target as received
  PyObject* request_uri = intern("REQUEST_URI");  // uWSGI's (and Apache's, nginx's $request_uri)
  PyObject* content_type = intern("CONTENT_TYPE");
  PyObject* content_length = intern("CONTENT_LENGTH");
  PyObject* server_name = intern("SERVER_NAME");
  PyObject* server_port = intern("SERVER_PORT");
  PyObject* server_protocol = intern("SERVER_PROTOCOL");
  PyObject* remote_addr = intern("REMOTE_ADDR");
  PyObject* remote_port = intern("REMOTE_PORT");
  PyObject* wsgi_version = intern("wsgi.version");
  PyObject* wsgi_url_scheme = intern("wsgi.url_scheme");
  PyObject* wsgi_input = intern("wsgi.input");
  PyObject* wsgi_errors = intern("wsgi.errors");
  PyObject* wsgi_multithread = intern("wsgi.multithread");
  PyObject* wsgi_multiprocess = intern("wsgi.multiprocess");
  PyObject* wsgi_run_once = intern("wsgi.run_once");
  PyObject* wsgi_file_wrapper = intern("wsgi.file_wrapper");
  PyObject* wsgi_input_terminated = intern("wsgi.input_terminated");
  PyObject* http = intern("http");
  PyObject* https = intern("https");
  PyObject* http10 = intern("HTTP/1.0");
  PyObject* http11 = intern("HTTP/1.1");
  PyObject* empty = intern("");
  std::array<PyObject*, 8> methods = {intern("GET"),    intern("POST"),  intern("HEAD"),    intern("PUT"),
                                      intern("DELETE"), intern("PATCH"), intern("OPTIONS"), intern("TRACE")};
};

const Keys& keys() {
  static const Keys instance;
  return instance;
}

// The common request headers and their environ keys, so that most headers cost no key building.
struct KnownHeader {
  std::string_view name;
  const char* key;
  PyObject* object = nullptr;
};

std::array<KnownHeader, 34>& known_headers() {
  static std::array<KnownHeader, 34> table = {{
      {"host", "HTTP_HOST"},
      {"user-agent", "HTTP_USER_AGENT"},
      {"accept", "HTTP_ACCEPT"},
      {"accept-encoding", "HTTP_ACCEPT_ENCODING"},
      {"accept-language", "HTTP_ACCEPT_LANGUAGE"},
      {"connection", "HTTP_CONNECTION"},
      {"cookie", "HTTP_COOKIE"},
      {"referer", "HTTP_REFERER"},
      {"cache-control", "HTTP_CACHE_CONTROL"},
      {"upgrade-insecure-requests", "HTTP_UPGRADE_INSECURE_REQUESTS"},
      {"origin", "HTTP_ORIGIN"},
      {"x-forwarded-for", "HTTP_X_FORWARDED_FOR"},
      {"x-forwarded-proto", "HTTP_X_FORWARDED_PROTO"},
      {"x-forwarded-host", "HTTP_X_FORWARDED_HOST"},
      {"x-real-ip", "HTTP_X_REAL_IP"},
      {"x-requested-with", "HTTP_X_REQUESTED_WITH"},
      {"x-csrftoken", "HTTP_X_CSRFTOKEN"},
      {"authorization", "HTTP_AUTHORIZATION"},
      {"if-modified-since", "HTTP_IF_MODIFIED_SINCE"},
      {"if-none-match", "HTTP_IF_NONE_MATCH"},
      {"pragma", "HTTP_PRAGMA"},
      {"dnt", "HTTP_DNT"},
      {"sec-fetch-site", "HTTP_SEC_FETCH_SITE"},
      {"sec-fetch-mode", "HTTP_SEC_FETCH_MODE"},
      {"sec-fetch-dest", "HTTP_SEC_FETCH_DEST"},
      {"sec-fetch-user", "HTTP_SEC_FETCH_USER"},
      {"sec-ch-ua", "HTTP_SEC_CH_UA"},
      {"sec-ch-ua-mobile", "HTTP_SEC_CH_UA_MOBILE"},
      {"sec-ch-ua-platform", "HTTP_SEC_CH_UA_PLATFORM"},
      {"range", "HTTP_RANGE"},
      {"forwarded", "HTTP_FORWARDED"},
      {"keep-alive", "HTTP_KEEP_ALIVE"},
      {"expect", "HTTP_EXPECT"},
      {"transfer-encoding", "HTTP_TRANSFER_ENCODING"},
  }};
  return table;
}

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

PyObject* latin1(std::string_view text) {
  return PyUnicode_DecodeLatin1(text.data(), static_cast<Py_ssize_t>(text.size()), nullptr);
}

// HTTP_ + the name upper-cased with '-' as '_'.
PyObject* header_key(std::string_view name) {
  for (KnownHeader& known : known_headers()) {
    if (same_name(known.name, name)) return Py_NewRef(known.object);
  }
  char buffer[256];
  std::string long_key;
  char* key = buffer;
  const std::size_t size = name.size() + 5;
  if (size > sizeof buffer) {
    long_key.resize(size);
    key = long_key.data();
  }
  std::memcpy(key, "HTTP_", 5);
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    key[5 + i] = c == '-' ? '_' : (c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  }
  return PyUnicode_DecodeLatin1(key, static_cast<Py_ssize_t>(size), nullptr);
}

PyObject* method_value(std::string_view method) {
  for (PyObject* known : keys().methods) {
    if (static_cast<std::size_t>(PyUnicode_GET_LENGTH(known)) == method.size() &&
        std::memcmp(PyUnicode_DATA(known), method.data(), method.size()) == 0)
      return Py_NewRef(known);
  }
  return latin1(method);
}

// Sets `key` to a new reference `value`; false on failure.
bool set(PyObject* environ, PyObject* key, PyObject* value) {
  if (value == nullptr) return false;
  const int status = PyDict_SetItem(environ, key, value);
  Py_DECREF(value);
  return status == 0;
}

}  // namespace

Result<std::unique_ptr<EnvironBuilder>> EnvironBuilder::create(const EnvironConstants& constants) {
  const Keys& k = keys();
  for (KnownHeader& known : known_headers()) {
    if (known.object == nullptr) known.object = intern(known.key);
  }
  if (interning_failed) return fail("embedded Python: cannot intern the environ's keys: " + python::take_error());
  std::unique_ptr<EnvironBuilder> builder(new EnvironBuilder());
  builder->template_.reset(PyDict_New());
  PyRef version(Py_BuildValue("(ii)", 1, 0));
  if (!builder->template_ || !version) return fail("embedded Python: cannot build the environ template");
  PyObject* dict = builder->template_.get();
  const bool ok =
      PyDict_SetItem(dict, k.wsgi_version, version.get()) == 0 && PyDict_SetItem(dict, k.script_name, k.empty) == 0 &&
      PyDict_SetItem(dict, k.wsgi_multithread, constants.multithread ? Py_True : Py_False) == 0 &&
      PyDict_SetItem(dict, k.wsgi_multiprocess, constants.multiprocess ? Py_True : Py_False) == 0 &&
      PyDict_SetItem(dict, k.wsgi_run_once, Py_False) == 0 &&
      PyDict_SetItem(dict, k.wsgi_input_terminated, Py_True) == 0 &&
      (constants.errors == nullptr || PyDict_SetItem(dict, k.wsgi_errors, constants.errors) == 0) &&
      (constants.file_wrapper == nullptr || PyDict_SetItem(dict, k.wsgi_file_wrapper, constants.file_wrapper) == 0);
  // The keys build() sets on every request, as placeholders: the per-request copy then starts with them in its
  // hash table, and only the HTTP_* headers add entries (without them the copy grew, and rehashed, twice).
  const bool placeholders = ok && [&] {
    for (PyObject* key : {k.request_method, k.path_info, k.query_string, k.raw_uri, k.request_uri, k.server_protocol,
                          k.server_name, k.server_port, k.remote_addr, k.remote_port, k.wsgi_url_scheme, k.wsgi_input})
      if (PyDict_SetItem(dict, key, Py_None) != 0) return false;
    return true;
  }();
  if (!placeholders) return fail("embedded Python: cannot build the environ template: " + python::take_error());
  return builder;
}

PyObject* EnvironBuilder::server_value(std::string_view text, PyRef& cached_object, std::string& cached_text) {
  if (!cached_object || cached_text != text) {
    cached_object.reset(latin1(text));
    if (!cached_object) return nullptr;
    cached_text.assign(text);
  }
  return Py_NewRef(cached_object.get());
}

PyObject* EnvironBuilder::build(const RequestView& request, PyObject* input) {
  const Keys& k = keys();
  PyRef environ(PyDict_Copy(template_.get()));
  if (!environ) return nullptr;
  PyObject* dict = environ.get();
  char length_text[24];
  PyRef raw_target(latin1(request.target));
  if (!raw_target) return nullptr;
  bool ok =
      set(dict, k.request_method, method_value(request.method)) && set(dict, k.path_info, latin1(request.path)) &&
      set(dict, k.raw_uri, Py_NewRef(raw_target.get())) && set(dict, k.request_uri, Py_NewRef(raw_target.get())) &&
      set(dict, k.query_string, request.query.empty() ? Py_NewRef(k.empty) : latin1(request.query)) &&
      set(dict, k.server_protocol, Py_NewRef(request.http_minor == 0 ? k.http10 : k.http11)) &&
      set(dict, k.server_name, server_value(request.server.name, server_name_, server_name_text_)) &&
      set(dict, k.server_port, server_value(request.server.port, server_port_, server_port_text_)) &&
      set(dict, k.remote_addr, latin1(request.remote_addr)) && set(dict, k.remote_port, latin1(request.remote_port)) &&
      set(dict, k.wsgi_url_scheme, Py_NewRef(request.https ? k.https : k.http)) &&
      set(dict, k.wsgi_input, Py_NewRef(input));
  if (ok && request.content_length) {
    const int size = std::snprintf(length_text, sizeof length_text, "%llu",
                                   static_cast<unsigned long long>(*request.content_length));
    ok = set(dict, k.content_length, PyUnicode_FromStringAndSize(length_text, size));
  }
  for (std::size_t i = 0; ok && i < request.headers.size(); ++i) {
    const HeaderView& header = request.headers[i];
    if (same_name(header.name, "content-length")) continue;  // CONTENT_LENGTH comes from request.content_length
    PyRef key(same_name(header.name, "content-type") ? Py_NewRef(k.content_type) : header_key(header.name));
    PyRef value(latin1(header.value));
    if (!key || !value) return nullptr;
    if (PyObject* previous = PyDict_GetItemWithError(dict, key.get())) {
      PyRef joined(PyUnicode_FromFormat("%U,%U", previous, value.get()));
      if (!joined) return nullptr;
      value = std::move(joined);
    } else if (PyErr_Occurred()) {
      return nullptr;
    }
    ok = PyDict_SetItem(dict, key.get(), value.get()) == 0;
  }
  return ok ? environ.release() : nullptr;
}

}  // namespace deployctl::gateway::wsgi
