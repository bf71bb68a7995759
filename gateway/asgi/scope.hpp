// The HTTP connection scope of ASGI spec 2.4, built from prebuilt interned keys and constant values: one dict per
// request, copied from a template that holds every key (type, asgi and extensions with their values).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/error.hpp"
#include "gateway/app/exchange.hpp"
#include "python/py_ref.hpp"

namespace deployctl::gateway::asgi {

class ScopeBuilder {
 public:
  // `root_path`: --root-path, prefixed to path and raw_path as uvicorn does. Needs the GIL.
  static Result<std::unique_ptr<ScopeBuilder>> create(const std::string& root_path);

  // A new scope for the exchange's request. Null with a Python error set on failure.
  PyObject* build(const app::Exchange& exchange);

  // The lifespan state: each scope gets a shallow copy under "state" from now on.
  void share_state(const python::PyRef& state) { state_ = state; }

 private:
  ScopeBuilder() = default;
  // client and server as the spec gives them, from a cache: (host, port) tuples are immutable, so every request of a
  // keep-alive connection, and every request's server, shares one instead of building it per request.
  PyObject* address_of(std::string_view host, std::string_view port, bool unix_socket);
  static constexpr std::size_t max_cached_addresses = 1024;  // then the cache starts over
  std::unordered_map<std::string, python::PyRef> addresses_;
  std::string address_key_;  // reused: a lookup allocates nothing
  python::PyRef template_;
  python::PyRef state_;  // null: no lifespan state, no "state" key
  std::string root_path_text_;
  python::PyRef root_path_;
  python::PyRef http_10_, http_11_, http_, https_, get_, post_, head_;
  python::PyRef key_http_version_, key_method_, key_scheme_, key_path_, key_raw_path_, key_query_string_,
      key_root_path_, key_headers_, key_client_, key_server_, key_asgi_, key_state_, key_extensions_;
};

}  // namespace deployctl::gateway::asgi
